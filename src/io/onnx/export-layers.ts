// @file ONNX converters for nn layers: each maps one traced layer call (module, input, output) to ONNX nodes.
import { ValueError } from '../../errors.js';
import {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  ReLU,
  ReLU6,
  SiLU,
  Sigmoid,
  Softmax,
  Softmin,
  Softplus,
  Softsign,
  Tanh,
} from '../../nn/layers/activation.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Dropout, Dropout2d } from '../../nn/layers/dropout.js';
import { Embedding } from '../../nn/layers/embedding.js';
import { Flatten, Unflatten } from '../../nn/layers/flatten.js';
import { Identity, Linear } from '../../nn/layers/linear.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '../../nn/layers/normalization.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../nn/layers/pooling.js';
import type { AnyModule } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { float } from './graph-builder.js';
import type { TraceContext } from './trace-context.js';

/** Emits the nodes of one layer call and returns the output's value name. */
export type LayerConverter<M> = (ctx: TraceContext, module: M, input: Tensor, output: Tensor) => string;

type AnyLayerClass = abstract new (...args: never[]) => AnyModule;

interface LayerEntry {
  layer: AnyLayerClass;
  convert: LayerConverter<never>;
}

const pair = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v, v] : [...v]);

/** 0.5·x·(1 + erf(x/√2)) or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): opset 17 has no Gelu. */
export function emitGelu(ctx: TraceContext, x: string, type: number, approximate: 'none' | 'tanh'): string {
  const g = ctx.graph;
  const c = (v: number): string => g.floatConstant([v], type);
  let inner: string;
  if (approximate === 'none') {
    inner = g.op('Erf', [g.op('Div', [x, c(Math.SQRT2)])]);
  } else {
    const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
    const poly = g.op('Add', [x, g.op('Mul', [cube, c(0.044715)])]);
    inner = g.op('Tanh', [g.op('Mul', [poly, c(Math.sqrt(2 / Math.PI))])]);
  }
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [inner, c(1)])]), c(0.5)]);
}

/** PyTorch's softplus: x where β·x > threshold, else log(1 + e^{β·x})/β. */
export function emitSoftplus(
  ctx: TraceContext,
  x: string,
  type: number,
  beta: number,
  threshold: number,
): string {
  const g = ctx.graph;
  const c = (v: number): string => g.floatConstant([v], type);
  const scaled = beta === 1 ? x : g.op('Mul', [x, c(beta)]);
  let soft = g.op('Softplus', [scaled]);
  if (beta !== 1) soft = g.op('Div', [soft, c(beta)]);
  return g.op('Where', [g.op('Greater', [scaled, c(threshold)]), x, soft]);
}

function unary(opType: string): LayerConverter<AnyModule> {
  return (ctx, _m, x) => ctx.graph.op(opType, [ctx.resolve(x)]);
}

function convert<M extends AnyModule>(
  layer: abstract new (...args: never[]) => M,
  fn: LayerConverter<M>,
): LayerEntry {
  return { layer, convert: fn as LayerConverter<never> };
}

function convPads(module: Conv1d | Conv2d): number[] {
  const { padding, kernelSize, dilation } = module;
  if (padding === 'valid') return [...kernelSize.map(() => 0), ...kernelSize.map(() => 0)];
  if (padding === 'same') {
    const totals = kernelSize.map((k, i) => dilation[i]! * (k - 1));
    return [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))];
  }
  return [...padding, ...padding];
}

const convLayer: LayerConverter<Conv1d | Conv2d> = (ctx, m, x) => {
  if (m.paddingMode !== 'zeros') {
    throw new ValueError(
      'exportOnnx',
      `${m.constructor.name} with paddingMode '${m.paddingMode}' has no ONNX conversion (only 'zeros')`,
    );
  }
  const inputs = [ctx.resolve(x), ctx.resolve(m.weight)];
  if (m.bias) inputs.push(ctx.resolve(m.bias));
  return ctx.graph.op('Conv', inputs, {
    kernel_shape: [...m.kernelSize],
    strides: [...m.stride],
    dilations: [...m.dilation],
    pads: convPads(m),
    group: m.groups,
  });
};

