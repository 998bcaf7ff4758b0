// @file The reference backend: plain TypeScript kernels, always available, the oracle for faster backends.
import type { Backend } from '../types.js';
import { binary, expand, where } from './binary.js';
import { permute } from './layout.js';
import { matmul } from './matmul.js';
import { argReduce, reduce } from './reduce.js';
import { softmax } from './softmax.js';
import { unary } from './unary.js';

export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  reduce,
  argReduce,
  softmax,
  matmul,
  permute,
  expand,
};
