// @file Functional convolutions (torch.nn.functional.conv1d, conv2d); the ops live in ops/conv.ts.
export {
  conv1d,
  conv2d,
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvPadding,
  type IntOrPair,
} from '../../ops/conv.js';
