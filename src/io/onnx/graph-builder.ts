// @file Builds an ONNX graph while tracing: fresh value names, nodes, initializers and constants.
import { ValueError } from '../../errors.js';
import type { DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  ATTR_FLOAT,
  ATTR_FLOATS,
  ATTR_INT,
  ATTR_INTS,
  ATTR_STRING,
  ATTR_TENSOR,
  ONNX_BOOL,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  ONNX_INT32,
  ONNX_INT64,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './schema.js';

/** An attribute value as written in a converter: numbers are INT unless wrapped by `float()`. */
export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** Marks a FLOAT attribute (plain numbers are INTs, as in ONNX most are). */
export function float(value: number): { float: number } {
  return { float: value };
}

/** The ONNX element type of a neurite dtype. */
export function onnxType(dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return ONNX_FLOAT;
    case 'float64':
      return ONNX_DOUBLE;
    case 'int32':
      return ONNX_INT32;
    case 'bool':
      return ONNX_BOOL;
  }
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private counter = 0;
  private readonly used = new Set<string>();

  /** A value name not used yet, from `hint` (e.g. '/fc1/Gemm_output'). */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node and returns its output names. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttrValue> = {},
    outputs = 1,
  ): string[] {
    const outNames = Array.from({ length: outputs }, (_, i) =>
      this.fresh(`${opType}_${this.nodes.length}${i ? `_${i}` : ''}`),
    );
    const attrs: OnnxAttribute[] = Object.entries(attributes).map(([name, value]) =>
      toAttribute(name, value),
    );
    this.nodes.push({
      opType,
      domain: '',
      name: `${opType}_${this.nodes.length}`,
      inputs: [...inputs],
      outputs: outNames,
      attributes: attrs,
    });
    return outNames;
  }

  /** Adds a node with one output and returns its name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attributes)[0]!;
  }

  /** Adds an initializer holding a tensor's values under `name` (made unique) and returns the name. */
  initializer(name: string, t: Tensor): string {
    const unique = this.fresh(name);
    const data = t.dataSync();
    const dataType = onnxType(t.dtype);
    const values =
      dataType === ONNX_FLOAT
        ? Float32Array.from(data)
        : dataType === ONNX_DOUBLE
          ? Float64Array.from(data)
          : Array.from(data, Number);
    this.initializers.push({ name: unique, dataType, dims: [...t.shape], values });
    return unique;
  }

  /** A float constant (0-d when `dims` is empty) of ONNX type `dataType` (FLOAT or DOUBLE), as a Constant node. */
  floatConstant(values: readonly number[], dataType: number, dims: number[] = []): string {
    return this.constant({
      name: '',
      dataType,
      dims,
      values: dataType === ONNX_DOUBLE ? Float64Array.from(values) : Float32Array.from(values),
    });
  }

  /** An int64 1-D constant (shapes, axes), as a Constant node. */
  int64s(values: readonly number[]): string {
    return this.constant({ name: '', dataType: ONNX_INT64, dims: [values.length], values: [...values] });
  }

  /** A traced tensor that no op produced (a constant of the model's code), as a Constant node. */
  tensorConstant(t: Tensor): string {
    const data = t.dataSync();
    const dataType = onnxType(t.dtype);
    const values =
      dataType === ONNX_FLOAT
        ? Float32Array.from(data)
        : dataType === ONNX_DOUBLE
          ? Float64Array.from(data)
          : Array.from(data, Number);
    return this.constant({ name: '', dataType, dims: [...t.shape], values });
  }

  /** Constant nodes, not initializers: initializers are the model's state (and become parameters on import). */
  private constant(value: OnnxTensor): string {
    const [name] = this.node('Constant', [], {});
    this.nodes[this.nodes.length - 1]!.attributes.push({ name: 'value', type: ATTR_TENSOR, value });
    return name!;
  }
}

function toAttribute(name: string, value: AttrValue): OnnxAttribute {
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new ValueError('exportOnnx', `attribute ${name}: ${value} is not an integer`);
    return { name, type: ATTR_INT, value };
  }
  if (typeof value === 'string') return { name, type: ATTR_STRING, value };
  if (Array.isArray(value)) return { name, type: ATTR_INTS, value };
  if ('float' in value) return { name, type: ATTR_FLOAT, value: value.float };
  return { name, type: ATTR_FLOATS, value: value.floats };
}
