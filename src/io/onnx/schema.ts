// @file The subset of onnx.proto neurite reads and writes (model, graph, node, attribute, tensor, value info), with its codec.
import { FormatError } from '../../errors.js';
import {
  ProtoWriter,
  WIRE_BYTES,
  WIRE_FIXED32,
  WIRE_VARINT,
  readFields,
  repeatedFloats,
  repeatedInts,
  toSafeInt,
  toText,
  type ProtoField,
} from './protobuf.js';

/** TensorProto.DataType values neurite uses. */
export const ONNX_FLOAT = 1;
export const ONNX_INT32 = 6;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;
export const ONNX_DOUBLE = 11;

/** A tensor: dims and values (float32/float64 for FLOAT/DOUBLE, plain numbers for integer types). */
export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Float32Array for FLOAT, Float64Array for DOUBLE, number[] for INT32/INT64/BOOL. */
  values: Float32Array | Float64Array | number[];
}

export type OnnxAttributeValue = number | string | number[] | OnnxTensor;

export interface OnnxAttribute {
  name: string;
  /** AttributeProto.AttributeType: FLOAT=1, INT=2, STRING=3, TENSOR=4, FLOATS=6, INTS=7. */
  type: number;
  value: OnnxAttributeValue;
}

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output: a name, an element type and a shape whose dims are sizes or symbolic names. */
export interface OnnxValueInfo {
  name: string;
  elemType: number;
  shape: (number | string)[] | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** Opset version of the default domain ('' or 'ai.onnx'). */
  opsetVersion: number;
  producerName: string;
  graph: OnnxGraph;
  /** metadata_props: free key/value strings (e.g. class names), shown by tools such as Netron. */
  metadata?: Record<string, string>;
}

export const ATTR_FLOAT = 1;
export const ATTR_INT = 2;
export const ATTR_STRING = 3;
export const ATTR_TENSOR = 4;
export const ATTR_FLOATS = 6;
export const ATTR_INTS = 7;

// ---- encoding -----------------------------------------------------------------------------------------

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  w.bytes(9, rawData(t));
}

/** Little-endian raw_data of a tensor's values. */
function rawData(t: OnnxTensor): Uint8Array {
  const v = t.values;
  if (t.dataType === ONNX_FLOAT) return new Uint8Array(Float32Array.from(v).buffer);
  if (t.dataType === ONNX_DOUBLE) return new Uint8Array(Float64Array.from(v).buffer);
  if (t.dataType === ONNX_INT64)
    return new Uint8Array(BigInt64Array.from(Array.from(v, (x) => BigInt(x))).buffer);
  if (t.dataType === ONNX_INT32) return new Uint8Array(Int32Array.from(v).buffer);
  if (t.dataType === ONNX_BOOL) return Uint8Array.from(v);
  throw new FormatError('exportOnnx', `tensor '${t.name}': data type ${t.dataType} cannot be written`);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, v.elemType);
      if (v.shape) {
        tensorType.message(2, (shape) => {
          for (const d of v.shape!) {
            shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
          }
        });
      }
    }),
  );
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  w.int(20, a.type);
  const v = a.value;
  if (a.type === ATTR_FLOAT) w.float(2, v as number);
  else if (a.type === ATTR_INT) w.int(3, v as number);
  else if (a.type === ATTR_STRING) w.string(4, v as string);
  else if (a.type === ATTR_TENSOR) w.message(5, (t) => writeTensor(t, v as OnnxTensor));
  else if (a.type === ATTR_FLOATS) for (const x of v as number[]) w.float(7, x);
  else if (a.type === ATTR_INTS) for (const x of v as number[]) w.int(8, x);
}

/** Serializes a model as an ONNX ModelProto (proto2 wire format; repeated scalars unpacked). */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.message(7, (g) => {
    for (const n of model.graph.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        if (n.name) node.string(3, n.name);
        node.string(4, n.opType);
        for (const a of n.attributes) node.message(5, (attr) => writeAttribute(attr, a));
        if (n.domain) node.string(7, n.domain);
      });
    }
    g.string(2, model.graph.name);
    for (const t of model.graph.initializers) g.message(5, (tensor) => writeTensor(tensor, t));
    for (const v of model.graph.inputs) g.message(11, (info) => writeValueInfo(info, v));
    for (const v of model.graph.outputs) g.message(12, (info) => writeValueInfo(info, v));
  });
  w.message(8, (opset) => opset.string(1, '').int(2, model.opsetVersion));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, (entry) => entry.string(1, key).string(2, value));
  }
  return w.finish();
}

// ---- decoding -----------------------------------------------------------------------------------------

/** Most elements one tensor may declare (2³¹): larger claims are rejected before anything is allocated. */
const MAX_TENSOR_ELEMENTS = 2 ** 31;

function expectWire(f: ProtoField, wireType: number, what: string): void {
  if (f.wireType !== wireType) throw new FormatError('importOnnx', `${what}: wrong wire type ${f.wireType}`);
}

