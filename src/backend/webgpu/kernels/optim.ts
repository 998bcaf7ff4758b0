// @file The fused optimizer steps on WebGPU: one shader per family and flag combination, scalars from the host.
import type { OptimizerUpdate } from '../../optimizer-kernels.js';
import type { FloatArray } from '../../../tensor/dtype.js';
import type { GpuContext } from '../context.js';
import { ELEMENT_ENTRY, SPECIAL_FLOATS, ShaderBindings, elementGrid, pack, uniforms } from './common.js';

/** One family's step as a shader: its state arrays' names, its f32 scalars (in order) and the per-element body. */
interface StepShader {
  readonly key: string;
  readonly state: readonly string[];
  readonly scalars: readonly [name: string, value: number][];
  /** WGSL for element i: reads and writes param[i], grad[i] and the state arrays. */
  readonly body: string;
}

/**
 * Backend.optimizerStep on the GPU: the formulas of backend/js/optim.ts in PyTorch's order, evaluated in f32
 * with the step's scalars (1 − β, bias corrections, Adagrad's decayed rate, the learning rate) derived in
 * float64 on the host and rounded once. One step agrees with the float64 reference to a few 2⁻²⁴ relative to
 * the parameter and state magnitudes (more where √v̂ + ε is tiny, since the update divides by it).
 */
export function optimizerStep(
  ctx: GpuContext,
  update: OptimizerUpdate,
  param: FloatArray,
  grad: FloatArray,
  state: readonly FloatArray[],
): void {
  const count = param.length;
  if (count === 0) return;
  const step = stepShader(update, state.length);
  const b = new ShaderBindings().add('param', ctx.inout(param), 'f32', 'read_write');
  b.add('grad', ctx.input(grad), 'f32', 'read');
  step.state.forEach((name, i) => b.add(name, ctx.inout(state[i]!), 'f32', 'read_write'));
  const words = uniforms().u32(count);
  for (const [, value] of step.scalars) words.f32(value);
  const fields = ['count: u32', ...step.scalars.map(([name]) => `${name}: f32`)].join(', ');
  const source = (): string => /* wgsl */ `
${b.declarations(fields)}
${SPECIAL_FLOATS}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let i = index;
  ${step.body}
}`;
  ctx.dispatch(`optim:${step.key}`, source, b.list, pack(words), elementGrid(count));
}

/** The gradient with maximize and the L2 term applied: g ← ±g + λθ. */
const DECAYED_GRAD = 'let gi = pm.sign * grad[i] + pm.weightDecay * param[i];';

