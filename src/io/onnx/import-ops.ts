// @file What each supported ONNX node computes, with neurite ops (so gradients flow to imported parameters).
import { FormatError } from '../../errors.js';
import { batchNorm } from '../../nn/functional/normalization.js';
import { conv1d, conv2d } from '../../ops/conv.js';
import { indexSelect } from '../../ops/indexing.js';
import { linear } from '../../ops/matmul.js';
import { avgPool2d, maxPool2d } from '../../ops/pool.js';
import { cat, pad, permute, reshape } from '../../ops/shape.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor } from './schema.js';
import { ONNX_DOUBLE, ONNX_FLOAT } from './schema.js';

/** What a node implementation sees: its inputs (null for omitted optional ones) and attributes. */
export interface NodeCall {
  node: OnnxNode;
  inputs: readonly (Tensor | null)[];
  training: boolean;
}

export type NodeImpl = (call: NodeCall) => Tensor[];

function fail(node: OnnxNode, reason: string): never {
  throw new FormatError('importOnnx', `node '${node.name || node.opType}' (${node.opType}): ${reason}`);
}

export function attribute(node: OnnxNode, name: string): OnnxAttributeValue | undefined {
  return node.attributes.find((a) => a.name === name)?.value;
}

function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const v = attribute(node, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(node, `attribute ${name} must be an integer`);
  return v;
}

function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const v = attribute(node, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number') fail(node, `attribute ${name} must be a number`);
  return v;
}

function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  const v = attribute(node, name);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x)))
    fail(node, `attribute ${name} must be a list of integers`);
  return v;
}

function input(call: NodeCall, i: number): Tensor {
  const t = call.inputs[i];
  if (!t) fail(call.node, `input ${i} is missing`);
  return t;
}

/** The integer values of a shape-like input (int64 data: Reshape's shape, Pad's pads, Unsqueeze's axes). */
function ints(call: NodeCall, i: number): number[] {
  const t = input(call, i);
  if (t.dtype !== 'int32') fail(call.node, `input ${i} must hold integers`);
  return Array.from(t.dataSync(), Number);
}

/** A neurite tensor of an ONNX tensor's values (int64 data as int32, which must fit). */
export function fromOnnxTensor(t: OnnxTensor, what: string): Tensor {
  if (t.dataType === ONNX_FLOAT || t.dataType === ONNX_DOUBLE) {
    return new Tensor(
      t.values as Float32Array | Float64Array,
      t.dims,
      t.dataType === ONNX_FLOAT ? 'float32' : 'float64',
    );
  }
  const values = t.values as number[];
  for (const v of values) {
    if (v < -(2 ** 31) || v >= 2 ** 31)
      throw new FormatError('importOnnx', `${what} '${t.name}': integer ${v} does not fit in int32`);
  }
  return new Tensor(Int32Array.from(values), t.dims, 'int32');
}

/** Most elements one value computed by an imported graph may have (2²⁸: 1 GiB of float32), checked before allocating. */
export const MAX_ONNX_VALUE_ELEMENTS = 2 ** 28;

/** Refuses an output shape above MAX_ONNX_VALUE_ELEMENTS (hostile pads or broadcasts), before it is allocated. */
function checkSize(call: NodeCall, shape: readonly number[]): void {
  const count = shape.reduce((a, b) => a * Math.max(b, 0), 1);
  if (count > MAX_ONNX_VALUE_ELEMENTS) {
    fail(
      call.node,
      `the output would have shape [${shape.join(', ')}] (${count} elements, above the limit of ${MAX_ONNX_VALUE_ELEMENTS})`,
    );
  }
}

/** The broadcast of two shapes, checked against the size limit (mismatches are left to the op's own error). */
function broadcastSize(
  call: NodeCall,
  a: readonly number[],
  b: readonly number[],
  tail: readonly number[] = [],
): void {
  const rank = Math.max(a.length, b.length);
  const shape = Array.from({ length: rank }, (_, i) =>
    Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1),
  );
  checkSize(call, [...shape, ...tail]);
}

