// @file The second table of `npm run bench`: single ops (matmul at 128…512, elementwise ops, a sum) in neurite and
// TensorFlow.js. (matmul 1024 is in the first table, workloads.ts.)
import { add, exp, matmul, randn, relu, sigmoid, sum, type Tensor } from '../src/index.js';
import type { Workload } from './race.js';
import { tf, type TfTensor } from './tfjs.js';

export interface OpCase {
  name: string;
  kind: 'matmul' | 'elementwise';
  /** Floating-point operations (matmul) or bytes read and written (elementwise) per op. */
  work: number;
  neurite(): Workload;
  tfjs(): Workload;
}

/**
 * A neurite op whose result is disposed by the next call, as tfjsWorkload does (a synchronous loop never lets
 * the garbage collector's finalizers return wasm storage); the last result is kept so the work cannot be skipped.
 */
function neuriteWorkload(op: () => Tensor): Workload {
  let last: Tensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = op();
    },
    finish: () => {
      if (last === null) throw new Error('bench: no result');
    },
    dispose: () => {
      last = null;
    },
  };
}

/** A tfjs op whose result is disposed by the next call; the last one is read back (dataSync) to finish. */
function tfjsWorkload(inputs: TfTensor[], op: () => TfTensor): Workload {
  let last: TfTensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = op();
    },
    finish: () => {
      last?.dataSync();
    },
    dispose: () => {
      last?.dispose();
      last = null;
      tf.dispose(inputs);
    },
  };
}

function matmulCase(n: number): OpCase {
  return {
    name: `matmul ${n}×${n}·${n}×${n}`,
    kind: 'matmul',
    work: 2 * n ** 3,
    neurite: () => {
      const a = randn([n, n]);
      const b = randn([n, n]);
      return neuriteWorkload(() => matmul(a, b));
    },
    tfjs: () => {
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return tfjsWorkload([a, b], () => tf.matMul(a, b));
    },
  };
}

const SIDE = 1000;
const ELEMENTS = SIDE * SIDE;
const FLOAT_BYTES = 4;

function unaryCase(
  name: string,
  neuriteOp: (x: Tensor) => Tensor,
  tfjsOp: (x: TfTensor) => TfTensor,
  outputElements = ELEMENTS,
): OpCase {
  return {
    name: `${name} [${SIDE},${SIDE}]`,
    kind: 'elementwise',
    work: (ELEMENTS + outputElements) * FLOAT_BYTES,
    neurite: () => {
      const x = randn([SIDE, SIDE]);
      return neuriteWorkload(() => neuriteOp(x));
    },
    tfjs: () => {
      const x = tf.randomNormal([SIDE, SIDE]);
      return tfjsWorkload([x], () => tfjsOp(x));
    },
  };
}

function addCase(bShape: number[]): OpCase {
  const bElements = bShape.reduce((p, d) => p * d, 1);
  return {
    name: `add [${SIDE},${SIDE}]+[${bShape.join(',')}]`,
    kind: 'elementwise',
    work: (2 * ELEMENTS + bElements) * FLOAT_BYTES,
    neurite: () => {
      const a = randn([SIDE, SIDE]);
      const b = randn(bShape);
      return neuriteWorkload(() => add(a, b));
    },
    tfjs: () => {
      const a = tf.randomNormal([SIDE, SIDE]);
      const b = tf.randomNormal(bShape);
      return tfjsWorkload([a, b], () => tf.add(a, b));
    },
  };
}

export const OP_CASES: readonly OpCase[] = [
  matmulCase(128),
  matmulCase(256),
  matmulCase(512),
  addCase([SIDE, SIDE]),
  addCase([SIDE]),
  unaryCase('relu', relu, (x) => tf.relu(x)),
  unaryCase('exp', exp, (x) => tf.exp(x)),
  unaryCase('sigmoid', sigmoid, (x) => tf.sigmoid(x)),
  unaryCase(
    'sum',
    (x) => sum(x),
    (x) => tf.sum(x),
    1,
  ),
];