function decodeTensor(bytes: Uint8Array, what: string): OnnxTensor {
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  let raw: Uint8Array | null = null;
  const floatData: number[] = [];
  const intData: number[] = [];
  const doubleData: number[] = [];
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) append(dims, repeatedInts(f, `${what} dims`));
    else if (f.field === 2) dataType = toSafeInt(f.varint, `${what} data_type`);
    else if (f.field === 8) name = toText(f.bytes, `${what} name`);
    else if (f.field === 9) raw = f.bytes;
    else if (f.field === 4) append(floatData, repeatedFloats(f, `${what} float_data`));
    else if (f.field === 5 || f.field === 7) append(intData, repeatedInts(f, `${what} int data`));
    else if (f.field === 10) append(doubleData, repeatedDoubles(f, `${what} double_data`));
    else if (f.field === 14 && f.varint !== 0n) {
      throw new FormatError(
        'importOnnx',
        `${what}: external data is not supported (save the model in one file)`,
      );
    }
  }
  const label = name ? `${what} '${name}'` : what;
  if (dims.length > 32)
    throw new FormatError('importOnnx', `${label}: ${dims.length} dimensions is too many`);
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new FormatError('importOnnx', `${label}: negative dimension ${d}`);
    count *= d;
  }
  if (count > MAX_TENSOR_ELEMENTS)
    throw new FormatError('importOnnx', `${label}: ${count} elements is too many`);
  const size = dataType === ONNX_FLOAT || dataType === ONNX_INT32 ? 4 : dataType === ONNX_BOOL ? 1 : 8;
  if (![ONNX_FLOAT, ONNX_DOUBLE, ONNX_INT32, ONNX_INT64, ONNX_BOOL].includes(dataType)) {
    throw new FormatError(
      'importOnnx',
      `${label}: data type ${dataType} is not supported (float, double, int32, int64, bool)`,
    );
  }
  let values: Float32Array | Float64Array | number[];
  if (raw) {
    if (raw.length !== count * size) {
      throw new FormatError(
        'importOnnx',
        `${label}: raw_data has ${raw.length} bytes, dims [${dims.join(', ')}] need ${count * size}`,
      );
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (dataType === ONNX_FLOAT) {
      values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
    } else if (dataType === ONNX_DOUBLE) {
      values = new Float64Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(8 * i, true);
    } else if (dataType === ONNX_INT64) {
      values = [];
      for (let i = 0; i < count; i++)
        values.push(toSafeInt(view.getBigUint64(8 * i, true), `${label} value`));
    } else if (dataType === ONNX_INT32) {
      values = [];
      for (let i = 0; i < count; i++) values.push(view.getInt32(4 * i, true));
    } else values = Array.from(raw, (b) => (b ? 1 : 0));
  } else {
    const typed = dataType === ONNX_FLOAT ? floatData : dataType === ONNX_DOUBLE ? doubleData : intData;
    if (typed.length !== count) {
      throw new FormatError(
        'importOnnx',
        `${label}: has ${typed.length} values, dims [${dims.join(', ')}] need ${count}`,
      );
    }
    values =
      dataType === ONNX_FLOAT
        ? Float32Array.from(typed)
        : dataType === ONNX_DOUBLE
          ? Float64Array.from(typed)
          : typed;
  }
  return { name, dataType, dims, values };
}

/** Appends without spreading (a spread of a hostile million-element array would overflow the stack). */
function append(target: number[], source: readonly number[]): void {
  for (const x of source) target.push(x);
}

function repeatedDoubles(f: ProtoField, what: string): number[] {
  if (f.bytes.length % 8 !== 0) throw new FormatError('importOnnx', `${what}: not a multiple of 8 bytes`);
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < f.bytes.length; i += 8) out.push(view.getFloat64(i, true));
  return out;
}

function decodeAttribute(bytes: Uint8Array, what: string): OnnxAttribute {
  let name = '';
  let type = 0;
  let f32: number | null = null;
  let i64: number | null = null;
  let s: string | null = null;
  let t: OnnxTensor | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) name = toText(f.bytes, `${what} name`);
    else if (f.field === 20) type = toSafeInt(f.varint, `${what} type`);
    else if (f.field === 2) {
      expectWire(f, WIRE_FIXED32, `${what} f`);
      f32 = repeatedFloats(f, `${what} f`)[0]!;
    } else if (f.field === 3) {
      expectWire(f, WIRE_VARINT, `${what} i`);
      i64 = toSafeInt(f.varint, `${what} i`);
    } else if (f.field === 4) s = toText(f.bytes, `${what} s`);
    else if (f.field === 5) {
      expectWire(f, WIRE_BYTES, `${what} t`);
      t = decodeTensor(f.bytes, `${what} tensor`);
    } else if (f.field === 7) append(floats, repeatedFloats(f, `${what} floats`));
    else if (f.field === 8) append(ints, repeatedInts(f, `${what} ints`));
    else if (f.field === 6 || f.field === 11) {
      throw new FormatError(
        'importOnnx',
        `${what} '${name}': graph attributes (control flow) are not supported`,
      );
    }
  }
  const label = `${what} '${name}'`;
  const need = <T>(v: T | null): T => {
    if (v === null) throw new FormatError('importOnnx', `${label}: type ${type} but no value`);
    return v;
  };
  let value: OnnxAttributeValue;
  if (type === ATTR_FLOAT) value = need(f32);
  else if (type === ATTR_INT) value = need(i64);
  else if (type === ATTR_STRING) value = need(s);
  else if (type === ATTR_TENSOR) value = need(t);
  else if (type === ATTR_FLOATS) value = floats;
  else if (type === ATTR_INTS) value = ints;
  else throw new FormatError('importOnnx', `${label}: attribute type ${type} is not supported`);
  return { name, type, value };
}

