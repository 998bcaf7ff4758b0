// @file The js backend's sum kernel against a straightforward row-major loop, bit for bit, on every block of axes.
import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/backend/js/reduce.js';

/** Deterministic values in [-1, 1) (xorshift) so that failures reproduce. */
function fill(data: Float64Array, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 2 ** 31 - 1) * 10 ** ((i % 7) - 3);
  }
  return data;
}

/**
 * Σ over `axes`, walking the input in row-major order: a row of the last dim is summed from 0 and added to its
 * output when that dim is reduced, else each element is added to its own output (the kernel's documented order).
 */
function reference(x: Float64Array, shape: number[], axes: number[]): Float64Array {
  const kept = shape.map((_, d) => !axes.includes(d));
  const outShape = shape.filter((_, d) => kept[d]);
  const out = new Float64Array(outShape.reduce((p, d) => p * d, 1));
  const last = shape.length - 1;
  const index = new Array<number>(shape.length).fill(0);
  const outIndex = (): number => {
    let o = 0;
    shape.forEach((size, d) => {
      if (kept[d]) o = o * size + index[d]!;
    });
    return o;
  };
  const width = shape[last]!;
  for (let start = 0; start < x.length; start += width) {
    if (kept[last]) {
      for (let i = 0; i < width; i++) {
        index[last] = i;
        out[outIndex()]! += x[start + i]!;
      }
    } else {
      let s = 0;
      for (let i = 0; i < width; i++) s += x[start + i]!;
      out[outIndex()]! += s;
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

describe('js sum kernel', () => {
  const shapes = [
    [7],
    [64, 3],
    [3, 64],
    [64, 1],
    [1, 5],
    [4, 3, 5],
    [4, 1, 5],
    [2, 3, 1],
    [2, 3, 4, 5],
    [3, 0, 2],
    [0, 4],
  ];
  it('sums every block of consecutive axes in the documented order', () => {
    shapes.forEach((shape, s) => {
      const x = fill(new Float64Array(shape.reduce((p, d) => p * d, 1)), s + 1);
      for (let first = 0; first < shape.length; first++) {
        for (let end = first + 1; end <= shape.length; end++) {
          const axes = Array.from({ length: end - first }, (_, i) => first + i);
          const want = reference(x, shape, axes);
          const got = new Float64Array(want.length).fill(NaN);
          reduce('sum', x, shape, axes, got);
          expect(Array.from(got), `shape [${shape}] axes [${axes}]`).toEqual(Array.from(want));
        }
      }
    });
  });

  it('sums axes that are not consecutive, and rounds into float32 outputs', () => {
    const shape = [3, 4, 5];
    const x = fill(new Float64Array(60), 9);
    const want = reference(x, shape, [0, 2]);
    const got = new Float64Array(4);
    reduce('sum', x, shape, [0, 2], got);
    expect(Array.from(got)).toEqual(Array.from(want));
    const rounded = new Float32Array(4);
    reduce('sum', x, shape, [0, 2], rounded);
    expect(Array.from(rounded)).toEqual(Array.from(Float32Array.from(want)));
  });
});
