// @file data: datasets, mini-batch loading and splitting (torch.utils.data), the built-in datasets and image transforms.
export { Dataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { randomSplit, type RandomSplitOptions } from './random-split.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderState } from './dataloader.js';
export { defaultCollate, type Collated } from './collate.js';
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
