// @file Runners of the cumsum/cumprod golden fixtures (test/fixtures/scan.json): shared by the Node suites and the WebGPU page.
import { cumprod, cumsum } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

const dim = (p: Params): number => p.dim as number;
export const SCAN_RUNNERS: Record<string, Runner> = {
  cumsum: ([x], p) => cumsum(x!, dim(p)),
  cumprod: ([x], p) => cumprod(x!, dim(p)),
};
