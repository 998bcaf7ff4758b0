// @file Matmul on WebGPU against the js reference: awkward sizes, every transpose, batches with shared operands.
import { matmul as jsMatmul } from '../../../../src/backend/js/matmul.js';
import { matmul } from '../../../../src/backend/webgpu/kernels/matmul.js';
import {
  all,
  compare,
  F32_EPS,
  generator,
  uniform,
  widen,
  type CaseResult,
  type KernelCase,
} from './check.js';
import { TestContext } from './test-context.js';

interface Product {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  /** Matrices of a per batch entry, offsets into one array (repeats allowed). */
  aOffsets: number[];
  bOffsets: number[];
}

/** Runs one product on the GPU and in float64, comparing within (k + 2)·2⁻²⁴·(|A|·|B|) per element. */
async function checkProduct(device: GPUDevice, seed: number, spec: Product): Promise<CaseResult> {
  const { m, k, n, transA, transB, aOffsets, bOffsets } = spec;
  const random = generator(seed);
  const a = uniform(random, Math.max(...aOffsets) + m * k + 3);
  const b = uniform(random, Math.max(...bOffsets) + k * n + 5);
  const out = new Float32Array(aOffsets.length * m * n).fill(Number.NaN);
  const ctx = new TestContext(device);
  matmul(ctx, a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
  await ctx.download();
  await ctx.dispose();
  const expected = new Float64Array(out.length);
  jsMatmul(widen(a), aOffsets, widen(b), bOffsets, expected, m, k, n, transA, transB);
  const magnitude = new Float64Array(out.length);
  jsMatmul(
    widen(a).map(Math.abs),
    aOffsets,
    widen(b).map(Math.abs),
    bOffsets,
    magnitude,
    m,
    k,
    n,
    transA,
    transB,
  );
  const flags = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
  const name = `matmul ${m}×${k}×${n} ${flags} batch ${aOffsets.length}`;
  return compare(name, out, expected, (i) => (k + 2) * F32_EPS * magnitude[i]! + 1e-30);
}

const single = (m: number, k: number, n: number, transA = false, transB = false): Product => ({
  m,
  k,
  n,
  transA,
  transB,
  aOffsets: [0],
  bOffsets: [0],
});

/** Every transpose combination of one size. */
async function allFlags(device: GPUDevice, m: number, k: number, n: number): Promise<CaseResult> {
  const results = [];
  for (const transA of [false, true])
    for (const transB of [false, true])
      results.push(await checkProduct(device, m * 31 + n, single(m, k, n, transA, transB)));
  return all(results);
}

/** x·xᵀ: both operands are one array (bound twice). */
async function checkSelfProduct(device: GPUDevice): Promise<CaseResult> {
  const x = uniform(generator(5), 6 * 9);
  const out = new Float32Array(36);
  const ctx = new TestContext(device);
  matmul(ctx, x, [0], x, [0], out, 6, 9, 6, false, true);
  await ctx.download();
  await ctx.dispose();
  const expected = new Float64Array(36);
  jsMatmul(widen(x), [0], widen(x), [0], expected, 6, 9, 6, false, true);
  return compare('matmul x·xᵀ', out, expected, (i) => 11 * F32_EPS * (1 + Math.abs(expected[i]!)) * 9);
}

export const matmulCases: Record<string, KernelCase> = {
  'matmul 1×1×1': (device) => allFlags(device, 1, 1, 1),
  'matmul ragged 3×5×7': (device) => allFlags(device, 3, 5, 7),
  'matmul one tile 64×16×64': (device) => allFlags(device, 64, 16, 64),
  'matmul past the tile 65×33×130': (device) => allFlags(device, 65, 33, 130),
  'matmul MLP layer 64×784×128': (device) => checkProduct(device, 7, single(64, 784, 128)),
  'matmul its gradients 784×64×128 and 64×128×784': async (device) =>
    all([
      await checkProduct(device, 8, single(784, 64, 128, true, false)),
      await checkProduct(device, 9, single(64, 128, 784, false, true)),
    ]),
  'matmul vector shapes 1×300×129, 17×200×1': async (device) =>
    all([
      await checkProduct(device, 10, single(1, 300, 129)),
      await checkProduct(device, 11, single(17, 200, 1)),
    ]),
  'matmul of an array with itself': (device) => checkSelfProduct(device),
  'matmul batch past 65535 entries (split dispatches)': (device) =>
    checkProduct(device, 14, {
      m: 1,
      k: 2,
      n: 3,
      transA: false,
      transB: false,
      aOffsets: Array.from({ length: 70_000 }, (_, i) => 2 * (i % 1000)),
      bOffsets: Array.from({ length: 70_000 }, (_, i) => 6 * (i % 777)),
    }),
  'matmul k = 0 writes zeros': (device) => checkProduct(device, 12, single(5, 0, 6)),
  'matmul batched with a shared right operand and odd offsets': (device) =>
    checkProduct(device, 13, {
      m: 9,
      k: 13,
      n: 11,
      transA: false,
      transB: true,
      aOffsets: [1, 1 + 117, 1 + 2 * 117, 5],
      bOffsets: [3, 3, 3, 3],
    }),
};
