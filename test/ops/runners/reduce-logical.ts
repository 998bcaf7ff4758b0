// @file Runners of the amax/amin/any/all golden fixtures (test/fixtures/reduce_logical.json): shared by the Node suites and the WebGPU page.
import { all, amax, amin, any } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

type Dims = number | number[] | undefined;
const dimOf = (p: Params): Dims =>
  p.dim === null || p.dim === undefined ? undefined : (p.dim as number | number[]);
const keep = (p: Params): boolean => p.keepdim === true;

export const REDUCE_LOGICAL_RUNNERS: Record<string, Runner> = {
  amax: ([x], p) => amax(x!, dimOf(p), keep(p)),
  amin: ([x], p) => amin(x!, dimOf(p), keep(p)),
  any: ([x], p) => any(x!, dimOf(p), keep(p)),
  all: ([x], p) => all(x!, dimOf(p), keep(p)),
};
