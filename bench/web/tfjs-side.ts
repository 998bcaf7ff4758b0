// @file TensorFlow.js's side of the browser bench on its WebGPU backend (@tensorflow/tfjs-backend-webgpu): the
// workloads written with tfjs-core's ops as bench/workloads.ts does (channels-last, fused matMul and conv2d, Adam
// through optimizer.minimize), values read with `await data()`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { CLASSES, SIZES, type Workload, type WorkloadId } from './workload.js';

/** Selects tfjs's webgpu backend; false where it cannot start (no adapter). */
export async function startTfjsWebGpu(): Promise<boolean> {
  try {
    return (await tf.setBackend('webgpu')) && tf.getBackend() === 'webgpu';
  } catch {
    return false;
  }
}

function producing(make: () => tf.Tensor, inputs: tf.Tensor[]): Workload {
  let last: tf.Tensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = make();
    },
    finish: async () => {
      if (last === null) throw new Error('bench: no result to read');
      await last.data();
    },
    dispose: () => {
      last?.dispose();
      last = null;
      tf.dispose(inputs);
    },
  };
}

/** A variable initialised as PyTorch's layers are: U(±1/√fanIn). */
function uniform(shape: number[], fanIn: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', 0)));
}

interface Dense {
  weight: tf.Variable;
  bias: tf.Variable;
}

const dense = (inputs: number, outputs: number): Dense => ({
  weight: uniform([inputs, outputs], inputs),
  bias: uniform([outputs], inputs),
});

function denseStack(x: tf.Tensor, layers: readonly Dense[]): tf.Tensor {
  let h = x;
  layers.forEach((layer, i) => {
    const activation = i < layers.length - 1 ? 'relu' : 'linear';
    h = tf.fused.matMul({ a: h as tf.Tensor2D, b: layer.weight, bias: layer.bias, activation });
  });
  return h;
}

function training(variables: tf.Variable[], inputs: tf.Tensor[], loss: () => tf.Scalar): Workload {
  const optimizer = tf.train.adam(1e-3);
  const workload = producing(() => optimizer.minimize(loss, true, variables)!, []);
  return {
    ...workload,
    dispose: () => {
      workload.dispose();
      optimizer.dispose();
      tf.dispose([...variables, ...inputs]);
    },
  };
}

const oneHotLabels = (): tf.Tensor =>
  tf.tidy(() => tf.oneHot(tf.randomUniform([SIZES.batch], 0, CLASSES, 'int32', 1) as tf.Tensor1D, CLASSES));

/** tfjs's workload `id` on its active backend. */
export function tfjsWorkload(id: WorkloadId): Workload {
  switch (id) {
    case 'matmul': {
      const a = tf.randomNormal([SIZES.matmulSide, SIZES.matmulSide]);
      const b = tf.randomNormal([SIZES.matmulSide, SIZES.matmulSide]);
      return producing(() => tf.matMul(a, b), [a, b]);
    }
    case 'add': {
      const a = tf.randomNormal([SIZES.addSide, SIZES.addSide]);
      const b = tf.randomNormal([SIZES.addSide, SIZES.addSide]);
      return producing(() => tf.add(a, b), [a, b]);
    }
    case 'mlp': {
      const layers = [dense(784, 256), dense(256, 128), dense(128, CLASSES)];
      const x = tf.randomUniform([SIZES.batch, 784], 0, 1, 'float32', 2);
      const labels = oneHotLabels();
      const variables = layers.flatMap((l) => [l.weight, l.bias]);
      return training(variables, [x, labels], () =>
        tf.losses.softmaxCrossEntropy(labels, denseStack(x, layers)),
      );
    }
    case 'lenet': {
      const conv1 = { filter: uniform([5, 5, 1, 6], 25), bias: uniform([6], 25) };
      const conv2 = { filter: uniform([5, 5, 6, 16], 150), bias: uniform([16], 150) };
      const layers = [dense(16 * 5 * 5, 120), dense(120, 84), dense(84, CLASSES)];
      const images = tf.randomUniform([SIZES.batch, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const labels = oneHotLabels();
      const variables = [
        conv1.filter,
        conv1.bias,
        conv2.filter,
        conv2.bias,
        ...layers.flatMap((l) => [l.weight, l.bias]),
      ];
      const block = (x: tf.Tensor4D, conv: typeof conv1, pad: 'same' | 'valid'): tf.Tensor4D =>
        tf.maxPool(
          tf.fused.conv2d({
            x,
            filter: conv.filter as tf.Tensor4D,
            strides: 1,
            pad,
            bias: conv.bias,
            activation: 'relu',
          }),
          2,
          2,
          'valid',
        );
      return training(variables, [images, labels], () => {
        const features = tf.reshape(block(block(images, conv1, 'same'), conv2, 'valid'), [
          SIZES.batch,
          16 * 5 * 5,
        ]);
        return tf.losses.softmaxCrossEntropy(labels, denseStack(features, layers));
      });
    }
  }
}
