// @file Node entry (`neurite/node`): everything in `neurite`, plus what needs the file system (io.save/io.load, datasets read from disk).
export * from '../index.js';
export * as io from './io.js';
export * as data from './data.js';
