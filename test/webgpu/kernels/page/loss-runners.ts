// @file Runners of the loss golden fixtures for the WebGPU page: the functional forms only (the Node suite's
// runners also compare each module's output synchronously, which a GPU backend cannot read).
import { nn, tensor, type NestedArray, type Tensor } from '../../../../src/index.js';
import type { Params, Runner } from '../../../helpers/golden.js';

const F = nn.functional;
type Reduction = 'mean' | 'sum' | 'none';

const maybeTensor = (value: unknown, like: Tensor): Tensor | undefined =>
  value === undefined ? undefined : tensor(value as NestedArray, { dtype: like.dtype });
const reductionOf = (p: Params): Reduction => p.reduction as Reduction;

export const LOSS_RUNNERS: Record<string, Runner> = {
  crossEntropy: ([x, y], p) =>
    F.crossEntropy(x!, y!, {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      ignoreIndex: p.ignoreIndex as number | undefined,
      labelSmoothing: p.labelSmoothing as number | undefined,
    }),
  nllLoss: ([x, y], p) =>
    F.nllLoss(x!, y!, {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      ignoreIndex: p.ignoreIndex as number | undefined,
    }),
  binaryCrossEntropy: ([x, y], p) =>
    F.binaryCrossEntropy(x!, y!, { reduction: reductionOf(p), weight: maybeTensor(p.weight, x!) }),
  binaryCrossEntropyWithLogits: ([x, y], p) =>
    F.binaryCrossEntropyWithLogits(x!, y!, {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      posWeight: maybeTensor(p.posWeight, x!),
    }),
  mseLoss: ([x, y], p) => F.mseLoss(x!, y!, { reduction: reductionOf(p) }),
  l1Loss: ([x, y], p) => F.l1Loss(x!, y!, { reduction: reductionOf(p) }),
  huberLoss: ([x, y], p) =>
    F.huberLoss(x!, y!, { reduction: reductionOf(p), delta: p.delta as number | undefined }),
  smoothL1Loss: ([x, y], p) =>
    F.smoothL1Loss(x!, y!, { reduction: reductionOf(p), beta: p.beta as number | undefined }),
  klDiv: ([x, y], p) =>
    F.klDiv(x!, y!, {
      reduction: p.reduction as Reduction | 'batchmean',
      logTarget: p.logTarget as boolean | undefined,
    }),
};
