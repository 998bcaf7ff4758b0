// @file Losses (nn.functional forms and nn modules) against PyTorch fixtures, gradcheck, properties and errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  gradcheck,
  manualSeed,
  nn,
  noGrad,
  rand,
  randint,
  randn,
  tensor,
  type NestedArray,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite, type Params, type Runner } from '../helpers/golden.js';

const F = nn.functional;
type Reduction = 'mean' | 'sum' | 'none';

/** Softmax over dim 1 from elementwise ops (independent of the softmax op under test elsewhere). */
const softmaxRows = (x: Tensor): Tensor => x.exp().div(x.exp().sum(1, true)).detach();

// ---- PyTorch fixtures ---------------------------------------------------------------------------------

const maybeTensor = (value: unknown, like: Tensor): Tensor | undefined =>
  value === undefined ? undefined : tensor(value as NestedArray, { dtype: like.dtype });
const reductionOf = (p: Params): Reduction => p.reduction as Reduction;

/**
 * Runs the functional form for the fixture and checks that the module built from the same options gives
 * the same value, so every case covers both APIs.
 */
function both(functional: (x: Tensor, y: Tensor) => Tensor, module: nn.Module<[Tensor, Tensor], Tensor>) {
  return (x: Tensor, y: Tensor): Tensor => {
    const viaModule = module.forward(x.detach(), y.detach());
    const result = functional(x, y);
    expect(Array.from(viaModule.storage), 'module output equals functional output').toEqual(
      Array.from(result.storage),
    );
    return result;
  };
}

const runners: Record<string, Runner> = {
  crossEntropy: ([x, y], p) => {
    const options = {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      ignoreIndex: p.ignoreIndex as number | undefined,
      labelSmoothing: p.labelSmoothing as number | undefined,
    };
    return both((a, b) => F.crossEntropy(a, b, options), new nn.CrossEntropyLoss(options))(x!, y!);
  },
  nllLoss: ([x, y], p) => {
    const options = {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      ignoreIndex: p.ignoreIndex as number | undefined,
    };
    return both((a, b) => F.nllLoss(a, b, options), new nn.NLLLoss(options))(x!, y!);
  },
  binaryCrossEntropy: ([x, y], p) => {
    const options = { reduction: reductionOf(p), weight: maybeTensor(p.weight, x!) };
    return both((a, b) => F.binaryCrossEntropy(a, b, options), new nn.BCELoss(options))(x!, y!);
  },
  binaryCrossEntropyWithLogits: ([x, y], p) => {
    const options = {
      reduction: reductionOf(p),
      weight: maybeTensor(p.weight, x!),
      posWeight: maybeTensor(p.posWeight, x!),
    };
    return both((a, b) => F.binaryCrossEntropyWithLogits(a, b, options), new nn.BCEWithLogitsLoss(options))(
      x!,
      y!,
    );
  },
  mseLoss: ([x, y], p) => {
    const options = { reduction: reductionOf(p) };
    return both((a, b) => F.mseLoss(a, b, options), new nn.MSELoss(options))(x!, y!);
  },
  l1Loss: ([x, y], p) => {
    const options = { reduction: reductionOf(p) };
    return both((a, b) => F.l1Loss(a, b, options), new nn.L1Loss(options))(x!, y!);
  },
  huberLoss: ([x, y], p) => {
    const options = { reduction: reductionOf(p), delta: p.delta as number | undefined };
    return both((a, b) => F.huberLoss(a, b, options), new nn.HuberLoss(options))(x!, y!);
  },
  smoothL1Loss: ([x, y], p) => {
    const options = { reduction: reductionOf(p), beta: p.beta as number | undefined };
    return both((a, b) => F.smoothL1Loss(a, b, options), new nn.SmoothL1Loss(options))(x!, y!);
  },
  klDiv: ([x, y], p) => {
    const options = {
      reduction: p.reduction as Reduction | 'batchmean',
      logTarget: p.logTarget as boolean | undefined,
    };
    return both((a, b) => F.klDiv(a, b, options), new nn.KLDivLoss(options))(x!, y!);
  },
};

goldenSuite('loss', runners);

// ---- gradcheck (float64 central differences) -------------------------------------------------------------

