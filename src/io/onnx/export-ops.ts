// @file ONNX converters for functional ops found in the autograd graph (x.relu(), a.add(b), cat, permute, …).
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { emitGelu, emitSoftplus } from './export-layers.js';
import type { TraceContext } from './trace-context.js';

/** Emits the nodes of one recorded op (its inputs and output) and returns the output's value name. */
export type OpConverter = (ctx: TraceContext, inputs: readonly Tensor[], output: Tensor) => string;

/** The recorded argument `key` of the op that produced `output` (see NodeAttributes in autograd/node.ts). */
function attribute(op: string, output: Tensor, key: string): number | string | readonly number[] {
  const value = output.gradFn?.attrs[key];
  if (value === undefined) {
    throw new ValueError('exportOnnx', `the recorded '${op}' op does not carry its '${key}' argument`);
  }
  return value;
}

const numberAttribute = (op: string, output: Tensor, key: string): number =>
  attribute(op, output, key) as number;

function unary(opType: string): OpConverter {
  return (ctx, [x]) => ctx.graph.op(opType, [ctx.resolve(x!)]);
}

function binary(opType: string): OpConverter {
  return (ctx, [a, b]) => ctx.graph.op(opType, [ctx.resolve(a!), ctx.resolve(b!)]);
}

/** The converters of the functional ops exportOnnx knows, keyed by the autograd node's name. */
export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  matmul: binary('MatMul'),
  neg: unary('Neg'),
  abs: unary('Abs'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  reciprocal: unary('Reciprocal'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  clone: unary('Identity'),
  contiguous: unary('Identity'),
  copy: unary('Identity'),
  square: (ctx, [x]) => {
    const xi = ctx.resolve(x!);
    return ctx.graph.op('Mul', [xi, xi]);
  },
  rsqrt: (ctx, [x]) => ctx.graph.op('Reciprocal', [ctx.graph.op('Sqrt', [ctx.resolve(x!)])]),
  log1p: (ctx, [x]) =>
    ctx.graph.op('Log', [
      ctx.graph.op('Add', [ctx.resolve(x!), ctx.graph.floatConstant([1], ctx.floatType(x!))]),
    ]),
  expm1: (ctx, [x]) =>
    ctx.graph.op('Sub', [
      ctx.graph.op('Exp', [ctx.resolve(x!)]),
      ctx.graph.floatConstant([1], ctx.floatType(x!)),
    ]),
  silu: (ctx, [x]) => {
    const xi = ctx.resolve(x!);
    return ctx.graph.op('Mul', [xi, ctx.graph.op('Sigmoid', [xi])]);
  },
  logSigmoid: (ctx, [x]) =>
    ctx.graph.op('Neg', [ctx.graph.op('Softplus', [ctx.graph.op('Neg', [ctx.resolve(x!)])])]),
  gelu: (ctx, [x], y) =>
    emitGelu(ctx, ctx.resolve(x!), ctx.floatType(x!), attribute('gelu', y, 'approximate') as 'none' | 'tanh'),
  softplus: (ctx, [x], y) =>
    emitSoftplus(
      ctx,
      ctx.resolve(x!),
      ctx.floatType(x!),
      numberAttribute('softplus', y, 'beta'),
      numberAttribute('softplus', y, 'threshold'),
    ),
  leakyRelu: (ctx, [x], y) =>
    ctx.graph.op('LeakyRelu', [ctx.resolve(x!)], {
      alpha: { float: numberAttribute('leakyRelu', y, 'negativeSlope') },
    }),
  elu: (ctx, [x], y) =>
    ctx.graph.op('Elu', [ctx.resolve(x!)], { alpha: { float: numberAttribute('elu', y, 'alpha') } }),
  pow: (ctx, inputs, y) => {
    if (inputs.length === 2) return ctx.graph.op('Pow', [ctx.resolve(inputs[0]!), ctx.resolve(inputs[1]!)]);
    const operand = inputs[0]!;
    const type = ctx.floatType(operand);
    const base = y.gradFn?.attrs['base'];
    if (typeof base === 'number') {
      return ctx.graph.op('Pow', [ctx.graph.floatConstant([base], type), ctx.resolve(operand)]);
    }
    const exponent = numberAttribute('pow', y, 'exponent');
    return ctx.graph.op('Pow', [ctx.resolve(operand), ctx.graph.floatConstant([exponent], type)]);
  },
  softmax: (ctx, [x], y) =>
    ctx.graph.op('Softmax', [ctx.resolve(x!)], { axis: numberAttribute('softmax', y, 'dim') }),
  logSoftmax: (ctx, [x], y) =>
    ctx.graph.op('LogSoftmax', [ctx.resolve(x!)], { axis: numberAttribute('logSoftmax', y, 'dim') }),
  reshape: (ctx, [x], y) => ctx.graph.op('Reshape', [ctx.resolve(x!), ctx.reshapeTarget(x!, y)]),
  view: (ctx, [x], y) => ctx.graph.op('Reshape', [ctx.resolve(x!), ctx.reshapeTarget(x!, y)]),
  permute: (ctx, [x], y) =>
    ctx.graph.op('Transpose', [ctx.resolve(x!)], {
      perm: [...(attribute('permute', y, 'perm') as number[])],
    }),
  cat: (ctx, inputs, y) =>
    ctx.graph.op(
      'Concat',
      inputs.map((t) => ctx.resolve(t)),
      { axis: numberAttribute('cat', y, 'dim') },
    ),
  linear: (ctx, inputs) => {
    const [x, w, b] = inputs;
    const names = [ctx.resolve(x!), ctx.resolve(w!)];
    if (b) names.push(ctx.resolve(b));
    return ctx.graph.op('Gemm', names, { transB: 1 });
  },
};
