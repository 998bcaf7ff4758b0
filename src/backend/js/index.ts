// @file The reference backend: plain TypeScript kernels, always available, the oracle for faster backends.
import type { Backend } from '../types.js';
import { binary, expand, where } from './binary.js';
import { avgPool2d, avgPool2dBackward, col2im, im2col, maxPool2d, maxPool2dBackward } from './conv.js';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from './convolution.js';
import { gather, indexAdd, indexSelect, scatter } from './gather.js';
import { permute } from './layout.js';
import {
  classIndexLoss,
  classIndexLossBackward,
  classProbabilityLoss,
  classProbabilityLossBackward,
  pointwiseLoss,
  pointwiseLossBackward,
} from './loss.js';
import { matmul } from './matmul.js';
import { batchNorm, batchNormBackward, channelAffine } from './normalization.js';
import { optimizerStep } from './optim.js';
import { argReduce, reduce } from './reduce.js';
import { recurrenceBackward, recurrenceForward } from './recurrence.js';
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from './recurrent.js';
import { cumprodGrad, scan } from './scan.js';
import { slice, sliceAssign } from './slice.js';
import { sort } from './sort.js';
import { softmax } from './softmax.js';
import { erf } from './special.js';
import { triangle } from './triangular.js';
import { unary, unaryGrad } from './unary.js';

export const jsBackend: Backend = {
  name: 'js',
  readsSync: true,
  unary,
  unaryGrad,
  binary,
  where,
  reduce,
  argReduce,
  sort,
  scan,
  cumprodGrad,
  triangle,
  erf,
  softmax,
  matmul,
  permute,
  expand,
  slice,
  sliceAssign,
  gather,
  scatter,
  indexSelect,
  indexAdd,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  im2col,
  col2im,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  batchNorm,
  batchNormBackward,
  channelAffine,
  optimizerStep,
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
  recurrenceForward,
  recurrenceBackward,
  classIndexLoss,
  classIndexLossBackward,
  classProbabilityLoss,
  classProbabilityLossBackward,
  pointwiseLoss,
  pointwiseLossBackward,
};
