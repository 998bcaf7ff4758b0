// @file viz loss surface: 2-D test functions, optimizer paths on them, loss surfaces of real models and their SVG.
export { TEST_FUNCTIONS, type TestFunction } from './test-functions.js';
export {
  runOptimizerOnFunction,
  DEFAULT_LEARNING_RATES,
  type RunOnFunctionOptions,
  type OptimizerPath,
} from './run-optimizer.js';
