// @file The wasm backend's fused optimizer step on float32 (smaller or float64 tensors go to the js kernel).
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend, OptimizerUpdate } from '../types.js';
import type { WasmLimits } from './limits.js';
import { OPTIMIZER_CODES } from './opcodes.generated.js';
import type { WasmRuntime } from './runtime.js';

/** The longest parameter block (Adam's eleven scalars). */
const BLOCK_FLOATS = 11;

/**
 * The switches and float32 scalars that assembly/optim.ts reads for `u`, in its order. The scalars are derived
 * here in float64 (1 − β, the bias corrections, Adagrad's decayed learning rate) and rounded to float32 once.
 */
function parameterBlock(u: OptimizerUpdate): { flags: number; scalars: number[] } {
  const sign = u.maximize ? -1 : 1;
  switch (u.kind) {
    case 'sgd':
      return {
        flags: (u.momentum !== 0 ? 1 : 0) | (u.freshBuffer ? 2 : 0) | (u.nesterov ? 4 : 0),
        scalars: [u.lr, sign, u.weightDecay, u.momentum, 1 - u.dampening],
      };
    case 'rmsprop':
      return {
        flags: (u.centered ? 1 : 0) | (u.momentum > 0 ? 2 : 0),
        scalars: [u.lr, sign, u.weightDecay, u.alpha, 1 - u.alpha, u.eps, u.momentum],
      };
    case 'adagrad':
      return { flags: 0, scalars: [u.lr / (1 + (u.step - 1) * u.lrDecay), sign, u.weightDecay, u.eps] };
    case 'adadelta':
      return { flags: 0, scalars: [u.lr, sign, u.weightDecay, u.rho, 1 - u.rho, u.eps] };
    case 'adam': {
      const { lr, beta1, beta2, step, weightDecay, decoupled } = u;
      return {
        flags: u.amsgrad ? 1 : 0,
        scalars: [
          lr,
          sign,
          decoupled ? 0 : weightDecay,
          decoupled ? lr * weightDecay : 0,
          beta1,
          1 - beta1,
          beta2,
          1 - beta2,
          lr / (1 - beta1 ** step),
          Math.sqrt(1 - beta2 ** step),
          u.eps,
        ],
      };
    }
  }
}

export function wasmOptimizerStep(runtime: WasmRuntime, limits: WasmLimits): Backend['optimizerStep'] {
  return (update, p, g, state) => {
    const n = p.length;
    if (
      n < limits.optimMinSize ||
      state.length > 3 ||
      !(p instanceof Float32Array && g instanceof Float32Array) ||
      !state.every((s) => s instanceof Float32Array)
    ) {
      jsBackend.optimizerStep(update, p, g, state);
      return;
    }
    const { flags, scalars } = parameterBlock(update);
    const bytes = n * 4;
    const sizes = [0, 1, 2].map((i) => (i < state.length ? bytes : 0));
    const [blockAt, pAt, gAt, s0At, s1At, s2At] = runtime.layout(
      BLOCK_FLOATS * 4,
      bytes,
      bytes,
      sizes[0]!,
      sizes[1]!,
      sizes[2]!,
    );
    const stateAt = [s0At, s1At, s2At];
    const heap = runtime.f32;
    heap.set(scalars, blockAt >> 2);
    heap.set(p, pAt >> 2);
    heap.set(g, gAt >> 2);
    state.forEach((s, i) => heap.set(s, stateAt[i]! >> 2));
    runtime.kernels.optimizerStep(
      OPTIMIZER_CODES[update.kind]!,
      flags,
      blockAt,
      n,
      pAt,
      gAt,
      state.length > 0 ? s0At : 0,
      state.length > 1 ? s1At : 0,
      state.length > 2 ? s2At : 0,
    );
    copyOut(p, heap, pAt);
    state.forEach((s, i) => copyOut(s, heap, stateAt[i]!));
  };
}

function copyOut(target: FloatArray, heap: Float32Array, at: number): void {
  target.set(heap.subarray(at >> 2, (at >> 2) + target.length));
}
