// @file The js backend's matmul kernel against a naive float64 triple loop: edge sizes, transposes, batches, dtypes.
import { describe, expect, it } from 'vitest';
import { matmul } from '../../src/backend/js/matmul.js';
import type { FloatArray } from '../../src/tensor/dtype.js';

type Case = { m: number; k: number; n: number; transA: boolean; transB: boolean };

/** Deterministic values in [-1, 1) so that failures reproduce. */
function fill(data: FloatArray, seed: number): FloatArray {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return data;
}

/** op(A)·op(B) and Σ|a·b| per element, in float64, straight from the definition. */
function reference(a: FloatArray, aOff: number, b: FloatArray, bOff: number, c: Case) {
  const { m, k, n, transA, transB } = c;
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = a[aOff + (transA ? p * m + i : i * k + p)]!;
        const y = b[bOff + (transB ? j * k + p : p * n + j)]!;
        sum += x * y;
        abs += Math.abs(x * y);
      }
      value[i * n + j] = sum;
      magnitude[i * n + j] = abs;
    }
  }
  return { value, magnitude };
}

/**
 * Runs the kernel on `batches` products whose operands sit at the given offsets inside larger buffers (filled
 * with junk around them) and checks every output element, which starts as NaN so that unwritten ones fail.
 */
function check(
  c: Case,
  dtype: 'float32' | 'float64',
  aOffsets: readonly number[] = [0],
  bOffsets: readonly number[] = [0],
): void {
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const aSize = Math.max(...aOffsets) + c.m * c.k + 7;
  const bSize = Math.max(...bOffsets) + c.k * c.n + 7;
  const a = fill(new Ctor(aSize), c.m * 131 + c.k * 7 + 1);
  const b = fill(new Ctor(bSize), c.n * 17 + c.k * 3 + 2);
  const out = new Ctor(aOffsets.length * c.m * c.n).fill(NaN);
  matmul(a, aOffsets, b, bOffsets, out, c.m, c.k, c.n, c.transA, c.transB);
  // float64 accumulation everywhere; float32 outputs are rounded once per KC-deep block of k.
  const tolerance = dtype === 'float64' ? 1e-13 : 3e-7 * (1 + Math.ceil(c.k / 256));
  for (let batch = 0; batch < aOffsets.length; batch++) {
    const { value, magnitude } = reference(a, aOffsets[batch]!, b, bOffsets[batch]!, c);
    for (let e = 0; e < value.length; e++) {
      const got = out[batch * c.m * c.n + e]!;
      const bound = tolerance * magnitude[e]! + 1e-300;
      if (!(Math.abs(got - value[e]!) <= bound)) {
        const where = `batch ${batch}, row ${Math.floor(e / c.n)}, col ${e % c.n}`;
        expect.fail(`${JSON.stringify(c)} ${dtype} at ${where}: got ${got}, expected ${value[e]}`);
      }
    }
  }
}

const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe('js matmul kernel', () => {
  const edges = [1, 3, 5, 17, 63, 64, 65];
  for (const [transA, transB] of flags) {
    it(`all edge sizes ${edges.join(', ')} cubed, transA=${transA}, transB=${transB}`, () => {
      for (const m of edges)
        for (const k of edges) for (const n of edges) check({ m, k, n, transA, transB }, 'float64');
    });
  }

  const large: [number, number, number][] = [
    [130, 257, 65],
    [257, 130, 257],
    [65, 513, 130], // k spans several KC blocks
    [9, 257, 600], // n spans several NC blocks
    [300, 70, 17], // m spans several MC blocks
    [8, 1000, 4], // exactly one micro-tile, deep k
    [1, 257, 257],
    [257, 1, 257],
    [257, 257, 1],
    [128, 2, 128],
    [1, 5, 2100], // small path: wider than its row buffer
    [3, 70, 1100],
    [4, 3, 3000], // blocked path, shallow k and many column panels
  ];
  for (const [transA, transB] of flags) {
    it(`large and blocked sizes, transA=${transA}, transB=${transB}`, () => {
      for (const [m, k, n] of large) {
        check({ m, k, n, transA, transB }, 'float64');
        check({ m, k, n, transA, transB }, 'float32');
      }
    });
  }

  it('float32 outputs at edge sizes', () => {
    for (const [transA, transB] of flags) {
      for (const m of [1, 17, 64, 65]) {
        for (const k of [1, 5, 63, 130])
          for (const n of [3, 64, 65]) check({ m, k, n, transA, transB }, 'float32');
      }
    }
  });

  it('batches read their operands at arbitrary, repeated offsets', () => {
    for (const [transA, transB] of flags) {
      for (const [m, k, n] of [
        [3, 5, 2],
        [17, 63, 65],
        [70, 64, 40],
      ] as const) {
        const aOffsets = [5, 0, 5 + m * k, 5];
        const bOffsets = [0, 3 + k * n, 3 + k * n, 11];
        check({ m, k, n, transA, transB }, 'float64', aOffsets, bOffsets);
        check({ m, k, n, transA, transB }, 'float32', aOffsets, bOffsets);
      }
    }
  });

  it('k = 0 writes zeros', () => {
    for (const [m, n] of [
      [3, 4],
      [64, 64],
      [200, 300],
    ] as const) {
      for (const Ctor of [Float32Array, Float64Array]) {
        const out = new Ctor(2 * m * n).fill(NaN);
        matmul(new Ctor(0), [0, 0], new Ctor(0), [0, 0], out, m, 0, n, false, false);
        expect(out.every((v) => v === 0)).toBe(true);
      }
    }
  });

  it('empty outputs (m = 0 or n = 0) are a no-op', () => {
    const out = new Float32Array(0);
    matmul(new Float32Array(10), [0], new Float32Array(10), [0], out, 0, 5, 2, false, false);
    matmul(new Float32Array(10), [0], new Float32Array(10), [0], out, 2, 5, 0, false, false);
    expect(out.length).toBe(0);
  });

  it('keeps no state between calls (shared pack buffers)', () => {
    // A large product leaves its panels in the module-level buffers; smaller ones afterwards must not see them.
    check({ m: 200, k: 300, n: 250, transA: false, transB: false }, 'float64');
    check({ m: 9, k: 7, n: 5, transA: true, transB: false }, 'float64');
    check({ m: 40, k: 40, n: 40, transA: false, transB: true }, 'float32');
    check({ m: 41, k: 37, n: 43, transA: false, transB: false }, 'float64');
  });

  it('propagates NaN and Infinity like IEEE arithmetic', () => {
    for (const size of [2, 40]) {
      const a = new Float64Array(size * size);
      const b = new Float64Array(size * size).fill(1);
      a[0] = NaN;
      b[size * size - 1] = Infinity;
      const out = new Float64Array(size * size);
      matmul(a, [0], b, [0], out, size, size, size, false, false);
      expect(out[0]).toBeNaN(); // NaN·1
      expect(out[size - 1]).toBeNaN(); // NaN·1 + 0·∞
      expect(out[2 * size - 1]).toBeNaN(); // row 1, last column: 0·∞
      expect(out[size]).toBe(0); // row 1, first column: only zeros
    }
  });
});