describe('loss gradcheck', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  const probs = (...shape: number[]) => softmaxRows(f64(...shape));
  const unit = (...shape: number[]) => rand(shape, { dtype: 'float64' }).mul(0.8).add(0.1);
  const labels = (high: number, ...shape: number[]) => randint(0, high, shape);
  // Fixed class weights: gradcheck calls the function many times, so it must not draw new ones.
  const classWeight = rand([4], { dtype: 'float64' }).add(0.5);
  const weight = () => classWeight;
  const withIgnored = (t: Tensor) => {
    t.storage[1] = -100;
    return t;
  };
  // Log-probabilities built without softmax ops: x − log Σ eˣ over dim 1.
  const logProbs = (...shape: number[]) => {
    const x = f64(...shape);
    return x.sub(x.exp().sum(1, true).log()).detach();
  };

  const cases: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    cases.push(
      [
        `crossEntropy ${reduction}`,
        (x, y) => F.crossEntropy(x!, y!, { reduction }),
        () => [f64(5, 4), labels(4, 5)],
      ],
      [
        `crossEntropy weight+ignore+smoothing ${reduction}`,
        (x, y) => F.crossEntropy(x!, y!, { reduction, weight: weight(), labelSmoothing: 0.2 }),
        () => [f64(5, 4), withIgnored(labels(4, 5))],
      ],
      [
        `crossEntropy K-dim ${reduction}`,
        (x, y) => F.crossEntropy(x!, y!, { reduction, weight: weight(), labelSmoothing: 0.1 }),
        () => [f64(2, 4, 3, 2), withIgnored(labels(4, 2, 3, 2))],
      ],
      [
        `crossEntropy probabilities ${reduction}`,
        (x, y) => F.crossEntropy(x!, y!, { reduction, weight: weight(), labelSmoothing: 0.1 }),
        () => [f64(3, 4), probs(3, 4)],
      ],
      [
        `nllLoss ${reduction}`,
        (x, y) => F.nllLoss(x!, y!, { reduction, weight: weight() }),
        () => [logProbs(5, 4), withIgnored(labels(4, 5))],
      ],
      [
        `binaryCrossEntropy ${reduction}`,
        (x, y) => F.binaryCrossEntropy(x!, y!, { reduction, weight: weight() }),
        () => [unit(3, 4), unit(3, 4)],
      ],
      [
        `binaryCrossEntropyWithLogits ${reduction}`,
        (x, y) =>
          F.binaryCrossEntropyWithLogits(x!, y!, { reduction, weight: weight(), posWeight: weight() }),
        () => [f64(3, 4).mul(3), unit(3, 4)],
      ],
      [`mseLoss ${reduction}`, (x, y) => F.mseLoss(x!, y!, { reduction }), () => [f64(3, 4), f64(3, 4)]],
      [`l1Loss ${reduction}`, (x, y) => F.l1Loss(x!, y!, { reduction }), () => [f64(3, 4), f64(3, 4)]],
      [
        `huberLoss ${reduction}`,
        (x, y) => F.huberLoss(x!, y!, { reduction, delta: 0.7 }),
        () => [f64(3, 4).mul(2), f64(3, 4)],
      ],
      [
        `smoothL1Loss ${reduction}`,
        (x, y) => F.smoothL1Loss(x!, y!, { reduction, beta: 0.7 }),
        () => [f64(3, 4).mul(2), f64(3, 4)],
      ],
      [`klDiv ${reduction}`, (x, y) => F.klDiv(x!, y!, { reduction }), () => [logProbs(3, 4), probs(3, 4)]],
      [
        `klDiv logTarget ${reduction}`,
        (x, y) => F.klDiv(x!, y!, { reduction, logTarget: true }),
        () => [logProbs(3, 4), logProbs(3, 4)],
      ],
    );
  }
  cases.push([
    'klDiv batchmean',
    (x, y) => F.klDiv(x!, y!, { reduction: 'batchmean' }),
    () => [logProbs(3, 4), probs(3, 4)],
  ]);
  cases.push([
    'crossEntropy unbatched',
    (x, y) => F.crossEntropy(x!, y!, { labelSmoothing: 0.3 }),
    () => [f64(4), tensor([2], { dtype: 'int32', shape: [] })],
  ]);

  cases.forEach(([name, fn, make], i) => {
    it(name, () => {
      manualSeed(100 + i);
      expect(gradcheck(fn, make())).toBe(true);
    });
  });
});

