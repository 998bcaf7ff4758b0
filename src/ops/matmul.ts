// @file Linear algebra: matmul (1-D, 2-D, batched with broadcast batch dims), bmm, baddbmm, linear and outer.
import { exclusiveGrad } from '../autograd/exclusive.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { scalar } from '../tensor/create.js';
import { allocateUninitialized, isFloat, promoteTypes, type FloatArray } from '../tensor/dtype.js';
import { broadcastShapes, numel, shapesEqual, stridesOf } from '../tensor/shape.js';
import { lastIndex } from '../tensor/strided.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul, where } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

function floatOperands(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (!isFloat(a.dtype) || !isFloat(b.dtype)) {
    throw new DTypeError(op, `expected floating-point tensors, got ${a.dtype} and ${b.dtype}`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  return [a.dtype === dtype ? a : a.to(dtype), b.dtype === dtype ? b : b.to(dtype)];
}

/**
 * op(a)·op(b) over the last two dims of tensors with ≥ 2 dims, broadcasting the leading (batch) dims;
 * op transposes the last two dims when its flag is set, without copying. ∂ is again a transposed product,
 * so the backward pass never materialises a transpose.
 */
export function batchedMatmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean, op = 'matmul'): Tensor {
  const [m, ka] = transA
    ? [a.shape[a.ndim - 1]!, a.shape[a.ndim - 2]!]
    : [a.shape[a.ndim - 2]!, a.shape[a.ndim - 1]!];
  const [kb, n] = transB
    ? [b.shape[b.ndim - 1]!, b.shape[b.ndim - 2]!]
    : [b.shape[b.ndim - 2]!, b.shape[b.ndim - 1]!];
  if (ka !== kb) {
    const flags = transA || transB ? ` with transA=${transA}, transB=${transB}` : '';
    throw new ShapeError(
      op,
      `cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}${flags} (${ka} ≠ ${kb})`,
    );
  }
  let batch: readonly number[] | null = null;
  if (a.ndim > 2 || b.ndim > 2) {
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    try {
      batch = broadcastShapes(op, aBatch, bBatch);
    } catch {
      throw new ShapeError(
        op,
        `batch dims of shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast together`,
      );
    }
  }
  const left = matrixOperand(a, transA, batch);
  const right = matrixOperand(b, transB, batch);
  batch ??= NO_BATCH;
  const count = numel(batch);
  const dtype = a.dtype;
  const out = allocateUninitialized(dtype, count * m * n) as FloatArray; // the kernel writes every element
  backend().matmul(
    left.data,
    left.offsets,
    right.data,
    right.offsets,
    out,
    m,
    ka,
    n,
    left.trans,
    right.trans,
  );
  const result = new Tensor(out, [...batch, m, n], dtype);
  return record(
    result,
    op,
    [a, b],
    (g) => [
      a.requiresGrad
        ? transA
          ? batchedMatmul(b, g, transB, true)
          : batchedMatmul(g, b, false, !transB)
        : null,
      b.requiresGrad
        ? transB
          ? batchedMatmul(g, a, true, transA)
          : batchedMatmul(a, g, !transA, false)
        : null,
    ],
    undefined,
    a.requiresGrad ? (b.requiresGrad ? [a, b] : [b]) : [a],
  );
}

/** Two 2-D operands: no batch dims, one matrix each at offset 0. */
const NO_BATCH: readonly number[] = Object.freeze([]);
const ONE_MATRIX: readonly number[] = Object.freeze([0]);

/** How the kernel reads one operand: an array, each matrix's offset in it, and whether it is stored transposed. */
interface MatrixOperand {
  data: FloatArray;
  offsets: readonly number[];
  trans: boolean;
}

/**
 * An operand of batchedMatmul as the kernel reads it, `batch` being the broadcast batch dims (null for two 2-D
 * operands). A strided view whose matrices are row-major or column-major blocks (a transpose or mT, a narrow or
 * select of batch dims, an expand of them) is read in place, a column-major one with its transpose flag flipped;
 * any other layout is gathered by `storage`.
 */
function matrixOperand(t: Tensor, trans: boolean, batch: readonly number[] | null): MatrixOperand {
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  if (!t.isContiguous() && t.numel() > 0) {
    const strides = t.strides;
    const rowStride = strides[t.ndim - 2]!;
    const colStride = strides[t.ndim - 1]!;
    const rowMajor = (colStride === 1 || cols === 1) && (rowStride === cols || rows === 1);
    const columnMajor = (rowStride === 1 || rows === 1) && (colStride === rows || cols === 1);
    if (rowMajor || columnMajor) {
      const data = t.storageBase.subarray(t.offset, lastIndex(t.shape, t) + 1) as FloatArray;
      const offsets =
        batch === null ? ONE_MATRIX : batchOffsets(t.shape.slice(0, -2), strides.slice(0, -2), batch);
      return { data, offsets, trans: rowMajor ? trans : !trans };
    }
  }
  if (batch === null) return { data: t.storage as FloatArray, offsets: ONE_MATRIX, trans };
  const own = t.shape.slice(0, -2);
  const offsets = batchOffsets(
    own,
    stridesOf(own).map((s) => s * rows * cols),
    batch,
  );
  return { data: t.storage as FloatArray, offsets, trans };
}

/** Storage offset of each matrix of batch dims `own` (element strides `strides`), read as broadcast to `batch`. */
function batchOffsets(
  own: readonly number[],
  strides: readonly number[],
  batch: readonly number[],
): number[] {
  const count = numel(batch);
  const offsets = new Array<number>(count);
  const lead = batch.length - own.length;
  for (let i = 0; i < count; i++) {
    let rest = i;
    let offset = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const size = batch[d]!;
      const idx = rest % size;
      rest = Math.floor(rest / size);
      const ownDim = d - lead;
      if (ownDim >= 0 && own[ownDim] !== 1) offset += idx * strides[ownDim]!;
    }
    offsets[i] = offset;
  }
  return offsets;
}

