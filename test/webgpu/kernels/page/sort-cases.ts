// @file The stable sort on WebGPU against the js reference: ties, NaN, int32, short and long lines.
import { sort as jsSort } from '../../../../src/backend/js/sort.js';
import type { TypedArray } from '../../../../src/tensor/dtype.js';
import { sort } from '../../../../src/backend/webgpu/kernels/sort.js';
import { all, compare, generator, integers, uniform, type CaseResult, type KernelCase } from './check.js';
import { TestContext } from './test-context.js';

async function checkSort(
  device: GPUDevice,
  outer: number,
  size: number,
  inner: number,
  descending: boolean,
): Promise<CaseResult> {
  const random = generator(outer * 7 + size * 11 + inner + (descending ? 1 : 0));
  const x = uniform(random, outer * size * inner);
  for (let i = 0; i < x.length; i += 5) x[i] = Math.round(x[i]! * 2) / 2; // ties
  if (x.length > 6) x[6] = x[2] = Number.NaN;
  const ints = integers(random, x.length, 5);
  const results = [];
  for (const data of [x, ints] as TypedArray[]) {
    const values = data instanceof Int32Array ? new Int32Array(data.length) : new Float32Array(data.length);
    const indices = new Int32Array(data.length);
    const ctx = new TestContext(device);
    sort(ctx, data, outer, size, inner, descending, values, indices);
    await ctx.download();
    await ctx.dispose();
    const expectedValues =
      data instanceof Int32Array ? new Int32Array(data.length) : new Float32Array(data.length);
    const expectedIndices = new Int32Array(data.length);
    jsSort(data, outer, size, inner, descending, expectedValues, expectedIndices);
    const name = `sort [${outer}, ${size}, ${inner}] ${descending ? 'descending' : 'ascending'} ${data.constructor.name}`;
    results.push(
      compare(`${name} values`, values, expectedValues, () => 0),
      compare(`${name} indices`, indices, expectedIndices, () => 0),
    );
  }
  return all(results);
}

export const sortCases: Record<string, KernelCase> = {
  'sort: stable, NaN last ascending and first descending, int32': async (device) => {
    const results = [];
    for (const descending of [false, true])
      for (const [outer, size, inner] of [
        [1, 1, 1],
        [4, 17, 3],
        [64, 10, 1],
        [2, 100, 1],
      ] as const)
        results.push(await checkSort(device, outer, size, inner, descending));
    return all(results);
  },
};
