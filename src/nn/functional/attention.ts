// @file Scaled dot-product attention (F.scaled_dot_product_attention) and the causal-mask helper.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { add, all, any, batchedMatmul, eq, logicalNot, maskedFill, mul, softmax } from '../../ops/index.js';
import { readsSynchronously } from '../../ops/read.js';
import { checkOptions, optionKeys } from '../../options.js';
import { defaultGenerator, type Generator } from '../../random/generator.js';
import { tensor, zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import { broadcastShapes, shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability, dropout } from './dropout.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. A bool mask says which query–key pairs take part (true = attend, as in
   * PyTorch 2's scaled_dot_product_attention); a float mask is added to the scores (−∞ blocks a pair).
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights, applied whenever > 0 (pass 0 in evaluation). Default 0. */
  dropoutP?: number;
  /** Query i attends to keys j ≤ i only (the top-left-aligned lower triangle). Not with `attnMask`. */
  isCausal?: boolean;
  /** Factor on QKᵀ; default 1/√E with E the query's last dim. */
  scale?: number | null;
  /** Generator of the dropout masks (default: the global seeded one). */
  generator?: Generator;
}

const SDPA_KEYS = optionKeys<ScaledDotProductAttentionOptions>({
  attnMask: true,
  dropoutP: true,
  isCausal: true,
  scale: true,
  generator: true,
});

/** The attention output [..., L, Ev] and the weights [..., L, S] it was computed with (after dropout). */
export interface AttentionResult {
  output: Tensor;
  weights: Tensor;
}

/**
 * A bool [L, S] mask, true where j ≤ i: the pairs a causal (autoregressive) model may attend to, in the
 * convention of scaledDotProductAttention's bool `attnMask`.
 */
export function causalMask(queryLength: number, keyLength = queryLength): Tensor {
  checkLength('causalMask', 'queryLength', queryLength);
  checkLength('causalMask', 'keyLength', keyLength);
  const data = new Uint8Array(queryLength * keyLength);
  for (let i = 0; i < queryLength; i++) {
    for (let j = 0; j <= i && j < keyLength; j++) data[i * keyLength + j] = 1;
  }
  return tensor(data, { shape: [queryLength, keyLength], dtype: 'bool' });
}

/**
 * The additive causal mask of nn.Transformer.generate_square_subsequent_mask: an [n, n] float tensor with 0 on
 * and below the diagonal and −∞ above it, the convention of MultiheadAttention's float `attnMask`.
 */
export function generateSquareSubsequentMask(n: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  checkLength('generateSquareSubsequentMask', 'n', n);
  const data = dtype === 'float64' ? new Float64Array(n * n) : new Float32Array(n * n);
  for (let i = 0; i < n; i++) data.fill(-Infinity, i * n + i + 1, (i + 1) * n);
  return tensor(data, { shape: [n, n], dtype });
}

function checkLength(op: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValueError(op, `${name} must be an integer ≥ 0, got ${String(value)}`);
  }
}

/**
 * Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention; Vaswani et al., 2017):
 *
 *   out = dropout(softmax(Q·Kᵀ·scale + B)) · V
 *
 * for query [..., L, E], key [..., S, E] and value [..., S, Ev] whose leading (batch, head) dims broadcast;
 * the result is [..., L, Ev]. B is 0 where a pair takes part and −∞ where it does not: from `isCausal`
 * (j > i is blocked), a bool `attnMask` (false is blocked), or a float `attnMask` added as it is.
 *
 * A query row whose keys are all blocked gets zero weights and a zero output (PyTorch ≥ 2.5's rule) rather
 * than NaN. Built from matmul, softmax and an added mask, so it is differentiable in query, key, value and a float
 * mask.
 * @throws ShapeError naming the shapes when the dims do not fit; DTypeError for non-float inputs or an
 * int mask; ValueError for `isCausal` with `attnMask`, or a dropout probability outside [0, 1].
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  return attention('scaledDotProductAttention', query, key, value, options).output;
}

/**
 * scaledDotProductAttention returning the attention weights too (what MultiheadAttention reports with
 * `needWeights`); `op` names the caller in errors.
 */