/**
 * Matrix product with torch.matmul's rules: 1-D·1-D is a dot product, 2-D·2-D a matrix product, a 1-D
 * operand is treated as a row (left) or column (right) vector and that dim removed, and ≥3-D operands are
 * batches of matrices whose batch dims broadcast.
 * @throws ShapeError `matmul: cannot multiply shapes [64, 784] and [128, 10] (784 ≠ 128)`.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const [x, y] = floatOperands('matmul', a, b);
  const left = x.ndim === 1 ? reshape(x, [1, x.shape[0]!]) : x;
  const right = y.ndim === 1 ? reshape(y, [y.shape[0]!, 1]) : y;
  if (left.shape[left.ndim - 1] !== right.shape[right.ndim - 2]) {
    const ka = x.shape[x.ndim - 1]!;
    const kb = y.ndim === 1 ? y.shape[0]! : y.shape[y.ndim - 2]!;
    throw new ShapeError(
      'matmul',
      `cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (${ka} ≠ ${kb})`,
    );
  }
  let out = batchedMatmul(left, right, false, false);
  if (x.ndim === 1) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]!]);
  if (y.ndim === 1) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

/** Checks bmm's operands: both 3-D, one batch size, a's columns = b's rows. */
function checkBmmShapes(op: string, a: Tensor, b: Tensor): void {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new ShapeError(
      op,
      `expected two 3-D tensors [batch, n, m] and [batch, m, p], got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      op,
      `batch sizes differ: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (${a.shape[0]} ≠ ${b.shape[0]})`,
    );
  }
  if (a.shape[2] !== b.shape[1]) {
    throw new ShapeError(
      op,
      `cannot multiply shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (${a.shape[2]} ≠ ${b.shape[1]})`,
    );
  }
}

/**
 * Batched matrix product of two 3-D tensors with the same batch size (torch.bmm):
 * out[i] = a[i]·b[i], a [B, n, m], b [B, m, p] → [B, n, p]. Unlike matmul, nothing broadcasts.
 * ∂a = g·bᵀ, ∂b = aᵀ·g per batch entry.
 * @throws ShapeError `bmm: batch sizes differ: shapes [2, 3, 4] and [3, 4, 5] (2 ≠ 3)`.
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkBmmShapes('bmm', a, b);
  const [x, y] = floatOperands('bmm', a, b);
  return batchedMatmul(x, y, false, false, 'bmm');
}

/** Scales of baddbmm: out = beta·input + alpha·(a·b). */
export interface BaddbmmOptions {
  beta?: number;
  alpha?: number;
}
const BADDBMM_KEYS = optionKeys<BaddbmmOptions>({ beta: true, alpha: true });

/**
 * out[i] = β·input[i] + α·(a[i]·b[i]) (torch.baddbmm), a [B, n, m], b [B, m, p]; input broadcasts to
 * [B, n, p]. With β = 0 input is ignored: its NaN and ∞ do not reach the result and its gradient is 0.
 * ∂input = β·g (summed to input's shape), ∂a = α·g·bᵀ, ∂b = α·aᵀ·g.
 * @throws ShapeError when input does not broadcast to [B, n, p], or as bmm.
 */
export function baddbmm(input: Tensor, a: Tensor, b: Tensor, options: BaddbmmOptions = {}): Tensor {
  checkOptions('baddbmm', options, BADDBMM_KEYS);
  const { beta = 1, alpha = 1 } = options;
  if (!Number.isFinite(beta) || !Number.isFinite(alpha)) {
    throw new ValueError(
      'baddbmm',
      `beta and alpha must be finite numbers, got beta=${beta}, alpha=${alpha}`,
    );
  }
  checkBmmShapes('baddbmm', a, b);
  const outShape = [a.shape[0]!, a.shape[1]!, b.shape[2]!];
  let fits: boolean;
  try {
    fits = shapesEqual(broadcastShapes('baddbmm', input.shape, outShape), outShape);
  } catch {
    fits = false;
  }
  if (!fits) {
    throw new ShapeError(
      'baddbmm',
      `input of shape ${fmtShape(input.shape)} does not broadcast to the product's shape ${fmtShape(outShape)}`,
    );
  }
  if (!isFloat(input.dtype)) {
    throw new DTypeError('baddbmm', `expected a floating-point input, got ${input.dtype}`);
  }
  const [x, y] = floatOperands('baddbmm', a, b);
  const product = batchedMatmul(x, y, false, false, 'baddbmm');
  const scaled = alpha === 1 ? product : mul(product, alpha);
  // β = 0 selects zeros instead of multiplying, so NaN and ∞ in input stay out (PyTorch's rule).
  const term = beta === 0 ? where(scalar(true, 'bool'), 0, input) : beta === 1 ? input : mul(input, beta);
  return add(term, scaled);
}

