// @file The wasm backend against the js backend (the oracle): every wasm kernel on edge shapes, the feature probe,
// the fallback without SIMD, and that the committed binaries rebuild byte for byte from assembly/.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/types.js';
import {
  createWasmBackend,
  preferredFeatures,
  DEFAULT_LIMITS,
  NO_LIMITS,
  probeFeatures,
  wasmBackendFrom,
} from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import type { FloatArray } from '../../src/tensor/dtype.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const features = probeFeatures();
const wasm = createWasmBackend();
/** The wasm backend with no size thresholds: every float32 call runs in wasm, however small. */
const eager = wasm ? wasmBackendFrom(loadRuntime(features)!, NO_LIMITS) : null;
/** Both backends, as [label, backend]: the kernel tests run on each. */
const VARIANTS: [string, Backend][] = wasm
  ? [
      ['wasm', wasm],
      ['wasm without size limits', eager!],
    ]
  : [];

/** Deterministic values in [-1, 1) (xorshift) so that failures reproduce. */
function fill<T extends FloatArray>(data: T, seed: number): T {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return data;
}

type MatmulCase = { m: number; k: number; n: number; transA: boolean; transB: boolean };

/**
 * Runs `backend`'s matmul and the js oracle on the same operands (inside larger junk-filled buffers, at the given
 * offsets) and checks each output within float32 rounding of a k-term sum: |Δ| ≤ 2·k·2⁻²⁴·Σ|a·b| (+ the js
 * kernel's own float32 rounding). Outputs start as NaN so that unwritten elements fail.
 */
function checkMatmul(
  backend: Backend,
  c: MatmulCase,
  aOffsets: readonly number[] = [0],
  bOffsets: readonly number[] = [0],
): void {
  const { m, k, n, transA, transB } = c;
  const a = fill(new Float32Array(Math.max(...aOffsets) + m * k + 7), m * 131 + k * 7 + 1);
  const b = fill(new Float32Array(Math.max(...bOffsets) + k * n + 7), n * 17 + k * 3 + 2);
  const batches = aOffsets.length;
  const got = new Float32Array(batches * m * n).fill(NaN);
  const want = new Float32Array(batches * m * n);
  const magnitude = new Float32Array(batches * m * n);
  backend.matmul(a, aOffsets, b, bOffsets, got, m, k, n, transA, transB);
  jsBackend.matmul(a, aOffsets, b, bOffsets, want, m, k, n, transA, transB);
  jsBackend.matmul(a.map(Math.abs), aOffsets, b.map(Math.abs), bOffsets, magnitude, m, k, n, transA, transB);
  const tolerance = (2 * k + 4) * 2 ** -24;
  for (let e = 0; e < got.length; e++) {
    if (!(Math.abs(got[e]! - want[e]!) <= tolerance * magnitude[e]! + 1e-30)) {
      const at = `batch ${Math.floor(e / (m * n))}, row ${Math.floor((e % (m * n)) / n)}, col ${e % n}`;
      expect.fail(`${JSON.stringify(c)} at ${at}: wasm ${got[e]}, js ${want[e]}`);
    }
  }
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const EDGES = [1, 3, 5, 17, 63, 64, 65, 130, 257];

describe('feature probe', () => {
  it('finds SIMD in this engine (Node ≥ 16) and never throws', () => {
    expect(features.simd).toBe(true);
    expect(typeof features.relaxedSimd).toBe('boolean');
  });

  it('reports no SIMD when validation fails or throws', () => {
    expect(probeFeatures(() => false)).toEqual({ simd: false, relaxedSimd: false });
    const throwing = () => {
      throw new Error('no WebAssembly');
    };
    expect(probeFeatures(throwing)).toEqual({ simd: false, relaxedSimd: false });
  });

  it('asks for relaxed SIMD only where plain SIMD validates', () => {
    const seen: number[] = [];
    const onlyFirst = (bytes: Uint8Array) => {
      seen.push(bytes.length);
      return seen.length === 1;
    };
    expect(probeFeatures(onlyFirst)).toEqual({ simd: true, relaxedSimd: false });
    expect(seen.length).toBe(2);
  });

  it('falls back: without SIMD there is no wasm backend and no runtime', () => {
    expect(createWasmBackend(() => false)).toBeNull();
    expect(loadRuntime({ simd: false, relaxedSimd: false })).toBeNull();
  });
});

describe('backend registry', () => {
  it('starts on wasm where SIMD is available (or on NEURITE_BACKEND), and switches both ways', () => {
    const initial = getBackend();
    expect(initial).toBe(process.env['NEURITE_BACKEND'] || (wasm ? 'wasm' : 'js'));
    try {
      setBackend('js');
      expect(getBackend()).toBe('js');
      if (wasm) {
        setBackend('wasm');
        expect(getBackend()).toBe('wasm');
      }
      // ('webgpu' is a known backend now, started asynchronously: an unknown name stands in.)
      expect(() => setBackend('metal')).toThrow(/unknown backend 'metal'/);
    } finally {
      setBackend(initial);
    }
  });

  it('NEURITE_BACKEND picks the start-up backend in a fresh process', () => {
    const script = `import { getBackend } from ${JSON.stringify(join(root, 'src/backend/index.ts'))}; console.log(getBackend());`;
    for (const name of ['js', 'wasm']) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        env: { ...process.env, NEURITE_BACKEND: name },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe(name);
    }
    const bad = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, NEURITE_BACKEND: 'cuda' },
      encoding: 'utf8',
    });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown backend 'cuda'/);
  });
});

