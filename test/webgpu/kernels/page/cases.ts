// @file Every kernel case the page can run, by name (the runner in Node lists the same names).
import type { KernelCase } from './check.js';
import { convCases } from './conv-cases.js';
import { indexingCases } from './indexing-cases.js';
import { lossCases } from './loss-cases.js';
import { matmulCases } from './matmul-cases.js';
import { optimCases } from './optim-cases.js';
import { poolCases } from './pool-cases.js';
import { recurrentCases } from './recurrent-cases.js';
import { sortCases } from './sort-cases.js';

export const allCases: Record<string, KernelCase> = {
  ...matmulCases,
  ...lossCases,
  ...optimCases,
  ...convCases,
  ...poolCases,
  ...indexingCases,
  ...sortCases,
  ...recurrentCases,
};
