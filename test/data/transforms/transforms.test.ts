// @file data.transforms: toTensor, normalize, randomHorizontalFlip, randomCrop and compose, checked against hand-computed results.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  Generator,
  ShapeError,
  ValueError,
  arange,
  data,
  manualSeed,
  tensor,
  type Tensor,
} from '../../../src/index.js';

const { toTensor, normalize, randomHorizontalFlip, randomCrop, compose } = data.transforms;

/** A [1, h, w] image whose pixel (r, c) is r·w + c. */
function ramp(h: number, w: number): Tensor {
  return arange(h * w)
    .reshape([1, h, w])
    .float();
}

describe('toTensor', () => {
  it('turns H×W×C bytes into float32 [C, H, W] / 255 (what ToTensor does to a PIL image)', () => {
    // 2×3 RGB: pixel (r, c) has channels [10r + c, 100 + c, 255].
    const bytes = Uint8Array.from({ length: 18 }, (_, i) => {
      const [p, ch] = [Math.floor(i / 3), i % 3];
      const [r, c] = [Math.floor(p / 3), p % 3];
      return [10 * r + c, 100 + c, 255][ch]!;
    });
    const x = toTensor()({ data: bytes, width: 3, height: 2, channels: 3 });
    expect([x.dtype, x.shape]).toEqual(['float32', [3, 2, 3]]);
    const f = (v: number) => Math.fround(v / 255);
    expect(x.toArray()).toEqual([
      [[0, 1, 2].map(f), [10, 11, 12].map(f)],
      [[100, 101, 102].map(f), [100, 101, 102].map(f)],
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
    ]);
    // ImageData-like input: no channels field, RGBA inferred from the length.
    expect(toTensor()({ data: new Uint8ClampedArray(16), width: 2, height: 2 }).shape).toEqual([4, 2, 2]);
    expect(() => toTensor()({ data: new Uint8Array(5), width: 2, height: 2 })).toThrow(ShapeError);
  });
});

describe('normalize', () => {
  it('computes (x − mean[c]) / std[c] per channel, one value for all channels too', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    expect(normalize([1, 2], [2, 0.5])(x).toArray()).toEqual([[[0, 0.5]], [[2, 4]]]);
    expect(normalize(1, 2)(x).toArray()).toEqual([[[0, 0.5]], [[1, 1.5]]]);
    expect(normalize([1], [2])(x.unsqueeze(0)).shape).toEqual([1, 2, 1, 2]);
  });

  it('refuses zero std, a channel-count mismatch and integer tensors', () => {
    expect(() => normalize([0], [0])).toThrow(ValueError);
    expect(() => normalize([0, 0, 0], [1, 1, 1])(ramp(2, 2))).toThrow(
      'normalize: mean has 3 values but the input of shape [1, 2, 2] has 1 channels',
    );
    expect(() => normalize(0, 1)(arange(4).reshape([1, 2, 2]))).toThrow(DTypeError);
    expect(() => normalize(0, 1)(tensor([1, 2]))).toThrow(ShapeError);
  });
});

describe('randomHorizontalFlip', () => {
  it('flips the last dim with probability p, drawing from the given generator', () => {
    const x = ramp(2, 3);
    const mirrored = [
      [
        [2, 1, 0],
        [5, 4, 3],
      ],
    ];
    expect(randomHorizontalFlip({ p: 1 })(x).toArray()).toEqual(mirrored);
    expect(randomHorizontalFlip({ p: 0 })(x).toArray()).toEqual(x.toArray());
    // p = 0.5: flip exactly when the generator's next uniform draw is below 0.5.
    const flip = randomHorizontalFlip({ generator: new Generator(7) });
    const twin = new Generator(7);
    for (let i = 0; i < 20; i++) {
      const expected = twin.uniform() < 0.5 ? mirrored : x.toArray();
      expect(flip(x).toArray()).toEqual(expected);
    }
    expect(() => randomHorizontalFlip({ p: 2 })).toThrow(ValueError);
    expect(() => randomHorizontalFlip({ prob: 0.5 } as object)).toThrow("unknown option 'prob'");
  });
});

describe('randomCrop', () => {
  it('pads with fill, then cuts the window at rows i and columns j drawn uniformly from the generator', () => {
    const x = ramp(3, 3); // values 0…8
    const crop = randomCrop(3, { padding: 1, fill: -1, generator: new Generator(3) });
    const twin = new Generator(3);
    const padded = x.pad([1, 1, 1, 1], 'constant', -1).toArray() as number[][][];
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const i = twin.randint(0, 3);
      const j = twin.randint(0, 3);
      seen.add(`${i},${j}`);
      const window = padded[0]!.slice(i, i + 3).map((row) => row.slice(j, j + 3));
      expect(crop(x).toArray()).toEqual([window]);
    }
    expect(seen.size).toBe(9); // every position of a 5×5 → 3×3 crop occurs
  });

  it('takes padding as [leftRight, topBottom] or [left, top, right, bottom], and pads when needed', () => {
    const x = ramp(2, 2);
    expect(randomCrop([2, 4], { padding: [1, 0] })(x).toArray()).toEqual([
      [
        [0, 0, 1, 0],
        [0, 2, 3, 0],
      ],
    ]);
    expect(randomCrop([3, 3], { padding: [1, 1, 0, 0] })(x).toArray()).toEqual([
      [
        [0, 0, 0],
        [0, 0, 1],
        [0, 2, 3],
      ],
    ]);
    expect(randomCrop(4, { padIfNeeded: true, generator: new Generator(0) })(x).shape).toEqual([1, 4, 4]);
    expect(() => randomCrop(3)(x)).toThrow(
      'randomCrop: crop size 3×3 is larger than the (padded) image, 2×2',
    );
    expect(() => randomCrop(0)).toThrow(ValueError);
  });

  it('is reproducible from manualSeed', () => {
    const x = ramp(6, 6);
    const crops = () => {
      manualSeed(11);
      const crop = randomCrop(4, { padding: 2 });
      return [0, 1, 2, 3].map(() => crop(x).toArray());
    };
    expect(crops()).toEqual(crops());
  });
});

describe('compose', () => {
  it('applies transforms left to right', () => {
    const pipeline = compose([toTensor(), normalize([0.5], [0.5]), randomHorizontalFlip({ p: 1 })]);
    const out = pipeline({ data: Uint8Array.of(0, 255), width: 2, height: 1, channels: 1 });
    expect(out.toArray()).toEqual([[[1, -1]]]);
    expect(() => compose([toTensor(), 3 as unknown as (x: Tensor) => Tensor])).toThrow(
      'compose: transform 1 is not a function (got number)',
    );
  });
});