function batchNormLayer(ctx: TraceContext, m: BatchNorm1d | BatchNorm2d, x: Tensor): string {
  if (!m.running_mean || !m.running_var) {
    throw new ValueError(
      'exportOnnx',
      `${m.constructor.name} without running statistics (trackRunningStats: false) has no inference form to export`,
    );
  }
  const g = ctx.graph;
  const type = ctx.floatType(x);
  const n = m.numFeatures;
  const scale = m.weight ? ctx.resolve(m.weight) : g.floatConstant(new Array<number>(n).fill(1), type, [n]);
  const bias = m.bias ? ctx.resolve(m.bias) : g.floatConstant(new Array<number>(n).fill(0), type, [n]);
  return g.op(
    'BatchNormalization',
    [ctx.resolve(x), scale, bias, ctx.resolve(m.running_mean), ctx.resolve(m.running_var)],
    {
      epsilon: float(m.eps),
    },
  );
}

/** The converters of every layer class exportOnnx knows; a subclass matches its base's entry. */
export const LAYER_CONVERTERS: readonly LayerEntry[] = [
  convert(Linear, (ctx, m, x) => {
    const g = ctx.graph;
    const xi = ctx.resolve(x);
    const w = ctx.resolve(m.weight);
    if (x.ndim === 2) return g.op('Gemm', m.bias ? [xi, w, ctx.resolve(m.bias)] : [xi, w], { transB: 1 });
    const product = g.op('MatMul', [xi, g.op('Transpose', [w], { perm: [1, 0] })]);
    return m.bias ? g.op('Add', [product, ctx.resolve(m.bias)]) : product;
  }),
  convert(Conv2d, convLayer),
  convert(Conv1d, convLayer),
  convert(MaxPool2d, (ctx, m, x) => {
    const padding = pair(m.padding);
    return ctx.graph.node('MaxPool', [ctx.resolve(x)], {
      kernel_shape: pair(m.kernelSize),
      strides: pair(m.stride),
      pads: [...padding, ...padding],
      dilations: pair(m.dilation),
      ceil_mode: m.ceilMode ? 1 : 0,
    })[0]!;
  }),
  convert(AvgPool2d, (ctx, m, x) => {
    if (m.divisorOverride !== null)
      throw new ValueError('exportOnnx', 'AvgPool2d with divisorOverride has no ONNX conversion');
    const padding = pair(m.padding);
    return ctx.graph.op('AveragePool', [ctx.resolve(x)], {
      kernel_shape: pair(m.kernelSize),
      strides: pair(m.stride),
      pads: [...padding, ...padding],
      ceil_mode: m.ceilMode ? 1 : 0,
      count_include_pad: m.countIncludePad ? 1 : 0,
    });
  }),
  convert(AdaptiveAvgPool2d, (ctx, _m, x, y) => {
    const [h, w] = x.shape.slice(-2) as [number, number];
    const [oh, ow] = y.shape.slice(-2) as [number, number];
    if (oh === 1 && ow === 1) return ctx.graph.op('GlobalAveragePool', [ctx.resolve(x)]);
    if (h % oh !== 0 || w % ow !== 0) {
      throw new ValueError(
        'exportOnnx',
        `AdaptiveAvgPool2d from ${h}×${w} to ${oh}×${ow} has no ONNX conversion (sizes must divide)`,
      );
    }
    return ctx.graph.op('AveragePool', [ctx.resolve(x)], {
      kernel_shape: [h / oh, w / ow],
      strides: [h / oh, w / ow],
    });
  }),
  convert(BatchNorm1d, batchNormLayer),
  convert(BatchNorm2d, batchNormLayer),
  convert(LayerNorm, (ctx, m, x) => {
    const g = ctx.graph;
    const size = m.normalizedShape.reduce((a, b) => a * b, 1);
    const scale = m.weight
      ? ctx.resolve(m.weight)
      : g.floatConstant(new Array<number>(size).fill(1), ctx.floatType(x), [...m.normalizedShape]);
    const inputs = [ctx.resolve(x), scale];
    if (m.bias) inputs.push(ctx.resolve(m.bias));
    return g.op('LayerNormalization', inputs, { axis: -m.normalizedShape.length, epsilon: float(m.eps) });
  }),
  convert(Dropout, (ctx, _m, x) => ctx.resolve(x)),
  convert(Dropout2d, (ctx, _m, x) => ctx.resolve(x)),
  convert(Identity, (ctx, _m, x) => ctx.resolve(x)),
  convert(Flatten, (ctx, m, x, y) => {
    const start = m.startDim < 0 ? m.startDim + x.ndim : m.startDim;
    const end = m.endDim < 0 ? m.endDim + x.ndim : m.endDim;
    if (start === 1 && end === x.ndim - 1) return ctx.graph.op('Flatten', [ctx.resolve(x)], { axis: 1 });
    return ctx.graph.op('Reshape', [ctx.resolve(x), ctx.reshapeTarget(x, y)]);
  }),
  convert(Unflatten, (ctx, _m, x, y) => ctx.graph.op('Reshape', [ctx.resolve(x), ctx.reshapeTarget(x, y)])),
  convert(Embedding, (ctx, m, x) =>
    ctx.graph.op('Gather', [ctx.resolve(m.weight), ctx.resolve(x)], { axis: 0 }),
  ),
  convert(ReLU, unary('Relu')),
  convert(Tanh, unary('Tanh')),
  convert(Sigmoid, unary('Sigmoid')),
  convert(Softsign, unary('Softsign')),
  convert(LeakyReLU, (ctx, m, x) =>
    ctx.graph.op('LeakyRelu', [ctx.resolve(x)], { alpha: float(m.negativeSlope) }),
  ),
  convert(ELU, (ctx, m, x) => ctx.graph.op('Elu', [ctx.resolve(x)], { alpha: float(m.alpha) })),
  convert(LogSigmoid, (ctx, _m, x) => {
    const g = ctx.graph;
    return g.op('Neg', [g.op('Softplus', [g.op('Neg', [ctx.resolve(x)])])]);
  }),
  convert(Softmax, (ctx, m, x) => ctx.graph.op('Softmax', [ctx.resolve(x)], { axis: m.dim })),
  convert(LogSoftmax, (ctx, m, x) => ctx.graph.op('LogSoftmax', [ctx.resolve(x)], { axis: m.dim })),
  convert(Softmin, (ctx, m, x) =>
    ctx.graph.op('Softmax', [ctx.graph.op('Neg', [ctx.resolve(x)])], { axis: m.dim }),
  ),
  convert(GELU, (ctx, m, x) => emitGelu(ctx, ctx.resolve(x), ctx.floatType(x), m.approximate)),
  convert(SiLU, (ctx, _m, x) => {
    const xi = ctx.resolve(x);
    return ctx.graph.op('Mul', [xi, ctx.graph.op('Sigmoid', [xi])]);
  }),
  convert(Mish, (ctx, _m, x) => {
    const g = ctx.graph;
    const xi = ctx.resolve(x);
    return g.op('Mul', [xi, g.op('Tanh', [g.op('Softplus', [xi])])]);
  }),
  convert(Softplus, (ctx, m, x) => emitSoftplus(ctx, ctx.resolve(x), ctx.floatType(x), m.beta, m.threshold)),
  convert(Hardtanh, (ctx, m, x) => {
    const type = ctx.floatType(x);
    return ctx.graph.op('Clip', [
      ctx.resolve(x),
      ctx.graph.floatConstant([m.minVal], type),
      ctx.graph.floatConstant([m.maxVal], type),
    ]);
  }),
  convert(ReLU6, (ctx, _m, x) => {
    const type = ctx.floatType(x);
    return ctx.graph.op('Clip', [
      ctx.resolve(x),
      ctx.graph.floatConstant([0], type),
      ctx.graph.floatConstant([6], type),
    ]);
  }),
];

/**
 * The converter for a module, or null when its forward is traced through op by op: containers, unknown modules,
 * and subclasses of known layers that override forward (their extra ops must not be lost).
 */
export function layerConverter(module: AnyModule): LayerConverter<AnyModule> | null {
  for (const entry of LAYER_CONVERTERS) {
    if (!(module instanceof entry.layer)) continue;
    const own = (entry.layer.prototype as { forward: unknown }).forward;
    return module.forward === own ? (entry.convert as LayerConverter<AnyModule>) : null;
  }
  return null;
}