/**
 * y = x·Wᵀ + b (torch.nn.functional.linear): x is [..., in], weight [out, in], bias [out]. Computed as one
 * matrix product with the weight read transposed (no copy); with a bias of the weight's dtype, product and bias
 * are one op (one graph node, one output array).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2)
    throw new ShapeError('linear', `weight must be 2-D [out, in], got shape ${fmtShape(weight.shape)}`);
  const inFeatures = weight.shape[1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      'linear',
      `input shape ${fmtShape(x.shape)} does not fit weight shape ${fmtShape(weight.shape)} (last dim ${x.shape[x.ndim - 1] ?? 'none'} ≠ in_features ${inFeatures})`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(
      'linear',
      `bias shape ${fmtShape(bias.shape)} does not fit weight shape ${fmtShape(weight.shape)} (expected [${weight.shape[0]}])`,
    );
  }
  const [input, w] = floatOperands('linear', x, weight);
  const flat = input.ndim === 2 ? input : reshape(input, [-1, inFeatures]);
  let out: Tensor;
  if (bias && bias.dtype === w.dtype) out = affine(flat, w, bias);
  else {
    out = batchedMatmul(flat, w, false, true, 'linear');
    if (bias) out = add(out, bias); // a bias of another dtype promotes the result
  }
  return input.ndim === 2 ? out : reshape(out, [...input.shape.slice(0, -1), weight.shape[0]!]);
}

/**
 * x·Wᵀ + b for 2-D x [m, k], W [n, k] and b [n] of one dtype, as one op (PyTorch's addmm): the product is
 * computed, then b is added into it in place, with the same roundings as matmul followed by add.
 * ∂/∂x = g·W, ∂/∂W = gᵀ·x, ∂/∂b = Σ_rows g.
 */
function affine(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const m = x.shape[0]!;
  const k = x.shape[1]!;
  const n = weight.shape[0]!;
  const dtype = x.dtype;
  const out = allocateUninitialized(dtype, m * n) as FloatArray;
  const kernels = backend();
  kernels.matmul(
    x.storage as FloatArray,
    ONE_MATRIX,
    weight.storage as FloatArray,
    ONE_MATRIX,
    out,
    m,
    k,
    n,
    false,
    true,
  );
  const shape = [m, n];
  kernels.binary('add', out, shape, bias.storage, bias.shape, out, shape);
  return record(new Tensor(out, shape, dtype), 'linear', [x, weight, bias], (g) => [
    x.requiresGrad ? batchedMatmul(g, weight, false, false) : null,
    weight.requiresGrad ? exclusiveGrad(batchedMatmul(g, x, true, false)) : null,
    bias.requiresGrad ? exclusiveGrad(sum(g, 0)) : null,
  ]);
}

/** Outer product of two 1-D tensors: out[i][j] = a[i]·b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new ShapeError(
      'outer',
      `expected two 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  return mul(reshape(a, [-1, 1]), reshape(b, [1, -1]));
}
