// @file gradcheck: compares analytic gradients with central finite differences in float64.
import { NeuriteError, fmtShape } from '../errors.js';
import { copy_ } from '../ops/inplace.js';
import { allocate, isFloat, type TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './grad-mode.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

/**
 * Checks `fn`'s backward pass against numerical derivatives, like torch.autograd.gradcheck.
 *
 * Every floating-point input that requires grad (all floating-point inputs if none does) is copied to float64.
 * For each output element o and input element x the analytic ∂o/∂x (one backward pass per output element) is
 * compared with the central difference (f(x + ε) − f(x − ε)) / 2ε; they agree when
 * |analytic − numeric| ≤ atol + rtol·|numeric|.
 * @returns true when every entry agrees.
 * @throws NeuriteError naming the input, the output and the element where they first disagree.
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const anyRequires = inputs.some((t) => t.requiresGrad);
  const checked = inputs.map((t) => isFloat(t.dtype) && (t.requiresGrad || !anyRequires));
  const prepared = inputs.map((t, i) => {
    if (!isFloat(t.dtype)) return t;
    const copy = noGrad(() => t.to('float64'));
    return checked[i] ? copy.requiresGrad_(true) : copy;
  });
  const output = fn(...prepared);
  const outCount = output.numel();
  if (!output.requiresGrad)
    throw new NeuriteError('gradcheck', 'the function output does not require grad; nothing to check');

  // Analytic Jacobian, one row per output element: J[o][x] = ∂out_o/∂x.
  const analytic = prepared.map((t, i) => (checked[i] ? new Float64Array(outCount * t.numel()) : null));
  for (let o = 0; o < outCount; o++) {
    for (const t of prepared) t.grad = null;
    const seedValues = allocate(output.dtype, outCount);
    seedValues[o] = 1;
    const seed = new Tensor(seedValues, output.shape, output.dtype);
    output.backward(seed, { retainGraph: true });
    prepared.forEach((t, i) => {
      const row = analytic[i];
      if (!row) return;
      const n = t.numel();
      if (t.grad) row.set(t.grad.dataSync(), o * n);
    });
  }
  for (const t of prepared) t.grad = null;

  prepared.forEach((t, i) => {
    const row = analytic[i];
    if (!row) return;
    const original = t.dataSync();
    const n = t.numel();
    // Each input is moved in place (copy_), so a function that reaches it other than through its arguments sees it.
    const evaluateAt = (x: number, delta: number): TypedArray => {
      const moved = original.slice();
      moved[x] = original[x]! + delta;
      return noGrad(() => {
        copy_(t, new Tensor(moved, t.shape, t.dtype));
        return fn(...prepared).dataSync();
      });
    };
    for (let x = 0; x < n; x++) {
      const plus = evaluateAt(x, eps);
      const minus = evaluateAt(x, -eps);
      noGrad(() => copy_(t, new Tensor(original, t.shape, t.dtype)));
      for (let o = 0; o < outCount; o++) {
        const numeric = (plus[o]! - minus[o]!) / (2 * eps);
        const exact = row[o * n + x]!;
        if (!(Math.abs(exact - numeric) <= atol + rtol * Math.abs(numeric))) {
          throw new NeuriteError(
            'gradcheck',
            `Jacobian mismatch for output element ${o} (output shape ${fmtShape(output.shape)}) with respect to input ${i} ` +
              `element ${x} (input shape ${fmtShape(t.shape)}): numerical ${numeric}, analytical ${exact} ` +
              `(atol ${atol}, rtol ${rtol}; gradFn ${output.gradFn?.toString() ?? 'none'})`,
          );
        }
      }
    }
  });
  return true;
}
