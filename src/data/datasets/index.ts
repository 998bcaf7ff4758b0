// @file Built-in datasets (browser-safe): the 2-D toy sets of TensorFlow Playground and sklearn, pass-the-class, CSV text, IDX bytes, Fashion-MNIST's class names.
export { circle, xor, gauss, spiral, moons, type MultiClassToyOptions } from './toy.js';
export { passTheClass, PassTheClassDataset, type PassTheClassOptions } from './pass-the-class.js';
export { ToyDataset, type ToyOptions, type LabelFormat } from './common.js';
export { parseIdx, parseIdxHeader, type IdxArray, type IdxHeader } from './idx.js';
export { FASHION_MNIST_CLASSES } from './fashion-mnist-classes.js';
export {
  csv,
  parseCsv,
  parseNumber,
  type CsvDataset,
  type CsvOptions,
  type ParseCsvOptions,
  type Task as CsvTask,
} from './csv.js';