for (const [label, backend] of VARIANTS) {
  describe(`${label} matmul against js`, () => {
    for (const [transA, transB] of FLAGS) {
      it(`every m, k, n in ${EDGES.join(', ')}, transA=${transA}, transB=${transB}`, () => {
        for (const m of EDGES)
          for (const k of EDGES) for (const n of EDGES) checkMatmul(backend, { m, k, n, transA, transB });
      });
    }

    it('sizes that span several cache blocks (k > 256, m > 128, n > 1024)', () => {
      for (const [transA, transB] of FLAGS) {
        for (const [m, k, n] of [
          [65, 600, 130],
          [300, 70, 17],
          [9, 40, 1100],
          [133, 513, 1031],
        ] as const) {
          checkMatmul(backend, { m, k, n, transA, transB });
        }
      }
    });

    it('every row count 1…40 and 125…135 (A cut into 4-, 5- and 6-row panels, padded or not)', () => {
      for (const transA of [false, true]) {
        for (const m of [
          ...Array.from({ length: 40 }, (_, i) => i + 1),
          125,
          126,
          127,
          128,
          129,
          131,
          133,
          135,
        ]) {
          checkMatmul(backend, { m, k: 37, n: 19, transA, transB: false });
          if (m % 8 === 3) checkMatmul(backend, { m, k: 300, n: 16, transA, transB: true }); // two k slabs
        }
      }
    });

    it('batches read operands at arbitrary and repeated offsets', () => {
      for (const [transA, transB] of FLAGS) {
        for (const [m, k, n] of [
          [3, 5, 2],
          [17, 63, 65],
          [70, 64, 40],
        ] as const) {
          checkMatmul(
            backend,
            { m, k, n, transA, transB },
            [5, 0, 5 + m * k, 5],
            [0, 3 + k * n, 3 + k * n, 11],
          );
          checkMatmul(backend, { m, k, n, transA, transB }, [0, 0, 0], [0, k * n, 2 * k * n]); // a shared weight
        }
      }
    });

    it('keeps no state between calls, before and after memory grows', () => {
      checkMatmul(backend, { m: 40, k: 40, n: 40, transA: false, transB: true });
      checkMatmul(backend, { m: 700, k: 300, n: 900, transA: false, transB: false });
      checkMatmul(backend, { m: 9, k: 7, n: 5, transA: true, transB: false });
      checkMatmul(backend, { m: 41, k: 37, n: 43, transA: false, transB: false });
    });

    it.runIf(backend === wasm)(
      'delegates float64 and small products to the js kernel (bit-identical)',
      () => {
        const cases: [number, number, number, 'f32' | 'f64'][] = [
          [40, 50, 60, 'f64'],
          [3, 4, 5, 'f32'],
          [6, 6, 7, 'f32'],
        ];
        for (const [m, k, n, kind] of cases) {
          const Ctor = kind === 'f64' ? Float64Array : Float32Array;
          if (kind === 'f32') expect(m * k * n).toBeLessThan(DEFAULT_LIMITS.matmulMinWork);
          const a = fill(new Ctor(m * k), 1);
          const b = fill(new Ctor(k * n), 2);
          const got = new Ctor(m * n);
          const want = new Ctor(m * n);
          backend.matmul(a, [0], b, [0], got, m, k, n, false, true);
          jsBackend.matmul(a, [0], b, [0], want, m, k, n, false, true);
          expect(got).toEqual(want);
        }
      },
    );

    it.runIf(backend === wasm)(
      'delegates narrow products (fewer than 4 output rows or columns) below their own threshold',
      () => {
        const cases: [number, number, number][] = [
          [64, 2, 3], // a 2-3-1 net's first layer on a batch of 64
          [3, 64, 2], // the gradient of its weight
          [256, 3, 1],
        ];
        for (const [m, k, n] of cases) {
          expect(m * k * n).toBeGreaterThanOrEqual(DEFAULT_LIMITS.matmulMinWork);
          expect(m * k * n).toBeLessThan(DEFAULT_LIMITS.matmulNarrowMinWork);
          const a = fill(new Float32Array(m * k), 3);
          const b = fill(new Float32Array(k * n), 4);
          const got = new Float32Array(m * n);
          const want = new Float32Array(m * n);
          backend.matmul(a, [0], b, [0], got, m, k, n, false, true);
          jsBackend.matmul(a, [0], b, [0], want, m, k, n, false, true);
          expect(got).toEqual(want);
        }
      },
    );

    it('k = 0 writes zeros', () => {
      const out = new Float32Array(2 * 64 * 64).fill(NaN);
      backend.matmul(new Float32Array(0), [0, 0], new Float32Array(0), [0, 0], out, 64, 0, 64, false, false);
      expect(out.every((v) => v === 0)).toBe(true);
    });

    it('propagates NaN and Infinity like IEEE arithmetic', () => {
      const size = 40;
      const a = new Float32Array(size * size);
      const b = new Float32Array(size * size).fill(1);
      a[0] = NaN;
      b[size * size - 1] = Infinity;
      const out = new Float32Array(size * size);
      backend.matmul(a, [0], b, [0], out, size, size, size, false, false);
      expect(out[0]).toBeNaN(); // NaN·1
      expect(out[size - 1]).toBeNaN(); // NaN·1 + 0·∞
      expect(out[2 * size - 1]).toBeNaN(); // row 1, last column: 0·∞
      expect(out[size]).toBe(0); // row 1, first column: only zeros
    });
  });
}

