// @file Index kernels on WebGPU against the js reference: partial index shapes, repeats, int32 and float data.
import * as js from '../../../../src/backend/js/gather.js';
import type { TypedArray } from '../../../../src/tensor/dtype.js';
import * as gpu from '../../../../src/backend/webgpu/kernels/indexing.js';
import {
  all,
  compare,
  F32_EPS,
  generator,
  integers,
  uniform,
  widen,
  type CaseResult,
  type KernelCase,
} from './check.js';
import { TestContext } from './test-context.js';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** gather along `dim` with an index shape no larger than x's, on float and int32 data (exact). */
async function checkGather(
  device: GPUDevice,
  shape: number[],
  dim: number,
  indexShape: number[],
): Promise<CaseResult> {
  const random = generator(size(shape) + dim);
  const index = integers(random, size(indexShape), shape[dim]!);
  const results = [];
  for (const x of [uniform(random, size(shape)), integers(random, size(shape), 1000)] as TypedArray[]) {
    const out = x instanceof Int32Array ? new Int32Array(index.length) : new Float32Array(index.length);
    const ctx = new TestContext(device);
    gpu.gather(ctx, x, shape, dim, index, indexShape, out);
    await ctx.download();
    await ctx.dispose();
    const expected = x instanceof Int32Array ? new Int32Array(index.length) : new Float64Array(index.length);
    js.gather(
      x instanceof Int32Array ? x : widen(x as Float32Array),
      shape,
      dim,
      index,
      indexShape,
      expected,
    );
    results.push(
      compare(
        `gather [${shape}] dim ${dim} index [${indexShape}] ${x.constructor.name}`,
        out,
        expected,
        () => 0,
      ),
    );
  }
  return all(results);
}

/** scatter (later writes win) and scatter_add (repeats add up) into a prefilled out. */
async function checkScatter(
  device: GPUDevice,
  outShape: number[],
  dim: number,
  indexShape: number[],
  srcShape: number[],
): Promise<CaseResult> {
  const random = generator(size(outShape) * 3 + dim);
  const index = integers(random, size(indexShape), outShape[dim]!);
  const src = uniform(random, size(srcShape));
  const start = uniform(random, size(outShape));
  const results = [];
  for (const accumulate of [false, true]) {
    const out = start.slice();
    const ctx = new TestContext(device);
    gpu.scatter(ctx, src, srcShape, dim, index, indexShape, out, outShape, accumulate);
    await ctx.download();
    await ctx.dispose();
    const expected = widen(start);
    js.scatter(widen(src), srcShape, dim, index, indexShape, expected, outShape, accumulate);
    const bound = accumulate
      ? (i: number) => 8 * (indexShape[dim]! + 2) * F32_EPS * (1 + Math.abs(expected[i]!))
      : () => 0;
    results.push(
      compare(
        `scatter${accumulate ? '_add' : ''} [${outShape}] dim ${dim} index [${indexShape}]`,
        out,
        expected,
        bound,
      ),
    );
  }
  return all(results);
}

/** indexSelect and indexAdd over [outer, size, inner] with repeated indices. */
async function checkIndexSelectAdd(
  device: GPUDevice,
  outer: number,
  extent: number,
  inner: number,
  picks: number,
): Promise<CaseResult> {
  const random = generator(outer * 7 + extent * 3 + inner + picks);
  const index = integers(random, picks, extent);
  const x = uniform(random, outer * extent * inner);
  const selected = new Float32Array(outer * picks * inner);
  const src = uniform(random, outer * picks * inner);
  const added = uniform(random, outer * extent * inner);
  const addedStart = widen(added);
  const ctx = new TestContext(device);
  gpu.indexSelect(ctx, x, outer, extent, inner, index, selected);
  gpu.indexAdd(ctx, src, outer, extent, inner, index, added);
  await ctx.download();
  await ctx.dispose();
  const refSelected = new Float64Array(selected.length);
  js.indexSelect(widen(x), outer, extent, inner, index, refSelected);
  js.indexAdd(widen(src), outer, extent, inner, index, addedStart);
  const name = `[${outer}, ${extent}, ${inner}] picking ${picks}`;
  return all([
    compare(`indexSelect ${name}`, selected, refSelected, () => 0),
    compare(
      `indexAdd ${name}`,
      added,
      addedStart,
      (i) => 8 * (picks + 2) * F32_EPS * (1 + Math.abs(addedStart[i]!)),
    ),
  ]);
}

export const indexingCases: Record<string, KernelCase> = {
  'gather: last dim, middle dim with a smaller index, 1-D': async (device) =>
    all([
      await checkGather(device, [4, 5, 6], 2, [4, 5, 3]),
      await checkGather(device, [4, 5, 6], 1, [3, 7, 2]),
      await checkGather(device, [9], 0, [20]),
      await checkGather(device, [64, 10], 1, [64, 1]),
    ]),
  'scatter and scatter_add with repeated indices': async (device) =>
    all([
      await checkScatter(device, [5, 4], 0, [7, 3], [8, 4]),
      await checkScatter(device, [3, 6, 2], 1, [3, 9, 2], [3, 9, 2]),
      await checkScatter(device, [10], 0, [25], [25]),
    ]),
  'indexSelect and indexAdd (embedding shapes, repeats)': async (device) =>
    all([
      await checkIndexSelectAdd(device, 1, 50, 16, 37),
      await checkIndexSelectAdd(device, 3, 7, 5, 12),
      await checkIndexSelectAdd(device, 4, 1, 1, 1),
    ]),
};
