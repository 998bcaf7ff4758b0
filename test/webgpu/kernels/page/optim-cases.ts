// @file The fused optimizer steps on WebGPU against the js reference: every family and flag, two steps each.
import { optimizerStep as jsStep } from '../../../../src/backend/js/optim.js';
import type { OptimizerUpdate } from '../../../../src/backend/optimizer-kernels.js';
import { optimizerStep } from '../../../../src/backend/webgpu/kernels/optim.js';
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

/**
 * Two steps of `updates` (the second may differ, e.g. a running momentum buffer or a later Adam step) on `count`
 * parameters with `stateCount` state arrays; parameters and state compared within 256·2⁻²⁴·(1 + |expected|).
 */
async function checkSteps(
  device: GPUDevice,
  name: string,
  updates: readonly [OptimizerUpdate, OptimizerUpdate],
  stateCount: number,
  count: number,
): Promise<CaseResult> {
  const random = generator(count * 7 + stateCount + name.length);
  const param = uniform(random, count);
  const grads = [uniform(random, count), uniform(random, count)];
  // Non-negative state where the family keeps squares (RMSprop's first array, Adagrad, Adadelta, Adam's second and third).
  const state = Array.from({ length: stateCount }, () => uniform(random, count, 0, 0.5));
  const refParam = widen(param);
  const refState = state.map(widen);
  const ctx = new TestContext(device);
  for (let s = 0; s < 2; s++) {
    optimizerStep(ctx, updates[s]!, param, grads[s]!, state);
    jsStep(updates[s]!, refParam, widen(grads[s]!), refState);
  }
  await ctx.download();
  await ctx.dispose();
  const bound = (expected: Float64Array) => (i: number) => 256 * F32_EPS * (1 + Math.abs(expected[i]!));
  return all([
    compare(`${name} param`, param, refParam, bound(refParam)),
    ...state.map((s, k) => compare(`${name} state ${k}`, s, refState[k]!, bound(refState[k]!))),
  ]);
}

const sgd = (over: Partial<Extract<OptimizerUpdate, { kind: 'sgd' }>>): OptimizerUpdate => ({
  kind: 'sgd',
  lr: 0.1,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
  freshBuffer: false,
  ...over,
});

const adam = (step: number, over: Partial<Extract<OptimizerUpdate, { kind: 'adam' }>>): OptimizerUpdate => ({
  kind: 'adam',
  step,
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  amsgrad: false,
  maximize: false,
  ...over,
});

export const optimCases: Record<string, KernelCase> = {
  'optimizerStep sgd: plain, momentum (fresh then running), nesterov, weight decay, maximize': async (
    device,
  ) =>
    all([
      await checkSteps(device, 'sgd', [sgd({}), sgd({ weightDecay: 0.01 })], 0, 1000),
      await checkSteps(
        device,
        'sgd momentum',
        [sgd({ momentum: 0.9, dampening: 0.1, freshBuffer: true }), sgd({ momentum: 0.9, dampening: 0.1 })],
        1,
        257,
      ),
      await checkSteps(
        device,
        'sgd nesterov',
        [
          sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.1, maximize: true }),
          sgd({ momentum: 0.9, nesterov: true }),
        ],
        1,
        1,
      ),
    ]),
  'optimizerStep rmsprop: plain, centered, momentum': async (device) => {
    const results = [];
    for (const centered of [false, true])
      for (const momentum of [0, 0.5]) {
        const u: OptimizerUpdate = {
          kind: 'rmsprop',
          lr: 0.01,
          alpha: 0.99,
          eps: 1e-8,
          weightDecay: 0.01,
          momentum,
          centered,
          maximize: centered,
        };
        const count = 1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0);
        results.push(
          await checkSteps(device, `rmsprop centered=${centered} momentum=${momentum}`, [u, u], count, 300),
        );
      }
    return all(results);
  },
  'optimizerStep adagrad and adadelta': async (device) =>
    all([
      await checkSteps(
        device,
        'adagrad',
        [
          { kind: 'adagrad', step: 1, lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, eps: 1e-10, maximize: false },
          { kind: 'adagrad', step: 2, lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, eps: 1e-10, maximize: true },
        ],
        1,
        999,
      ),
      await checkSteps(
        device,
        'adadelta',
        [
          { kind: 'adadelta', lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
          { kind: 'adadelta', lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0.05, maximize: false },
        ],
        2,
        64,
      ),
    ]),
  'optimizerStep adam, adamw, amsgrad': async (device) =>
    all([
      await checkSteps(device, 'adam', [adam(1, {}), adam(2, {})], 2, 1000),
      await checkSteps(
        device,
        'adam l2',
        [adam(1, { weightDecay: 0.1 }), adam(2, { weightDecay: 0.1, maximize: true })],
        2,
        33,
      ),
      await checkSteps(
        device,
        'adamw',
        [adam(5, { weightDecay: 0.1, decoupled: true }), adam(6, { weightDecay: 0.1, decoupled: true })],
        2,
        100,
      ),
      await checkSteps(device, 'amsgrad', [adam(1, { amsgrad: true }), adam(2, { amsgrad: true })], 3, 500),
    ]),
};
