// @file The webgpu behaviour scenario of the recurrences: an nn.LSTM trained by Adam on webgpu follows the js run.
import * as nt from '../../../src/index.js';
import { setBackend } from '../../../src/backend/index.js';
import type { Tensor } from '../../../src/index.js';
import type { ScenarioResult } from './scenarios.js';

/** Steps of Adam in the scenario. */
const STEPS = 5;

/**
 * A two-layer bidirectional nn.LSTM (batch-first, 5 → 7 units) and a Linear head, trained STEPS Adam steps on a
 * regression target from manualSeed(11): the losses, read once at the end, and the parameters afterwards.
 */
async function trainLstm(name: 'js' | 'webgpu'): Promise<{ losses: number[]; params: number[] }> {
  await setBackend(name);
  nt.manualSeed(11);
  const lstm = new nt.nn.LSTM(5, 7, { numLayers: 2, bidirectional: true, batchFirst: true });
  const head = new nt.nn.Linear(14, 2);
  const params = [...lstm.parameters(), ...head.parameters()];
  const optimizer = new nt.optim.Adam(params, { lr: 0.01 });
  const x = nt.randn([3, 6, 5]);
  const target = nt.randn([3, 6, 2]);
  const losses: Tensor[] = [];
  for (let step = 0; step < STEPS; step++) {
    optimizer.zeroGrad();
    const [output] = lstm.forward(x);
    const loss = nt.nn.functional.mseLoss(head.forward(output), target);
    loss.backward();
    optimizer.step();
    losses.push(loss.detach());
  }
  const read = await Promise.all(losses.map((l) => l.data()));
  const values = await Promise.all(params.map(async (p) => Array.from(await p.data())));
  return { losses: read.map((d) => d[0]!), params: values.flat() };
}

/**
 * Training an nn.LSTM runs its recurrences on the GPU (after the first step every operand is GPU-newer, so a
 * host fallback would refuse): the losses agree with js within 1e-4 relative and the parameters within 1e-4.
 */
export async function lstmTrainsLikeJs(): Promise<ScenarioResult> {
  const failures: string[] = [];
  const reference = await trainLstm('js');
  const onGpu = await trainLstm('webgpu');
  reference.losses.forEach((expected, step) => {
    const actual = onGpu.losses[step]!;
    if (!(Math.abs(actual - expected) <= 1e-4 * Math.abs(expected))) {
      failures.push(`loss at step ${step}: webgpu ${actual}, js ${expected}`);
    }
  });
  const worst = reference.params.findIndex(
    (e, i) => !(Math.abs(onGpu.params[i]! - e) <= 1e-4 * (1 + Math.abs(e))),
  );
  if (worst >= 0)
    failures.push(`parameter ${worst}: webgpu ${onGpu.params[worst]}, js ${reference.params[worst]}`);
  if (!(reference.losses[STEPS - 1]! < reference.losses[0]!)) failures.push('the js loss does not fall');
  return { ok: failures.length === 0, detail: failures.join('; ') };
}
