// @file The wasm op-code table (scripts/wasm-opcodes.mjs): every code runs the op of its name, an unknown code traps.
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import type { BinaryOp, UnaryOp } from '../../src/backend/types.js';
import { BINARY_CODES, UNARY_CODES } from '../../src/backend/wasm/opcodes.generated.js';
import { probeFeatures } from '../../src/backend/wasm/probe.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';

const runtime = loadRuntime(probeFeatures());
const N = 16;
/** Inputs that tell the ops apart: signs, zero, fractions, values above 1. */
const X = Float32Array.from({ length: N }, (_, i) => (i - 6.5) * 0.37);
const Y = Float32Array.from({ length: N }, (_, i) => ((i * 7) % 11) * 0.29 - 1.1);

function wasmUnary(code: number, p0: number, p1: number): Float32Array {
  const [at] = runtime!.layout(N * 4);
  runtime!.f32.set(X, at! >> 2);
  runtime!.kernels.unary(code, at!, at!, N, p0, p1);
  return runtime!.f32.slice(at! >> 2, (at! >> 2) + N);
}

function wasmBinary(code: number): Float32Array {
  const [aAt, bAt, outAt] = runtime!.layout(N * 4, N * 4, N * 4);
  runtime!.f32.set(X, aAt! >> 2);
  runtime!.f32.set(Y, bAt! >> 2);
  // Four dims (the kernel's walk) of sizes [1, 1, 1, N], contiguous strides for both operands.
  runtime!.kernels.binary(code, aAt!, bAt!, outAt!, 1, 1, 1, N, 0, 0, 0, 1, 0, 0, 0, 1);
  return runtime!.f32.slice(outAt! >> 2, (outAt! >> 2) + N);
}

describe.skipIf(!runtime)('wasm op codes', () => {
  it.each(Object.entries(UNARY_CODES))('unary code of %s runs %s', (op, code) => {
    const expected = new Float32Array(N);
    jsBackend.unary(op as UnaryOp, X, expected, -0.5, 0.75);
    const got = wasmUnary(code!, -0.5, 0.75);
    for (let i = 0; i < N; i++) {
      if (Number.isNaN(expected[i])) expect(got[i]).toBeNaN();
      else expect(got[i]).toBeCloseTo(expected[i]!, 5);
    }
  });

  it.each(Object.entries(BINARY_CODES))('binary code of %s runs %s', (op, code) => {
    const expected = new Float32Array(N);
    jsBackend.binary(op as BinaryOp, X, [N], Y, [N], expected, [N]);
    expect(Array.from(wasmBinary(code!))).toEqual(Array.from(expected));
  });

  it('an unknown code traps instead of running another op', () => {
    const unknownUnary = Object.keys(UNARY_CODES).length;
    const unknownBinary = Object.keys(BINARY_CODES).length;
    expect(() => wasmUnary(unknownUnary, 0, 0)).toThrow(WebAssembly.RuntimeError);
    expect(() => wasmBinary(unknownBinary)).toThrow(WebAssembly.RuntimeError);
    expect(() => wasmUnary(-1, 0, 0)).toThrow(/unreachable/);
  });
});