function decodeNode(bytes: Uint8Array, what: string): OnnxNode {
  const node: OnnxNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: [] };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) node.inputs.push(toText(f.bytes, `${what} input`));
    else if (f.field === 2) node.outputs.push(toText(f.bytes, `${what} output`));
    else if (f.field === 3) node.name = toText(f.bytes, `${what} name`);
    else if (f.field === 4) node.opType = toText(f.bytes, `${what} op_type`);
    else if (f.field === 7) node.domain = toText(f.bytes, `${what} domain`);
    else if (f.field === 5) {
      expectWire(f, WIRE_BYTES, `${what} attribute`);
      node.attributes.push(decodeAttribute(f.bytes, `${what} attribute`));
    }
  }
  return node;
}

function decodeValueInfo(bytes: Uint8Array, what: string): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', elemType: 0, shape: null };
  for (const f of readFields(bytes, what)) {
    if (f.field === 1) info.name = toText(f.bytes, `${what} name`);
    else if (f.field === 2 && f.wireType === WIRE_BYTES) {
      for (const typeField of readFields(f.bytes, `${what} type`)) {
        if (typeField.field !== 1 || typeField.wireType !== WIRE_BYTES) continue;
        for (const tf of readFields(typeField.bytes, `${what} tensor_type`)) {
          if (tf.field === 1) info.elemType = toSafeInt(tf.varint, `${what} elem_type`);
          else if (tf.field === 2 && tf.wireType === WIRE_BYTES) {
            info.shape = [];
            for (const dimField of readFields(tf.bytes, `${what} shape`)) {
              if (dimField.field !== 1 || dimField.wireType !== WIRE_BYTES) continue;
              let dim: number | string = '?';
              for (const d of readFields(dimField.bytes, `${what} dim`)) {
                if (d.field === 1) dim = toSafeInt(d.varint, `${what} dim_value`);
                else if (d.field === 2) dim = toText(d.bytes, `${what} dim_param`);
              }
              info.shape.push(dim);
            }
          }
        }
      }
    }
  }
  return info;
}

/** Parses an ONNX ModelProto; anything malformed is a FormatError naming the part that is wrong. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(
      'importOnnx',
      `expected the bytes of an .onnx file (a Uint8Array), got ${typeof bytes}`,
    );
  }
  const model: OnnxModel = { irVersion: 0, opsetVersion: 0, producerName: '', graph: emptyGraph() };
  let sawGraph = false;
  let sawOpset = false;
  for (const f of readFields(bytes, 'model')) {
    if (f.field === 1) model.irVersion = toSafeInt(f.varint, 'model ir_version');
    else if (f.field === 2) model.producerName = toText(f.bytes, 'model producer_name');
    else if (f.field === 7) {
      expectWire(f, WIRE_BYTES, 'model graph');
      model.graph = decodeGraph(f.bytes);
      sawGraph = true;
    } else if (f.field === 8) {
      expectWire(f, WIRE_BYTES, 'model opset_import');
      let domain = '';
      let version = 0;
      for (const o of readFields(f.bytes, 'opset_import')) {
        if (o.field === 1) domain = toText(o.bytes, 'opset_import domain');
        else if (o.field === 2) version = toSafeInt(o.varint, 'opset_import version');
      }
      if (domain === '' || domain === 'ai.onnx') {
        model.opsetVersion = version;
        sawOpset = true;
      }
    }
  }
  if (!sawGraph) throw new FormatError('importOnnx', 'not an ONNX model: no graph (is this an .onnx file?)');
  if (!sawOpset) throw new FormatError('importOnnx', 'the model imports no opset of the default ONNX domain');
  return model;
}

function emptyGraph(): OnnxGraph {
  return { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
}

function decodeGraph(bytes: Uint8Array): OnnxGraph {
  const graph = emptyGraph();
  for (const f of readFields(bytes, 'graph')) {
    if (f.field !== 2 && f.wireType !== WIRE_BYTES) continue;
    if (f.field === 1) graph.nodes.push(decodeNode(f.bytes, `node ${graph.nodes.length}`));
    else if (f.field === 2) graph.name = toText(f.bytes, 'graph name');
    else if (f.field === 5) graph.initializers.push(decodeTensor(f.bytes, 'initializer'));
    else if (f.field === 11) graph.inputs.push(decodeValueInfo(f.bytes, 'graph input'));
    else if (f.field === 12) graph.outputs.push(decodeValueInfo(f.bytes, 'graph output'));
  }
  return graph;
}