describe('choosing the build', () => {
  it('prefers the fused build where the engine has relaxed SIMD, unless NEURITE_RELAXED_SIMD=0', () => {
    const both = { simd: true, relaxedSimd: true };
    expect(preferredFeatures(both, undefined)).toEqual(both);
    expect(preferredFeatures(both, '1')).toEqual(both);
    expect(preferredFeatures(both, '0')).toEqual({ simd: true, relaxedSimd: false });
    expect(preferredFeatures({ simd: true, relaxedSimd: false }, undefined).relaxedSimd).toBe(false);
  });

  it('NEURITE_RELAXED_SIMD=0 loads the plain build even where relaxed SIMD validates', () => {
    const script = `
      import { backend } from ${JSON.stringify(join(root, 'src/backend/index.ts'))};
      import { probeFeatures } from ${JSON.stringify(join(root, 'src/backend/wasm/index.ts'))};
      console.log(probeFeatures().relaxedSimd, backend().kernelBuild);`;
    const args = ['--import', 'tsx', '--input-type=module', '-e', script];
    const run = (env: Record<string, string>) => {
      const options = { cwd: root, encoding: 'utf8' as const, env: { ...process.env, ...env } };
      const flagged = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', ...args], options);
      return (flagged.status === 0 ? flagged : spawnSync(process.execPath, args, options)).stdout.trim();
    };
    const plain = run({ NEURITE_RELAXED_SIMD: '0', NEURITE_BACKEND: 'wasm' });
    const fused = run({ NEURITE_RELAXED_SIMD: '', NEURITE_BACKEND: 'wasm' });
    if (fused.startsWith('false')) return; // this engine has no relaxed SIMD at all
    expect(fused).toBe('true relaxed-simd');
    expect(plain).toBe('true simd');
  });
});

