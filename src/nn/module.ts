// @file nn.Module: parameters, buffers and submodules found by walking fields; train/eval, state dicts, printing.
import { noGrad } from '../autograd/grad-mode.js';
import { NeuriteError, ValueError, fmtShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

/** Named tensors: parameter and persistent buffer values keyed by dotted PyTorch names (`0.weight`). */
export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class of every layer and model (torch.nn.Module).
 *
 * A module is a tree: its parameters (`Parameter` fields), buffers (tensors registered with `registerBuffer`)
 * and children (`Module` fields, and arrays or Maps of modules) are found by walking its own fields in
 * declaration order, so a subclass only assigns fields in its constructor. Names follow PyTorch:
 * `encoder.1.bias`. Modules are not callable in JavaScript: call `forward`.
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(2, 3);
 *   fc2 = new nn.Linear(3, 1);
 *   forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (Dropout drops, BatchNorm uses batch statistics); see train() and eval(). */
  training = true;
  private readonly bufferNames = new Map<string, boolean>();

  abstract forward(...inputs: In): Out;

  /**
   * Registers `tensor` as a buffer under `name` and returns it: state that is saved with the model but not
   * trained (e.g. BatchNorm's running mean). Assign the result to the field of the same name.
   * `persistent: false` keeps it out of stateDict().
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    this.bufferNames.set(name, persistent);
    return tensor;
  }

  // ---- the tree ---------------------------------------------------------------------------------------

  /** Direct children with their names, in declaration order (arrays and Maps of modules expand to `field.key`). */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (item instanceof Module) out.push([`${key}.${i}`, item]);
        });
      } else if (value instanceof Map) {
        for (const [k, item] of value) if (item instanceof Module) out.push([`${key}.${String(k)}`, item]);
      }
    }
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and all descendants, depth first, with dotted names ('' for this one). A module reachable
   * under several names is listed once, under the first, unless `removeDuplicate` is false (as in PyTorch,
   * where stateDict lists a shared layer under every name). A module inside itself is never re-entered.
   */
  namedModules(prefix = '', removeDuplicate = true): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const stack: [string, AnyModule, readonly AnyModule[]][] = [[prefix, this, []]];
    while (stack.length > 0) {
      const [name, module, ancestors] = stack.pop()!;
      if (removeDuplicate ? seen.has(module) : ancestors.includes(module)) continue;
      seen.add(module);
      out.push([name, module]);
      const kids = module.namedChildren();
      const path = removeDuplicate ? ancestors : [...ancestors, module];
      for (let i = kids.length - 1; i >= 0; i--) {
        const [childName, child] = kids[i]!;
        stack.push([name ? `${name}.${childName}` : childName, child, path]);
      }
    }
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module's own parameters (not its children's), in declaration order. */
  private ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [key, value] of Object.entries(this)) if (value instanceof Parameter) out.push([key, value]);
    return out;
  }

  /** This module's own buffers, in declaration order. */
  private ownBuffers(persistentOnly: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, persistent] of this.bufferNames) {
      const value = (this as Record<string, unknown>)[key];
      if (value instanceof Tensor && (persistent || !persistentOnly)) out.push([key, value]);
    }
    return out;
  }

  /** Parameters with dotted names (`0.weight`, `encoder.1.bias`); a shared parameter is listed once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const modules: [string, AnyModule][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [name, module] of modules) {
      for (const [key, p] of module.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([name ? `${name}.${key}` : key, p]);
      }
    }
    return out;
  }

  /** Every trainable tensor, for an optimizer: `new optim.SGD(model.parameters(), { lr })`. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const modules: [string, AnyModule][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [name, module] of modules) {
      for (const [key, b] of module.ownBuffers(false)) out.push([name ? `${name}.${key}` : key, b]);
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Total number of elements in the parameters (only those that require grad when `onlyTrainable`). */
  numParameters(onlyTrainable = false): number {
    return this.parameters()
      .filter((p) => !onlyTrainable || p.requiresGrad)
      .reduce((n, p) => n + p.numel(), 0);
  }

  // ---- modes and gradients ----------------------------------------------------------------------------

  /** Sets training mode on this module and every descendant (torch.nn.Module.train). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: Dropout is the identity and BatchNorm uses its running statistics. Same as train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (to null, like PyTorch's default set_to_none=True, or to zeros). */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else if (p.grad) p.grad = noGrad(() => p.grad!.mul(0));
    }
  }

  /** Turns gradient recording on or off for every parameter (freezing layers). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Calls `fn` on every descendant and then on this module (torch.nn.Module.apply), e.g. for custom init. */
  apply(fn: (module: AnyModule) => void): this {
    const all = this.modules();
    for (let i = all.length - 1; i >= 0; i--) fn(all[i]!);
    return this;
  }

  // ---- state dicts ------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers keyed by PyTorch names, each module's parameters before its buffers,
   * parents before children. Values are detached tensors sharing storage with the model (clone to snapshot).
   * A layer used at several places appears under each of its names, as in PyTorch.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, module] of this.namedModules('', false)) {
      for (const [key, p] of module.ownParameters()) out[name ? `${name}.${key}` : key] = p.detach();
      for (const [key, b] of module.ownBuffers(true)) out[name ? `${name}.${key}` : key] = b.detach();
    }
    return out;
  }

  /**
   * Copies values from `stateDict` into this module's parameters and buffers, in place (references held by
   * optimizers stay valid). With `strict` (default), missing or unexpected keys throw; a shape mismatch always
   * throws. Nothing is copied unless every check passes.
   *
   * PyTorch checkpoints of the same architecture load without renaming: a key that is not ours but is the
   * snake_case spelling of exactly one of our camelCase keys (`linear_relu_stack.0.weight` for a
   * `linearReluStack` field) is read as that key, unless that key is also given or another key claims it.
   */
  loadStateDict(stateDict: StateDict, options: { strict?: boolean } = {}): LoadResult {
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
      const got = stateDict === null ? 'null' : Array.isArray(stateDict) ? 'an array' : typeof stateDict;
      throw new ValueError(
        'loadStateDict',
        `expected a state dict (an object of tensors by name, as stateDict() returns), got ${got}`,
      );
    }
    checkOptions('loadStateDict', options, ['strict']);
    const strict = options.strict ?? true;
    const own = this.stateDict();
    stateDict = withCamelCaseKeys(stateDict, Object.keys(own));
    const ownKeys = Object.keys(own);
    const missingKeys = ownKeys.filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    const errors: string[] = [];
    if (strict && missingKeys.length > 0)
      errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && unexpectedKeys.length > 0) {
      errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    for (const key of ownKeys) {
      const source = stateDict[key];
      if (!source) continue;
      if (!(source instanceof Tensor)) {
        errors.push(`value for "${key}" is not a Tensor.`);
      } else if (!shapesEqual(source.shape, own[key]!.shape)) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(source.shape)} from checkpoint, ` +
            `the shape in current model is ${fmtShape(own[key]!.shape)}.`,
        );
      }
    }
    if (errors.length > 0) {
      throw new NeuriteError(
        'loadStateDict',
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    }
    noGrad(() => {
      for (const key of ownKeys) {
        const source = stateDict[key];
        if (source) own[key]!.copy_(source);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ---------------------------------------------------------------------------------------

  /** The text between the parentheses of this module's print line, e.g. `in_features=2, out_features=3, bias=True`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module print: the class name, extraRepr(), and each child indented as `(name): …`. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [name, child] of children) {
      const text = child.toString().split('\n').join('\n  ');
      lines.push(`(${name}): ${text}`);
    }
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** What `console.log(model)` prints in Node: the module tree of toString() (browser-safe: no node:util import). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** `linearReluStack.0.runningMean` → `linear_relu_stack.0.running_mean`: PyTorch's spelling of a dotted key. */
export function snakeCaseKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * `stateDict` with each foreign key renamed to the one key of `ownKeys` whose snake_case spelling it is, when
 * that is unambiguous: exactly one own key has that spelling, the own key is not given as well, and no other
 * foreign key maps to it. Everything else is left as it is (and reported as missing or unexpected).
 */
function withCamelCaseKeys(stateDict: StateDict, ownKeys: readonly string[]): StateDict {
  const ownSet = new Set(ownKeys);
  const foreign = Object.keys(stateDict).filter((k) => !ownSet.has(k));
  if (foreign.length === 0) return stateDict;
  const bySnake = new Map<string, string[]>();
  for (const key of ownKeys) {
    const snake = snakeCaseKey(key);
    if (snake !== key) bySnake.set(snake, [...(bySnake.get(snake) ?? []), key]);
  }
  const claims = new Map<string, string[]>();
  for (const key of foreign) {
    const candidates = bySnake.get(key);
    if (candidates?.length !== 1 || candidates[0]! in stateDict) continue;
    claims.set(candidates[0]!, [...(claims.get(candidates[0]!) ?? []), key]);
  }
  if (claims.size === 0) return stateDict;
  const renamed: StateDict = {};
  const renames = new Map<string, string>();
  for (const [ownKey, sources] of claims) if (sources.length === 1) renames.set(sources[0]!, ownKey);
  for (const [key, value] of Object.entries(stateDict)) renamed[renames.get(key) ?? key] = value;
  return renamed;
}

/** A module of any signature, as found in a tree (its forward is not callable through this type). */
export type AnyModule = Module<never[], unknown>;

// ---- helpers for extraRepr(): Python's spelling of values, so prints match PyTorch's ------------------

/**
 * A number as Python's `repr(float)` spells it: shortest round-trip digits, `.0` on whole numbers, and
 * scientific notation below 1e-4 or from 1e16 on (`1e-05`, `0.1`, `1.0`, `1e+16`, `nan`, `inf`).
 */
export function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exponent - digits.length + 1)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** A boolean as Python prints it (`True`, `False`). */
export function reprBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** A list of ints as a Python tuple: `(4,)`, `(2, 3)`. */
export function reprTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/** @internal Throws a ValueError naming the layer unless `value` is an integer ≥ `min`. */
export function checkInteger(op: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(op, `${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}
