// @file Optimizer state across the PyTorch hand-off: torch's per-parameter state (exp_avg, step, …) as one safetensors dict keyed by parameter name.
import type { AnyModule, StateDict } from '../../nn/module.js';
import type { OptimizerStateDict } from '../../optim/optimizer.js';
import { Tensor } from '../../tensor/tensor.js';

/**
 * The optimizer's state as tensors named `<parameter>.<entry>` (`0.weight.exp_avg`, `0.weight.step`): the
 * parameter's name instead of its index, so train_ddp.py can attach each entry to the parameter of the same name
 * (`model.named_parameters()`); counts such as `step` become 0-d float64 tensors. The keys of torch.optim's state
 * are neurite's (`exp_avg`, `exp_avg_sq`, `momentum_buffer`, `square_avg`, `acc_delta`, `sum`, `step`).
 */
export function optimizerStateTensors(model: AnyModule, state: OptimizerStateDict): StateDict {
  const names = model.namedParameters().map(([name]) => name);
  const out: StateDict = {};
  for (const [index, entry] of Object.entries(state.state)) {
    const name = names[Number(index)];
    if (name === undefined) continue;
    for (const [key, value] of Object.entries(entry)) {
      out[`${name}.${key}`] =
        value instanceof Tensor ? value : new Tensor(new Float64Array([value]), [], 'float64');
    }
  }
  return out;
}

/**
 * The inverse of optimizerStateTensors for `model`'s parameters: per-parameter entries by index, 0-d tensors
 * back to numbers. Returns null when an entry's keys differ from `expectedKeys` (what this optimizer keeps per
 * parameter after a step), so the caller can start the optimizer fresh instead of loading foreign state.
 */
export function optimizerStateFromTensors(
  model: AnyModule,
  tensors: StateDict,
  expectedKeys: readonly string[],
): OptimizerStateDict['state'] | null {
  const state: OptimizerStateDict['state'] = {};
  const expected = [...expectedKeys].sort().join(',');
  const parameters = model.namedParameters();
  let used = 0;
  parameters.forEach(([name, parameter], index) => {
    const entry: Record<string, Tensor | number> = {};
    for (const [key, value] of Object.entries(tensors)) {
      if (!key.startsWith(`${name}.`) || key.slice(name.length + 1).includes('.')) continue;
      const field = key.slice(name.length + 1);
      entry[field] = value.ndim === 0 ? value.item() : value;
      used++;
      if (value.ndim > 0 && value.shape.join(',') !== parameter.shape.join(',')) used = NaN;
    }
    if (Object.keys(entry).length > 0) state[index] = entry;
  });
  if (used !== Object.keys(tensors).length) return null;
  for (const entry of Object.values(state)) if (Object.keys(entry).sort().join(',') !== expected) return null;
  return state;
}
