// @file jax-js's side of the browser bench on its WebGPU device (@jax-js/jax): the same workloads written with its
// NumPy-style API, each step one jit-compiled function (forward, valueAndGrad, Adam written out, as jax-js has no
// optimizer of its own), following its reference-counting rules (`.ref` for every use but the last).
import { defaultDevice, init, jit, lax, nn, numpy as np, valueAndGrad } from '@jax-js/jax';
import { CLASSES, SIZES, type Workload, type WorkloadId } from './workload.js';

/** Starts jax-js's webgpu device and makes it the default; false where it cannot start. */
export async function startJaxWebGpu(): Promise<boolean> {
  try {
    const devices = await init('webgpu');
    if (!devices.includes('webgpu')) return false;
    defaultDevice('webgpu');
    return true;
  } catch {
    return false;
  }
}

/** A seeded array of uniform values in [low, high) (xorshift on the host, then one upload). */
function uniform(shape: number[], low: number, high: number, seed: number): np.Array {
  const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < values.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    values[i] = low + ((s >>> 0) / 2 ** 32) * (high - low);
  }
  return np.array(values).reshape(shape);
}

/** PyTorch's layer init: U(±1/√fanIn). */
const layerInit = (shape: number[], fanIn: number, seed: number): np.Array =>
  uniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), seed);

function oneHotLabels(): np.Array {
  const values = new Float32Array(SIZES.batch * CLASSES);
  for (let i = 0; i < SIZES.batch; i++) values[i * CLASSES + ((i * 7 + 3) % CLASSES)] = 1;
  return np.array(values).reshape([SIZES.batch, CLASSES]);
}

function producing(make: () => np.Array, inputs: np.Array[]): Workload {
  let last: np.Array | null = null;
  return {
    run: () => {
      last?.dispose();
      last = make();
    },
    finish: async () => {
      if (last === null) throw new Error('bench: no result to read');
      const result = last;
      last = null;
      await result.data(); // reads and disposes
    },
    dispose: () => {
      last?.dispose();
      last = null;
      for (const input of inputs) input.dispose();
    },
  };
}

type Loss = (params: np.Array[], x: np.Array, y: np.Array) => np.Array;

/** Mean cross-entropy of logits [B, C] against one-hot targets. */
function crossEntropy(logits: np.Array, oneHot: np.Array): np.Array {
  return nn
    .logSoftmax(logits, -1)
    .mul(oneHot)
    .sum()
    .mul(-1 / SIZES.batch);
}

/** Dense layers (params w0, b0, w1, b1, …), ReLU between them. */
function denseStack(x: np.Array, params: np.Array[]): np.Array {
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = np.matmul(h, params[i]!).add(params[i + 1]!);
    if (i + 2 < params.length) h = nn.relu(h);
  }
  return h;
}

const mlpLoss: Loss = (params, x, y) => crossEntropy(denseStack(x, params), y);

/** 2×2 max pooling of [B, C, H, W] as a reshape and a max. */
function maxPool2(h: np.Array, [b, c, height, width]: number[]): np.Array {
  return np.max(h.reshape([b!, c!, height! / 2, 2, width! / 2, 2]), [3, 5]);
}

const lenetLoss: Loss = (params, x, y) => {
  const [w1, b1, w2, b2, ...rest] = params;
  let h = nn.relu(lax.conv(x, w1!, [1, 1], 'SAME').add(b1!.reshape([1, 6, 1, 1])));
  h = maxPool2(h, [SIZES.batch, 6, 28, 28]);
  h = nn.relu(lax.conv(h, w2!, [1, 1], 'VALID').add(b2!.reshape([1, 16, 1, 1])));
  h = maxPool2(h, [SIZES.batch, 16, 10, 10]).reshape([SIZES.batch, 16 * 5 * 5]);
  return crossEntropy(denseStack(h, rest), y);
};

type State = { params: np.Array[]; m: np.Array[]; v: np.Array[] };

/** Adam (lr 1e-3, β 0.9/0.999, ε 1e-8) on `loss`, one jit-compiled step; `finish` reads the last loss. */
function training(loss: Loss, params: np.Array[], x: np.Array, y: np.Array): Workload {
  const [beta1, beta2, eps, lr] = [0.9, 0.999, 1e-8, 1e-3];
  const step = jit((state: State, xs: np.Array, ys: np.Array, rate: np.Array) => {
    const [value, grads] = valueAndGrad(loss)(
      state.params.map((p) => p.ref),
      xs,
      ys,
    );
    const m = state.m.map((mi, i) => mi.mul(beta1).add(grads[i]!.ref.mul(1 - beta1)));
    const v = state.v.map((vi, i) => vi.mul(beta2).add(grads[i]!.ref.mul(grads[i]!).mul(1 - beta2)));
    const next = state.params.map((p, i) => p.sub(m[i]!.ref.mul(rate.ref).div(np.sqrt(v[i]!.ref).add(eps))));
    rate.dispose();
    return { loss: value, state: { params: next, m, v } };
  });
  let state: State = {
    params,
    m: params.map((p) => np.zerosLike(p.ref)),
    v: params.map((p) => np.zerosLike(p.ref)),
  };
  let t = 0;
  const workload = producing(() => {
    t++;
    const rate = np.array([(lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t)]);
    const out = step(state, x.ref, y.ref, rate);
    state = out.state;
    return out.loss;
  }, []);
  return {
    ...workload,
    dispose: () => {
      workload.dispose();
      for (const a of [...state.params, ...state.m, ...state.v, x, y]) a.dispose();
      step.dispose();
    },
  };
}

/** jax-js's workload `id` on its default device. */
export function jaxWorkload(id: WorkloadId): Workload {
  switch (id) {
    case 'matmul': {
      const a = uniform([SIZES.matmulSide, SIZES.matmulSide], -1, 1, 1);
      const b = uniform([SIZES.matmulSide, SIZES.matmulSide], -1, 1, 2);
      const product = jit((p: np.Array, q: np.Array) => np.matmul(p, q));
      return producing(() => product(a.ref, b.ref), [a, b]);
    }
    case 'add': {
      const a = uniform([SIZES.addSide, SIZES.addSide], -1, 1, 3);
      const b = uniform([SIZES.addSide, SIZES.addSide], -1, 1, 4);
      const sum = jit((p: np.Array, q: np.Array) => np.add(p, q));
      return producing(() => sum(a.ref, b.ref), [a, b]);
    }
    case 'mlp': {
      const params = [
        layerInit([784, 256], 784, 5),
        layerInit([256], 784, 6),
        layerInit([256, 128], 256, 7),
        layerInit([128], 256, 8),
        layerInit([128, CLASSES], 128, 9),
        layerInit([CLASSES], 128, 10),
      ];
      return training(mlpLoss, params, uniform([SIZES.batch, 784], 0, 1, 11), oneHotLabels());
    }
    case 'lenet': {
      const params = [
        layerInit([6, 1, 5, 5], 25, 12),
        layerInit([6], 25, 13),
        layerInit([16, 6, 5, 5], 150, 14),
        layerInit([16], 150, 15),
        layerInit([400, 120], 400, 16),
        layerInit([120], 400, 17),
        layerInit([120, 84], 120, 18),
        layerInit([84], 120, 19),
        layerInit([84, CLASSES], 84, 20),
        layerInit([CLASSES], 84, 21),
      ];
      return training(lenetLoss, params, uniform([SIZES.batch, 1, 28, 28], 0, 1, 22), oneHotLabels());
    }
  }
}