describe('relaxed SIMD build', () => {
  /** Node 20 validates relaxed SIMD only behind --experimental-wasm-relaxed-simd; later engines by default. */
  it('agrees with js on matmul, convolutions and batch norm (run in a process that enables relaxed SIMD)', () => {
    const script = `
      import { jsBackend } from ${JSON.stringify(join(root, 'src/backend/js/index.ts'))};
      import { probeFeatures, wasmBackendFrom } from ${JSON.stringify(join(root, 'src/backend/wasm/index.ts'))};
      import { loadRuntime } from ${JSON.stringify(join(root, 'src/backend/wasm/runtime.ts'))};
      const features = probeFeatures();
      const runtime = features.relaxedSimd ? loadRuntime(features) : null;
      if (!runtime) { console.log('unsupported'); process.exit(0); }
      const backend = wasmBackendFrom(runtime);
      let worst = 0;
      for (const [m, k, n] of [[17, 63, 65], [130, 257, 64], [5, 300, 1030], [32, 40, 48], [7, 20, 9], [11, 9, 8]]) {
        for (const ta of [false, true]) for (const tb of [false, true]) {
          const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 1.7));
          const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.3));
          const got = new Float32Array(m * n), want = new Float32Array(m * n);
          backend.matmul(a, [0], b, [0], got, m, k, n, ta, tb);
          jsBackend.matmul(a, [0], b, [0], want, m, k, n, ta, tb);
          for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / k);
        }
      }
      // A convolution's three maps (they run the gemm with fused multiply-adds too) and batch norm.
      const window = { inH: 14, inW: 14, outH: 14, outW: 14, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
        padH: 1, padW: 1, dilationH: 1, dilationW: 1 };
      const geo = { images: 20, inChannels: 6, outChannels: 8, groups: 1, window };
      const x = Float32Array.from({ length: 20 * 6 * 196 }, (_, i) => Math.sin(i * 0.37));
      const w = Float32Array.from({ length: 8 * 54 }, (_, i) => Math.cos(i * 0.11));
      const bias = Float32Array.from({ length: 8 }, (_, i) => i / 8);
      const g = Float32Array.from({ length: 20 * 8 * 196 }, (_, i) => Math.sin(i * 0.23));
      const pairs = [
        [new Float32Array(g.length), new Float32Array(g.length), (b, out) => b.conv2d(x, w, bias, out, geo), 54],
        [new Float32Array(x.length), new Float32Array(x.length), (b, out) => b.conv2dInputGrad(g, w, out, geo), 8],
        [new Float32Array(w.length), new Float32Array(w.length), (b, out) => b.conv2dWeightGrad(x, g, out, geo), 3920],
      ];
      for (const [got, want, run, terms] of pairs) {
        run(backend, got);
        run(jsBackend, want);
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / terms);
      }
      const stats = () => [new Float64Array(8), new Float64Array(8), new Float64Array(8)];
      const [m1, v1, s1] = stats(), [m2, v2, s2] = stats();
      const bnGot = new Float32Array(g.length), bnWant = new Float32Array(g.length);
      backend.batchNorm(g, 20, 8, 196, w.subarray(0, 8), bias, 1e-5, bnGot, m1, v1, s1);
      jsBackend.batchNorm(g, 20, 8, 196, w.subarray(0, 8), bias, 1e-5, bnWant, m2, v2, s2);
      for (let i = 0; i < bnGot.length; i++) worst = Math.max(worst, Math.abs(bnGot[i] - bnWant[i]));
      console.log(runtime.relaxedSimd ? 'relaxed ' + worst : 'not relaxed');`;
    const args = ['--import', 'tsx', '--input-type=module', '-e', script];
    const flagged = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    // Engines that dropped the flag (relaxed SIMD on by default) reject it: run unflagged there.
    const run =
      flagged.status === 0 ? flagged : spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout.trim();
    if (out === 'unsupported') return;
    expect(out).toMatch(/^relaxed /);
    expect(Number(out.slice('relaxed '.length))).toBeLessThan(1e-6);
  });
});

describe('committed binaries', () => {
  it('rebuild byte for byte from assembly/ (node scripts/build-wasm.mjs --check)', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('the loaded runtime matches the probed features', () => {
    const runtime = loadRuntime(features);
    expect(runtime?.relaxedSimd).toBe(features.relaxedSimd);
    expect(wasmBackendFrom(runtime!).name).toBe('wasm');
  });
});

/** Same values: NaN matches NaN, and +0 and −0 differ (as in Object.is). */
function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Object.is(g, w) || (g !== g && w !== w))) expect.fail(`${what} at ${i}: wasm ${g}, js ${w}`);
  }
}

/** |wasm − js| ≤ ulps·2⁻²³·|js| + absolute, element by element (NaN matches NaN, infinities must match). */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  what: string,
  ulps = 4,
  absolute = 0,
): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g !== g && w !== w) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= ulps * 2 ** -23 * Math.abs(w) + absolute)) {
      expect.fail(`${what} at ${i}: wasm ${g}, js ${w}`);
    }
  }
}

/** Random float32 values in [-scale, scale), with a few specials sprinkled in when `specials`. */
function values(n: number, seed: number, scale = 1, specials = false): Float32Array {
  const data = fill(new Float32Array(n), seed).map((v) => v * scale);
  if (specials && n > 8) {
    const marks = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e30, 3e38];
    marks.forEach((v, i) => (data[(i * 7919 + seed) % n] = v));
  }
  return data;
}

const numel = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