// ---- properties ---------------------------------------------------------------------------------------

describe('loss properties (fast-check)', () => {
  const matrix = (rows: number, cols: number, lo: number, hi: number) =>
    fc.array(fc.double({ min: lo, max: hi, noNaN: true }), {
      minLength: rows * cols,
      maxLength: rows * cols,
    });
  const sized = fc.record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 2, max: 5 }) });

  it('crossEntropy is invariant to adding a constant to each row of logits', () => {
    fc.assert(
      fc.property(
        sized.chain(({ n, c }) =>
          fc.tuple(
            fc.constant([n, c] as const),
            matrix(n, c, -10, 10),
            fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
            fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: n, maxLength: n }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
        ),
        ([[n, c], logits, labels, shifts, labelSmoothing]) => {
          const x = tensor(new Float64Array(logits), { shape: [n, c] });
          const y = tensor(new Int32Array(labels), { shape: [n] });
          const shifted = x.add(tensor(new Float64Array(shifts), { shape: [n, 1] }));
          const a = F.crossEntropy(x, y, { labelSmoothing }).item();
          const b = F.crossEntropy(shifted, y, { labelSmoothing }).item();
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(a)));
        },
      ),
    );
  });

  it('binaryCrossEntropyWithLogits and its gradient stay finite at ±1e4', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(-1e4, 1e4, -1e3, 0, 1e3), fc.double({ min: 0, max: 1, noNaN: true })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.constantFrom<Reduction>('mean', 'sum', 'none'),
        fc.boolean(),
        (pairs, reduction, withPosWeight) => {
          const x = tensor(
            pairs.map(([v]) => v),
            { requiresGrad: true },
          );
          const y = tensor(pairs.map(([, t]) => t));
          const posWeight = withPosWeight ? tensor([2.5]) : null;
          const loss = F.binaryCrossEntropyWithLogits(x, y, { reduction, posWeight });
          expect(Array.from(loss.storage).every(Number.isFinite)).toBe(true);
          loss.sum().backward();
          expect(Array.from(x.grad!.storage).every(Number.isFinite)).toBe(true);
        },
      ),
    );
  });

  it('every loss is ≥ 0', () => {
    fc.assert(
      fc.property(
        sized.chain(({ n, c }) =>
          fc.tuple(
            fc.constant([n, c] as const),
            matrix(n, c, -20, 20),
            matrix(n, c, -20, 20),
            matrix(n, c, 0, 1),
            fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
          ),
        ),
        ([[n, c], a, b, u, labels]) => {
          const shape = [n, c];
          const x = tensor(new Float64Array(a), { shape });
          const z = tensor(new Float64Array(b), { shape });
          const p = tensor(new Float64Array(u), { shape });
          const y = tensor(new Int32Array(labels), { shape: [n] });
          const logP = x.sub(x.exp().sum(1, true).log());
          const target = softmaxRows(z);
          const losses = [
            F.crossEntropy(x, y, { reduction: 'none', labelSmoothing: 0.3 }),
            F.crossEntropy(x, target, { reduction: 'none' }),
            F.nllLoss(logP, y, { reduction: 'none' }),
            F.binaryCrossEntropy(p, p.mul(0.5), { reduction: 'none' }),
            F.binaryCrossEntropyWithLogits(x, p, { reduction: 'none', posWeight: tensor([3]) }),
            F.mseLoss(x, z, { reduction: 'none' }),
            F.l1Loss(x, z, { reduction: 'none' }),
            F.huberLoss(x, z, { reduction: 'none', delta: 0.5 }),
            F.smoothL1Loss(x, z, { reduction: 'none', beta: 0.5 }),
            F.klDiv(logP, target, { reduction: 'batchmean' }),
          ];
          for (const loss of losses) {
            for (const v of loss.storage) expect(v).toBeGreaterThanOrEqual(-1e-12);
          }
        },
      ),
    );
  });
});

// ---- relations between losses -------------------------------------------------------------------------