const normalizeAxis = (call: NodeCall, axis: number, rank: number): number => {
  if (axis < -rank || axis >= rank) fail(call.node, `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
};

const same = (call: NodeCall, fn: (x: Tensor) => Tensor): Tensor[] => [fn(input(call, 0))];
const two = (call: NodeCall, fn: (a: Tensor, b: Tensor) => Tensor): Tensor[] => {
  const a = input(call, 0);
  const b = input(call, 1);
  broadcastSize(call, a.shape, b.shape);
  return [fn(a, b)];
};

/** Symmetric ONNX pads [b1, b2, …, e1, e2, …] as per-dim paddings; asymmetric pads are an error. */
function symmetricPads(call: NodeCall, dims: number): number[] {
  if (
    (attribute(call.node, 'auto_pad') ?? 'NOTSET') !== 'NOTSET' &&
    attribute(call.node, 'auto_pad') !== 'VALID'
  ) {
    fail(
      call.node,
      `auto_pad '${String(attribute(call.node, 'auto_pad'))}' is not supported (only NOTSET and VALID)`,
    );
  }
  const pads = intsAttr(call.node, 'pads') ?? new Array<number>(2 * dims).fill(0);
  if (pads.length !== 2 * dims) fail(call.node, `pads has ${pads.length} values, expected ${2 * dims}`);
  const begins = pads.slice(0, dims);
  if (begins.some((p, i) => p !== pads[dims + i] || p < 0))
    fail(call.node, `asymmetric or negative pads [${pads.join(', ')}] are not supported`);
  return begins;
}

function spatial(call: NodeCall, name: string, dims: number, fallback: number): number[] {
  const v = intsAttr(call.node, name) ?? new Array<number>(dims).fill(fallback);
  if (v.length !== dims || v.some((x) => x < 1))
    fail(call.node, `${name} [${v.join(', ')}] must hold ${dims} positive values`);
  return v;
}

function reshapeTo(call: NodeCall, x: Tensor, shape: number[]): Tensor {
  const allowZero = intAttr(call.node, 'allowzero', 0) === 1;
  const target = shape.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= x.ndim)
        fail(call.node, `shape [${shape.join(', ')}] copies dim ${i} of a rank-${x.ndim} input`);
      return x.shape[i]!;
    }
    return d;
  });
  return reshape(x, target);
}

/** Int-valued gather (the Shape→Gather chains of dynamic reshapes), computed in plain JavaScript. */
function gatherInts(call: NodeCall, data: Tensor, indices: Tensor, axis: number): Tensor {
  if (data.ndim !== 1) fail(call.node, 'integer Gather is only supported on 1-D data (shape values)');
  const values = Array.from(data.dataSync(), Number);
  const picked = Array.from(indices.dataSync(), (i) => {
    const k = Number(i) < 0 ? Number(i) + values.length : Number(i);
    if (k < 0 || k >= values.length)
      fail(call.node, `index ${Number(i)} is out of range for ${values.length} values`);
    return values[k]!;
  });
  void axis;
  return new Tensor(Int32Array.from(picked), indices.shape, 'int32');
}

function unsqueezeAxes(call: NodeCall): number[] {
  return call.inputs.length > 1 ? ints(call, 1) : (intsAttr(call.node, 'axes') ?? fail(call.node, 'no axes'));
}

/** The supported ONNX operators (default domain) and what they compute. */
export const NODE_IMPLS: Readonly<Record<string, NodeImpl>> = {
  Identity: (c) => same(c, (x) => x),
  Dropout: (c) => same(c, (x) => x),
  Relu: (c) => same(c, (x) => x.relu()),
  Sigmoid: (c) => same(c, (x) => x.sigmoid()),
  Tanh: (c) => same(c, (x) => x.tanh()),
  Exp: (c) => same(c, (x) => x.exp()),
  Log: (c) => same(c, (x) => x.log()),
  Sqrt: (c) => same(c, (x) => x.sqrt()),
  Neg: (c) => same(c, (x) => x.neg()),
  Abs: (c) => same(c, (x) => x.abs()),
  Softplus: (c) => same(c, (x) => x.softplus()),
  LeakyRelu: (c) => same(c, (x) => x.leakyRelu(floatAttr(c.node, 'alpha', 0.01))),
  Elu: (c) => same(c, (x) => x.elu(floatAttr(c.node, 'alpha', 1))),
  Gelu: (c) => same(c, (x) => x.gelu(attribute(c.node, 'approximate') === 'tanh' ? 'tanh' : 'none')),
  Add: (c) => two(c, (a, b) => a.add(b)),
  Sub: (c) => two(c, (a, b) => a.sub(b)),
  Mul: (c) => two(c, (a, b) => a.mul(b)),
  Div: (c) => two(c, (a, b) => a.div(b)),
  Pow: (c) => two(c, (a, b) => a.pow(b)),
  MatMul: (c) => {
    const [a, b] = [input(c, 0), input(c, 1)];
    broadcastSize(c, a.shape.slice(0, -2), b.shape.slice(0, -2), [a.shape.at(-2) ?? 1, b.shape.at(-1) ?? 1]);
    return [a.matmul(b)];
  },
  Gemm: (c) => {
    const alpha = floatAttr(c.node, 'alpha', 1);
    const beta = floatAttr(c.node, 'beta', 1);
    const transA = intAttr(c.node, 'transA', 0);
    const transB = intAttr(c.node, 'transB', 0);
    const a = input(c, 0);
    const b = input(c, 1);
    const bias = c.inputs[2] ?? null;
    if (a.ndim !== 2 || b.ndim !== 2)
      fail(
        c.node,
        `A and B must be matrices, got shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
      );
    checkSize(c, [a.shape[transA ? 1 : 0]!, b.shape[transB ? 0 : 1]!]);
    if (alpha === 1 && beta === 1 && transA === 0 && transB === 1 && bias && bias.ndim === 1)
      return [linear(a, b, bias)];
    let y = (transA ? a.T : a).matmul(transB ? b.T : b);
    if (alpha !== 1) y = y.mul(alpha);
    if (bias) y = y.add(beta === 1 ? bias : bias.mul(beta));
    return [y];
  },
  Conv: (c) => {
    const x = input(c, 0);
    const w = input(c, 1);
    const dims = w.ndim - 2;
    if (dims !== 1 && dims !== 2)
      fail(c.node, `only 1-D and 2-D convolutions are supported, got a ${dims}-D kernel`);
    const kernel = intsAttr(c.node, 'kernel_shape');
    if (kernel && kernel.some((k, i) => k !== w.shape[2 + i]))
      fail(c.node, `kernel_shape [${kernel.join(', ')}] does not match the weight`);
    const options = {
      stride: spatial(c, 'strides', dims, 1),
      padding: symmetricPads(c, dims),
      dilation: spatial(c, 'dilations', dims, 1),
      groups: intAttr(c.node, 'group', 1),
    };
    const bias = c.inputs[2] ?? null;
    const out = x.shape.slice(2).map((size, i) => {
      const extent = options.dilation[i]! * ((w.shape[2 + i] ?? 1) - 1) + 1;
      return Math.floor((size + 2 * options.padding[i]! - extent) / options.stride[i]!) + 1;
    });
    checkSize(c, [x.shape[0] ?? 1, w.shape[0] ?? 1, ...out]);
    return [dims === 2 ? conv2d(x, w, bias, options as never) : conv1d(x, w, bias, options as never)];
  },
  MaxPool: (c) => {
    const kernel = spatial(c, 'kernel_shape', 2, 1);
    if (intsAttr(c.node, 'kernel_shape')?.length !== 2) fail(c.node, 'only 2-D max pooling is supported');
    if (c.node.outputs.length > 1 && c.node.outputs[1]) fail(c.node, 'the Indices output is not supported');
    const out = maxPool2d(input(c, 0), kernel as [number, number], {
      stride: spatial(c, 'strides', 2, 1) as [number, number],
      padding: symmetricPads(c, 2) as [number, number],
      dilation: spatial(c, 'dilations', 2, 1) as [number, number],
      ceilMode: intAttr(c.node, 'ceil_mode', 0) === 1,
    });
    return [out];
  },
  AveragePool: (c) => {
    if (intsAttr(c.node, 'kernel_shape')?.length !== 2) fail(c.node, 'only 2-D average pooling is supported');
    return [
      avgPool2d(input(c, 0), spatial(c, 'kernel_shape', 2, 1) as [number, number], {
        stride: spatial(c, 'strides', 2, 1) as [number, number],
        padding: symmetricPads(c, 2) as [number, number],
        ceilMode: intAttr(c.node, 'ceil_mode', 0) === 1,
        countIncludePad: intAttr(c.node, 'count_include_pad', 0) === 1,
      }),
    ];
  },
  GlobalAveragePool: (c) =>
    same(c, (x) =>
      x.mean(
        Array.from({ length: x.ndim - 2 }, (_, i) => i + 2),
        true,
      ),
    ),
  BatchNormalization: (c) => {
    const [x, scale, bias, mean, variance] = [0, 1, 2, 3, 4].map((i) => input(c, i)) as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const momentum = 1 - floatAttr(c.node, 'momentum', 0.9);
    return [
      batchNorm(x, mean, variance, scale, bias, c.training, momentum, floatAttr(c.node, 'epsilon', 1e-5)),
    ];
  },
  Pad: (c) => {
    const mode = attribute(c.node, 'mode') ?? 'constant';
    if (mode !== 'constant') fail(c.node, `mode '${String(mode)}' is not supported (only constant)`);
    const x = input(c, 0);
    const pads = ints(c, 1);
    if (pads.length !== 2 * x.ndim) fail(c.node, `pads has ${pads.length} values for a rank-${x.ndim} input`);
    if (c.inputs[3]) fail(c.node, 'the axes input is not supported');
    const value = c.inputs[2] ? Number(c.inputs[2].dataSync()[0] ?? 0) : 0;
    if (pads.every((p) => p === 0)) return [x];
    checkSize(
      c,
      x.shape.map((d, i) => d + pads[i]! + pads[x.ndim + i]!),
    );
    const torchPads: number[] = [];
    for (let d = x.ndim - 1; d >= 0; d--) torchPads.push(pads[d]!, pads[x.ndim + d]!);
    return [pad(x, torchPads, 'constant', value)];
  },
  Flatten: (c) => {
    const x = input(c, 0);
    const axis = normalizeAxis(c, intAttr(c.node, 'axis', 1), x.ndim + 1);
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    return [reshape(x, [outer, x.numel() / Math.max(outer, 1)])];
  },
  Reshape: (c) => [reshapeTo(c, input(c, 0), ints(c, 1))],
  Transpose: (c) => {
    const x = input(c, 0);
    const perm = intsAttr(c.node, 'perm') ?? x.shape.map((_, i) => x.ndim - 1 - i);
    return [permute(x, perm)];
  },
  Softmax: (c) => same(c, (x) => softmax(x, intAttr(c.node, 'axis', -1))),
  LogSoftmax: (c) => same(c, (x) => logSoftmax(x, intAttr(c.node, 'axis', -1))),
  Constant: (c) => {
    const v = attribute(c.node, 'value');
    if (v && typeof v === 'object' && !Array.isArray(v)) return [fromOnnxTensor(v, 'Constant')];
    const f = attribute(c.node, 'value_float');
    if (typeof f === 'number') return [tensor(f)];
    const i = attribute(c.node, 'value_int');
    if (typeof i === 'number') return [tensor(i, { dtype: 'int32' })];
    const is = attribute(c.node, 'value_ints');
    if (Array.isArray(is)) return [tensor(is, { dtype: 'int32' })];
    const fs = attribute(c.node, 'value_floats');
    if (Array.isArray(fs)) return [tensor(fs)];
    return fail(c.node, 'no value attribute (value, value_float, value_int, value_ints, value_floats)');
  },
  Shape: (c) => {
    const x = input(c, 0);
    const start = normalizeAxis(
      c,
      Math.max(-x.ndim, Math.min(intAttr(c.node, 'start', 0), x.ndim - 1)),
      Math.max(x.ndim, 1),
    );
    const endRaw = intAttr(c.node, 'end', x.ndim);
    const end = endRaw < 0 ? Math.max(endRaw + x.ndim, 0) : Math.min(endRaw, x.ndim);
    return [new Tensor(Int32Array.from(x.shape.slice(start, end)), [Math.max(end - start, 0)], 'int32')];
  },
  Gather: (c) => {
    const data = input(c, 0);
    const indices = input(c, 1);
    const axis = normalizeAxis(c, intAttr(c.node, 'axis', 0), data.ndim);
    if (indices.dtype !== 'int32') fail(c.node, 'indices must be integers');
    if (data.dtype === 'int32') return [gatherInts(c, data, indices, axis)];
    const flat = indexSelect(data, axis, reshape(indices, [indices.numel()]));
    return [reshape(flat, [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)])];
  },
  Unsqueeze: (c) => {
    const x = input(c, 0);
    const axes = unsqueezeAxes(c);
    const rank = x.ndim + axes.length;
    const normalized = axes.map((a) => normalizeAxis(c, a, rank)).sort((a, b) => a - b);
    const shape = [...x.shape];
    for (const a of normalized) shape.splice(a, 0, 1);
    return [reshape(x, shape)];
  },
  Squeeze: (c) => {
    const x = input(c, 0);
    const axes =
      c.inputs.length > 1 || attribute(c.node, 'axes')
        ? unsqueezeAxes(c).map((a) => normalizeAxis(c, a, x.ndim))
        : null;
    const shape = x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
    if (axes && axes.some((a) => x.shape[a] !== 1))
      fail(c.node, `cannot squeeze a dim that is not 1 (shape [${x.shape.join(', ')}])`);
    return [reshape(x, shape)];
  },
  Concat: (c) => {
    const tensors = c.inputs.map((_, i) => input(c, i));
    if (tensors.length === 0) fail(c.node, 'no inputs');
    return [cat(tensors, normalizeAxis(c, intAttr(c.node, 'axis', 0), tensors[0]!.ndim))];
  },
  Cast: (c) => {
    const to = intAttr(c.node, 'to', 1);
    const x = input(c, 0);
    if (to === ONNX_FLOAT) return [x.float()];
    if (to === ONNX_DOUBLE) return [x.double()];
    if (to === 6 || to === 7) return [x.int()];
    return fail(c.node, `cast to data type ${to} is not supported`);
  },
};