for (const [label, backend] of VARIANTS) {
  describe(`${label} elementwise kernels against js`, () => {
    const binaryOps = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'lt'] as const;
    const broadcasts: [number[], number[], number[]][] = [
      [[4099], [4099], [4099]], // same shape, odd tail
      [[4119], [4119], [4119]], // same shape: cache lines, one more vector, then three elements
      [[64, 33], [33], [64, 33]], // bias row
      [[64, 29], [29], [64, 29]], // bias row: a cache line, three vectors and an element per row
      [
        [32, 16, 9, 9],
        [16, 1, 1],
        [32, 16, 9, 9],
      ], // per-channel, 4 dims
      [[1], [37, 41], [37, 41]], // scalar left
      [[37, 41], [], [37, 41]], // scalar right
      [
        [8, 1, 130],
        [1, 9, 130],
        [8, 9, 130],
      ], // both broadcast
      [
        [2, 3, 2, 3, 2, 3, 50],
        [3, 1, 3, 1, 3, 1],
        [2, 3, 2, 3, 2, 3, 50],
      ], // more than four dims after merging
      [
        [10, 10],
        [10, 10],
        [10, 10],
      ], // below the size threshold
    ];

    it('binary ops with broadcasting are bit-identical (NaN, ±0, ±∞ included)', () => {
      broadcasts.forEach(([aShape, bShape, outShape], c) => {
        const a = values(numel(aShape), 3 + c, 4, true);
        const b = values(numel(bShape), 5 + c, 4, true);
        for (const op of binaryOps) {
          const out =
            op === 'lt' ? new Uint8Array(numel(outShape)) : new Float32Array(numel(outShape)).fill(NaN);
          const want = op === 'lt' ? new Uint8Array(out.length) : new Float32Array(out.length);
          backend.binary(op, a, aShape, b, bShape, out, outShape);
          jsBackend.binary(op, a, aShape, b, bShape, want, outShape);
          expectSame(out, want, `${op} ${JSON.stringify([aShape, bShape])}`);
        }
      });
    });

    it('binary ops on float64 go to js', () => {
      const a = Float64Array.from(values(5000, 1));
      const b = Float64Array.from(values(5000, 2));
      const out = new Float64Array(5000);
      const want = new Float64Array(5000);
      backend.binary('mul', a, [5000], b, [5000], out, [5000]);
      jsBackend.binary('mul', a, [5000], b, [5000], want, [5000]);
      expectSame(out, want, 'float64 mul');
    });

    const exact = ['neg', 'abs', 'relu', 'square', 'sqrt', 'reciprocal', 'clamp', 'copy', 'gelu'] as const;
    const approximate = ['exp', 'sigmoid', 'tanh', 'rsqrt', 'leakyRelu'] as const;

    it('exact unary ops are bit-identical, at every tail length', () => {
      for (const n of [1024, 1025, 1026, 1027, 4099, 100]) {
        const x = values(n, n, 3, true);
        for (const op of exact) {
          const out = new Float32Array(n).fill(NaN);
          const want = new Float32Array(n);
          const [p0, p1] = op === 'clamp' ? [-0.5, 0.75] : [0, 0];
          backend.unary(op, x, out, p0, p1);
          jsBackend.unary(op, x, want, p0, p1);
          expectSame(out, want, `${op} n=${n}`);
        }
      }
    });

    it('fused activation gradients (unaryGrad) are bit-identical, at every tail length', () => {
      for (const n of [1024, 1025, 1026, 1027, 4099, 100]) {
        const g = values(n, n + 1, 3, true);
        for (const op of ['relu', 'sigmoid', 'tanh'] as const) {
          const saved = op === 'relu' ? values(n, n + 2, 3, true) : values(n, n + 2, 1, true);
          const out = new Float32Array(n).fill(NaN);
          const want = new Float32Array(n);
          backend.unaryGrad(op, g, saved, out);
          jsBackend.unaryGrad(op, g, saved, want);
          expectSame(out, want, `${op} gradient n=${n}`);
        }
      }
    });

    it('clamp with one bound open (±Infinity), or min > max (max everywhere), is bit-identical', () => {
      const x = values(2048, 9, 3, true);
      for (const [lo, hi] of [
        [-Infinity, 1],
        [0, Infinity],
        [0.5, -0.5],
      ] as const) {
        const out = new Float32Array(x.length);
        const want = new Float32Array(x.length);
        backend.unary('clamp', x, out, lo, hi);
        jsBackend.unary('clamp', x, want, lo, hi);
        expectSame(out, want, `clamp [${lo}, ${hi}]`);
        if (lo > hi) expect(out.every((v, i) => v === hi || Number.isNaN(x[i]!))).toBe(true);
      }
    });

    it('exp, sigmoid, tanh, rsqrt, leakyRelu agree within 4 float32 ulps over their whole range', () => {
      const n = 20000;
      // Dense in [-12, 12], plus the extremes: overflow, underflow through the subnormals, specials.
      const x = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / n);
      x.set([88, 88.7, 88.8, 89, 100, -87, -87.5, -90, -100, -103.9, -104, -200, 1e-8, -1e-8, 0.62, 0.63], 0);
      x.set([NaN, Infinity, -Infinity, 0, -0, 1e-30], 20);
      // NaN in one vector and an extreme in the same lane of the next (sigmoid checks 4 vectors at once).
      x.set([NaN, 1, 2, 3, Infinity, 1, 2, 3, NaN, 1, 2, 3, -100, 1, 2, 3], 32);
      for (const op of approximate) {
        const input = op === 'rsqrt' ? x.map(Math.abs) : x;
        const out = new Float32Array(n);
        const want = new Float32Array(n);
        backend.unary(op, input, out, 0.01, 0);
        jsBackend.unary(op, input, want, 0.01, 0);
        // Subnormal results (exp below −87.3) carry absolute error, not relative.
        expectClose(out, want, op, 4, 1e-44);
      }
    });

    it('unary on float64 or mixed dtypes goes to js', () => {
      const x = Float64Array.from(values(3000, 4));
      const out = new Float64Array(3000);
      const want = new Float64Array(3000);
      backend.unary('exp', x, out);
      jsBackend.unary('exp', x, want);
      expectSame(out, want, 'float64 exp');
      const mask = new Uint8Array(3000);
      backend.unary('isNaN', values(3000, 5, 1, true), mask);
      expect(mask.some((v) => v === 1)).toBe(true);
    });
  });
}