describe('loss relations', () => {
  it('smoothL1Loss with beta 0 is l1Loss, and huberLoss(δ) = δ·smoothL1Loss(β = δ)', () => {
    const x = randn([4, 5], { dtype: 'float64' });
    const y = randn([4, 5], { dtype: 'float64' });
    expect(F.smoothL1Loss(x, y, { beta: 0 }).item()).toBe(F.l1Loss(x, y).item());
    const huber = F.huberLoss(x, y, { delta: 0.6, reduction: 'sum' }).item();
    expect(huber).toBeCloseTo(0.6 * F.smoothL1Loss(x, y, { beta: 0.6, reduction: 'sum' }).item(), 12);
  });

  it('crossEntropy equals nllLoss of log-probabilities, and the one-hot probability form', () => {
    const x = randn([6, 3], { dtype: 'float64' });
    const y = tensor([0, 2, 1, 1, 0, 2], { dtype: 'int32' });
    const logP = x.sub(x.exp().sum(1, true).log());
    const oneHot = tensor(
      [0, 2, 1, 1, 0, 2].map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0))),
      { dtype: 'float64' },
    );
    const ce = F.crossEntropy(x, y).item();
    expect(ce).toBeCloseTo(F.nllLoss(logP, y).item(), 12);
    expect(ce).toBeCloseTo(F.crossEntropy(x, oneHot).item(), 12);
  });

  it('crossEntropy ignores ignoreIndex rows in the loss and the gradient', () => {
    const x = randn([3, 4], { requiresGrad: true });
    const loss = F.crossEntropy(x, tensor([1, -100, 3], { dtype: 'int32' }));
    loss.backward();
    expect(Array.from(x.grad!.storage.slice(4, 8))).toEqual([0, 0, 0, 0]);
  });

  it('crossEntropy with every target ignored is NaN under mean (as in PyTorch) and 0 under sum', () => {
    const x = randn([2, 3], { requiresGrad: true });
    const y = tensor([-100, -100], { dtype: 'int32' });
    expect(Number.isNaN(F.crossEntropy(x, y).item())).toBe(true);
    expect(F.crossEntropy(x, y, { reduction: 'sum' }).item()).toBe(0);
  });

  it('fused losses keep the gradient differentiable in the upstream gradient (createGraph)', () => {
    const x = randn([4, 3], { dtype: 'float64', requiresGrad: true });
    const y = rand([4, 3], { dtype: 'float64' });
    const scale = tensor([2], { dtype: 'float64', requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, y).mul(scale).sum().backward(undefined, { createGraph: true });
    const inputGrad = x.grad!;
    expect(inputGrad.requiresGrad).toBe(true);
    scale.grad = null;
    inputGrad.sum().backward();
    // x.grad = scale·(σ(x) − y)/n, so ∂Σ x.grad/∂scale = Σ(σ(x) − y)/n.
    const expected = x.detach().sigmoid().sub(y).sum().item() / 12;
    expect(scale.grad!.item()).toBeCloseTo(expected, 12);
  });

  it('crossEntropy stays finite with logits of ±1e4', () => {
    const x = tensor(
      [
        [1e4, -1e4, 0],
        [-1e4, 1e4, 1e4],
      ],
      { requiresGrad: true },
    );
    const loss = F.crossEntropy(x, tensor([1, 0], { dtype: 'int32' }), { labelSmoothing: 0.1 });
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(x.grad!.storage).every(Number.isFinite)).toBe(true);
  });
});

// ---- modules ------------------------------------------------------------------------------------------

