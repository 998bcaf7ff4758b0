// @file neurite's side of the browser bench, on whichever backend is active (the page selects webgpu or wasm
// before building a workload): the same models and data shapes as bench/workloads.ts, values read with `await`.
import { add, manualSeed, matmul, nn, optim, rand, randint, randn, type Tensor } from '../../src/index.js';
import { CLASSES, SIZES, type Workload, type WorkloadId } from './workload.js';

/**
 * A workload whose `run` produces a tensor, disposing the previous one first as the tfjs and jax sides do (a
 * timed batch never lets the event loop turn, so without it every result would hold its storage until the
 * batch ends); `finish` reads the newest one back.
 */
function producing(make: () => Tensor): Workload {
  let last: Tensor | null = null;
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
    },
  };
}

/** zeroGrad, forward, loss, backward, Adam step (lr 1e-3); `finish` reads the last loss. */
function training(model: nn.Module<[Tensor], Tensor>, x: Tensor, y: Tensor): Workload {
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  return producing(() => {
    optimizer.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  });
}

function mlp(): nn.Module<[Tensor], Tensor> {
  return new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Linear(128, CLASSES),
  );
}

function lenet(): nn.Module<[Tensor], Tensor> {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 'same' }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, CLASSES),
  );
}

/** neurite's workload `id` on the active backend. */
export function neuriteWorkload(id: WorkloadId): Workload {
  manualSeed(0);
  switch (id) {
    case 'matmul': {
      const a = randn([SIZES.matmulSide, SIZES.matmulSide]);
      const b = randn([SIZES.matmulSide, SIZES.matmulSide]);
      return producing(() => matmul(a, b));
    }
    case 'add': {
      const a = randn([SIZES.addSide, SIZES.addSide]);
      const b = randn([SIZES.addSide, SIZES.addSide]);
      return producing(() => add(a, b));
    }
    case 'mlp':
      return training(mlp(), rand([SIZES.batch, 784]), randint(0, CLASSES, [SIZES.batch]));
    case 'lenet':
      return training(lenet(), rand([SIZES.batch, 1, 28, 28]), randint(0, CLASSES, [SIZES.batch]));
  }
}
