// @file The recurrent kernels on the webgpu backend against the js reference: cells, both recurrences, forward → backward.
import { jsBackend } from '../../../../src/backend/js/index.js';
import { backend } from '../../../../src/backend/index.js';
import type {
  RecurrenceBackwardArrays,
  RecurrenceForwardArrays,
  RecurrenceShape,
} from '../../../../src/backend/types.js';
import type { WebGpuBackend } from '../../../../src/backend/webgpu/index.js';
import { setBackend } from '../../../../src/index.js';
import type { FloatArray } from '../../../../src/tensor/dtype.js';
import { all, compare, generator, uniform, widen, type CaseResult, type KernelCase } from './check.js';

const GATES = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 } as const;

/**
 * The float32 bound of a recurrent result against the float64 reference: rtol 1e-4 and an atol of 1e-5 times
 * the largest |expected| (a weight gradient sums T·B rows, so its scale grows with them).
 */
function check(name: string, actual: FloatArray, expected: Float64Array): CaseResult {
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return compare(name, actual, expected, (i) => 1e-5 * scale + 1e-4 * Math.abs(expected[i]!));
}

/** The values of `arr` downloaded from the GPU. */
async function readBack(gpu: WebGpuBackend, arr: FloatArray): Promise<FloatArray> {
  return (await gpu.read!(arr)) as FloatArray;
}

async function webgpu(): Promise<WebGpuBackend> {
  await setBackend('webgpu');
  return backend() as WebGpuBackend;
}

/**
 * `length` values placed at element `at` of a larger array (a view whose byte offset is not aligned for a
 * storage binding when `at` is odd), or a whole array when `at` is null.
 */
function placed(values: Float32Array, at: number | null): Float32Array {
  if (at === null) return values;
  const base = new Float32Array(values.length + at + 5);
  base.set(values, at);
  return base.subarray(at, at + values.length);
}

interface Config {
  readonly shape: RecurrenceShape;
  readonly bias: boolean;
  /** Element offsets of h0/c0/input and of out/gradH0 inside larger arrays (views), or null for whole arrays. */
  readonly views: number | null;
  readonly seed: number;
}

/**
 * recurrenceForward then recurrenceBackward on the GPU, the backward reading the forward's arrays where the GPU
 * left them (no read in between), against the js reference in float64 on the same values; ∂out is seeded.
 */
