// @file The options shared by the Transformer encoder and decoder layers, checked and resolved in one place.
import { ValueError } from '../../errors.js';
import { gelu, relu } from '../../ops/index.js';
import { checkOptions, optionKeys } from '../../options.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability } from '../functional/dropout.js';
import { checkInteger } from '../module.js';

/** The feed-forward nonlinearity: PyTorch's two names, or any tensor function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** Feed-forward nonlinearity (default 'relu'). */
  activation?: TransformerActivation;
  /** LayerNorm ε (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [N, L, dModel] instead of the default [L, N, dModel]. */
  batchFirst?: boolean;
  /** LayerNorm before each block (pre-norm) instead of after each residual sum (default false, post-norm). */
  normFirst?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: 'float32' | 'float64';
}

const TRANSFORMER_LAYER_KEYS = optionKeys<TransformerLayerOptions>({
  dimFeedforward: true,
  dropout: true,
  activation: true,
  layerNormEps: true,
  batchFirst: true,
  normFirst: true,
  dtype: true,
});

/** Checks a Transformer layer's sizes and options and resolves the activation; `op` names the class. */
export function transformerLayerConfig(
  op: string,
  dModel: number,
  nhead: number,
  options: TransformerLayerOptions,
): Required<Omit<TransformerLayerOptions, 'activation'>> & { activation: (x: Tensor) => Tensor } {
  checkOptions(op, options, TRANSFORMER_LAYER_KEYS);
  checkInteger(op, 'dModel', dModel);
  checkInteger(op, 'nhead', nhead);
  const {
    dimFeedforward = 2048,
    dropout = 0.1,
    activation = 'relu',
    layerNormEps = 1e-5,
    batchFirst = false,
    normFirst = false,
    dtype = 'float32',
  } = options;
  checkInteger(op, 'dimFeedforward', dimFeedforward);
  checkDropoutProbability(op, dropout);
  let activationFn: (x: Tensor) => Tensor;
  if (activation === 'relu') activationFn = relu;
  else if (activation === 'gelu') activationFn = (x) => gelu(x);
  else if (typeof activation === 'function') activationFn = activation;
  else
    throw new ValueError(op, `activation should be 'relu', 'gelu' or a function, not ${String(activation)}`);
  return { dimFeedforward, dropout, activation: activationFn, layerNormEps, batchFirst, normFirst, dtype };
}
