// @file optim: optimizers, learning-rate schedulers (optim.lrScheduler) and optimizer state dicts (torch.optim).
export {
  Optimizer,
  stateDictToJSON,
  stateDictFromJSON,
  type OptimizerOptions,
  type OptimizerStateDict,
  type OptimizerStateDictJSON,
  type TensorJSON,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';
export * from './sgd.js';
export * from './adam.js';
export * from './adamw.js';
export * from './adagrad.js';
export * from './adadelta.js';
export * from './rmsprop.js';
export * as lrScheduler from './lr-scheduler/index.js';
export {
  createOptimizer,
  OPTIMIZER_NAMES,
  type OptimizerName,
  type NamedOptimizerOptions,
} from './create.js';