describe('loss modules', () => {
  it('print like PyTorch', () => {
    const names: [nn.Module<[Tensor, Tensor], Tensor>, string][] = [
      [new nn.CrossEntropyLoss({ weight: tensor([1, 2]) }), 'CrossEntropyLoss()'],
      [new nn.NLLLoss(), 'NLLLoss()'],
      [new nn.BCELoss(), 'BCELoss()'],
      [new nn.BCEWithLogitsLoss({ posWeight: tensor([2]) }), 'BCEWithLogitsLoss()'],
      [new nn.MSELoss(), 'MSELoss()'],
      [new nn.L1Loss({ reduction: 'sum' }), 'L1Loss()'],
      [new nn.HuberLoss({ delta: 2 }), 'HuberLoss()'],
      [new nn.SmoothL1Loss({ beta: 0.5 }), 'SmoothL1Loss()'],
      [new nn.KLDivLoss({ reduction: 'batchmean' }), 'KLDivLoss()'],
    ];
    for (const [module, text] of names) expect(module.toString()).toBe(text);
  });

  it('keep class weights as buffers and have no parameters', () => {
    const lossFn = new nn.CrossEntropyLoss({ weight: tensor([1, 2, 3]) });
    expect(Object.keys(lossFn.stateDict())).toEqual(['weight']);
    expect(lossFn.parameters()).toEqual([]);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ posWeight: tensor([2]) }).stateDict())).toEqual([
      'posWeight',
    ]);
    expect(Object.keys(new nn.MSELoss().stateDict())).toEqual([]);
  });

  it('default to reduction mean and PyTorch defaults', () => {
    const ce = new nn.CrossEntropyLoss();
    expect([ce.reduction, ce.ignoreIndex, ce.labelSmoothing, ce.weight]).toEqual(['mean', -100, 0, null]);
    expect(new nn.HuberLoss().delta).toBe(1);
    expect(new nn.SmoothL1Loss().beta).toBe(1);
    expect(new nn.KLDivLoss().logTarget).toBe(false);
  });

  it('validate their options', () => {
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: -0.1 })).toThrow(
      /CrossEntropyLoss: labelSmoothing must be in \[0, 1\], got -0.1/,
    );
    const bad = 'avg' as Reduction;
    for (const make of [
      () => new nn.CrossEntropyLoss({ reduction: bad }),
      () => new nn.NLLLoss({ reduction: bad }),
      () => new nn.BCELoss({ reduction: bad }),
      () => new nn.BCEWithLogitsLoss({ reduction: bad }),
      () => new nn.MSELoss({ reduction: bad }),
      () => new nn.L1Loss({ reduction: bad }),
      () => new nn.HuberLoss({ reduction: bad }),
      () => new nn.SmoothL1Loss({ reduction: bad }),
      () => new nn.KLDivLoss({ reduction: bad }),
    ]) {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(/reduction must be 'mean'.*got 'avg'/);
    }
    expect(() => new nn.MSELoss({ reduction: 'batchmean' as Reduction })).toThrow(ValueError);
    expect(() => new nn.HuberLoss({ delta: 0 })).toThrow(/HuberLoss: delta must be > 0/);
    expect(() => new nn.SmoothL1Loss({ beta: -1 })).toThrow(/SmoothL1Loss: beta must be ≥ 0/);
  });

  it('train a tiny logistic model: the loss goes down', () => {
    manualSeed(3);
    const x = randn([32, 2]);
    const y = x.sum(1, true).gt(0).float();
    const w = randn([2, 1], { requiresGrad: true });
    const lossFn = new nn.BCEWithLogitsLoss();
    const first = lossFn.forward(x.matmul(w), y).item();
    for (let step = 0; step < 20; step++) {
      w.grad = null;
      lossFn.forward(x.matmul(w), y).backward();
      noGrad(() => w.sub_(w.grad!.mul(0.5)));
    }
    expect(lossFn.forward(x.matmul(w), y).item()).toBeLessThan(first);
  });
});

// ---- errors -------------------------------------------------------------------------------------------

