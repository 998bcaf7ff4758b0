// @file Property tests (fast-check) for broadcasting and shape ops: algebraic laws that must hold for any shape.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { broadcastShapes, tensor, type Tensor } from '../../src/index.js';

const dimSize = fc.integer({ min: 1, max: 4 });
const shapeArb = (maxDims = 4) => fc.array(dimSize, { minLength: 0, maxLength: maxDims });

/** Two shapes that broadcast: a common shape, each side drops some leading dims and sets some dims to 1. */
const compatiblePair = shapeArb().chain((full) =>
  fc
    .tuple(
      fc.tuple(
        fc.nat({ max: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      ),
      fc.tuple(
        fc.nat({ max: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      ),
    )
    .map(([[dropA, onesA], [dropB, onesB]]) => [
      full.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA),
      full.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB),
    ]),
);

/** The broadcast rule written another way: right-align; a pair of dims must be equal or contain a 1. */
function referenceBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 1; i <= Math.max(a.length, b.length); i++) {
    const x = a.length - i >= 0 ? a[a.length - i]! : 1;
    const y = b.length - i >= 0 ? b[b.length - i]! : 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.unshift(x === 1 ? y : x);
  }
  return out;
}

/** A float64 tensor of `shape` whose values are their own flat positions (so copies are easy to compare). */
const counting = (shape: readonly number[]): Tensor =>
  nt
    .arange(
      shape.reduce((p, d) => p * d, 1),
      undefined,
      1,
      { dtype: 'float64' },
    )
    .reshape([...shape]);

const values = (t: Tensor): number[] => Array.from(t.storage);

describe('broadcastShapes', () => {
  it('is commutative and agrees with the reference rule on any pair of shapes', () => {
    fc.assert(
      fc.property(shapeArb(), shapeArb(), (a, b) => {
        const expected = referenceBroadcast(a, b);
        if (expected === null) {
          expect(() => broadcastShapes('add', a, b)).toThrow();
          expect(() => broadcastShapes('add', b, a)).toThrow();
        } else {
          expect(broadcastShapes('add', a, b)).toEqual(expected);
          expect(broadcastShapes('add', b, a)).toEqual(expected);
        }
      }),
    );
  });
  it('accepts every pair derived from a common shape', () => {
    fc.assert(
      fc.property(compatiblePair, ([a, b]) => {
        expect(broadcastShapes('add', a!, b!)).toEqual(referenceBroadcast(a!, b!));
      }),
    );
  });
  it('add of broadcast operands equals add of operands expanded first', () => {
    fc.assert(
      fc.property(compatiblePair, ([a, b]) => {
        const x = counting(a!);
        const y = counting(b!).mul(10);
        const shape = broadcastShapes('add', a!, b!);
        const direct = nt.add(x, y);
        const expanded = nt.add(nt.expand(x, shape), nt.expand(y, shape));
        expect(direct.shape).toEqual(shape);
        expect(values(direct)).toEqual(values(expanded));
      }),
    );
  });
});

describe('shape op laws', () => {
  /** A shape and another shape with the same number of elements (its sizes regrouped). */
  const reshapePair = shapeArb(5).chain((shape) =>
    fc.shuffledSubarray(shape).map((order) => {
      const rest = [...shape];
      for (const d of order) rest.splice(rest.indexOf(d), 1);
      return [shape, [...order, rest.reduce((p, d) => p * d, 1)]] as const;
    }),
  );
  it('reshape round-trips and preserves numel', () => {
    fc.assert(
      fc.property(reshapePair, ([shape, other]) => {
        const x = counting(shape);
        const y = nt.reshape(x, other);
        expect(y.numel()).toBe(x.numel());
        const back = nt.reshape(y, shape);
        expect(back.shape).toEqual(shape);
        expect(values(back)).toEqual(values(x));
        expect(nt.reshape(x, [-1]).shape).toEqual([x.numel()]);
      }),
    );
  });
  it('permute then the inverse permutation is the identity', () => {
    const permuted = shapeArb(5).chain((shape) =>
      fc
        .shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: shape.length, maxLength: shape.length },
        )
        .map((perm) => [shape, perm] as const),
    );
    fc.assert(
      fc.property(permuted, ([shape, perm]) => {
        const x = counting(shape);
        const y = nt.permute(x, perm);
        expect(y.shape).toEqual(perm.map((p) => shape[p]));
        expect(y.numel()).toBe(x.numel());
        const inverse = new Array<number>(perm.length);
        perm.forEach((p, i) => (inverse[p] = i));
        const back = nt.permute(y, inverse);
        expect(back.shape).toEqual(shape);
        expect(values(back)).toEqual(values(x));
      }),
    );
  });
  it('cat then split by the same sizes gives the pieces back', () => {
    const pieces = fc
      .tuple(shapeArb(3), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }))
      .chain(([rest, sizes]) =>
        fc.integer({ min: 0, max: rest.length }).map((dim) => ({ rest, sizes, dim })),
      );
    fc.assert(
      fc.property(pieces, ({ rest, sizes, dim }) => {
        const parts = sizes.map((s, k) =>
          counting([...rest.slice(0, dim), s, ...rest.slice(dim)]).add(100 * k),
        );
        const joined = nt.cat(parts, dim);
        expect(joined.numel()).toBe(parts.reduce((n, p) => n + p.numel(), 0));
        const back = nt.split(joined, sizes, dim);
        expect(back.length).toBe(parts.length);
        back.forEach((b, k) => {
          expect(b.shape).toEqual(parts[k]!.shape);
          expect(values(b)).toEqual(values(parts[k]!));
        });
      }),
    );
  });
  it('flip twice, repeat, pad and chunk preserve or predictably change numel', () => {
    fc.assert(
      fc.property(shapeArb(4), fc.nat({ max: 3 }), (shape, k) => {
        const x = counting(shape);
        const dims = shape.map((_, i) => i).filter((i) => i % 2 === k % 2);
        expect(values(nt.flip(nt.flip(x, dims), dims))).toEqual(values(x));
        const reps = shape.map((_, i) => ((i + k) % 3) + 1);
        expect(nt.repeat(x, reps).numel()).toBe(x.numel() * reps.reduce((p, r) => p * r, 1));
        if (shape.length > 0) {
          const padded = nt.pad(x, [k, 1]);
          expect(padded.numel()).toBe(
            (x.numel() / shape[shape.length - 1]!) * (shape[shape.length - 1]! + k + 1),
          );
          const chunks = nt.chunk(x, k + 1, 0);
          expect(chunks.reduce((n, c) => n + c.numel(), 0)).toBe(x.numel());
        }
      }),
    );
  });
});

describe('broadcast sanity', () => {
  it('a scalar broadcasts with anything', () => {
    expect(nt.add(tensor(1), counting([2, 3])).shape).toEqual([2, 3]);
  });
});
