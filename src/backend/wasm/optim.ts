// @file The wasm backend's fused optimizer updates on float32 (smaller or float64 tensors go to the js kernel).
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

export function wasmAdamUpdate(runtime: WasmRuntime, limits: WasmLimits): Backend['adamUpdate'] {
  return (p, g, m, v, vMax, hyper) => {
    const n = p.length;
    const amsgrad = hyper.amsgrad && vMax !== null;
    if (
      n < limits.optimMinSize ||
      !(p instanceof Float32Array && g instanceof Float32Array) ||
      !(m instanceof Float32Array && v instanceof Float32Array) ||
      (amsgrad && !(vMax instanceof Float32Array))
    ) {
      jsBackend.adamUpdate(p, g, m, v, vMax, hyper);
      return;
    }
    const { step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize } = hyper;
    const bytes = n * 4;
    const [pAt, gAt, mAt, vAt, vMaxAt] = runtime.layout(bytes, bytes, bytes, bytes, amsgrad ? bytes : 0);
    const heap = runtime.f32;
    heap.set(p, pAt >> 2);
    heap.set(g, gAt >> 2);
    heap.set(m, mAt >> 2);
    heap.set(v, vAt >> 2);
    if (amsgrad) heap.set(vMax!, vMaxAt >> 2);
    runtime.kernels.adamUpdate(
      pAt,
      gAt,
      mAt,
      vAt,
      vMaxAt,
      n,
      decoupled ? lr * weightDecay : 0,
      decoupled ? 0 : weightDecay,
      maximize ? -1 : 1,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      lr / (1 - beta1 ** step),
      Math.sqrt(1 - beta2 ** step),
      eps,
      amsgrad,
    );
    p.set(heap.subarray(pAt >> 2, (pAt >> 2) + n));
    m.set(heap.subarray(mAt >> 2, (mAt >> 2) + n));
    v.set(heap.subarray(vAt >> 2, (vAt >> 2) + n));
    if (amsgrad) vMax!.set(heap.subarray(vMaxAt >> 2, (vMaxAt >> 2) + n));
  };
}
