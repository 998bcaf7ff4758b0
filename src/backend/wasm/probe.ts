// @file Start-up feature probe: which WebAssembly SIMD flavours this engine validates (no compilation, no flags).

/** The features that pick a build of the wasm kernels. */
export interface WasmFeatures {
  /** Fixed-width 128-bit SIMD (Node ≥ 16, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4). */
  readonly simd: boolean;
  /** Relaxed SIMD's f32x4.relaxed_madd (Chrome ≥ 114, Node ≥ 22; behind a flag in Node 20). */
  readonly relaxedSimd: boolean;
}

/** Validates module bytes; WebAssembly.validate where WebAssembly exists. Tests pass their own. */
export type Validate = (bytes: Uint8Array<ArrayBuffer>) => boolean;

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// One type () → v128 and one function of that type.
const SIGNATURE = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];

/** A module whose single function has no locals and the given body (ending with `end`). */
function moduleWith(body: readonly number[]): Uint8Array<ArrayBuffer> {
  const code = [0x00, ...body, 0x0b];
  return new Uint8Array([...HEADER, ...SIGNATURE, 0x0a, code.length + 2, 0x01, code.length, ...code]);
}

const F32_ZERO_SPLAT = [0x43, 0, 0, 0, 0, 0xfd, 0x13]; // f32.const 0; f32x4.splat

/** i32.const 0; i8x16.splat; i8x16.popcnt — popcnt is among the last opcodes of the final SIMD proposal. */
const SIMD_PROBE = moduleWith([0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62]);

/** Three zero vectors; f32x4.relaxed_madd (0xfd 0x105) — the relaxed instruction the kernels use. */
const RELAXED_SIMD_PROBE = moduleWith([
  ...F32_ZERO_SPLAT,
  ...F32_ZERO_SPLAT,
  ...F32_ZERO_SPLAT,
  0xfd,
  0x85,
  0x02,
]);

function defaultValidate(bytes: Uint8Array<ArrayBuffer>): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
}

/** Which SIMD flavours validate here. Never throws: an engine that rejects the probe lacks the feature. */
export function probeFeatures(validate: Validate = defaultValidate): WasmFeatures {
  const check = (bytes: Uint8Array<ArrayBuffer>): boolean => {
    try {
      return validate(bytes);
    } catch {
      return false;
    }
  };
  const simd = check(SIMD_PROBE);
  return { simd, relaxedSimd: simd && check(RELAXED_SIMD_PROBE) };
}
