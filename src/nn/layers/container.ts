// @file Containers: Sequential (a chain of layers), ModuleList and ModuleDict (children held by index or key).
import { NeuriteError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, type AnyModule } from '../module.js';

/** A module that maps one tensor to one tensor, the kind Sequential chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/** PyTorch's rule for child names: a non-empty string without '.' (dots separate levels in state-dict keys). */
function checkName(op: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(
      op,
      `module name must be a non-empty string without ".", got ${JSON.stringify(name)}`,
    );
  }
}

function checkModule(op: string, value: unknown): void {
  if (!(value instanceof Module)) {
    throw new ValueError(op, `expected a Module, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Maps a possibly negative position into [0, length) for `at`, `set` and `pop`. */
function normalizeIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new ValueError(op, `index ${index} is out of range for ${length} module(s)`);
  }
  return index < 0 ? index + length : index;
}

/**
 * A chain of layers applied in order (torch.nn.Sequential): forward(x) = mₙ(…m₁(x)). Children are named
 * '0', '1', … (state-dict keys `0.weight`), or by the keys of a Map or object passed instead (PyTorch's
 * OrderedDict form). `at(i)` takes negative positions; `slice` returns a Sequential that keeps the names.
 * `insert` and `pop` renumber the children '0', '1', … as PyTorch's deletion does.
 *
 * @example new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1))
 */
export class Sequential extends Module implements Iterable<TensorModule> {
  private items: [string, TensorModule][] = [];

  constructor(...modules: TensorModule[]);
  constructor(namedModules: ReadonlyMap<string, TensorModule> | Readonly<Record<string, TensorModule>>);
  constructor(
    ...args: (TensorModule | ReadonlyMap<string, TensorModule> | Readonly<Record<string, TensorModule>>)[]
  ) {
    super();
    const first = args[0];
    if (args.length === 1 && first !== undefined && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, module] of entries as [string, TensorModule][]) {
        checkName('Sequential', name);
        checkModule('Sequential', module);
        this.items.push([name, module]);
      }
    } else {
      for (const module of args) this.append(module as TensorModule);
    }
  }

  /** Number of layers. */
  get length(): number {
    return this.items.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): TensorModule {
    return this.items[normalizeIndex('Sequential.at', index, this.items.length)]![1];
  }

  /** Adds a layer at the end, named by its position. */
  append(module: TensorModule): this {
    checkModule('Sequential.append', module);
    this.items.push([String(this.items.length), module]);
    return this;
  }

  extend(modules: Iterable<TensorModule>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /** Inserts a layer before position `index` (negative counts from the end; `length` appends). */
  insert(index: number, module: TensorModule): this {
    checkModule('Sequential.insert', module);
    const n = this.items.length;
    if (!Number.isInteger(index) || index < -n || index > n) {
      throw new ValueError('Sequential.insert', `index ${index} is out of range for ${n} module(s)`);
    }
    this.items.splice(index < 0 ? index + n : index, 0, ['', module]);
    this.renumber();
    return this;
  }

  /** Removes and returns the layer at `index` (default the last one). */
  pop(index = -1): TensorModule {
    const i = normalizeIndex('Sequential.pop', index, this.items.length);
    const [[, module]] = this.items.splice(i, 1) as [[string, TensorModule]];
    this.renumber();
    return module;
  }

  /** The layers from `start` up to (not including) `end`, as a Sequential keeping their names (model[1:3]). */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(new Map(this.items.slice(start, end)));
  }

  private renumber(): void {
    this.items = this.items.map(([, module], i) => [String(i), module]);
  }

  override namedChildren(): [string, AnyModule][] {
    return this.items.map(([name, module]) => [name, module]);
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this.items.map(([, module]) => module)[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const [, module] of this.items) out = module.forward(out);
    return out;
  }
}

/**
 * Holds child modules in a list (torch.nn.ModuleList) so that their parameters are registered, named
 * '0', '1', … (`blocks.0.weight`). It has no forward of its own: iterate over it in the owner's forward.
 */
export class ModuleList<M extends AnyModule = AnyModule>
  extends Module<never[], never>
  implements Iterable<M>
{
  private items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  get length(): number {
    return this.items.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    return this.items[normalizeIndex('ModuleList.at', index, this.items.length)]!;
  }

  /** Replaces the module at `index` (ml[i] = m). */
  set(index: number, module: M): this {
    checkModule('ModuleList.set', module);
    this.items[normalizeIndex('ModuleList.set', index, this.items.length)] = module;
    return this;
  }

  append(module: M): this {
    checkModule('ModuleList.append', module);
    this.items.push(module);
    return this;
  }

  extend(modules: Iterable<M>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /** Inserts a module before position `index` (negative counts from the end; `length` appends). */
  insert(index: number, module: M): this {
    checkModule('ModuleList.insert', module);
    const n = this.items.length;
    if (!Number.isInteger(index) || index < -n || index > n) {
      throw new ValueError('ModuleList.insert', `index ${index} is out of range for ${n} module(s)`);
    }
    this.items.splice(index < 0 ? index + n : index, 0, module);
    return this;
  }

  /** Removes and returns the module at `index` (default the last one); later ones move down. */
  pop(index = -1): M {
    const i = normalizeIndex('ModuleList.pop', index, this.items.length);
    return this.items.splice(i, 1)[0]!;
  }

  override namedChildren(): [string, AnyModule][] {
    return this.items.map((module, i) => [String(i), module]);
  }

  [Symbol.iterator](): Iterator<M> {
    return [...this.items][Symbol.iterator]();
  }

  forward(): never {
    throw new NeuriteError('ModuleList', 'a ModuleList has no forward; iterate over its modules instead');
  }
}

/**
 * Holds child modules by string key (torch.nn.ModuleDict), in insertion order; keys become name parts
 * (`heads.cls.weight`). The API is Map-like (get/set/has/delete/keys/values/entries, iteration yields
 * [key, module] pairs as a Map's does); unlike Map.get, `get` throws for a missing key, as indexing a
 * ModuleDict does in PyTorch. It has no forward of its own.
 */
export class ModuleDict<M extends AnyModule = AnyModule>
  extends Module<never[], never>
  implements Iterable<[string, M]>
{
  private items = new Map<string, M>();

  constructor(modules: Iterable<readonly [string, M]> | Readonly<Record<string, M>> = {}) {
    super();
    this.update(modules);
  }

  get size(): number {
    return this.items.size;
  }

  /** The module under `key`. @throws ValueError listing the keys when there is none. */
  get(key: string): M {
    const module = this.items.get(key);
    if (!module) {
      const keys = [...this.items.keys()].map((k) => `'${k}'`).join(', ');
      throw new ValueError('ModuleDict.get', `no module under key '${key}' (keys: ${keys || 'none'})`);
    }
    return module;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Adds or replaces the module under `key` (an existing key keeps its position). */
  set(key: string, module: M): this {
    checkName('ModuleDict.set', key);
    checkModule('ModuleDict.set', module);
    this.items.set(key, module);
    return this;
  }

  /** Removes the module under `key`; returns whether there was one. */
  delete(key: string): boolean {
    return this.items.delete(key);
  }

  /** Removes and returns the module under `key` (ModuleDict.pop). */
  pop(key: string): M {
    const module = this.get(key);
    this.items.delete(key);
    return module;
  }

  clear(): void {
    this.items.clear();
  }

  /** Adds the entries of a Map, an iterable of [key, module] pairs or a plain object, in their order. */
  update(modules: Iterable<readonly [string, M]> | Readonly<Record<string, M>>): this {
    const entries =
      Symbol.iterator in modules
        ? [...(modules as Iterable<readonly [string, M]>)]
        : Object.entries(modules as Readonly<Record<string, M>>);
    for (const [key, module] of entries) this.set(key, module);
    return this;
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<M> {
    return this.items.values();
  }

  entries(): IterableIterator<[string, M]> {
    return this.items.entries();
  }

  override namedChildren(): [string, AnyModule][] {
    return [...this.items];
  }

  [Symbol.iterator](): Iterator<[string, M]> {
    return this.items.entries();
  }

  forward(): never {
    throw new NeuriteError(
      'ModuleDict',
      'a ModuleDict has no forward; look modules up with get(key) instead',
    );
  }
}
