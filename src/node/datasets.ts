// @file data.datasets for Node: the browser-safe built-in datasets plus those read from disk (FashionMNIST, IDX and CSV files).
export * from '../data/datasets/index.js';
export { readIdx, MAX_IDX_BYTES, type ReadIdxOptions } from '../data/datasets/idx-file.js';
export { FashionMNIST, FASHION_MNIST_DIR, type FashionMNISTOptions } from '../data/datasets/fashion-mnist.js';
export { readCsv } from '../data/datasets/csv-file.js';