describe('loss errors', () => {
  const logits = randn([16, 10]);

  it('crossEntropy: batch-size mismatch names both sizes', () => {
    const call = () => F.crossEntropy(logits, randint(0, 10, [32]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(
      'crossEntropy: Expected input batch_size (16) to match target batch_size (32) (input shape [16, 10], target shape [32]).',
    );
    expect(() => F.nllLoss(logits, randint(0, 10, [8]))).toThrow(
      /nllLoss: Expected input batch_size \(16\) to match target batch_size \(8\)/,
    );
  });

  it('crossEntropy: an out-of-range class names the index and C; ignoreIndex is exempt', () => {
    const target = tensor([0, 12, 3], { dtype: 'int32' });
    const call = () => F.crossEntropy(randn([3, 10]), target);
    expect(call).toThrow(ValueError);
    expect(call).toThrow(/crossEntropy: target 12 .*out of bounds for 10 classes/);
    expect(() => F.crossEntropy(randn([3, 10]), tensor([0, -1, 3], { dtype: 'int32' }))).toThrow(/target -1/);
    expect(() =>
      F.crossEntropy(randn([3, 10]), tensor([0, -1, 3], { dtype: 'int32' }), { ignoreIndex: -1 }),
    ).not.toThrow();
    expect(() => F.nllLoss(randn([2, 3]), tensor([3, 0], { dtype: 'int32' }))).toThrow(
      /nllLoss: target 3 .*out of bounds for 3 classes/,
    );
  });

  it('crossEntropy: target shapes, dtypes and class weights are checked', () => {
    expect(() => F.crossEntropy(logits, rand([16]))).toThrow(ShapeError);
    expect(() => F.crossEntropy(logits, rand([16]))).toThrow(
      /crossEntropy: a float target holds class probabilities and must have the input's shape \[16, 10\], got \[16\]/,
    );
    expect(() => F.crossEntropy(logits, randint(0, 2, [16]).bool())).toThrow(DTypeError);
    expect(() => F.crossEntropy(randn([2, 3, 4, 5]), randint(0, 3, [2, 4, 6]))).toThrow(
      /expected a target of shape \[2, 4, 5\] for input of shape \[2, 3, 4, 5\], got \[2, 4, 6\]/,
    );
    expect(() => F.crossEntropy(randn([4]), randint(0, 4, [1]))).toThrow(ShapeError);
    expect(() => F.crossEntropy(logits, randint(0, 10, [16]), { weight: tensor([1, 2]) })).toThrow(
      /weight must have shape \[10\]/,
    );
    expect(() => F.crossEntropy(logits, rand([16, 10]), { ignoreIndex: 0 })).toThrow(ValueError);
    expect(() => F.crossEntropy(randint(0, 3, [2, 3]), randint(0, 3, [2]))).toThrow(DTypeError);
    expect(() => F.nllLoss(logits, rand([16]))).toThrow(/nllLoss: target must hold int32 class indices/);
  });

  it('crossEntropy: invalid options are ValueErrors', () => {
    const y = randint(0, 10, [16]);
    expect(() => F.crossEntropy(logits, y, { labelSmoothing: 2 })).toThrow(ValueError);
    expect(() => F.crossEntropy(logits, y, { reduction: 'batchmean' as Reduction })).toThrow(ValueError);
  });

  it('binary cross-entropy checks the range of its input and the dtype of its target', () => {
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(ValueError);
    expect(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1]))).toThrow(
      /binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5 at flat index 1/,
    );
    expect(() => F.binaryCrossEntropy(tensor([0.5, NaN]), tensor([0, 1]))).toThrow(ValueError);
    const intTarget = tensor([0, 1], { dtype: 'int32' });
    expect(() => F.binaryCrossEntropy(tensor([0.5, 0.5]), intTarget)).toThrow(DTypeError);
    expect(() => F.binaryCrossEntropyWithLogits(tensor([0.5, 0.5]), intTarget)).toThrow(/target\.float\(\)/);
    expect(() =>
      F.binaryCrossEntropyWithLogits(randn([4, 3]), rand([4, 3]), { posWeight: tensor([1, 2]) }),
    ).toThrow(ShapeError);
    expect(() => F.binaryCrossEntropy(rand([4, 3]), rand([4, 3]), { weight: rand([4, 3, 2]) })).toThrow(
      /weight of shape \[4, 3, 2\] cannot be broadcast to the input shape \[4, 3\]/,
    );
  });

  it('elementwise losses refuse shape mismatches instead of broadcasting (unlike PyTorch)', () => {
    const call = () => F.mseLoss(randn([8, 1]), randn([8]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow('mseLoss: target shape [8] must match input shape [8, 1]');
    for (const f of [F.l1Loss, F.huberLoss, F.smoothL1Loss, F.klDiv, F.binaryCrossEntropyWithLogits]) {
      expect(() => f(randn([3, 2]), rand([2]))).toThrow(ShapeError);
    }
  });

  it('huber and smooth L1 validate their thresholds', () => {
    expect(() => F.huberLoss(randn([2]), randn([2]), { delta: -1 })).toThrow(ValueError);
    expect(() => F.smoothL1Loss(randn([2]), randn([2]), { beta: -0.5 })).toThrow(ValueError);
    expect(() => F.klDiv(randn([2]), rand([2]), { reduction: 'batchmean' })).not.toThrow();
  });
});