for (const [label, backend] of VARIANTS) {
  describe(`${label} reductions against js`, () => {
    const cases: [number[], number[]][] = [
      [[5000], [0]], // R
      [[64, 129], [1]], // K R
      [[129, 64], [0]], // R K
      [[7, 130, 13], [1]], // K R K′
      [
        [32, 16, 9, 9],
        [0, 2, 3],
      ], // R K R′ (a conv bias gradient)
      [
        [3, 1, 400, 5],
        [0, 2],
      ], // the size-1 dim drops out and R R K merges into R K
      [
        [4, 5, 6, 7, 8],
        [0, 2, 4],
      ], // R K R K R: js
      [
        [40, 30],
        [0, 1],
      ], // everything
      [[10, 10], [1]], // below the size threshold
    ];

    it('sums match js within one float32 ulp (both accumulate in float64)', () => {
      cases.forEach(([shape, axes], c) => {
        const x = values(numel(shape), 11 + c, 2);
        const outSize = numel(shape.filter((_, d) => !axes.includes(d)));
        const out = new Float32Array(outSize).fill(NaN);
        const want = new Float32Array(outSize);
        backend.reduce('sum', x, shape, axes, out);
        jsBackend.reduce('sum', x, shape, axes, want);
        expectClose(out, want, `sum ${JSON.stringify([shape, axes])}`, 1, 1e-6);
      });
    });

    it('max, prod and float64 sums go to js', () => {
      const x = values(4096, 3);
      for (const op of ['max', 'min', 'prod'] as const) {
        const out = new Float32Array(64);
        const want = new Float32Array(64);
        backend.reduce(op, x, [64, 64], [1], out);
        jsBackend.reduce(op, x, [64, 64], [1], want);
        expectSame(out, want, op);
      }
    });

    it('softmax and log-softmax along any axis agree within a few ulps', () => {
      for (const [outer, size, inner] of [
        [64, 10, 1],
        [3, 1000, 1],
        [8, 33, 1],
        [4, 50, 7], // inner not a multiple of four
        [2, 30, 64],
        [1, 3, 10], // below the size threshold
      ] as const) {
        const n = outer * size * inner;
        const x = values(n, size + inner, 8);
        for (const log of [false, true]) {
          const out = new Float32Array(n).fill(NaN);
          const want = new Float32Array(n);
          backend.softmax(x, out, outer, size, inner, log);
          jsBackend.softmax(x, want, outer, size, inner, log);
          expectClose(out, want, `softmax ${[outer, size, inner, log]}`, 8, 1e-7);
        }
      }
    });

    it('softmax keeps the js kernel’s special cases: −∞ rows, +∞ and NaN', () => {
      const size = 300;
      const x = values(4 * size, 17, 3);
      x.fill(-Infinity, 0, size); // an all −∞ row: NaN in js (0/0), and in wasm
      x[size + 5] = Infinity;
      x[2 * size + 7] = NaN;
      for (const log of [false, true]) {
        const out = new Float32Array(x.length);
        const want = new Float32Array(x.length);
        backend.softmax(x, out, 4, size, 1, log);
        jsBackend.softmax(x, want, 4, size, 1, log);
        expectClose(out, want, `special rows log=${log}`, 8, 1e-7);
      }
    });
  });
}

