// @file Runners of the tril/triu golden fixtures (test/fixtures/triangular.json): shared by the Node suites and the WebGPU page.
import { tril, triu } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

const diagonal = (p: Params): number | undefined => p.diagonal as number | undefined;
export const TRIANGULAR_RUNNERS: Record<string, Runner> = {
  tril: ([x], p) => tril(x!, diagonal(p)),
  triu: ([x], p) => triu(x!, diagonal(p)),
};
