// @file Runners of the einsum golden fixtures (test/fixtures/einsum.json): shared by the Node suites and the WebGPU page.
import { einsum } from '../../../src/index.js';
import type { Runner } from '../../helpers/golden.js';

export const EINSUM_RUNNERS: Record<string, Runner> = {
  einsum: (inputs, p) => einsum(p.equation as string, ...inputs),
};
