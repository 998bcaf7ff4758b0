// @file The wasm backend's window kernels: im2col, col2im and max pooling on float32.
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import { windowArgs } from './convolution.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

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
    const [xAt, colsAt] = runtime.layout(inSize * 4, colSize * 4);
    const heap = runtime.f32;
    heap.set(x.subarray(0, inSize), xAt >> 2);
    runtime.kernels.im2col(xAt, images, channels, colsAt, ...windowArgs(w));
    cols.set(heap.subarray(colsAt >> 2, (colsAt >> 2) + colSize));
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
    const [colsAt, outAt] = runtime.layout(colSize * 4, outSize * 4);
    const heap = runtime.f32;
    heap.set(cols.subarray(0, colSize), colsAt >> 2);
    heap.set(out.subarray(0, outSize), outAt >> 2); // col2im adds onto out
    runtime.kernels.col2im(colsAt, images, channels, outAt, ...windowArgs(w));
    out.set(heap.subarray(outAt >> 2, (outAt >> 2) + outSize));
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
    const [xAt, outAt, indicesAt] = runtime.layout(inSize * 4, outSize * 4, outSize * 4);
    runtime.f32.set(x.subarray(0, inSize), xAt >> 2);
    runtime.kernels.maxPool2d(xAt, planes, outAt, indicesAt, ...windowArgs(w));
    out.set(runtime.f32.subarray(outAt >> 2, (outAt >> 2) + outSize));
    indices.set(runtime.i32.subarray(indicesAt >> 2, (indicesAt >> 2) + outSize));
  };
}
