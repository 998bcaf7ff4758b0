// @file The webgpu backend's pure helpers in Node: buffer size classes, strided index maps, fallback operand discovery.
import { describe, expect, it } from 'vitest';
import { sizeClass } from '../../src/backend/webgpu/buffer-pool.js';
import { UniformWords } from '../../src/backend/webgpu/context.js';
import { typedArraysIn } from '../../src/backend/webgpu/fallback.js';
import {
  broadcastOperandStrides,
  coalesce,
  contiguousStrides,
  stridedMap,
} from '../../src/backend/webgpu/strided-index.js';

describe('sizeClass', () => {
  it('rounds up to at least 256 bytes and four classes per power of two, never below the request', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(256)).toBe(256);
    expect(sizeClass(257)).toBe(320);
    expect(sizeClass(1000)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    for (let bytes = 1; bytes < 1 << 20; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 4).toBe(0);
      expect(size).toBeLessThanOrEqual(Math.max(256, bytes * 1.25 + 4));
    }
  });
});

describe('strided index maps', () => {
  it('gives row-major strides and broadcast strides (0 on repeated and leading dims)', () => {
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(broadcastOperandStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastOperandStrides([], [5])).toEqual([0]);
  });

  it('merges dims every operand walks contiguously and drops size-1 dims', () => {
    const same = { strides: [12, 4, 1], offset: 0 };
    expect(coalesce([2, 3, 4], [same, same])).toEqual({ shape: [24], strides: [[1], [1]] });
    const row = { strides: broadcastOperandStrides([4], [2, 3, 4]), offset: 0 };
    expect(coalesce([2, 3, 4], [same, row])).toEqual({
      shape: [6, 4],
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    const transposed = { strides: [1, 3], offset: 0 };
    expect(coalesce([3, 1, 2], [{ strides: [2, 9, 1], offset: 0 }])).toEqual({ shape: [6], strides: [[1]] });
    expect(coalesce([3, 2], [transposed]).shape).toEqual([3, 2]);
  });

  it('packs the count, offsets, shape and strides (negative ones as two’s complement) into uniform words', () => {
    const map = stridedMap('slice', [2, 3], [{ strides: [-3, 1], offset: 3 }]);
    expect(map.rank).toBe(2);
    expect(map.count).toBe(6);
    const words = Array.from(map.uniforms);
    expect(words.slice(0, 4)).toEqual([6, 3, 0, 0]);
    expect(words.slice(4, 8)).toEqual([2, 3, 1, 1]);
    expect(new Int32Array(map.uniforms.buffer, 32, 4)).toEqual(new Int32Array([-3, 1, 0, 0]));
  });

  it('packs floats as their f32 bits and pads to a vec4', () => {
    const words = new UniformWords().u32(7).f32(1.5).i32(-1).align4().finish();
    expect(words.length).toBe(4);
    expect(new Float32Array(words.buffer)[1]).toBe(1.5);
    expect(new Int32Array(words.buffer)[2]).toBe(-1);
  });
});

describe('typedArraysIn', () => {
  it('finds the operands of a kernel call, one level into arrays and plain objects', () => {
    const a = new Float32Array(2);
    const b = new Int32Array(1);
    const c = new Float64Array(3);
    const d = new Uint8Array(1);
    const found = typedArraysIn([a, 3, [b, 'x'], { values: c, step: 1 }, null, d]);
    expect(found).toEqual([a, b, c, d]);
    expect(found[1]).toBe(b);
  });
});