async function checkRecurrence(name: string, config: Config): Promise<CaseResult> {
  const gpu = await webgpu();
  const { shape, bias, views } = config;
  const { kind, steps, batch, inputSize, hidden } = shape;
  const width = GATES[kind] * hidden;
  const state = batch * hidden;
  const lstm = kind === 'lstm';
  const random = generator(config.seed);
  const draw = (n: number, scale = 0.5) => uniform(random, n, -scale, scale);
  const inputs = {
    input: placed(draw(steps * batch * inputSize, 1), views),
    weightIh: draw(width * inputSize),
    biasIh: bias ? draw(width) : null,
    weightHh: draw(width * hidden),
    biasHh: bias ? draw(width) : null,
    h0: placed(draw(state), views === null ? null : views + 3),
    c0: lstm ? placed(draw(state), views === null ? null : views + 1) : null,
  };
  const gradOut = draw((steps + (lstm ? 2 : 1)) * state, 1);
  // With `views`, several written arrays are views at odd offsets (more than one per call).
  const maybeView = (make: (n: number) => FloatArray, at: number | null) => (n: number, shift: number) =>
    at === null ? make(n) : placed(new Float32Array(n), at + shift);
  const forwardArrays = (make: (n: number) => FloatArray, at: number | null) => {
    const view = maybeView(make, at);
    return {
      out: view((steps + (lstm ? 2 : 1)) * state, 0),
      hPrev: view(steps * state, 1),
      saved: lstm || kind === 'gru' ? make(steps * 4 * state) : null,
      cPrev: lstm ? make(steps * state) : null,
      cells: lstm ? view(steps * state, 2) : null,
    };
  };
  const gradArrays = (make: (n: number) => FloatArray, at: number | null) => {
    const view = maybeView(make, at);
    return {
      gradInput: make(steps * batch * inputSize),
      gradWeightIh: make(width * inputSize),
      gradBiasIh: bias ? make(width) : null,
      gradWeightHh: view(width * hidden, 1),
      gradBiasHh: bias ? view(width, 2) : null,
      gradH0: view(state, 0),
      gradC0: lstm ? view(state, 4) : null,
    };
  };
  const f32 = (n: number) => new Float32Array(n);
  const f64 = (n: number) => new Float64Array(n);
  const ours: RecurrenceForwardArrays = { ...inputs, ...forwardArrays(f32, views) };
  const reference: RecurrenceForwardArrays = {
    input: widen(inputs.input),
    weightIh: widen(inputs.weightIh),
    biasIh: inputs.biasIh && widen(inputs.biasIh),
    weightHh: widen(inputs.weightHh),
    biasHh: inputs.biasHh && widen(inputs.biasHh),
    h0: widen(inputs.h0),
    c0: inputs.c0 && widen(inputs.c0),
    ...forwardArrays(f64, null),
  };
  const oursBack: RecurrenceBackwardArrays = {
    ...ours,
    gradOut: placed(gradOut, views),
    ...gradArrays(f32, views === null ? null : views + 7),
  };
  const referenceBack: RecurrenceBackwardArrays = {
    ...reference,
    gradOut: widen(gradOut),
    ...gradArrays(f64, null),
  };
  gpu.recurrenceForward(shape, ours);
  gpu.recurrenceBackward(shape, oursBack);
  jsBackend.recurrenceForward(shape, reference);
  jsBackend.recurrenceBackward(shape, referenceBack);
  const names = [
    'out',
    'hPrev',
    'saved',
    'cPrev',
    'cells',
    'gradInput',
    'gradWeightIh',
    'gradBiasIh',
    'gradWeightHh',
    'gradBiasHh',
    'gradH0',
    'gradC0',
  ] as const;
  const results: CaseResult[] = [];
  for (const key of names) {
    const actual = oursBack[key];
    const expected = referenceBack[key];
    if (!actual || !expected) continue;
    results.push(check(`${name} ${key}`, await readBack(gpu, actual), expected as Float64Array));
  }
  return all(results);
}

const recurrence =
  (
    kind: RecurrenceShape['kind'],
    sizes: [number, number, number, number],
    more: Partial<Config> & { reverse?: boolean } = {},
  ): KernelCase =>
  () => {
    const [steps, batch, inputSize, hidden] = sizes;
    const shape: RecurrenceShape = { kind, steps, batch, inputSize, hidden, reverse: more.reverse ?? false };
    const name = `${kind} T${steps} B${batch} I${inputSize} H${hidden}${shape.reverse ? ' reverse' : ''}`;
    return checkRecurrence(name, {
      shape,
      bias: more.bias ?? true,
      views: more.views ?? null,
      seed: more.seed ?? steps * 131 + hidden * 17 + batch,
    });
  };

