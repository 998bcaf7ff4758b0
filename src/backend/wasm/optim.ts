// @file The wasm backend's fused optimizer step on float32 (smaller or float64 tensors go to the js kernel).
import { jsBackend } from '../js/index.js';
import type { Backend, OptimizerUpdate } from '../types.js';
import type { WasmLimits } from './limits.js';
import { OPTIMIZER_CODES } from './opcodes.generated.js';
import type { WasmRuntime } from './runtime.js';
import { inWholeVectors, inout, input, scratch, stage } from './staging.js';
import type { FloatArray } from '../../tensor/dtype.js';

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
      const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
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
          (lr * bias2Sqrt) / (1 - beta1 ** step),
          u.eps * bias2Sqrt,
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
    inWholeVectors(n, (from, to, copyAll) => {
      const part = (a: FloatArray) => (a as Float32Array).subarray(from, to);
      const parts = [
        scratch(BLOCK_FLOATS * 4),
        inout(part(p)),
        input(part(g)),
        ...state.map((s) => inout(part(s))),
      ];
      const call = stage(runtime, parts, false, copyAll);
      const [blockAt, pAt, gAt, s0At = 0, s1At = 0, s2At = 0] = call.at;
      runtime.f32.set(scalars, blockAt! >> 2);
      const code = OPTIMIZER_CODES[update.kind]!;
      runtime.kernels.optimizerStep(code, flags, blockAt!, to - from, pAt!, gAt!, s0At, s1At, s2At);
      call.finish();
    });
  };
}