for (const [label, backend] of VARIANTS) {
  describe(`${label} window kernels against js`, () => {
    const windows = [
      {
        inH: 28,
        inW: 28,
        kernelH: 3,
        kernelW: 3,
        strideH: 1,
        strideW: 1,
        padH: 1,
        padW: 1,
        dilationH: 1,
        dilationW: 1,
      },
      {
        inH: 17,
        inW: 13,
        kernelH: 5,
        kernelW: 3,
        strideH: 2,
        strideW: 3,
        padH: 2,
        padW: 0,
        dilationH: 1,
        dilationW: 2,
      },
      {
        inH: 9,
        inW: 31,
        kernelH: 2,
        kernelW: 4,
        strideH: 1,
        strideW: 2,
        padH: 0,
        padW: 3,
        dilationH: 3,
        dilationW: 1,
      },
      {
        inH: 4,
        inW: 4,
        kernelH: 2,
        kernelW: 2,
        strideH: 2,
        strideW: 2,
        padH: 0,
        padW: 0,
        dilationH: 1,
        dilationW: 1,
      },
      {
        // 2×2 pooling's vector path: 7 windows per row (a ragged end), odd input sizes.
        inH: 9,
        inW: 15,
        kernelH: 2,
        kernelW: 2,
        strideH: 2,
        strideW: 2,
        padH: 0,
        padW: 0,
        dilationH: 1,
        dilationW: 1,
      },
      {
        // 2×2 windows with stride 2 but dilated: not the 2×2 vector path (which once ignored the dilation).
        inH: 11,
        inW: 14,
        kernelH: 2,
        kernelW: 2,
        strideH: 2,
        strideW: 2,
        padH: 0,
        padW: 0,
        dilationH: 2,
        dilationW: 3,
      },
    ];
    const withOutput = (w: (typeof windows)[number]) => ({
      ...w,
      outH: Math.floor((w.inH + 2 * w.padH - w.dilationH * (w.kernelH - 1) - 1) / w.strideH) + 1,
      outW: Math.floor((w.inW + 2 * w.padW - w.dilationW * (w.kernelW - 1) - 1) / w.strideW) + 1,
    });

    it('im2col and col2im are bit-identical (col2im adds onto its output)', () => {
      windows.map(withOutput).forEach((w, c) => {
        const [images, channels] = [3, 5];
        const x = values(images * channels * w.inH * w.inW + 11, 21 + c); // longer than needed, as conv passes
        const colSize = images * channels * w.kernelH * w.kernelW * w.outH * w.outW;
        const cols = new Float32Array(colSize + 5).fill(NaN);
        const want = new Float32Array(colSize + 5).fill(NaN);
        backend.im2col(x, images, channels, w, cols);
        jsBackend.im2col(x, images, channels, w, want);
        expectSame(cols, want, `im2col ${c}`);
        const start = values(images * channels * w.inH * w.inW, 5 + c);
        const out = start.slice();
        const outWant = start.slice();
        backend.col2im(want.subarray(0, colSize), images, channels, w, out);
        jsBackend.col2im(want.subarray(0, colSize), images, channels, w, outWant);
        expectClose(out, outWant, `col2im ${c}`, 1, 1e-7); // the same sums, added in another order
      });
    });

    it('whole convolutions (forward, input and weight gradients) agree with js', () => {
      const cases = [
        { images: 37, inChannels: 3, outChannels: 8, groups: 1 }, // ∂W spans three 16-image chunks
        { images: 2, inChannels: 6, outChannels: 4, groups: 2 },
        { images: 5, inChannels: 4, outChannels: 12, groups: 4 },
        { images: 1, inChannels: 1, outChannels: 6, groups: 1 },
      ];
      windows.map(withOutput).forEach((window, c) => {
        for (const [i, geometry] of cases.entries()) {
          const geo = { ...geometry, window };
          const what = `window ${c}, case ${i}`;
          const kg = (geo.inChannels / geo.groups) * window.kernelH * window.kernelW;
          const inSize = geo.images * geo.inChannels * window.inH * window.inW;
          const outSize = geo.images * geo.outChannels * window.outH * window.outW;
          const x = values(inSize, 41 + c + i);
          const weight = values(geo.outChannels * kg, 43 + c + i);
          const gradOut = values(outSize, 47 + c + i);
          const forward = [new Float32Array(outSize).fill(NaN), new Float32Array(outSize).fill(NaN)] as const;
          const bias = i % 2 === 0 ? values(geo.outChannels, 53 + c + i) : null;
          backend.conv2d(x, weight, bias, forward[0], geo);
          jsBackend.conv2d(x, weight, bias, forward[1], geo);
          expectClose(forward[0], forward[1], `conv2d ${what}`, 64, 1e-5);
          const gradInput = [new Float32Array(inSize).fill(NaN), new Float32Array(inSize).fill(NaN)] as const;
          backend.conv2dInputGrad(gradOut, weight, gradInput[0], geo);
          jsBackend.conv2dInputGrad(gradOut, weight, gradInput[1], geo);
          expectClose(gradInput[0], gradInput[1], `conv2dInputGrad ${what}`, 64, 1e-5);
          const gradWeight = [
            new Float32Array(weight.length).fill(NaN),
            new Float32Array(weight.length),
          ] as const;
          backend.conv2dWeightGrad(x, gradOut, gradWeight[0], geo);
          jsBackend.conv2dWeightGrad(x, gradOut, gradWeight[1], geo);
          expectClose(gradWeight[0], gradWeight[1], `conv2dWeightGrad ${what}`, 256, 1e-4);
        }
      });
    });

    it('batch norm and its VJP agree with js (float64 statistics; runs of any length)', () => {
      for (const [outer, channels, inner] of [
        [64, 16, 49],
        [5, 3, 7],
        [300, 4, 1],
        [2, 2, 1030],
      ] as const) {
        const n = outer * channels * inner;
        const what = `[${outer}, ${channels}, ${inner}]`;
        const x = values(n, outer + inner).map((v) => 4 * v + 2);
        const weight = values(channels, 3);
        const bias = values(channels, 4);
        const stats = () => [
          new Float64Array(channels),
          new Float64Array(channels),
          new Float64Array(channels),
        ];
        const [mean, variance, invstd] = stats();
        const [wantMean, wantVariance, wantInvstd] = stats();
        const out = new Float32Array(n).fill(NaN);
        const want = new Float32Array(n);
        backend.batchNorm(x, outer, channels, inner, weight, bias, 1e-5, out, mean!, variance!, invstd!);
        jsBackend.batchNorm(
          x,
          outer,
          channels,
          inner,
          weight,
          bias,
          1e-5,
          want,
          wantMean!,
          wantVariance!,
          wantInvstd!,
        );
        expectClose(out, want, `batchNorm ${what}`, 2, 1e-6);
        expectClose(mean!, wantMean!, `mean ${what}`, 0, 1e-12);
        expectClose(variance!, wantVariance!, `variance ${what}`, 0, 1e-12);
        const gradOut = values(n, 7 + inner);
        const grads = () => [
          new Float32Array(n).fill(NaN),
          new Float32Array(channels),
          new Float32Array(channels),
        ];
        const [gradInput, gradWeight, gradBias] = grads();
        const [wantInput, wantWeight, wantBias] = grads();
        backend.batchNormBackward(
          gradOut,
          x,
          outer,
          channels,
          inner,
          weight,
          mean!,
          invstd!,
          gradInput!,
          gradWeight!,
          gradBias!,
        );
        jsBackend.batchNormBackward(
          gradOut,
          x,
          outer,
          channels,
          inner,
          weight,
          mean!,
          invstd!,
          wantInput!,
          wantWeight!,
          wantBias!,
        );
        expectClose(gradInput!, wantInput!, `batchNormBackward ∂x ${what}`, 2, 1e-6);
        expectClose(gradWeight!, wantWeight!, `batchNormBackward ∂γ ${what}`, 2, 1e-6);
        expectClose(gradBias!, wantBias!, `batchNormBackward ∂β ${what}`, 2, 1e-6);
        // Without affine parameters and with only ∂x wanted.
        backend.batchNorm(x, outer, channels, inner, null, null, 1e-3, out, mean!, variance!, invstd!);
        jsBackend.batchNorm(
          x,
          outer,
          channels,
          inner,
          null,
          null,
          1e-3,
          want,
          wantMean!,
          wantVariance!,
          wantInvstd!,
        );
        expectClose(out, want, `batchNorm without affine ${what}`, 2, 1e-6);
        backend.batchNormBackward(
          gradOut,
          x,
          outer,
          channels,
          inner,
          null,
          mean!,
          invstd!,
          gradInput!,
          null,
          null,
        );
        jsBackend.batchNormBackward(
          gradOut,
          x,
          outer,
          channels,
          inner,
          null,
          mean!,
          invstd!,
          wantInput!,
          null,
          null,
        );
        expectClose(gradInput!, wantInput!, `batchNormBackward ∂x only ${what}`, 2, 1e-6);
      }
    });

    it('the per-channel affine map (eval batch norm) agrees with js within one rounding', () => {
      for (const [outer, channels, inner] of [
        [64, 16, 49],
        [5, 3, 7],
        [300, 4, 1],
      ] as const) {
        const n = outer * channels * inner;
        const x = values(n, outer + 3 * inner, 5);
        const scale = Float64Array.from(values(channels, 11), (v) => 2 * v);
        const shift = Float64Array.from(values(channels, 12), (v) => v - 0.5);
        const [got, want] = [new Float32Array(n).fill(NaN), new Float32Array(n)];
        backend.channelAffine(x, outer, channels, inner, scale, shift, got);
        jsBackend.channelAffine(x, outer, channels, inner, scale, shift, want);
        expectClose(got, want, `channelAffine [${outer}, ${channels}, ${inner}]`, 1, 1e-7);
      }
    });

    it('max pooling values and indices are identical (ties, NaN, padding)', () => {
      windows.map(withOutput).forEach((w, c) => {
        const planes = 37 + c; // not always a multiple of the four lanes
        const x = values(planes * w.inH * w.inW, 31 + c, 2, true).map((v) => Math.round(v * 2) / 2); // many ties
        const outSize = planes * w.outH * w.outW;
        const [out, want] = [new Float32Array(outSize), new Float32Array(outSize)];
        const [indices, wantIndices] = [new Int32Array(outSize), new Int32Array(outSize)];
        backend.maxPool2d(x, planes, w, out, indices);
        jsBackend.maxPool2d(x, planes, w, want, wantIndices);
        expectSame(out, want, `maxPool2d values ${c}`);
        expectSame(indices, wantIndices, `maxPool2d indices ${c}`);
      });
    });
  });
}
