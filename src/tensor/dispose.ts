// @file Tensor.dispose(): optional, deterministic release of a tensor's storage (the garbage collector does it otherwise).
import { ValueError, fmtShape } from '../errors.js';
import { releaseStorage, type TypedArray } from './dtype.js';

/** What dispose needs of a tensor (Tensor passes itself; a structural type keeps this module below tensor.ts). */
interface Disposable {
  readonly storageBase: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: string;
}

const disposed = new WeakSet<object>();

/** Whether `t.dispose()` has been called. */
export function isDisposed(t: object): boolean {
  return disposed.has(t);
}

/**
 * Marks `t` disposed: from now on reading its values or passing it to an op throws a ValueError naming its shape
 * (its `storage` and `storageBase` throw). When `sole` (no view, detached tensor or in-place write has shared
 * its array), the array's memory returns to the backend that allocated it now (the wasm arena; plain arrays are
 * left to the garbage collector). A second call does nothing.
 */
export function disposeTensor(t: Disposable, sole: boolean): void {
  if (disposed.has(t)) return;
  const base = t.storageBase;
  disposed.add(t);
  const message = `used after dispose(): its storage (shape ${fmtShape(t.shape)}, ${t.dtype}) has been freed`;
  const refuse = (): never => {
    throw new ValueError('Tensor', message);
  };
  Object.defineProperty(t, 'storage', { get: refuse, configurable: true });
  Object.defineProperty(t, 'storageBase', { get: refuse, configurable: true });
  if (sole) releaseStorage(base);
}
