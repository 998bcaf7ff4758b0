// @file data for Node: the browser-safe data namespace, with datasets that read files.
export * from '../data/index.js';
export * as datasets from './datasets.js';
