// @file Built-in datasets: the 2-D toy sets of TensorFlow Playground and sklearn, and pass-the-class.
export { circle, xor, gauss, spiral, moons, type MultiClassToyOptions } from './toy.js';
export { passTheClass, PassTheClassDataset, type PassTheClassOptions } from './pass-the-class.js';
export { ToyDataset, type ToyOptions, type LabelFormat } from './common.js';
