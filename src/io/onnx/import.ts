// @file io.importOnnx: an ONNX model (as torch.onnx.export writes MLPs and CNNs) as a trainable nn.Module.
import { FormatError } from '../../errors.js';
import { Module } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { Tensor } from '../../tensor/tensor.js';
import { NODE_IMPLS, attribute, fromOnnxTensor } from './import-ops.js';
import {
  decodeModel,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './schema.js';

/** Opsets whose operators importOnnx implements with their current semantics. */
export const MIN_IMPORT_OPSET = 13;
export const MAX_IMPORT_OPSET = 21;
/** Most nodes a graph may have (a bound for hostile files). */
export const MAX_ONNX_NODES = 100_000;

/**
 * Reads an ONNX model (bytes of an `.onnx` file, opset 13–21) into an `nn.Module` whose forward runs the graph
 * with neurite ops, so it predicts like the original and trains further: float initializers become
 * `Parameter`s named by their initializer names (torch.onnx.export uses state-dict keys such as `fc1.weight`),
 * BatchNormalization's running mean and variance become buffers (updated in training mode, as in PyTorch).
 * Supported operators: Gemm, MatMul, Add, Sub, Mul, Div, Pow, Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Neg, Abs,
 * Softplus, LeakyRelu, Elu, Gelu and PyTorch's Div/Erf/Add/Mul/Mul pattern for it, Conv (1-D, 2-D), MaxPool,
 * AveragePool, GlobalAveragePool, BatchNormalization, Pad (constant), Flatten, Reshape, Transpose, Softmax,
 * LogSoftmax, Dropout and Identity (pass-through), Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast.
 *
 * @throws FormatError for malformed or hostile bytes (truncated, lengths past the end, missing initializers,
 *   cycles) and for unsupported operators, listing them all.
 */
export function importOnnx(bytes: Uint8Array): OnnxModule {
  return new OnnxModule(decodeModel(bytes));
}

function fail(reason: string): never {
  throw new FormatError('importOnnx', reason);
}

function isFloat(t: OnnxTensor): boolean {
  return t.dataType === ONNX_FLOAT || t.dataType === ONNX_DOUBLE;
}

/** A model read by importOnnx: its graph runs in forward(x); its parameters are the graph's float initializers. */
export class OnnxModule extends Module {
  readonly opsetVersion: number;
  readonly inputName: string;
  readonly outputName: string;
  private readonly plan: OnnxNode[];
  private readonly fixed = new Map<string, Tensor>();
  private readonly state = new Map<string, Tensor>();

  constructor(model: OnnxModel) {
    super();
    const graph = model.graph;
    this.opsetVersion = model.opsetVersion;
    if (model.opsetVersion < MIN_IMPORT_OPSET || model.opsetVersion > MAX_IMPORT_OPSET) {
      fail(
        `opset ${model.opsetVersion} is not supported (${MIN_IMPORT_OPSET}–${MAX_IMPORT_OPSET}); re-export with torch.onnx.export(..., opset_version=17)`,
      );
    }
    if (graph.nodes.length > MAX_ONNX_NODES)
      fail(`${graph.nodes.length} nodes is more than ${MAX_ONNX_NODES}`);
    const initializers = new Map<string, OnnxTensor>();
    for (const t of graph.initializers) {
      if (!t.name) fail('an initializer has no name');
      if (initializers.has(t.name)) fail(`initializer '${t.name}' is defined twice`);
      initializers.set(t.name, t);
    }
    const dataInputs = graph.inputs.filter((v) => !initializers.has(v.name));
    if (dataInputs.length !== 1)
      fail(`the graph has ${dataInputs.length} data inputs; importOnnx supports exactly one`);
    if (graph.outputs.length !== 1)
      fail(`the graph has ${graph.outputs.length} outputs; importOnnx supports exactly one`);
    this.inputName = dataInputs[0]!.name;
    this.outputName = graph.outputs[0]!.name;

    const unsupported = new Map<string, number>();
    for (const node of graph.nodes) {
      const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      if (
        (node.domain && node.domain !== 'ai.onnx') ||
        !(node.opType in NODE_IMPLS) ||
        node.opType === 'Erf'
      ) {
        unsupported.set(key, (unsupported.get(key) ?? 0) + 1);
      }
    }
    const nodes = fuseGelu(graph.nodes, initializers);
    for (const node of nodes) if (node.opType === 'Gelu') unsupported.delete('Erf');
    const lonelyErf = nodes.filter((n) => n.opType === 'Erf').length;
    if (lonelyErf > 0) unsupported.set('Erf (outside the GELU pattern)', lonelyErf);
    else unsupported.delete('Erf');
    if (unsupported.size > 0) {
      fail(
        `unsupported operators: ${[...unsupported].map(([op, n]) => (n > 1 ? `${op} (×${n})` : op)).join(', ')}`,
      );
    }
    this.plan = topologicalOrder(nodes, new Set([...initializers.keys(), this.inputName]));
    if (!this.plan.some((n) => n.outputs.includes(this.outputName)) && this.outputName !== this.inputName) {
      fail(`graph output '${this.outputName}' is produced by no node`);
    }

    const statistics = new Set<string>();
    for (const node of this.plan)
      if (node.opType === 'BatchNormalization')
        for (const name of node.inputs.slice(3, 5)) statistics.add(name);
    for (const [name, t] of initializers) {
      const value = fromOnnxTensor(t, 'initializer');
      if (!isFloat(t)) {
        this.fixed.set(name, value);
        continue;
      }
      const field = this.fieldName(name);
      const held = statistics.has(name) ? this.registerBuffer(field, value) : new Parameter(value);
      this.state.set(name, held);
      (this as unknown as Record<string, unknown>)[field] = held;
    }
  }

  /** The field (and state-dict key) of an initializer: its own name unless that would shadow a member. */
  private fieldName(name: string): string {
    return name in this ? `initializer_${name}` : name;
  }

  /** Runs the graph on `x` (the graph's one data input). */
  forward(x: Tensor): Tensor {
    const values = new Map<string, Tensor>(this.fixed);
    for (const [name, t] of this.state) values.set(name, t);
    values.set(this.inputName, x);
    for (const node of this.plan) {
      const inputs = node.inputs.map((name) => (name === '' ? null : values.get(name)!));
      const outputs = NODE_IMPLS[node.opType]!({ node, inputs, training: this.training });
      node.outputs.forEach((name, i) => {
        if (name !== '' && outputs[i]) values.set(name, outputs[i]);
      });
    }
    return values.get(this.outputName)!;
  }

  override extraRepr(): string {
    return `opset=${this.opsetVersion}, nodes=${this.plan.length}`;
  }
}

/**
 * The nodes in an order where each input is computed before it is used (Kahn's algorithm). An input that no
 * node, initializer or graph input provides, an output written twice, or a cycle is a FormatError.
 */
function topologicalOrder(nodes: readonly OnnxNode[], available: ReadonlySet<string>): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const name of node.outputs) {
      if (name === '') continue;
      if (producer.has(name) || available.has(name))
        fail(`value '${name}' is produced twice (node ${i}, ${node.opType})`);
      producer.set(name, i);
    }
  });
  const pending = nodes.map(() => 0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const name of node.inputs) {
      if (name === '' || available.has(name)) continue;
      const from = producer.get(name);
      if (from === undefined)
        fail(`node ${i} (${node.opType}) reads '${name}', which no node, initializer or input provides`);
      pending[i]!++;
      consumers[from]!.push(i);
    }
  });
  const ready = nodes.map((_, i) => i).filter((i) => pending[i] === 0);
  const order: OnnxNode[] = [];
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(nodes[i]!);
    for (const j of consumers[i]!) if (--pending[j]! === 0) ready.push(j);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes
      .filter((_, i) => pending[i]! > 0)
      .slice(0, 5)
      .map((n) => n.name || n.opType);
    fail(`the graph has a cycle (through ${stuck.join(', ')})`);
  }
  return order;
}

