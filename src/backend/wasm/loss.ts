// @file The wasm backend's fused cross-entropy: logits in rows of contiguous classes with int32 targets, no class
// weights and no label smoothing, in assembly/cross-entropy.ts; every other class loss runs the js kernel.
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { ClassLossSpec } from '../loss-kernels.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';
import { inout, input, output, stage } from './staging.js';

/**
 * Whether the wasm kernels take this cross-entropy: float32 logits [N, C] (inner 1) with int32 targets, no weight,
 * no smoothing, at least `limits.minSize` scores. Their exponentials are float32 (about 1 ulp, the sums and the
 * log in float64), so results agree with the js kernel's float64 within a few float32 ulps.
 */
function takes(
  spec: ClassLossSpec,
  x: FloatArray,
  labels: TypedArray,
  weight: FloatArray | null,
  normalisers: Float64Array | null,
  limits: WasmLimits,
): x is Float32Array {
  return (
    normalisers !== null &&
    weight === null &&
    spec.inner === 1 &&
    spec.labelSmoothing === 0 &&
    spec.batch * spec.classes >= limits.minSize &&
    x instanceof Float32Array &&
    labels instanceof Int32Array &&
    x.length === spec.batch * spec.classes &&
    labels.length === spec.batch
  );
}

/** Backend.classIndexLoss: cross-entropy rows in wasm (log-normalisers and losses); a non-finite row goes to js. */
export function wasmClassIndexLoss(runtime: WasmRuntime, limits: WasmLimits): Backend['classIndexLoss'] {
  return (spec, x, labels, weight, normalisers, losses, sums) => {
    if (!takes(spec, x, labels, weight, normalisers, limits)) {
      jsBackend.classIndexLoss(spec, x, labels, weight, normalisers, losses, sums);
      return;
    }
    // losses in and out: rows whose target is ignored keep their zeros.
    const call = stage(runtime, [
      input(x),
      input(labels as Int32Array),
      output(normalisers!),
      inout(losses),
      output(sums),
    ]);
    const [xAt, labelsAt, normalisersAt, lossesAt, sumsAt] = call.at as [
      number,
      number,
      number,
      number,
      number,
    ];
    const finite = runtime.kernels.crossEntropyRows(
      xAt,
      labelsAt,
      spec.batch,
      spec.classes,
      spec.ignoreIndex,
      normalisersAt,
      lossesAt,
      sumsAt,
    );
    call.finish();
    // NaN or infinite logits: the js kernel's float64 arithmetic defines what comes out.
    if (!finite) jsBackend.classIndexLoss(spec, x, labels, weight, normalisers, losses, sums);
  };
}

/** Backend.classIndexLossBackward for the cases wasmClassIndexLoss takes, with one upstream value for all rows. */
export function wasmClassIndexLossBackward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['classIndexLossBackward'] {
  return (spec, x, labels, weight, normalisers, g, out) => {
    if (
      !takes(spec, x, labels, weight, normalisers, limits) ||
      g.step !== 0 ||
      !(out instanceof Float32Array)
    ) {
      jsBackend.classIndexLossBackward(spec, x, labels, weight, normalisers, g, out);
      return;
    }
    // out in and out: rows whose target is ignored keep their zeros.
    const call = stage(runtime, [input(x), input(labels as Int32Array), input(normalisers!), inout(out)]);
    const [xAt, labelsAt, normalisersAt, outAt] = call.at as [number, number, number, number];
    const s = g.scale * g.values[0]!;
    runtime.kernels.crossEntropyRowsBackward(
      xAt,
      labelsAt,
      spec.batch,
      spec.classes,
      spec.ignoreIndex,
      normalisersAt,
      s,
      outAt,
    );
    call.finish();
  };
}
