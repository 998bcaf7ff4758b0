// @file Functional pooling (torch.nn.functional.max_pool2d, avg_pool2d, adaptive_avg_pool2d); the ops live in ops/pool.ts.
export {
  adaptiveAvgPool2d,
  avgPool2d,
  maxPool2d,
  type AdaptiveSize,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
} from '../../ops/pool.js';
