// @file In-place ops (add_, mul_, zero_, fill_, copy_, clamp_, maskedFill_, uniform_, normal_…): write through the tensor's strides into its base, counting versions.
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { backend } from '../backend/index.js';
import { DTypeError, NeuriteError, ShapeError, fmtShape } from '../errors.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { int32Element, type TypedArray } from '../tensor/dtype.js';
import { hostValues, hostWrite } from '../tensor/host-gate.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import { hasInternalOverlap, scatterStrided } from '../tensor/strided.js';
import { Tensor } from '../tensor/tensor.js';
import { add, clamp, div, mul, sub, type Operand } from './elementwise.js';
import { checkMask, fillElement } from './masked.js';
import { expand } from './shape.js';

/**
 * In-place updates would silently corrupt a recorded graph, so they are refused on tensors that require grad
 * while grad mode is on; optimizers update parameters inside noGrad(). A view made under noGrad of a tensor that
 * requires grad is refused too, as PyTorch does (it would change that tensor behind the graph's back).
 */
export function checkWritable(op: string, target: Tensor): void {
  if (!isGradEnabled()) return;
  if (target.requiresGrad) {
    throw new NeuriteError(
      op,
      `a ${target.isLeaf ? 'leaf ' : ''}tensor that requires grad cannot be modified in place while grad mode is on ` +
        '(wrap the update in noGrad(() => …), or use the out-of-place op)',
    );
  }
  if (target.viewOf?.requiresGrad) {
    throw new NeuriteError(
      op,
      `A view was created in no_grad mode and is being modified inplace with grad mode enabled (a view of shape ` +
        `${fmtShape(target.shape)} of a tensor of shape ${fmtShape(target.viewOf.shape)} that requires grad). Given ` +
        'that this use case is ambiguous and error-prone, it is forbidden: make the view and the in-place op both ' +
        'inside noGrad(() => …), or both outside it.',
    );
  }
}

/**
 * @internal The one way to write a tensor's elements in place: `write` gets each target's elements as a
 * contiguous row-major array (the base array itself, or a subarray of it, for a contiguous target; a gathered
 * copy for a strided view, scattered back through the strides afterwards) and changes them; then each
 * target's version counter (shared with its views) counts one write. A target whose elements overlap in memory
 * (an expand) is refused, as in PyTorch.
 */
export function writeElements(
  op: string,
  targets: readonly Tensor[],
  write: (elements: readonly TypedArray[]) => void,
): void {
  const elements = new Array<TypedArray>(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (!t.isContiguous() && hasInternalOverlap(t.shape, t.strides)) {
      throw new NeuriteError(
        op,
        `unsupported operation: more than one element of the written-to tensor (shape ${fmtShape(t.shape)}, ` +
          `strides ${fmtShape(t.strides)}) refers to a single memory location. Please clone() the tensor before performing the operation.`,
      );
    }
    elements[i] = t.storage;
  }
  write(elements);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (!t.isContiguous()) scatterStrided(elements[i]!, t.storageBase, t.shape, t);
    t._bumpVersion();
  }
}

/** writeElements for one target. */
function writeEach(op: string, target: Tensor, write: (elements: TypedArray) => void): void {
  writeElements(op, [target], (elements) => write(elements[0]!));
}

/**
 * An in-place arithmetic op may not change the target's category (PyTorch's can_cast): a float result into an
 * int32 tensor, or a number into a bool one, is a DTypeError.
 */
function checkCastable(op: string, target: Tensor, result: Tensor): void {
  const rank = { bool: 0, int32: 1, float32: 2, float64: 2 } as const;
  if (rank[result.dtype] > rank[target.dtype]) {
    throw new DTypeError(
      op,
      `result type ${result.dtype} can't be cast to the desired output type ${target.dtype}`,
    );
  }
}

