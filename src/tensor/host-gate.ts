// @file The host gate: host-side reads and writes of storage ask a device backend first, so none sees stale values.
import type { TypedArray } from './dtype.js';
import type { StridedLayout } from './strided.js';

/**
 * Installed by a backend whose storage can be newer on a device than on the host (webgpu). Code that reads or
 * writes element values on the host (index validation, masks, sampling, in-place writes, strided copies) goes
 * through `hostValues` / `hostWrite`; the gate throws a NeuriteError naming the op and `await t.data()` instead
 * of letting it see stale values, and marks host-written arrays so the device copy is refreshed.
 */
export interface HostGate {
  /** Throws unless `arr`'s host values are current. */
  readable(arr: TypedArray, op: string): void;
  /**
   * The host is about to write `arr`: marks its device copy stale. Throws when the device holds newer values
   * and the write covers only part of the buffer (the rest of the host copy would be stale).
   */
  written(arr: TypedArray, op: string): void;
  /** Copies the strided view (base, shape, layout) into `out` on the device; false: do it on the host. */
  gather(base: TypedArray, shape: readonly number[], layout: StridedLayout, out: TypedArray): boolean;
  /** Writes row-major `values` through the view on the device; false: do it on the host. */
  scatter(values: TypedArray, base: TypedArray, shape: readonly number[], layout: StridedLayout): boolean;
}

/** The installed gate, or null (js and wasm only: every host copy is current). */
export let hostGate: HostGate | null = null;

/** Installs the gate (the webgpu backend, when it is created); it stays for the arrays it tracks. */
export function setHostGate(gate: HostGate | null): void {
  hostGate = gate;
}

/** `arr`, once its host values are known to be current; otherwise a NeuriteError naming `op`. */
export function hostValues<T extends TypedArray>(arr: T, op: string): T {
  if (hostGate !== null) hostGate.readable(arr, op);
  return arr;
}

/** `arr`, ready for the host to write (its device copy marked stale); see HostGate.written. */
export function hostWrite<T extends TypedArray>(arr: T, op: string): T {
  if (hostGate !== null) hostGate.written(arr, op);
  return arr;
}
