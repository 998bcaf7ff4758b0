// @file The wasm backend's elementwise kernels: broadcast binary arithmetic and unary functions on float32, on
// storage in linear memory in place (other arrays are copied in and out).
import type { TypedArray } from '../../tensor/dtype.js';
import { broadcastStrides, shapesEqual, type Shape } from '../../tensor/shape.js';
import { jsBackend } from '../js/index.js';
import type { Backend, UnaryGradOp } from '../types.js';
import type { WasmLimits } from './limits.js';
import { BINARY_CODES, UNARY_CODES } from './opcodes.generated.js';
import type { WasmRuntime } from './runtime.js';
import { inWholeVectors, input, output, stage } from './staging.js';

// Exact (to the bit, like the js kernels in float32): neg, abs, relu, square, sqrt, reciprocal, clamp. Within a
// few float32 ulps: rsqrt (rounded twice), leakyRelu (slope in float32), and exp, sigmoid, tanh (SIMD polynomials,
// ≤ 2 ulps measured).

const MAX_DIMS = 4; // the wasm binary kernel walks four dims

/** Four sizes or strides, outermost first, as the binary kernel takes them. */
type Dims4 = [number, number, number, number];

/**
 * The fewest dims that walk `shape` in the same order: size-1 dims dropped and neighbours merged where every
 * operand's strides are contiguous across them. Returns [sizes, strides per operand], padded in front to
 * MAX_DIMS, or null when more dims remain.
 */
export function mergeDims(shape: Shape, strides: readonly (readonly number[])[]): [Dims4, Dims4[]] | null {
  const sizes: number[] = [];
  const merged: number[][] = strides.map(() => []);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 1) continue;
    if (sizes.length > 0 && strides.every((s, o) => s[d] === merged[o]![0]! * sizes[0]!)) {
      sizes[0]! *= size; // the merged dim keeps its inner strides
      continue;
    }
    sizes.unshift(size);
    for (let o = 0; o < strides.length; o++) merged[o]!.unshift(strides[o]![d]!);
  }
  if (sizes.length > MAX_DIMS) return null;
  while (sizes.length < MAX_DIMS) {
    sizes.unshift(1);
    for (const s of merged) s.unshift(0);
  }
  return [sizes as Dims4, merged as Dims4[]];
}

/** mergeDims' answer for operands of the output's shape: one contiguous run. */
const SAME_SHAPE = (n: number): [Dims4, Dims4[]] => [
  [1, 1, 1, n],
  [
    [0, 0, 0, 1],
    [0, 0, 0, 1],
  ],
];

function allFloat32(...arrays: TypedArray[]): boolean {
  return arrays.every((a) => a instanceof Float32Array);
}

export function wasmBinary(runtime: WasmRuntime, limits: WasmLimits): Backend['binary'] {
  return (op, a, aShape, b, bShape, out, outShape) => {
    const code = BINARY_CODES[op];
    const n = out.length;
    const dims =
      code === undefined || n < limits.minSize || !allFloat32(a, b, out)
        ? null
        : shapesEqual(aShape, outShape) && shapesEqual(bShape, outShape)
          ? SAME_SHAPE(n)
          : mergeDims(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
    if (code === undefined || !dims) {
      jsBackend.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    const [sizes, [aStrides, bStrides]] = dims;
    const call = stage(
      runtime,
      [input(a as Float32Array), input(b as Float32Array), output(out as Float32Array)],
      true,
    );
    const [aAt, bAt, outAt] = call.at;
    runtime.kernels.binary(code, aAt!, bAt!, outAt!, ...sizes, ...aStrides!, ...bStrides!);
    call.finish();
  };
}

export function wasmUnary(runtime: WasmRuntime, limits: WasmLimits): Backend['unary'] {
  return (op, x, out, p0 = 0, p1 = 0) => {
    const code = UNARY_CODES[op];
    const n = out.length;
    if (code === undefined || n < limits.minSize || x.length !== n || !allFloat32(x, out)) {
      jsBackend.unary(op, x, out, p0, p1);
      return;
    }
    inWholeVectors(n, (from, to, copyAll) => {
      const parts = [
        input((x as Float32Array).subarray(from, to)),
        output((out as Float32Array).subarray(from, to)),
      ];
      const call = stage(runtime, parts, true, copyAll);
      const [xAt, outAt] = call.at;
      runtime.kernels.unary(code, xAt!, outAt!, to - from, p0, p1);
      call.finish();
    });
  };
}

/** Operation codes of assembly/elementwise.ts's unaryGrad (the unary codes of the same activations). */
const UNARY_GRAD_CODES: Record<UnaryGradOp, number> = {
  relu: UNARY_CODES.relu!,
  sigmoid: UNARY_CODES.sigmoid!,
  tanh: UNARY_CODES.tanh!,
};

/** Backend.unaryGrad on float32 arrays of at least `limits.minSize` elements; bit-identical to the js kernel. */
export function wasmUnaryGrad(runtime: WasmRuntime, limits: WasmLimits): Backend['unaryGrad'] {
  return (op, g, saved, out) => {
    const n = out.length;
    if (n < limits.minSize || g.length !== n || saved.length !== n || !allFloat32(g, saved, out)) {
      jsBackend.unaryGrad(op, g, saved, out);
      return;
    }
    inWholeVectors(n, (from, to, copyAll) => {
      const [gPart, savedPart, outPart] = [g, saved, out].map((a) => (a as Float32Array).subarray(from, to));
      const call = stage(runtime, [input(gPart!), input(savedPart!), output(outPart!)], true, copyAll);
      const [gAt, savedAt, outAt] = call.at;
      runtime.kernels.unaryGrad(UNARY_GRAD_CODES[op], gAt!, savedAt!, outAt!, to - from);
      call.finish();
    });
  };
}
