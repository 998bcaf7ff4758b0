// @file train: fit/evaluate/predict, yieldToEventLoop, callbacks (EarlyStopping, ProgressBar, History, LambdaCallback) and metrics.
export {
  fit,
  evaluate,
  predict,
  NonFiniteLossError,
  type FitOptions,
  type EvaluateOptions,
  type OptimizerLike,
  type SchedulerLike,
  type LossFn,
  type MetricSpec,
  type Batches,
} from './loop.js';
export { evaluateAsync } from './async-reads.js';
export { yieldToEventLoop } from './event-loop.js';
export type { Callback, Logs, TrainContext } from './callbacks/callback.js';
export { History } from './callbacks/history.js';
export { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { ProgressBar, type ProgressBarOptions, type Writable } from './callbacks/progress-bar.js';
export { LambdaCallback } from './callbacks/lambda.js';
export * as metrics from './metrics.js';
export {
  accuracy,
  binaryAccuracy,
  confusionMatrix,
  precision,
  recall,
  f1,
  mae,
  type MetricFn,
  type Average,
} from './metrics.js';
