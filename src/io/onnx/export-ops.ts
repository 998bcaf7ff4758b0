// @file ONNX converters for functional ops found in the autograd graph (x.relu(), a.add(b), cat, permute, …).
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import { elu, leakyRelu, pow, softplus } from '../../ops/elementwise.js';
import { cat, permute } from '../../ops/shape.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import type { Tensor } from '../../tensor/tensor.js';
import { emitGelu, emitSoftplus } from './export-layers.js';
import type { TraceContext } from './trace-context.js';

/** Emits the nodes of one recorded op (its inputs and output) and returns the output's value name. */
export type OpConverter = (ctx: TraceContext, inputs: readonly Tensor[], output: Tensor) => string;

function sameValues(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** The first candidate whose recomputation reproduces `output` (attributes the autograd graph does not keep). */
function findAttribute<T>(
  op: string,
  output: Tensor,
  candidates: readonly T[],
  recompute: (c: T) => Tensor,
): T {
  for (const c of candidates) {
    let result: Tensor | null = null;
    try {
      result = noGrad(() => recompute(c));
    } catch {
      continue;
    }
    if (sameValues(result, output)) return c;
  }
  throw new ValueError(
    'exportOnnx',
    `cannot recover the arguments of '${op}' from the traced values; use the layer class instead`,
  );
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  }
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function unary(opType: string): OpConverter {
  return (ctx, [x]) => ctx.graph.op(opType, [ctx.resolve(x!)]);
}

function binary(opType: string): OpConverter {
  return (ctx, [a, b]) => ctx.graph.op(opType, [ctx.resolve(a!), ctx.resolve(b!)]);
}

/** A parameter of an elementwise op, read off a value where it acts (x < 0 for leakyRelu/elu), then verified. */
function slopeFrom(
  x: Tensor,
  y: Tensor,
  where: (v: number) => boolean,
  of: (xv: number, yv: number) => number,
  fallback: number,
): number[] {
  const xs = x.dataSync();
  const ys = y.dataSync();
  for (let i = 0; i < xs.length; i++)
    if (where(Number(xs[i]))) return [of(Number(xs[i]), Number(ys[i])), fallback];
  return [fallback];
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
  gelu: (ctx, [x]) => emitGelu(ctx, ctx.resolve(x!), ctx.floatType(x!), 'none'),
  geluTanh: (ctx, [x]) => emitGelu(ctx, ctx.resolve(x!), ctx.floatType(x!), 'tanh'),
  softplus: (ctx, [x], y) => {
    findAttribute('softplus', y, [[1, 20]], () => softplus(x!));
    return emitSoftplus(ctx, ctx.resolve(x!), ctx.floatType(x!), 1, 20);
  },
  leakyRelu: (ctx, [x], y) => {
    const candidates = slopeFrom(
      x!,
      y,
      (v) => v < 0,
      (xv, yv) => yv / xv,
      0.01,
    );
    const slope = findAttribute(
      'leakyRelu',
      y,
      candidates.map((c) => Math.fround(c)).concat(candidates),
      (s) => leakyRelu(x!, s),
    );
    return ctx.graph.op('LeakyRelu', [ctx.resolve(x!)], { alpha: { float: slope } });
  },
  elu: (ctx, [x], y) => {
    const candidates = slopeFrom(
      x!,
      y,
      (v) => v < -0.01,
      (xv, yv) => yv / Math.expm1(xv),
      1,
    );
    const alpha = findAttribute('elu', y, [1, ...candidates.map((c) => Math.fround(c)), ...candidates], (a) =>
      elu(x!, a),
    );
    return ctx.graph.op('Elu', [ctx.resolve(x!)], { alpha: { float: alpha } });
  },
  pow: (ctx, inputs, y) => {
    if (inputs.length === 2) return ctx.graph.op('Pow', [ctx.resolve(inputs[0]!), ctx.resolve(inputs[1]!)]);
    const x = inputs[0]!;
    const exponent = findAttribute('pow', y, [2, 3, 0.5, -1, -0.5, 4, 1], (e) => pow(x, e));
    return ctx.graph.op('Pow', [ctx.resolve(x), ctx.graph.floatConstant([exponent], ctx.floatType(x))]);
  },
  softmax: (ctx, [x], y) => {
    const dim = findAttribute('softmax', y, range(x!.ndim), (d) => softmax(x!, d));
    return ctx.graph.op('Softmax', [ctx.resolve(x!)], { axis: dim });
  },
  logSoftmax: (ctx, [x], y) => {
    const dim = findAttribute('logSoftmax', y, range(x!.ndim), (d) => logSoftmax(x!, d));
    return ctx.graph.op('LogSoftmax', [ctx.resolve(x!)], { axis: dim });
  },
  reshape: (ctx, [x], y) => ctx.graph.op('Reshape', [ctx.resolve(x!), ctx.reshapeTarget(x!, y)]),
  view: (ctx, [x], y) => ctx.graph.op('Reshape', [ctx.resolve(x!), ctx.reshapeTarget(x!, y)]),
  permute: (ctx, [x], y) => {
    const perm = findAttribute(
      'permute',
      y,
      permutations(x!.ndim).filter((p) => p.every((d, i) => x!.shape[d] === y.shape[i])),
      (p) => permute(x!, p),
    );
    return ctx.graph.op('Transpose', [ctx.resolve(x!)], { perm });
  },
  cat: (ctx, inputs, y) => {
    const dim = findAttribute('cat', y, range(y.ndim), (d) => cat(inputs, d));
    return ctx.graph.op(
      'Concat',
      inputs.map((t) => ctx.resolve(t)),
      { axis: dim },
    );
  },
  linear: (ctx, inputs) => {
    const [x, w, b] = inputs;
    const names = [ctx.resolve(x!), ctx.resolve(w!)];
    if (b) names.push(ctx.resolve(b));
    return ctx.graph.op('Gemm', names, { transB: 1 });
  },
};
