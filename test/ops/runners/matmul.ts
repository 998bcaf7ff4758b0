// @file Runners of the matmul and bmm golden fixtures: shared by the Node suites and the WebGPU kernel page.
import { baddbmm, bmm, linear, matmul, outer } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

export const MATMUL_RUNNERS: Record<string, Runner> = {
  matmul: ([a, b]) => matmul(a!, b!),
  linear: ([x, w, b]) => linear(x!, w!, b),
  outer: ([a, b]) => outer(a!, b!),
};

const scales = (p: Params) => ({ beta: p.beta as number, alpha: p.alpha as number });
export const BMM_RUNNERS: Record<string, Runner> = {
  bmm: ([a, b]) => bmm(a!, b!),
  baddbmm: ([input, a, b], p) => baddbmm(input!, a!, b!, scales(p)),
};
