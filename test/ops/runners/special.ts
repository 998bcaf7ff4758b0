// @file Runners of the special-function golden fixtures (test/fixtures/special.json): shared by the Node suites and the WebGPU page.
import { erf } from '../../../src/index.js';
import type { Runner } from '../../helpers/golden.js';

export const SPECIAL_RUNNERS: Record<string, Runner> = { erf: ([x]) => erf(x!) };