export function attention(
  op: string,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): AttentionResult {
  checkOptions(op, options, SDPA_KEYS);
  const { attnMask = null, dropoutP = 0, isCausal = false, scale = null } = options;
  checkDropoutProbability(op, dropoutP);
  const [queryLength, keyLength] = checkShapes(op, query, key, value);
  if (isCausal && attnMask) {
    throw new ValueError(
      op,
      'pass either isCausal or attnMask, not both (fold the causal pattern into the mask)',
    );
  }
  if (scale !== null && (typeof scale !== 'number' || !Number.isFinite(scale))) {
    throw new ValueError(op, `scale must be a finite number, got ${String(scale)}`);
  }
  const factor = scale ?? 1 / Math.sqrt(query.shape[query.ndim - 1]!);
  // Scaling the query costs L·E multiplications instead of L·S on the scores (PyTorch scales q too).
  let scores = batchedMatmul(mul(query, factor), key, false, true, op);
  const mask = isCausal ? causalMask(queryLength, keyLength) : attnMask;
  let deadRows: Tensor | null = null;
  if (mask) {
    checkMask(op, mask, query, scores.shape);
    // Work on the (usually small) mask: an additive bias, with rows that block every key set to 0 so that
    // their softmax stays finite; those rows' weights are zeroed afterwards.
    const blocked = mask.dtype === 'bool' ? logicalNot(mask) : eq(mask, -Infinity);
    deadRows = anyTrue(all(blocked, -1, true));
    let bias =
      mask.dtype === 'bool'
        ? maskedFill(zeros(mask.shape, { dtype: query.dtype }), blocked, -Infinity)
        : mask;
    if (deadRows) bias = maskedFill(bias, deadRows, 0);
    scores = add(scores, bias);
  }
  let weights = softmax(scores, -1);
  if (deadRows) weights = maskedFill(weights, deadRows, 0);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true, options.generator ?? defaultGenerator);
  return { output: batchedMatmul(weights, value, false, false, op), weights };
}

/**
 * `rows` if any of its entries is true, else null (so the common case adds no ops). A backend that reads only
 * asynchronously (webgpu) always gets `rows`: filling by an all-false mask changes nothing, and reading the
 * answer back would need an await.
 */
function anyTrue(rows: Tensor): Tensor | null {
  if (!readsSynchronously()) return rows;
  return any(rows).item() !== 0 ? rows : null;
}

/** Checks ranks, dtypes and the E and S dims of query, key and value; returns [L, S]. */
function checkShapes(op: string, query: Tensor, key: Tensor, value: Tensor): [number, number] {
  const shapes = `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`;
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(op, `query, key and value need at least 2 dims [..., L or S, E], got ${shapes}`);
  }
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (!isFloat(t.dtype))
      throw new DTypeError(op, `expected a floating-point ${name}, got dtype ${t.dtype}`);
  }
  if (key.dtype !== query.dtype || value.dtype !== query.dtype) {
    throw new DTypeError(
      op,
      `query, key and value must have one dtype, got ${query.dtype}, ${key.dtype} and ${value.dtype}`,
    );
  }
  const embed = query.shape[query.ndim - 1]!;
  if (key.shape[key.ndim - 1] !== embed) {
    throw new ShapeError(op, `query and key must end with the same size E, got ${shapes}`);
  }
  const keyLength = key.shape[key.ndim - 2]!;
  if (value.shape[value.ndim - 2] !== keyLength) {
    throw new ShapeError(op, `key and value must have the same length S (dim −2), got ${shapes}`);
  }
  const batch = (t: Tensor) => t.shape.slice(0, -2);
  try {
    broadcastShapes(op, broadcastShapes(op, batch(query), batch(key)), batch(value));
  } catch {
    throw new ShapeError(op, `the leading (batch, head) dims do not broadcast together: ${shapes}`);
  }
  return [query.shape[query.ndim - 2]!, keyLength];
}

/** Checks a mask's dtype and that it broadcasts to the scores' shape [..., L, S] without growing it. */
function checkMask(op: string, mask: Tensor, query: Tensor, scoresShape: readonly number[]): void {
  if (mask.dtype !== 'bool' && !isFloat(mask.dtype)) {
    throw new DTypeError(op, `attnMask must be bool or floating point, got dtype ${mask.dtype}`);
  }
  if (mask.dtype !== 'bool' && mask.dtype !== query.dtype) {
    throw new DTypeError(
      op,
      `a float attnMask must have the query's dtype ${query.dtype}, got ${mask.dtype}`,
    );
  }
  let fits = mask.ndim >= 1;
  if (fits) {
    try {
      fits = shapesEqual(broadcastShapes(op, mask.shape, scoresShape), scoresShape);
    } catch {
      fits = false;
    }
  }
  if (!fits) {
    throw new ShapeError(
      op,
      `attnMask of shape ${fmtShape(mask.shape)} does not broadcast to the attention scores' shape ${fmtShape(scoresShape)} [..., L, S]`,
    );
  }
}