/** Writes `result` (computed out of place) into target's elements, casting to its dtype. */
function writeInto<T extends Tensor>(op: string, target: T, result: Tensor): T {
  if (!shapesEqual(result.shape, target.shape)) {
    throw new ShapeError(
      op,
      `the result of shape ${fmtShape(result.shape)} does not fit the tensor of shape ${fmtShape(target.shape)} in place`,
    );
  }
  const src = result.storage;
  writeEach(op, target, (out) => {
    if (target.dtype === result.dtype) return backend().unary('copy', src, out);
    hostWrite(out, op); // casts run on the host (a device backend's values must be current there)
    hostValues(src, op);
    if (target.dtype === 'int32') for (let i = 0; i < out.length; i++) out[i] = Math.trunc(src[i]!);
    else if (target.dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else out.set(src);
  });
  return target;
}

function binaryInPlace<T extends Tensor>(
  op: string,
  target: T,
  other: Operand,
  f: (a: Tensor, b: Operand) => Tensor,
): T {
  checkWritable(op, target);
  const result = noGrad(() => f(target, other));
  checkCastable(op, target, result);
  return writeInto(op, target, result);
}

/** x ← x + other. */
export function add_<T extends Tensor>(x: T, other: Operand): T {
  return binaryInPlace('add_', x, other, add);
}
/** x ← x − other. */
export function sub_<T extends Tensor>(x: T, other: Operand): T {
  return binaryInPlace('sub_', x, other, sub);
}
/** x ← x · other. */
export function mul_<T extends Tensor>(x: T, other: Operand): T {
  return binaryInPlace('mul_', x, other, mul);
}
/** x ← x / other. */
export function div_<T extends Tensor>(x: T, other: Operand): T {
  return binaryInPlace('div_', x, other, div);
}

/** x ← 0. */
export function zero_<T extends Tensor>(x: T): T {
  return fill_(x, 0);
}

/** x ← value everywhere. */
export function fill_<T extends Tensor>(x: T, value: number): T {
  checkWritable('fill_', x);
  const element =
    x.dtype === 'bool' ? (value !== 0 ? 1 : 0) : x.dtype === 'int32' ? int32Element('fill_', value) : value;
  writeEach('fill_', x, (out) => {
    // A device backend fills its own copy (a broadcast of the value); the host fills in place.
    if (backend().readsSync) hostWrite(out, 'fill_').fill(element);
    else backend().expand(fillElement('fill_', x.dtype, element), [], out, x.shape);
  });
  return x;
}

/** x ← src (broadcast to x's shape, cast to x's dtype). */
export function copy_<T extends Tensor>(x: T, src: Tensor): T {
  checkWritable('copy_', x);
  return writeInto(
    'copy_',
    x,
    noGrad(() => expand(src, x.shape)),
  );
}

/** x ← clamp(x, min, max). */
export function clamp_<T extends Tensor>(x: T, min?: number | null, max?: number | null): T {
  checkWritable('clamp_', x);
  const result = noGrad(() => clamp(x, min, max));
  checkCastable('clamp_', x, result);
  return writeInto('clamp_', x, result);
}

/**
 * x ← value where `mask` is true (torch.Tensor.masked_fill_). The mask broadcasts to x's shape (x itself does
 * not grow); `value` is a number or a 0-d tensor, converted to x's dtype as in maskedFill.
 * @throws ShapeError when the mask does not broadcast to x's shape.
 */
export function maskedFill_<T extends Tensor>(x: T, mask: Tensor, value: number | Tensor): T {
  checkWritable('maskedFill_', x);
  checkMask('maskedFill_', mask);
  let fits: boolean;
  try {
    fits = shapesEqual(broadcastShapes('maskedFill_', x.shape, mask.shape), x.shape);
  } catch {
    fits = false;
  }
  if (!fits) {
    throw new ShapeError(
      'maskedFill_',
      `mask of shape ${fmtShape(mask.shape)} does not broadcast to the tensor's shape ${fmtShape(x.shape)}`,
    );
  }
  const fill = fillElement('maskedFill_', x.dtype, value);
  const maskElements = mask.storage;
  writeEach('maskedFill_', x, (out) => {
    backend().where(maskElements, mask.shape, fill, [], out, x.shape, out, x.shape);
  });
  return x;
}

/** x ← samples of U(low, high) from the seeded generator. */
export function uniform_<T extends Tensor>(
  x: T,
  low = 0,
  high = 1,
  generator: Generator = defaultGenerator,
): T {
  checkWritable('uniform_', x);
  writeEach('uniform_', x, (data) => {
    hostWrite(data, 'uniform_');
    for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * generator.uniform();
  });
  return x;
}

/** x ← samples of N(mean, std²) from the seeded generator. */
export function normal_<T extends Tensor>(
  x: T,
  mean = 0,
  std = 1,
  generator: Generator = defaultGenerator,
): T {
  checkWritable('normal_', x);
  writeEach('normal_', x, (data) => {
    hostWrite(data, 'normal_');
    for (let i = 0; i < data.length; i++) data[i] = mean + std * generator.normal();
  });
  return x;
}
