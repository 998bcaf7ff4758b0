// @file The probe row of `npm run bench`: this machine's WebAssembly SIMD peak on one thread, measured by a
// multiply-add loop over independent f32x4 accumulators (plain SIMD: mul then add; relaxed SIMD: fused madd), so
// the GEMM can be reported as a fraction of what the engine and the CPU allow.
import v8 from 'node:v8';
import asc from 'assemblyscript/asc';

/**
 * Independent accumulator chains tried: enough to hide the latency of mul + add on 2–4 FP pipes, few enough for 16
 * vector registers; the best counts.
 */
const CHAIN_COUNTS = [8, 12];

/**
 * AssemblyScript source of `peak(iterations, m, c)`: `chains` chains of acc = acc·m + c (or relaxed_madd), 4 lanes
 * each. m and c are parameters: a v128 constant in the loop would be rematerialised by V8 at every use.
 */
function source(fused: boolean, chains: number): string {
  const names = Array.from({ length: chains }, (_, i) => `a${i}`);
  const step = (a: string) =>
    fused ? `${a} = f32x4.relaxed_madd(${a}, m, c);` : `${a} = f32x4.add(f32x4.mul(${a}, m), c);`;
  return `
export function peak(iterations: i32, multiplier: f32, addend: f32): f32 {
  const m = f32x4.splat(multiplier);
  const c = f32x4.splat(addend);
  ${names.map((a, i) => `let ${a} = f32x4.splat(${1 + i * 0.01});`).join('\n  ')}
  for (let i = 0; i < iterations; i++) {
    ${names.map(step).join('\n    ')}
  }
  let s = ${names.slice(1).reduce((sum, a) => `f32x4.add(${sum}, ${a})`, names[0] ?? '')};
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 3);
}
`;
}

async function compile(fused: boolean, chains: number): Promise<WebAssembly.Module> {
  const result = await asc.compileString(source(fused, chains), {
    optimizeLevel: 3,
    runtime: 'stub',
    enable: fused ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (result.error || !result.binary) throw new Error(`simd-peak: asc failed: ${result.stderr.toString()}`);
  // Compile straight to optimised code (V8 otherwise starts in its baseline compiler and tiers up later, in the
  // background: under load, after the timing).
  v8.setFlagsFromString('--no-liftoff');
  try {
    return new WebAssembly.Module(result.binary as Uint8Array<ArrayBuffer>);
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
}

export interface SimdPeak {
  /** GFLOPS of the plain-SIMD multiply-add loop (2 flops per lane per step). */
  simd: number;
  /** GFLOPS of the relaxed-SIMD fused multiply-add loop; null where the engine lacks relaxed SIMD. */
  fma: number | null;
}

/** Best GFLOPS of `rounds` timed runs of ~`budgetMs` each. */
function measure(module: WebAssembly.Module, chains: number, budgetMs: number, rounds: number): number {
  const exports = new WebAssembly.Instance(module, { env: { abort() {} } }).exports as {
    peak(iterations: number, multiplier: number, addend: number): number;
  };
  const peak = (iterations: number, multiplier: number) => exports.peak(iterations, multiplier, 1e-7);
  const warmUntil = performance.now() + budgetMs;
  while (performance.now() < warmUntil) peak(1 << 12, 0.9999);
  let iterations = 1 << 16;
  for (let t = 0; t < 30; t++) {
    const start = performance.now();
    peak(iterations, 0.9999);
    if (performance.now() - start > budgetMs / 4) break;
    iterations *= 2;
  }
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    peak(iterations, 0.9999);
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, (iterations * chains * 4 * 2) / seconds / 1e9);
  }
  return best;
}

/** Best GFLOPS over the chain counts of one build (plain or fused). */
async function best(fused: boolean, budgetMs: number, rounds: number): Promise<number> {
  let top = 0;
  for (const chains of CHAIN_COUNTS)
    top = Math.max(top, measure(await compile(fused, chains), chains, budgetMs, rounds));
  return top;
}

/** Measures both peaks (the FMA one where relaxed SIMD is available in this process). */
export async function measureSimdPeak(fmaAvailable: boolean, budgetMs = 200, rounds = 5): Promise<SimdPeak> {
  const simd = await best(false, budgetMs, rounds);
  let fma: number | null = null;
  if (fmaAvailable) {
    try {
      fma = await best(true, budgetMs, rounds);
    } catch {
      fma = null;
    }
  }
  return { simd, fma };
}

/** GEMM FLOPs of the 1024² matmul workload. */
const MATMUL_FLOPS = 2 * 1024 ** 3;

/**
 * The probe's lines for the report: both peaks and the one-thread 1024² matmul as a fraction of the peak of its
 * own build (the issue's target: ≥ 80% of the plain-SIMD peak).
 */
export function formatSimdPeak(
  peak: SimdPeak,
  matmul: { wasm?: number | null; fma?: number | null },
): string {
  const gflops = (ms: number | null | undefined) => (ms ? MATMUL_FLOPS / ms / 1e6 : null);
  const part = (name: string, ms: number | null | undefined, of: number | null): string => {
    const g = gflops(ms);
    return g === null || of === null
      ? `${name}: not measured`
      : `${name} ${g.toFixed(1)} GFLOPS = ${((100 * g) / of).toFixed(0)}% of its peak`;
  };
  const fma = peak.fma === null ? 'n/a' : `${peak.fma.toFixed(1)} GFLOPS`;
  const plainFraction = gflops(matmul.wasm);
  const verdict =
    plainFraction === null ? 'not measured' : plainFraction >= 0.8 * peak.simd ? 'met' : 'NOT met';
  return (
    `WebAssembly SIMD peak on one thread (a multiply-add loop over 8 or 12 f32x4 chains): plain SIMD ` +
    `${peak.simd.toFixed(1)} GFLOPS, relaxed-SIMD FMA ${fma}.\n` +
    `- matmul 1024 on one thread: ${part('wasm', matmul.wasm, peak.simd)}; ${part('wasm FMA', matmul.fma, peak.fma)}` +
    ` → target ≥ 80% of the plain-SIMD peak: ${verdict}`
  );
}