/** The value of a one-element float constant (an initializer or a Constant node's output), else null. */
function scalarOf(
  name: string,
  initializers: ReadonlyMap<string, OnnxTensor>,
  constants: ReadonlyMap<string, OnnxNode>,
): number | null {
  const t =
    initializers.get(name) ??
    (() => {
      const node = constants.get(name);
      const v = node ? attribute(node, 'value') : undefined;
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    })();
  if (!t || !isFloat(t) || t.values.length !== 1) return null;
  return Number(t.values[0]);
}

/**
 * torch.onnx.export writes GELU (opset < 20) as y = (x · (erf(x / √2) + 1)) · 0.5; this finds each such chain and
 * replaces its five nodes with one Gelu node (neurite has GELU, not erf). Other nodes are kept.
 */
function fuseGelu(nodes: readonly OnnxNode[], initializers: ReadonlyMap<string, OnnxTensor>): OnnxNode[] {
  const constants = new Map<string, OnnxNode>();
  const producers = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const o of node.outputs) producers.set(o, node);
    if (node.opType === 'Constant' && node.outputs[0]) constants.set(node.outputs[0], node);
    for (const i of node.inputs) consumers.set(i, [...(consumers.get(i) ?? []), node]);
  }
  const near = (name: string | undefined, value: number): boolean => {
    const v = name === undefined ? null : scalarOf(name, initializers, constants);
    return v !== null && Math.abs(v - value) < 1e-4 * Math.max(1, Math.abs(value));
  };
  const only = (name: string | undefined, opType: string): OnnxNode | null => {
    const list = name === undefined ? [] : (consumers.get(name) ?? []);
    return list.length === 1 && list[0]!.opType === opType ? list[0]! : null;
  };
  const other = (node: OnnxNode, name: string): string | undefined =>
    node.inputs.length === 2
      ? node.inputs[0] === name
        ? node.inputs[1]
        : node.inputs[1] === name
          ? node.inputs[0]
          : undefined
      : undefined;
  const removed = new Set<OnnxNode>();
  const replacements = new Map<OnnxNode, OnnxNode>();
  for (const erf of nodes) {
    if (erf.opType !== 'Erf' || erf.inputs.length !== 1) continue;
    const div = producers.get(erf.inputs[0]!);
    if (
      !div ||
      div.opType !== 'Div' ||
      !near(div.inputs[1], Math.SQRT2) ||
      only(div.outputs[0], 'Erf') !== erf
    )
      continue;
    const x = div.inputs[0]!;
    const add = only(erf.outputs[0], 'Add');
    if (!add || !near(other(add, erf.outputs[0]!), 1)) continue;
    const mulX = only(add.outputs[0], 'Mul');
    if (!mulX || other(mulX, add.outputs[0]!) !== x) continue;
    const half = only(mulX.outputs[0], 'Mul');
    if (!half || !near(other(half, mulX.outputs[0]!), 0.5)) continue;
    for (const n of [div, erf, add, mulX]) removed.add(n);
    replacements.set(half, {
      opType: 'Gelu',
      domain: '',
      name: `${erf.name || 'Erf'}_gelu`,
      inputs: [x],
      outputs: [half.outputs[0]!],
      attributes: [],
    });
  }
  return nodes.filter((n) => !removed.has(n)).map((n) => replacements.get(n) ?? n);
}
