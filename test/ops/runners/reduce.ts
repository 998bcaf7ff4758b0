// @file Runners of the reduce golden fixtures (test/fixtures/reduce.json): shared by the Node suites and the WebGPU page.
import * as nt from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

type Dims = number | number[] | undefined;
const dimOf = (p: Params): Dims =>
  p.dim === null || p.dim === undefined ? undefined : (p.dim as number | number[]);
const oneDim = (p: Params): number | undefined => dimOf(p) as number | undefined;
const keep = (p: Params): boolean => p.keepdim === true;
const order = (p: Params): number => (p.p === 'inf' ? Infinity : (p.p as number));

const extremum =
  (f: typeof nt.max): Runner =>
  ([x], p) => {
    const dim = oneDim(p);
    return dim === undefined ? f(x!) : f(x!, dim, keep(p));
  };

export const REDUCE_RUNNERS: Record<string, Runner> = {
  sum: ([x], p) => nt.sum(x!, dimOf(p), keep(p)),
  mean: ([x], p) => nt.mean(x!, dimOf(p), keep(p)),
  prod: ([x], p) => nt.prod(x!, oneDim(p), keep(p)),
  max: extremum(nt.max),
  min: extremum(nt.min),
  argmax: ([x], p) => nt.argmax(x!, oneDim(p), keep(p)),
  argmin: ([x], p) => nt.argmin(x!, oneDim(p), keep(p)),
  var: ([x], p) => nt.variance(x!, dimOf(p), { correction: p.correction as number, keepdim: keep(p) }),
  std: ([x], p) => nt.std(x!, dimOf(p), { correction: p.correction as number, keepdim: keep(p) }),
  logsumexp: ([x], p) => nt.logsumexp(x!, dimOf(p)!, keep(p)),
  norm: ([x], p) => nt.norm(x!, order(p), dimOf(p), keep(p)),
  softmax: ([x], p) => nt.softmax(x!, p.dim as number),
  logSoftmax: ([x], p) => nt.logSoftmax(x!, p.dim as number),
  logSoftmaxReciprocal: ([x], p) => nt.reciprocal(nt.logSoftmax(x!, p.dim as number)),
};
