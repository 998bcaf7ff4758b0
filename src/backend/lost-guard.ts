// @file After a WebGPU device loss: CPU backends whose kernels first ask the host gate about every array operand.
import type { TypedArray } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import type { Backend } from './types.js';

/** Whether `value` is a typed array (a kernel operand), not a DataView or a plain value. */
function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Throws (through the host gate) when an operand, or a typed array in an array operand, is not host-current. */
function checkOperands(args: readonly unknown[], op: string): void {
  for (const arg of args) {
    if (isTypedArray(arg)) hostValues(arg, op);
    else if (Array.isArray(arg)) for (const item of arg) if (isTypedArray(item)) hostValues(item, op);
  }
}

const guarded = new WeakMap<Backend, Backend>();

/**
 * `b` with every kernel asking the host gate about its array operands before it runs. After a WebGPU device was
 * lost, the arrays whose newest values only it held keep stale host copies (floats are set to NaN, ints and bools
 * cannot be): the gate refuses them, naming the kernel, so a CPU kernel never computes on them unnoticed. Only
 * installed once a device has been lost (setBackend), so the cost — a lookup per operand — is paid only then.
 */
export function guardedAgainstLost(b: Backend): Backend {
  let wrapped = guarded.get(b);
  if (wrapped !== undefined) return wrapped;
  const entries: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(b)) {
    if (typeof value !== 'function') continue;
    const kernel = value as (...args: unknown[]) => unknown;
    entries[name] = (...args: unknown[]): unknown => {
      checkOperands(args, name);
      return kernel.apply(b, args);
    };
  }
  wrapped = Object.assign(Object.create(b) as Backend, entries);
  guarded.set(b, wrapped);
  return wrapped;
}
