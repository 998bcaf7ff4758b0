// @file The loss functions of nn.functional, by family (classification, binary, regression and KL).
export {
  checkLabelSmoothing,
  checkReduction,
  checkThreshold,
  type Reduction,
  type ReductionOptions,
  type NLLLossOptions,
  type CrossEntropyOptions,
  type BCELossOptions,
  type BCEWithLogitsOptions,
  type HuberLossOptions,
  type SmoothL1LossOptions,
  type KLDivOptions,
} from './loss-common.js';
export { nllLoss, crossEntropy } from './loss-classification.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './loss-binary.js';
export { mseLoss, l1Loss, huberLoss, smoothL1Loss, klDiv } from './loss-regression.js';
