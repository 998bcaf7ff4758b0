// @file View ops: gradients against PyTorch on both backends, gradcheck, storage sharing, and their errors.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { NeuriteError, ShapeError, gradcheck, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { BACKENDS, goldenOnBothBackends, withBackend } from './on-both-backends.js';
import { VIEWS_RUNNERS } from './runners/views.js';

goldenOnBothBackends('views', VIEWS_RUNNERS, () => true);

const f64 = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64' });

describe('view ops pass gradcheck', () => {
  const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['transpose', (x) => x!.transpose(0, 2), () => [f64(2, 3, 4)]],
    ['diagonal', (x) => x!.diagonal(1, 0, 2), () => [f64(3, 2, 4)]],
    ['diagonal negative', (x) => x!.diagonal(-1), () => [f64(4, 3)]],
    ['unfold overlapping', (x) => x!.unfold(1, 3, 1), () => [f64(2, 5)]],
    ['unfold with gaps', (x) => x!.unfold(0, 2, 3), () => [f64(8, 2)]],
    ['unbind', (x) => x!.unbind(1)[1]!, () => [f64(2, 3)]],
    ['slice with step', (x) => x!.index(null, { start: 1, step: 2 }), () => [f64(2, 7)]],
    ['view of a view', (x) => x!.narrow(1, 1, 4).view([2, 2, 2]).mul(3), () => [f64(2, 5)]],
    ['reshape copies a transpose', (x) => x!.T.reshape([-1]), () => [f64(3, 4)]],
    ['contiguous', (x) => x!.permute([1, 0]).contiguous(), () => [f64(3, 2)]],
    ['matmul of views', (x, w) => x!.T.matmul(w!.narrow(0, 0, 3)), () => [f64(3, 2), f64(4, 5)]],
  ];
  for (const [name, fn, make] of cases) it(name, () => expect(gradcheck(fn, make())).toBe(true));

  it('second derivatives flow through diagonal and unfold', () => {
    const x = f64(4, 4).requiresGrad_();
    x.diagonal().pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    const expected = noGrad(() => x.diagonal().pow(2).mul(3));
    expect(g.diagonal().toArray()).toEqual(expected.toArray());
    expect(gradcheck((t) => t!.unfold(1, 2, 1).pow(2).sum(), [f64(2, 4)])).toBe(true);
  });
});

