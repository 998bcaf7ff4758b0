// @file optim.Optimizer: parameter groups, per-parameter state, step/zeroGrad, state dicts (torch.optim.Optimizer).
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { fullLike, tensor } from '../tensor/create.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Options every optimizer has: the learning rate, which lr schedulers change between steps. */
export interface OptimizerOptions {
  lr: number;
}

/**
 * One parameter group: its tensors plus a full set of options (the optimizer's defaults, overridden by what
 * the group specified). Schedulers write `lr` (and `momentum` or `betas`) here and may add their own keys
 * (`initialLr`, `maxLr`, …), which is why other keys are allowed.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & {
  params: Tensor[];
  [key: string]: unknown;
};

/** A group as passed to a constructor or to `addParamGroup`: tensors plus the options that differ from the defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};

/** What optimizers take: the parameters themselves (one group) or a list of groups. */
export type ParamsInput<O extends OptimizerOptions = OptimizerOptions> =
  Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * The state an optimizer keeps for one parameter: tensors of the parameter's shape and dtype (moment
 * estimates, buffers) and plain numbers (the step count). Keys follow PyTorch (`exp_avg`, `momentum_buffer`).
 */
export type ParamState = Record<string, Tensor | number | undefined>;

/**
 * A snapshot of an optimizer, shaped like PyTorch's `optimizer.state_dict()`: parameters are replaced by their
 * index in group order; `state` holds cloned tensors; each group holds its options (camelCase, as in the
 * group) and the indices of its parameters.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * Base class of every optimizer (torch.optim.Optimizer), in the MLX style: a subclass supplies only how one
 * parameter's state starts (`initState`) and how one parameter is updated from its gradient (`updateParam`),
 * plus the validation of its options. This class handles parameter groups and their defaults, skipping
 * parameters without a gradient, running the updates under `noGrad`, the optional closure, `zeroGrad` and
 * state dicts.
 *
 * @example
 * class SignSGD extends optim.Optimizer<{ lr: number }> {
 *   constructor(params: optim.ParamsInput<{ lr: number }>, options: { lr?: number } = {}) {
 *     super(params, { lr: options.lr ?? 1e-3 });
 *   }
 *   protected initState() { return {}; }
 *   protected updateParam(param: Tensor, grad: Tensor, _state: {}, group: optim.ParamGroup<{ lr: number }>) {
 *     param.sub_(grad.sign().mul(group.lr));
 *   }
 * }
 */
export abstract class Optimizer<
  O extends OptimizerOptions = OptimizerOptions,
  S extends ParamState = ParamState,