function stepShader(u: OptimizerUpdate, stateCount: number): StepShader {
  const sign: [string, number] = ['sign', u.maximize ? -1 : 1];
  switch (u.kind) {
    case 'sgd': {
      const scalars: [string, number][] = [sign, ['lr', u.lr], ['weightDecay', u.weightDecay]];
      if (u.momentum === 0)
        return {
          key: 'sgd',
          state: [],
          scalars,
          body: `${DECAYED_GRAD}\n  param[i] = param[i] - pm.lr * gi;`,
        };
      scalars.push(['momentum', u.momentum], ['keep', 1 - u.dampening]);
      const buffer = u.freshBuffer
        ? 'buffer[i] = gi;'
        : 'buffer[i] = pm.momentum * buffer[i] + pm.keep * gi;';
      const apply = u.nesterov
        ? 'param[i] = param[i] - pm.lr * (gi + pm.momentum * buffer[i]);'
        : 'param[i] = param[i] - pm.lr * buffer[i];';
      const key = `sgd:momentum:${u.freshBuffer ? 'fresh' : 'running'}:${u.nesterov ? 'nesterov' : 'plain'}`;
      return { key, state: ['buffer'], scalars, body: `${DECAYED_GRAD}\n  ${buffer}\n  ${apply}` };
    }
    case 'rmsprop': {
      const scalars: [string, number][] = [
        sign,
        ['lr', u.lr],
        ['weightDecay', u.weightDecay],
        ['alpha', u.alpha],
        ['oneMinusAlpha', 1 - u.alpha],
        ['eps', u.eps],
        ['momentum', u.momentum],
      ];
      const state = ['squareAvg', ...(u.centered ? ['gradAvg'] : []), ...(u.momentum > 0 ? ['buffer'] : [])];
      const centre = u.centered
        ? `gradAvg[i] = pm.alpha * gradAvg[i] + pm.oneMinusAlpha * gi;
  let avg = squareAvg[i] - gradAvg[i] * gradAvg[i];`
        : 'let avg = squareAvg[i];';
      const apply =
        u.momentum > 0
          ? `buffer[i] = pm.momentum * buffer[i] + gi / (sqrt(avg) + pm.eps);
  param[i] = param[i] - pm.lr * buffer[i];`
          : 'param[i] = param[i] - pm.lr * gi / (sqrt(avg) + pm.eps);';
      return {
        key: `rmsprop:${u.centered ? 'centered' : 'plain'}:${u.momentum > 0 ? 'momentum' : 'none'}`,
        state,
        scalars,
        body: `${DECAYED_GRAD}
  squareAvg[i] = pm.alpha * squareAvg[i] + pm.oneMinusAlpha * gi * gi;
  ${centre}
  ${apply}`,
      };
    }
    case 'adagrad':
      return {
        key: 'adagrad',
        state: ['sum'],
        scalars: [
          sign,
          ['clr', u.lr / (1 + (u.step - 1) * u.lrDecay)],
          ['weightDecay', u.weightDecay],
          ['eps', u.eps],
        ],
        body: `${DECAYED_GRAD}
  sum[i] = sum[i] + gi * gi;
  param[i] = param[i] - pm.clr * gi / (sqrt(sum[i]) + pm.eps);`,
      };
    case 'adadelta':
      return {
        key: 'adadelta',
        state: ['squareAvg', 'accDelta'],
        scalars: [
          sign,
          ['lr', u.lr],
          ['weightDecay', u.weightDecay],
          ['rho', u.rho],
          ['oneMinusRho', 1 - u.rho],
          ['eps', u.eps],
        ],
        body: `${DECAYED_GRAD}
  squareAvg[i] = pm.rho * squareAvg[i] + pm.oneMinusRho * gi * gi;
  let delta = sqrt(accDelta[i] + pm.eps) / sqrt(squareAvg[i] + pm.eps) * gi;
  accDelta[i] = pm.rho * accDelta[i] + pm.oneMinusRho * delta * delta;
  param[i] = param[i] - pm.lr * delta;`,
      };
    case 'adam': {
      const amsgrad = u.amsgrad && stateCount > 2; // as the reference: amsgrad without its buffer steps as Adam
      const scalars: [string, number][] = [
        sign,
        ['decay', u.decoupled ? 1 - u.lr * u.weightDecay : 1],
        ['l2', u.decoupled ? 0 : u.weightDecay],
        ['beta1', u.beta1],
        ['oneMinusBeta1', 1 - u.beta1],
        ['beta2', u.beta2],
        ['oneMinusBeta2', 1 - u.beta2],
        ['stepSize', u.lr / (1 - u.beta1 ** u.step)],
        ['bias2Sqrt', Math.sqrt(1 - u.beta2 ** u.step)],
        ['eps', u.eps],
      ];
      // torch.maximum: a NaN second moment propagates into the running maximum.
      const denominator = amsgrad
        ? `if (expAvgSq[i] > maxExpAvgSq[i] || is_nan(expAvgSq[i])) { maxExpAvgSq[i] = expAvgSq[i]; }
  let vHat = maxExpAvgSq[i];`
        : 'let vHat = expAvgSq[i];';
      return {
        key: `adam:${amsgrad ? 'amsgrad' : 'plain'}`,
        state: ['expAvg', 'expAvgSq', ...(amsgrad ? ['maxExpAvgSq'] : [])],
        scalars,
        body: `let pi = param[i] * pm.decay;
  let gi = pm.sign * grad[i] + pm.l2 * pi;
  expAvg[i] = pm.beta1 * expAvg[i] + pm.oneMinusBeta1 * gi;
  expAvgSq[i] = pm.beta2 * expAvgSq[i] + pm.oneMinusBeta2 * gi * gi;
  ${denominator}
  param[i] = pi - pm.stepSize * expAvg[i] / (sqrt(vHat) / pm.bias2Sqrt + pm.eps);`,
      };
    }
  }
}
