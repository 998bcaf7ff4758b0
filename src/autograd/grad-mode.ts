// @file Grad mode: whether ops record the graph (noGrad, enableGrad, isGradEnabled).
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

let gradEnabled = true;

/** True when new ops record their inputs for backward (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets grad mode and returns the previous value; prefer noGrad/enableGrad, which restore it. */
export function setGradEnabled(enabled: boolean): boolean {
  const previous = gradEnabled;
  gradEnabled = enabled;
  return previous;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = setGradEnabled(enabled);
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new ValueError(
        enabled ? 'enableGrad' : 'noGrad',
        'takes a synchronous function; await inside it would leak grad mode',
      );
    }
    return result;
  } finally {
    setGradEnabled(previous);
  }
}

/** Runs `fn` without recording the graph (torch.no_grad): results do not require grad. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** @internal Whether an op's inputs need a graph node (grad mode on and some input requires grad). */
export function needsGrad(...inputs: Tensor[]): boolean {
  return gradEnabled && inputs.some((t) => t.requiresGrad);
}