> {
  /** The options a group gets for every key it does not specify. */
  readonly defaults: Readonly<O>;
  /** The parameter groups, in order; each holds its tensors and full options (torch's `param_groups`). */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created at a parameter's first update (torch's `optimizer.state`). */
  readonly state = new Map<Tensor, S>();

  /**
   * @param params the tensors to optimise, or a list of groups `{ params, ...options }`
   * @param defaults every option of this optimizer, with the values given by the user filled in
   */
  constructor(params: ParamsInput<O>, defaults: O) {
    this.validateOptions(defaults);
    this.defaults = copyPlain(defaults);
    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== 'object' ||
      !(Symbol.iterator in params)
    ) {
      throw new NeuriteError(
        this.name,
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`,
      );
    }
    const items = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (items.length === 0) throw new ValueError(this.name, 'optimizer got an empty parameter list');
    const groups =
      items[0] instanceof Tensor ? [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>] : items;
    for (const group of groups) this.addParamGroup(group as ParamGroupInput<O>);
  }

  /** The name used in error messages (the class name, e.g. `Adam`). */
  protected get name(): string {
    return this.constructor.name;
  }

  /** Throws a ValueError (with PyTorch's message) when an option is out of range; run on the defaults and on every group. */
  protected abstract validateOptions(options: O): void;

  /** The state of `param` before its first update (MLX's `init_single`). */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): S;

  /**
   * Updates `param` in place from `grad` and its `state` (MLX's `apply_single`). Runs under noGrad, with tensor
   * ops: the built-in optimizers call one fused kernel (`optimizerStep_`, src/ops/optim.ts); others may use
   * in-place ops such as `param.sub_(…)`.
   */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters with its own options (torch's `add_param_group`), e.g. to unfreeze layers while
   * fine-tuning. Options the group does not give are taken from the defaults.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group)) {
      throw new NeuriteError(this.name, 'param group must be an object with a params field');
    }
    // Any iterable will do: unlike Python's sets, JavaScript Sets keep insertion order, so runs stay reproducible.
    const raw = group.params;
    const params: unknown[] = raw instanceof Tensor ? [raw] : [...raw];
    for (const p of params) {
      if (!(p instanceof Tensor))
        throw new NeuriteError(
          this.name,
          `optimizer can only optimize Tensors, but one of the params is ${describe(p)}`,
        );
      if (!p.isLeaf) throw new ValueError(this.name, "can't optimize a non-leaf Tensor");
      if (!isFloat(p.dtype))
        throw new ValueError(this.name, `can only optimize floating-point tensors, got dtype ${p.dtype}`);
    }
    checkOptions(this.name, group, ['params', ...Object.keys(this.defaults)]);
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length)
      throw new ValueError(this.name, 'optimizer contains a parameter group with duplicate parameters');
    const full = {
      ...copyPlain(this.defaults),
      ...copyPlain(withoutParams(group)),
      params: tensors,
    } as ParamGroup<O>;
    this.validateOptions(full);
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => existing.has(p)))
      throw new ValueError(this.name, 'some parameters appear in more than one parameter group');
    this.paramGroups.push(full);
  }

  /**
   * Clears the gradients of every optimised parameter: to null (default, like PyTorch ≥ 2.0), or to zeros in
   * place with `setToNone = false`. Note that optimizers skip a parameter whose grad is null but do step one
   * whose grad is zero (momentum and weight decay still act).
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) p.grad.zero_();
      }
    }
  }

  /**
   * Performs one optimisation step on every parameter that has a gradient. `closure`, when given, re-evaluates
   * the model and returns the loss; it runs with grad mode on and its result is returned (torch's `step(closure)`).
   */
  step(): undefined;
  step<L extends Tensor | number>(closure: () => L): L;
  step<L extends Tensor | number>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (!grad) continue;
          if (grad.numel() !== param.numel()) {
            throw new ShapeError(
              this.name,
              `the gradient of shape ${fmtShape(grad.shape)} does not fit the parameter of shape ${fmtShape(param.shape)}`,
            );
          }
          let state = this.state.get(param);
          if (!state) {
            state = this.initState(param, group);
            this.state.set(param, state);
          }
          this.updateParam(param, grad, state, group);
        }
      }
    });
    return loss;
  }

  /**
   * A snapshot of the optimizer (torch's `state_dict()`): `{ state: { [paramIndex]: { step, exp_avg, … } },
   * param_groups: [{ lr, …, params: [indices] }] }`. Tensors are cloned, so the snapshot does not change as
   * training goes on. `stateDictToJSON` turns it into plain JSON.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const packed = copyPlain(withoutParams(group)) as Record<string, unknown> & { params: number[] };
      packed.params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return packed;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [param, paramState] of this.state) {
      const i = index.get(param);
      if (i === undefined) continue;
      const entry: Record<string, Tensor | number> = {};
      for (const [key, value] of Object.entries(paramState)) {
        if (value !== undefined) entry[key] = value instanceof Tensor ? cloneData(value, value.dtype) : value;
      }
      state[i] = entry;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores a snapshot from `stateDict()` (torch's `load_state_dict`): group options are replaced by the
   * saved ones and the state is copied (tensors cast to their parameter's dtype), so training resumes exactly
   * where the snapshot was taken. The groups must have the same sizes as when it was saved.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new ValueError(
        this.name,
        `loadStateDict expects a state dict ({ state, param_groups }), got ${describe(stateDict)}`,
      );
    }
    const saved = stateDict.param_groups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length)
      throw new ValueError(this.name, 'loaded state dict has a different number of parameter groups');
    if (
      saved.some((g, i) => !Array.isArray(g.params) || g.params.length !== this.paramGroups[i]!.params.length)
    ) {
      throw new ValueError(
        this.name,
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[i]!.params[j]!)));
    const state = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(stateDict.state ?? {})) {
      const param = byIndex.get(Number(key));
      if (!param) continue;
      const restored: ParamState = {};
      for (const [name, value] of Object.entries(entry)) {
        if (value instanceof Tensor) {
          if (!shapesEqual(value.shape, param.shape)) {
            throw new ShapeError(
              this.name,
              `loaded state '${name}' of parameter ${key} has shape ${fmtShape(value.shape)} but the parameter has shape ${fmtShape(param.shape)}`,
            );
          }
          restored[name] = cloneData(value, param.dtype);
        } else restored[name] = value;
      }
      state.set(param, restored as S);
    }
    const groups = saved.map((g) => copyPlain(withoutParams(g)));
    groups.forEach((g) => this.validateOptions(g as O));
    this.paramGroups.forEach((group, i) => {
      for (const key of Object.keys(group)) if (key !== 'params') delete group[key];
      Object.assign(group, groups[i]);
    });
    this.state.clear();
    for (const [param, paramState] of state) this.state.set(param, paramState);
  }
}

// ---- helpers for subclasses -----------------------------------------------------------------------------

/** A zero-filled (or `value`-filled) state tensor of `param`'s shape and dtype, outside any graph. */
export function stateLike(param: Tensor, value = 0): Tensor {
  return fullLike(param, value);
}

/** Throws `Invalid <what>: <value>` unless value ≥ 0 (PyTorch's usual option check). */
export function checkNonNegative(op: string, what: string, value: number): void {
  if (!(value >= 0)) throw new ValueError(op, `Invalid ${what}: ${formatNumber(value)}`);
}

/**
 * Formats a number the way Python's repr() does in PyTorch's messages (`-1`, `1.5`, `1e-08`, `1e+16`); unlike
 * Python, integral values print without `.0` because JavaScript cannot tell 1 from 1.0.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) return String(value);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

// ---- JSON ----------------------------------------------------------------------------------------------

/** A tensor in JSON: shape, dtype and the flat values (non-finite values as 'nan', 'inf', '-inf'). */
export interface TensorJSON {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
}

/** An optimizer state dict with its tensors written as TensorJSON, ready for JSON.stringify. */
export interface OptimizerStateDictJSON {
  state: Record<string, Record<string, TensorJSON | number>>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * Converts a state dict to plain JSON. float32 values survive the round trip exactly (JavaScript prints the
 * shortest decimal that reads back to the same double), so a run resumed from JSON continues bit-identically.
 */
export function stateDictToJSON(stateDict: OptimizerStateDict): OptimizerStateDictJSON {
  const state: OptimizerStateDictJSON['state'] = {};
  for (const [key, entry] of Object.entries(stateDict.state)) {
    const out: Record<string, TensorJSON | number> = {};
    for (const [name, value] of Object.entries(entry)) {
      out[name] =
        value instanceof Tensor
          ? { shape: [...value.shape], dtype: value.dtype, data: Array.from(value.dataSync(), encodeNumber) }
          : value;
    }
    state[key] = out;
  }
  return { state, param_groups: copyPlain(stateDict.param_groups) };
}

/** The inverse of stateDictToJSON. */
export function stateDictFromJSON(json: OptimizerStateDictJSON): OptimizerStateDict {
  const state: OptimizerStateDict['state'] = {};
  for (const [key, entry] of Object.entries(json.state)) {
    const out: Record<string, Tensor | number> = {};
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value === 'number') out[name] = value;
      else
        out[name] = tensor(Float64Array.from(value.data, decodeNumber), {
          shape: value.shape,
          dtype: value.dtype,
        });
    }
    state[Number(key)] = out;
  }
  return { state, param_groups: copyPlain(json.param_groups) };
}

function encodeNumber(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
}

// ---- internals ------------------------------------------------------------------------------------------

/** A copy of t's values as a new tensor of `dtype`, outside any graph. */
function cloneData(t: Tensor, dtype: DType): Tensor {
  return t.detach().to(dtype);
}

function withoutParams(group: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group)) if (key !== 'params') out[key] = value;
  return out;
}

/** A deep copy of plain data (numbers, strings, booleans, arrays and plain objects); other values are shared. */
export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyPlain(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyPlain(v);
    return out as T;
  }
  return value;
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(shape ${fmtShape(value.shape)})`;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