/** One cell kernel (forward, then its VJP from the forward's saved values) on the GPU and in js. */
async function checkCell(
  kind: 'lstm' | 'gru',
  batch: number,
  hidden: number,
  bias: boolean,
  alias: boolean,
): Promise<CaseResult> {
  const gpu = await webgpu();
  const width = (kind === 'lstm' ? 4 : 3) * hidden;
  const state = batch * hidden;
  const random = generator(batch * 97 + hidden + (bias ? 1 : 0));
  const xGates = uniform(random, batch * width, -2, 2);
  const hGates = uniform(random, batch * width, -2, 2);
  const biasHh = bias ? uniform(random, width) : null;
  const prev = uniform(random, state);
  const gradH = uniform(random, state);
  const gradC = uniform(random, state);
  const name = `${kind}Cell B${batch} H${hidden}${bias ? '' : ' no bias'}${alias ? ' gates = hGates' : ''}`;
  if (kind === 'lstm') {
    const hG = Float32Array.from(hGates);
    const [h, c] = [new Float32Array(state), new Float32Array(state)];
    const gates = alias ? hG : new Float32Array(batch * width);
    gpu.lstmCell(xGates, hG, biasHh, prev, batch, hidden, h, c, gates);
    const [gradGates, gradCPrev] = [new Float32Array(batch * width), new Float32Array(state)];
    gpu.lstmCellBackward(gradH, alias ? null : gradC, gates, prev, c, batch, hidden, gradGates, gradCPrev);
    const ref = {
      h: new Float64Array(state),
      c: new Float64Array(state),
      gates: new Float64Array(batch * width),
    };
    jsBackend.lstmCell(
      widen(xGates),
      widen(hGates),
      biasHh && widen(biasHh),
      widen(prev),
      batch,
      hidden,
      ref.h,
      ref.c,
      ref.gates,
    );
    const refGrad = { gates: new Float64Array(batch * width), cPrev: new Float64Array(state) };
    jsBackend.lstmCellBackward(
      widen(gradH),
      alias ? null : widen(gradC),
      ref.gates,
      widen(prev),
      ref.c,
      batch,
      hidden,
      refGrad.gates,
      refGrad.cPrev,
    );
    return all([
      check(`${name} h`, await readBack(gpu, h), ref.h),
      check(`${name} c`, await readBack(gpu, c), ref.c),
      check(`${name} gates`, await readBack(gpu, gates), ref.gates),
      check(`${name} ∂gates`, await readBack(gpu, gradGates), refGrad.gates),
      check(`${name} ∂cPrev`, await readBack(gpu, gradCPrev), refGrad.cPrev),
    ]);
  }
  const [h, saved] = [new Float32Array(state), new Float32Array(4 * state)];
  gpu.gruCell(xGates, hGates, biasHh, prev, batch, hidden, h, saved);
  const grads = [
    new Float32Array(batch * width),
    new Float32Array(batch * width),
    new Float32Array(state),
  ] as const;
  gpu.gruCellBackward(gradH, saved, prev, batch, hidden, ...grads);
  const ref = { h: new Float64Array(state), saved: new Float64Array(4 * state) };
  jsBackend.gruCell(
    widen(xGates),
    widen(hGates),
    biasHh && widen(biasHh),
    widen(prev),
    batch,
    hidden,
    ref.h,
    ref.saved,
  );
  const refGrads = [
    new Float64Array(batch * width),
    new Float64Array(batch * width),
    new Float64Array(state),
  ] as const;
  jsBackend.gruCellBackward(widen(gradH), ref.saved, widen(prev), batch, hidden, ...refGrads);
  const gradNames = ['∂xGates', '∂hGates', '∂hPrev'];
  const gradResults: CaseResult[] = [];
  for (let k = 0; k < 3; k++) {
    gradResults.push(check(`${name} ${gradNames[k]}`, await readBack(gpu, grads[k]!), refGrads[k]!));
  }
  return all([
    check(`${name} h`, await readBack(gpu, h), ref.h),
    check(`${name} saved`, await readBack(gpu, saved), ref.saved),
    ...gradResults,
  ]);
}

export const recurrentCases: Record<string, KernelCase> = {
  'lstmCell B3 H7': () => checkCell('lstm', 3, 7, true, false),
  'lstmCell B1 H5 no bias, gates = hGates, ∂c null': () => checkCell('lstm', 1, 5, false, true),
  'gruCell B3 H7': () => checkCell('gru', 3, 7, true, false),
  'gruCell B1 H6 no bias': () => checkCell('gru', 1, 6, false, false),
  'lstm T5 B3 I4 H7': recurrence('lstm', [5, 3, 4, 7]),
  'lstm T4 B1 I3 H5 reverse no bias': recurrence('lstm', [4, 1, 3, 5], { reverse: true, bias: false }),
  'gru T5 B2 I6 H7': recurrence('gru', [5, 2, 6, 7]),
  'gru T3 B1 I2 H9 reverse no bias': recurrence('gru', [3, 1, 2, 9], { reverse: true, bias: false }),
  'rnnTanh T6 B3 I5 H9': recurrence('rnnTanh', [6, 3, 5, 9]),
  'rnnRelu T4 B2 I3 H6 reverse': recurrence('rnnRelu', [4, 2, 3, 6], { reverse: true }),
  'lstm T3 B2 I3 H5 on misaligned views': recurrence('lstm', [3, 2, 3, 5], { views: 3 }),
  'gru T3 B2 I3 H5 reverse on misaligned views': recurrence('gru', [3, 2, 3, 5], { views: 1, reverse: true }),
  'lstm T0 B2 I3 H5 (no steps)': recurrence('lstm', [0, 2, 3, 5]),
  'lstm T20 B4 I8 H33 (past one batch of dispatches)': recurrence('lstm', [20, 4, 8, 33]),
};
