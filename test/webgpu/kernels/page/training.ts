// @file Training steps on webgpu against the same steps on js, in the page: a small CNN (conv, batch norm, max
// pooling, linear) and an MLP with a softmax, trained by SGD with momentum and by Adam through the GPU kernels.
import { manualSeed, nn, optim, setBackend, softmax, tensor, type Tensor } from '../../../../src/index.js';
import { generator } from './check.js';

/** One model's parameters after the steps, as plain arrays in parameters() order, and the last loss. */
interface Trained {
  readonly params: number[][];
  readonly loss: number;
}

type Build = () => { model: nn.Module; input: Tensor; target: Tensor; forward: (x: Tensor) => Tensor };

const F = nn.functional;

/** Fixed data from a seeded generator, so both backends see the same values. */
function data(shape: number[], seed: number): Tensor {
  const random = generator(seed);
  const values = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => random() * 2 - 1);
  return tensor(values, { shape });
}

const BUILDS: Record<string, Build> = {
  cnn: () => {
    const model = new nn.Sequential(
      // No bias before batch norm: its gradient is 0 up to rounding, which Adam would blow up to ±lr steps.
      new nn.Conv2d(1, 4, 3, { padding: 1, bias: false }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(4 * 4 * 4, 5),
    );
    return { model, input: data([6, 1, 8, 8], 1), target: data([6, 5], 2), forward: (x) => model.forward(x) };
  },
  mlp: () => {
    const model = new nn.Sequential(new nn.Linear(12, 16), new nn.Tanh(), new nn.Linear(16, 4));
    return {
      model,
      input: data([9, 12], 3),
      target: softmax(data([9, 4], 4), 1),
      forward: (x) => softmax(model.forward(x), 1),
    };
  },
};

/** `steps` steps of `optimizer` on the named model under `backend`: MSE loss, weights from manualSeed(0). */
async function train(
  name: string,
  optimizer: 'sgd' | 'adam',
  backend: 'js' | 'webgpu',
  steps: number,
): Promise<Trained> {
  await setBackend(backend);
  manualSeed(0);
  const { model, input, target, forward } = BUILDS[name]!();
  const params = model.parameters();
  const opt =
    optimizer === 'sgd'
      ? new optim.SGD(params, { lr: 0.1, momentum: 0.9 })
      : new optim.Adam(params, { lr: 0.01 });
  let loss: Tensor | null = null;
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    loss = F.mseLoss(forward(input), target);
    loss.backward();
    opt.step();
  }
  const values = await Promise.all(params.map(async (p) => Array.from(await p.data())));
  return { params: values, loss: loss ? (await loss.data())[0]! : NaN };
}

/** The largest |webgpu − js| / (atol + rtol·|js|) over every parameter, with where it occurs. */
export async function compareTraining(
  name: string,
  optimizer: 'sgd' | 'adam',
  steps: number,
): Promise<{ ratio: number; where: string; loss: [number, number] }> {
  const reference = await train(name, optimizer, 'js', steps);
  const gpu = await train(name, optimizer, 'webgpu', steps);
  await setBackend('js');
  let ratio = 0;
  let where = '';
  reference.params.forEach((expected, p) => {
    expected.forEach((e, i) => {
      const a = gpu.params[p]![i]!;
      const r = Number.isFinite(a) ? Math.abs(a - e) / (1e-5 + 1e-3 * Math.abs(e)) : Infinity;
      if (r > ratio) {
        ratio = r;
        where = `parameter ${p}[${i}]: webgpu ${a}, js ${e}`;
      }
    });
  });
  return { ratio, where, loss: [gpu.loss, reference.loss] };
}

/**
 * Milliseconds per LeNet-5 training step (batch of `batch` 28×28 images, cross-entropy, SGD with momentum) on
 * `backend`, the median of `steps` steps after two warm-up steps; each step ends when its loss is read back.
 */
export async function timeLeNetStep(backend: 'js' | 'webgpu', batch: number, steps: number): Promise<number> {
  await setBackend(backend);
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(400, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, 10),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const input = data([batch, 1, 28, 28], 5);
  const labels = tensor(
    Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10),
    { dtype: 'int32' },
  );
  const samples: number[] = [];
  for (let s = 0; s < steps + 2; s++) {
    const start = performance.now();
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(input), labels);
    loss.backward();
    opt.step();
    await loss.data();
    if (s >= 2) samples.push(performance.now() - start);
  }
  await setBackend('js');
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)]!;
}
