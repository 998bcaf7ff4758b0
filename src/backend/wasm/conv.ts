// @file The wasm backend's window kernels: im2col, col2im, max pooling and its adjoint on float32.
import { ValueError } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import { windowArgs } from './convolution.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';
import { inout, input, output, stage } from './staging.js';

function isF32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}

export function wasmIm2col(runtime: WasmRuntime, limits: WasmLimits): Backend['im2col'] {
  return (x, images, channels, w, cols) => {
    const inSize = images * channels * w.inH * w.inW;
    const colSize = images * channels * w.kernelH * w.kernelW * w.outH * w.outW;
    if (colSize < limits.minSize || !isF32(x) || !isF32(cols)) {
      jsBackend.im2col(x, images, channels, w, cols);
      return;
    }
    const call = stage(runtime, [input(x.subarray(0, inSize)), output(cols.subarray(0, colSize))]);
    const [xAt, colsAt] = call.at;
    runtime.kernels.im2col(xAt!, images, channels, colsAt!, ...windowArgs(w));
    call.finish();
  };
}

export function wasmCol2im(runtime: WasmRuntime, limits: WasmLimits): Backend['col2im'] {
  return (cols, images, channels, w, out) => {
    const outSize = images * channels * w.inH * w.inW;
    const colSize = images * channels * w.kernelH * w.kernelW * w.outH * w.outW;
    if (colSize < limits.minSize || !isF32(cols) || !isF32(out)) {
      jsBackend.col2im(cols, images, channels, w, out);
      return;
    }
    // col2im adds onto out
    const call = stage(runtime, [input(cols.subarray(0, colSize)), inout(out.subarray(0, outSize))]);
    const [colsAt, outAt] = call.at;
    runtime.kernels.col2im(colsAt!, images, channels, outAt!, ...windowArgs(w));
    call.finish();
  };
}

export function wasmMaxPool2d(runtime: WasmRuntime, limits: WasmLimits): Backend['maxPool2d'] {
  return (x, planes, w, out, indices) => {
    const inSize = planes * w.inH * w.inW;
    const outSize = planes * w.outH * w.outW;
    if (inSize < limits.minSize || !isF32(x) || !isF32(out)) {
      jsBackend.maxPool2d(x, planes, w, out, indices);
      return;
    }
    const call = stage(runtime, [
      input(x.subarray(0, inSize)),
      output(out.subarray(0, outSize)),
      output(indices.subarray(0, outSize)),
    ]);
    const [xAt, outAt, indicesAt] = call.at;
    runtime.kernels.maxPool2d(xAt!, planes, outAt!, indicesAt!, ...windowArgs(w));
    call.finish();
  };
}

export function wasmMaxPool2dBackward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['maxPool2dBackward'] {
  return (gradOut, indices, planes, positions, inPlane, gradIn) => {
    const outSize = planes * positions;
    const inSize = planes * inPlane;
    if (outSize < limits.minSize || !isF32(gradOut) || !isF32(gradIn)) {
      jsBackend.maxPool2dBackward(gradOut, indices, planes, positions, inPlane, gradIn);
      return;
    }
    // gradIn is added onto (not zeroed here); the indices (int32, never arena storage) are copied in.
    const call = stage(runtime, [
      input(gradOut.subarray(0, outSize)),
      input(indices.subarray(0, outSize)),
      inout(gradIn.subarray(0, inSize)),
    ]);
    const [gradOutAt, indicesAt, gradInAt] = call.at;
    const bad = runtime.kernels.maxPool2dBackward(
      gradOutAt!,
      indicesAt!,
      planes,
      positions,
      inPlane,
      gradInAt!,
    );
    call.finish();
    if (bad > 0)
      throw new ValueError(
        'maxPool2dBackward',
        `${bad} of ${outSize} indices lie outside their planes of ${inPlane} elements`,
      );
  };
}
