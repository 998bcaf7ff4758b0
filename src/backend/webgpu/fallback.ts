// @file Kernels without a GPU version run the js reference on the host when every operand's host copy is current.
import { NeuriteError } from '../../errors.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend } from '../types.js';
import type { DeviceStorage } from './storage.js';

/** The Backend entries that are kernels (functions), by name. */
export type KernelName = {
  [K in keyof Backend]-?: NonNullable<Backend[K]> extends (...args: never[]) => unknown ? K : never;
}[keyof Backend];

function isTypedArray(value: unknown): value is TypedArray {
  return (
    value instanceof Float32Array ||
    value instanceof Float64Array ||
    value instanceof Int32Array ||
    value instanceof Uint8Array
  );
}

/** Every typed array among `args`, looking one level into arrays and plain objects (optimizer state, windows). */
export function typedArraysIn(args: readonly unknown[]): TypedArray[] {
  const found: TypedArray[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (isTypedArray(value)) found.push(value);
    else if (depth > 0 && Array.isArray(value)) for (const item of value) visit(item, depth - 1);
    else if (depth > 0 && value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item, depth - 1);
    }
  };
  for (const arg of args) visit(arg, 2);
  return found;
}

/**
 * `kernel` (the js reference) as a webgpu entry: it runs on the host when no operand's newest values are on
 * the GPU (then every tracked operand is marked host-newer, as the kernel may have written it), and otherwise
 * throws a NeuriteError rather than compute on stale values.
 */
export function hostFallback<F extends (...args: never[]) => void>(
  name: KernelName,
  kernel: F,
  storage: DeviceStorage,
): F {
  const run = (...args: Parameters<F>): void => {
    const arrays = typedArraysIn(args);
    for (const arr of arrays) {
      if (storage.residence(arr) === 'device') {
        throw new NeuriteError(
          name,
          `webgpu: no GPU kernel yet for ${name}, and an operand's newest values are on the GPU: ` +
            "await t.data() on the inputs first, or run this step on another backend (setBackend('wasm'))",
        );
      }
    }
    kernel(...args);
    for (const arr of arrays) storage.hostWrote(arr, name);
  };
  return run as F;
}
