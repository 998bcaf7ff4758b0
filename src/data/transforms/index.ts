// @file Image transforms (torchvision.transforms) as composable functions, for a dataset's `transform` option.
export type { Transform, Image } from './types.js';
export { toTensor } from './to-tensor.js';
export { normalize } from './normalize.js';
export { randomHorizontalFlip, type RandomHorizontalFlipOptions } from './random-horizontal-flip.js';
export { randomCrop, type RandomCropOptions } from './random-crop.js';
export { compose } from './compose.js';
