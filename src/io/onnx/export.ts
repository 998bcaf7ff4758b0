// @file io.exportOnnx: traces a model's forward pass and writes it as an ONNX (opset 17) model.
import { enableGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import type { Module } from '../../nn/module.js';
import { Tensor } from '../../tensor/tensor.js';
import { layerConverter } from './export-layers.js';
import { OP_CONVERTERS } from './export-ops.js';
import { GraphBuilder, onnxType } from './graph-builder.js';
import { ONNX_DOUBLE, ONNX_FLOAT, encodeModel, type OnnxValueInfo } from './schema.js';
import type { TraceContext } from './trace-context.js';

/** The opset exportOnnx writes, and the IR version that goes with it (ONNX 1.12). */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
  outputName?: string;
  /** Leave dim 0 symbolic ('batch') so any batch size runs (default true). */
  dynamicBatch?: boolean;
  /** The graph's name (default: the model's class name). */
  graphName?: string;
  /** Key/value strings stored in the model's metadata_props (e.g. class names, the input encoding). */
  metadata?: Record<string, string>;
}

/**
 * Exports `model` as an ONNX model (opset 17, IR 8) by tracing `model.forward(exampleInput)` in eval mode, the
 * way torch.onnx.export does: each known layer (Linear, Conv1d/2d, pools, BatchNorm, LayerNorm, Dropout,
 * Flatten, Embedding, every activation, softmax/logSoftmax, …) becomes its ONNX nodes, and functional ops between
 * layers (elementwise arithmetic, matmul, reshape/permute/cat, activations, softmax) are read from the autograd
 * graph the forward pass records. Parameters and buffers become initializers named by their state-dict keys.
 * Dim 0 of the input and output is the symbolic `batch` unless `dynamicBatch` is false. An op with no ONNX
 * conversion is a ValueError naming it. The model's mode and parameters are left as they were.
 *
 * @returns the bytes of an `.onnx` file (ONNX Runtime: `InferenceSession.create(bytes)`).
 */
export function exportOnnx(
  model: Module<[Tensor], Tensor>,
  exampleInput: Tensor,
  options: OnnxExportOptions = {},
): Uint8Array {
  if (!(exampleInput instanceof Tensor))
    throw new ValueError('exportOnnx', 'exampleInput must be a Tensor (one batch of inputs)');
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const dynamic = options.dynamicBatch ?? true;
  if (dynamic && exampleInput.ndim === 0)
    throw new ValueError(
      'exportOnnx',
      'a 0-d example input has no batch dimension; pass dynamicBatch: false',
    );
  const tracer = new Tracer(dynamic ? exampleInput.shape[0]! : null);
  const graph = tracer.graph;
  graph.fresh(inputName);
  graph.fresh(outputName);

  for (const [name, p] of model.namedParameters()) tracer.stateNames.set(p, name);
  for (const [name, b] of model.namedBuffers()) tracer.stateNames.set(b, name);
  const input = exampleInput.detach();
  if (input.dtype === 'float32' || input.dtype === 'float64') input.requiresGrad_(true);
  tracer.names.set(input, inputName);

  const restore: (() => void)[] = [];
  const wasTraining = model.training;
  model.eval();
  restore.push(() => model.train(wasTraining));
  for (const p of model.parameters()) {
    if (!p.requiresGrad) {
      p.requiresGrad_(true);
      restore.push(() => p.requiresGrad_(false));
    }
  }
  for (const module of model.modules()) {
    const converter = layerConverter(module);
    if (!converter) continue;
    const target = module as unknown as { forward: (x: Tensor) => Tensor };
    const own = Object.getOwnPropertyDescriptor(target, 'forward');
    const original = target.forward;
    target.forward = (x: Tensor): Tensor => {
      const y = original.call(module, x);
      tracer.names.set(y, converter(tracer, module, x, y));
      return y;
    };
    restore.push(() => {
      if (own) Object.defineProperty(target, 'forward', own);
      else delete (target as Partial<typeof target>).forward;
    });
  }

  let output: Tensor;
  let resultName: string;
  try {
    output = enableGrad(() => model.forward(input));
    if (!(output instanceof Tensor))
      throw new ValueError('exportOnnx', "the model's forward must return one Tensor");
    resultName = tracer.resolve(output);
  } finally {
    for (let i = restore.length - 1; i >= 0; i--) restore[i]!();
  }
  const producer = graph.nodes.find((n) => n.outputs.includes(resultName));
  const consumed = graph.nodes.some((n) => n.inputs.includes(resultName));
  if (producer && !consumed) producer.outputs[producer.outputs.indexOf(resultName)] = outputName;
  else
    graph.nodes.push({
      opType: 'Identity',
      domain: '',
      name: 'output_identity',
      inputs: [resultName],
      outputs: [outputName],
      attributes: [],
    });

  const shapeOf = (t: Tensor): (number | string)[] =>
    t.shape.map((d, i) => (i === 0 && tracer.batch !== null && d === tracer.batch ? 'batch' : d));
  const inputs: OnnxValueInfo[] = [
    { name: inputName, elemType: onnxType(exampleInput.dtype), shape: shapeOf(exampleInput) },
  ];
  const outputs: OnnxValueInfo[] = [
    { name: outputName, elemType: onnxType(output.dtype), shape: shapeOf(output) },
  ];
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'neurite',
    ...(options.metadata ? { metadata: options.metadata } : {}),
    graph: {
      name: options.graphName ?? model.constructor.name,
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs,
      outputs,
    },
  });
}

/** Maps traced tensors to ONNX value names, emitting nodes for the ops that produced them on first use. */
class Tracer implements TraceContext {
  readonly graph = new GraphBuilder();
  readonly names = new Map<Tensor, string>();
  readonly stateNames = new Map<Tensor, string>();

  constructor(readonly batch: number | null) {}

  floatType(t: Tensor): number {
    return t.dtype === 'float64' ? ONNX_DOUBLE : ONNX_FLOAT;
  }

  reshapeTarget(input: Tensor, out: Tensor): string {
    const dims = [...out.shape];
    const b = this.batch;
    if (b !== null && input.shape[0] === b && dims.length > 0 && dims[0]! % b === 0) dims[0] = -1;
    return this.graph.int64s(dims);
  }

  resolve(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    let name: string;
    const stateName = this.stateNames.get(t);
    const fn = t.gradFn;
    if (stateName !== undefined) {
      name = this.graph.initializer(stateName, t);
    } else if (fn) {
      const convert = OP_CONVERTERS[fn.name];
      if (!convert) {
        throw new ValueError(
          'exportOnnx',
          `op '${fn.name}' has no ONNX conversion (functional ops supported: ${Object.keys(OP_CONVERTERS).join(', ')}; ` +
            'and the layers Linear, Conv1d/2d, pools, BatchNorm, LayerNorm, Dropout, Flatten, Embedding, activations)',
        );
      }
      name = convert(this, fn.inputs, t);
    } else {
      if (this.batch !== null && this.batch > 1 && t.ndim >= 2 && t.shape[0] === this.batch) {
        throw new ValueError(
          'exportOnnx',
          `a tensor of shape [${t.shape.join(', ')}] reached the output without a recorded op (computed under noGrad, ` +
            'or by an op without a gradient such as argmax or a comparison); it would be frozen into the graph',
        );
      }
      name = this.graph.tensorConstant(t);
    }
    this.names.set(t, name);
    return name;
  }
}