describe('views share storage with their base', () => {
  it('writes through transpose, permute, narrow, select, index, diagonal, unfold and split reach the base', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    x.transpose(0, 1).index(2).fill_(9);
    expect(x.toArray()).toEqual([
      [1, 2, 9],
      [4, 5, 9],
    ]);
    x.permute([1, 0]).narrow(0, 0, 1).mul_(10);
    x.select(1, 1).sub_(1);
    x.diagonal().add_(100);
    x.split(1, 0)[1]!.div_(2);
    expect(x.toArray()).toEqual([
      [110, 1, 9],
      [20, 52, 4.5],
    ]);
    const y = tensor([0, 1, 2, 3, 4]);
    y.unfold(0, 2, 2).select(1, 0).fill_(-1);
    expect(y.toArray()).toEqual([-1, 1, -1, 3, 4]);
  });

  it('random fills and maskedFill_ through a strided view write only the viewed elements', () => {
    const x = nt.zeros([3, 4]);
    nt.manualSeed(3);
    x.T.narrow(0, 1, 2).uniform_(5, 6);
    const filled = x.toArray() as number[][];
    filled.forEach((row) => {
      expect([row[0], row[3]]).toEqual([0, 0]);
      row.slice(1, 3).forEach((v) => expect(v >= 5 && v < 6).toBe(true));
    });
    x.zero_();
    x.select(1, 2).normal_(0, 1);
    x.select(1, 0).bernoulli_(1);
    x.narrow(1, 3, 1).maskedFill_(tensor([[true], [false], [true]]), 7);
    const after = x.toArray() as number[][];
    expect(after.map((row) => [row[0], row[1], row[3]])).toEqual([
      [1, 0, 7],
      [1, 0, 0],
      [1, 0, 7],
    ]);
    expect(after.every((row) => row[2] !== 0)).toBe(true);
    expect(x._version).toBe(5);
  });

  it('a write to the base shows in every view, with one version counter', () => {
    const x = nt.zeros([2, 3]);
    const t = x.T;
    const row = x.index(1);
    x.add_(1);
    x.index(1, 2).fill_(5);
    expect(t.toArray()).toEqual([
      [1, 1],
      [1, 1],
      [1, 5],
    ]);
    expect(row.toArray()).toEqual([1, 1, 5]);
    expect([x._version, t._version, row._version]).toEqual([2, 2, 2]);
  });

  it('a contiguous view keeps zero-copy storage; a strided one gathers a fresh copy', () => {
    const x = nt.arange(12).reshape([3, 4]);
    const rows = x.narrow(0, 1, 2);
    expect(rows.isContiguous()).toBe(true);
    expect(rows.storage.buffer).toBe(x.storageBase.buffer);
    const cols = x.narrow(1, 1, 2);
    expect(cols.isContiguous()).toBe(false);
    expect(Array.from(cols.storage)).toEqual([1, 2, 5, 6, 9, 10]);
    expect(cols.contiguous()).not.toBe(cols);
    expect(rows.contiguous()).toBe(rows);
  });

  it('stride(dim) and storageOffset() read the layout; negative dims count from the end', () => {
    const x = randn([2, 3, 4]).permute([2, 0, 1]).narrow(2, 1, 2);
    expect(x.stride()).toEqual([1, 12, 4]);
    expect(x.stride(-1)).toBe(4);
    expect(x.storageOffset()).toBe(4);
  });

  it('a Parameter made from a view shares its storage and version counter', () => {
    const x = nt.zeros([3, 2]);
    const p = new nt.nn.Parameter(x.T, false);
    noGrad(() => p.fill_(4));
    expect(x.toArray()).toEqual([
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    expect(x._version).toBe(1);
  });

  it('optimizer steps write through a strided parameter', () => {
    const base = nt.zeros([2, 3]);
    const p = new nt.nn.Parameter(base.T);
    p.grad = nt.ones([3, 2]);
    new nt.optim.SGD([p], { lr: 0.5 }).step();
    expect(base.toArray()).toEqual([
      [-0.5, -0.5, -0.5],
      [-0.5, -0.5, -0.5],
    ]);
  });
});

describe('view errors follow PyTorch', () => {
  it('view of a non-viewable layout names reshape', () => {
    const x = randn([2, 3, 4]).transpose(1, 2);
    expect(() => x.view([2, 12])).toThrow(ShapeError);
    expect(() => x.view([2, 12])).toThrow(/spans across two contiguous subspaces.*Use \.reshape/);
    expect(x.reshape([2, 12]).isContiguous()).toBe(true);
  });

  it('a view made under noGrad of a tensor that requires grad cannot be written in grad mode', () => {
    const w = randn([2, 3], { requiresGrad: true });
    const v = noGrad(() => w.T);
    expect(() => v.add_(1)).toThrow(/A view was created in no_grad mode and is being modified inplace/);
    noGrad(() => v.add_(1));
    expect(w._version).toBe(1);
    const d = w.detach();
    d.mul_(2);
    expect(w._version).toBe(2);
  });

  it('an in-place write into an expanded view is refused', () => {
    const x = randn([3, 1]).expand([3, 4]);
    expect(() => x.add_(1)).toThrow(NeuriteError);
    expect(() => x.fill_(0)).toThrow(
      /more than one element of the written-to tensor .* single memory location/,
    );
  });

  it('diagonal, unfold, mT and unbind check their arguments', () => {
    expect(() => randn([3]).diagonal()).toThrow(/at least 2 dims/);
    expect(() => randn([3, 3]).diagonal(0, 1, -1)).toThrow(/cannot be the same dim/);
    expect(() => randn([5]).unfold(0, 6, 1)).toThrow(/size 6 must be an integer in \[0, 5\]/);
    expect(() => randn([5]).unfold(0, 2, 0)).toThrow(/step must be a positive integer/);
    expect(() => randn([5]).mT).toThrow(/at least 2 dims/);
    expect(() => tensor(1).unbind()).toThrow(/zero-dimensional/);
  });
});

describe('matmul reads strided operands in place, with the results of contiguous copies', () => {
  const pairs: [string, () => [Tensor, Tensor]][] = [
    ['transposed right operand', () => [randn([3, 4]), randn([5, 4]).T]],
    ['transposed left operand', () => [randn([4, 3]).T, randn([4, 2])]],
    ['both transposed', () => [randn([4, 3]).T, randn([2, 4]).T]],
    ['mT of a batch', () => [randn([2, 3, 4]), randn([2, 5, 4]).mT]],
    ['expanded batch (stride 0)', () => [randn([3, 4]).expand([2, 3, 4]), randn([2, 4, 2])]],
    [
      'selected and permuted batch dims',
      () => [randn([3, 2, 4, 5]).select(1, 1), randn([5, 3, 2]).permute([1, 0, 2])],
    ],
    ['column window (gathered)', () => [randn([3, 6]).narrow(1, 1, 4), randn([4, 2])]],
    ['row vector of a transpose', () => [randn([4, 1]).T, randn([4, 3])]],
  ];
  for (const backend of BACKENDS) {
    for (const [name, make] of pairs) {
      it(`${name} (${backend})`, () =>
        withBackend(backend, () => {
          const [a, b] = make();
          const [ca, cb] = [a.contiguous().clone(), b.contiguous().clone()];
          const expected = ca.matmul(cb).toArray() as number[][];
          const actual = a.matmul(b).toArray() as number[][];
          expect(actual.flat(2).length).toBe(expected.flat(2).length);
          (actual.flat(2) as number[]).forEach((v, i) =>
            expect(v).toBeCloseTo((expected.flat(2) as number[])[i]!, 4),
          );
        }));
    }
  }
});

describe('binary ops and where broadcast expanded views in place, with the results of contiguous copies', () => {
  const cases: [string, () => Tensor[]][] = [
    ['expanded row', () => [randn([1, 4]).expand([3, 4]), randn([3, 4])]],
    ['expanded column and new dims', () => [randn([3, 1]).expand([2, 3, 5]), randn([5])]],
    [
      'expanded window of a larger tensor',
      () => [randn([4, 6]).narrow(0, 1, 1).expand([3, 6]), randn([3, 6])],
    ],
    ['expanded transpose (gathered)', () => [randn([2, 3]).T.unsqueeze(0).expand([2, 3, 2]), randn([3, 2])]],
  ];
  for (const backend of BACKENDS) {
    for (const [name, make] of cases) {
      it(`${name} (${backend})`, () =>
        withBackend(backend, () => {
          const [a, b] = make() as [Tensor, Tensor];
          const copy = a.contiguous().clone();
          for (const op of ['add', 'mul', 'sub', 'div', 'maximum'] as const)
            expect(a[op](b).toArray(), op).toEqual(copy[op](b).toArray());
          expect(b.sub(a).toArray(), 'expanded right operand').toEqual(b.sub(copy).toArray());
          const mask = copy.gt(0);
          expect(a.where(mask, b).toArray(), 'where').toEqual(copy.where(mask, b).toArray());
        }));
    }
  }
});
