// @file Runners of the sort golden fixtures (sort, argsort, topk): shared by the Node suite and the WebGPU kernel page.
import { argsort, sort, topk } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

const sortOptions = (p: Params) => ({ dim: p.dim as number, descending: p.descending as boolean });
export const SORT_RUNNERS: Record<string, Runner> = {
  sort: ([x], p) => sort(x!, { ...sortOptions(p), stable: true }),
  argsort: ([x], p) => argsort(x!, { ...sortOptions(p), stable: true }),
  topk: ([x], p) => topk(x!, p.k as number, { dim: p.dim as number, largest: p.largest as boolean }),
};
