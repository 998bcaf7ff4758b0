// @file Replays one differential program (test/fixtures/differential.json) in neurite: its ops, then its backward pass.
import * as nt from '../../src/index.js';
import { nn, type DType, type Tensor } from '../../src/index.js';
import { decode, type Encoded } from '../helpers/golden.js';

const F = nn.functional;

/** A reference to a program value: the k-th input, the j-th op output, a number, or a list of those. */
export type ArgSpec = { in: number } | { out: number } | { scalar: number | string } | { list: ArgSpec[] };
export interface OpSpec {
  op: string;
  args: ArgSpec[];
  params: Record<string, unknown>;
}
export interface Program {
  id: string;
  inputs: (Encoded & { requiresGrad?: boolean })[];
  ops: OpSpec[];
  /** Set when PyTorch rejects the program (its message); neurite must then throw a NeuriteError. */
  error?: string;
  outputs?: Encoded[];
  gradOutputs?: (Encoded | null)[];
  grads?: (Encoded | null)[];
}

type Arg = Tensor | number | Arg[];
type Params = Record<string, unknown>;
type Runner = (args: Arg[], p: Params) => Tensor | Tensor[];

/** A number of the fixture: JSON numbers, or 'nan', 'inf', '-inf'. */
export function decodeNumber(v: number | string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

function decodeParam(v: unknown): unknown {
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeNumber(v);
  if (Array.isArray(v)) return v.map(decodeParam);
  return v;
}

// Typed readers of the op parameters (the fixture is trusted, these only narrow the types).
const num = (p: Params, key: string): number => p[key] as number;
const optNum = (p: Params, key: string): number | undefined => (p[key] ?? undefined) as number | undefined;
const nums = (p: Params, key: string): number[] => p[key] as number[];
const flag = (p: Params, key: string): boolean => p[key] as boolean;
const pair = (p: Params, key: string): number | [number, number] => p[key] as number | [number, number];
const tensorArg = (a: Arg | undefined): Tensor => a as Tensor;
const operand = (a: Arg | undefined): Tensor | number => a as Tensor | number;

const binary =
  (f: (a: Tensor | number, b: Tensor | number) => Tensor): Runner =>
  ([a, b]) =>
    f(operand(a), operand(b));
const unary =
  (f: (x: Tensor) => Tensor): Runner =>
  ([x]) =>
    f(tensorArg(x));
/** A reduction whose `dim` may be null (all dims, no keepdim, as PyTorch's overload without dim). */
const reduction =
  (f: (x: Tensor, dim?: number, keepdim?: boolean) => Tensor): Runner =>
  ([x], p) =>
    p.dim === null ? f(tensorArg(x)) : f(tensorArg(x), num(p, 'dim'), flag(p, 'keepdim'));
const reductionOverDims =
  (f: (x: Tensor, dim?: number | readonly number[], keepdim?: boolean) => Tensor): Runner =>
  ([x], p) =>
    p.dim === null ? f(tensorArg(x)) : f(tensorArg(x), p.dim as number | number[], flag(p, 'keepdim'));
const extreme =
  (f: typeof nt.max): Runner =>
  ([x], p) => {
    if (p.dim === null) return f(tensorArg(x));
    const { values, indices } = f(tensorArg(x), num(p, 'dim'), flag(p, 'keepdim'));
    return [values, indices];
  };
const dimsOrAll = (p: Params): number | number[] | undefined =>
  (p.dim ?? undefined) as number | number[] | undefined;

/** The neurite call of every op name that scripts/fixtures/differential.py generates. */
export const RUNNERS: Record<string, Runner> = {
  add: binary(nt.add),
  sub: binary(nt.sub),
  mul: binary(nt.mul),
  div: binary(nt.div),
  pow: binary(nt.pow),
  maximum: binary(nt.maximum),
  minimum: binary(nt.minimum),
  eq: binary(nt.eq),
  ne: binary(nt.ne),
  lt: binary(nt.lt),
  le: binary(nt.le),
  gt: binary(nt.gt),
  ge: binary(nt.ge),
  logicalAnd: binary(nt.logicalAnd),
  logicalOr: binary(nt.logicalOr),
  where: ([c, a, b]) => nt.where(tensorArg(c), operand(a), operand(b)),
  neg: unary(nt.neg),
  abs: unary(nt.abs),
  exp: unary(nt.exp),
  log: unary(nt.log),
  log1p: unary(nt.log1p),
  expm1: unary(nt.expm1),
  sqrt: unary(nt.sqrt),
  rsqrt: unary(nt.rsqrt),
  square: unary(nt.square),
  reciprocal: unary(nt.reciprocal),
  sin: unary(nt.sin),
  cos: unary(nt.cos),
  tanh: unary(nt.tanh),
  sigmoid: unary(nt.sigmoid),
  logSigmoid: unary(nt.logSigmoid),
  relu: unary(nt.relu),
  silu: unary(nt.silu),
  sign: unary(nt.sign),
  floor: unary(nt.floor),
  ceil: unary(nt.ceil),
  round: unary(nt.round),
  logicalNot: unary(nt.logicalNot),
  isNaN: unary(nt.isNaN),
  isFinite: unary(nt.isFinite),
  relu6: unary(F.relu6),
  softsign: unary(F.softsign),
  mish: unary(F.mish),
  erf: unary(nt.erf),
  leakyRelu: ([x], p) => nt.leakyRelu(tensorArg(x), num(p, 'negativeSlope')),
  elu: ([x], p) => nt.elu(tensorArg(x), num(p, 'alpha')),
  gelu: ([x], p) => nt.gelu(tensorArg(x), p.approximate as 'none' | 'tanh'),
  softplus: ([x], p) => nt.softplus(tensorArg(x), num(p, 'beta'), num(p, 'threshold')),
  hardtanh: ([x], p) => F.hardtanh(tensorArg(x), num(p, 'minVal'), num(p, 'maxVal')),
  clamp: ([x], p) => nt.clamp(tensorArg(x), optNum(p, 'min') ?? null, optNum(p, 'max') ?? null),
  cast: ([x], p) => nt.cast(tensorArg(x), p.dtype as DType),
  sum: reductionOverDims(nt.sum),
  mean: reductionOverDims(nt.mean),
  prod: reduction(nt.prod),
  max: extreme(nt.max),
  min: extreme(nt.min),
  amax: reductionOverDims(nt.amax),
  amin: reductionOverDims(nt.amin),
  any: reductionOverDims(nt.any),
  all: reductionOverDims(nt.all),
  argmax: reduction(nt.argmax),
  argmin: reduction(nt.argmin),
  variance: ([x], p) =>
    nt.variance(tensorArg(x), dimsOrAll(p), {
      correction: num(p, 'correction'),
      keepdim: flag(p, 'keepdim'),
    }),
  std: ([x], p) =>
    nt.std(tensorArg(x), dimsOrAll(p), { correction: num(p, 'correction'), keepdim: flag(p, 'keepdim') }),
  logsumexp: ([x], p) => nt.logsumexp(tensorArg(x), p.dim as number | number[], flag(p, 'keepdim')),
  norm: ([x], p) => nt.norm(tensorArg(x), num(p, 'p'), dimsOrAll(p), flag(p, 'keepdim')),
  softmax: ([x], p) => nt.softmax(tensorArg(x), num(p, 'dim')),
  logSoftmax: ([x], p) => nt.logSoftmax(tensorArg(x), num(p, 'dim')),
  softmin: ([x], p) => F.softmin(tensorArg(x), num(p, 'dim')),
  matmul: ([a, b]) => nt.matmul(tensorArg(a), tensorArg(b)),
  linear: ([x, w, b]) => nt.linear(tensorArg(x), tensorArg(w), b === undefined ? null : tensorArg(b)),
  outer: ([a, b]) => nt.outer(tensorArg(a), tensorArg(b)),
  bmm: ([a, b]) => nt.bmm(tensorArg(a), tensorArg(b)),
  baddbmm: ([x, a, b], p) =>
    nt.baddbmm(tensorArg(x), tensorArg(a), tensorArg(b), { beta: num(p, 'beta'), alpha: num(p, 'alpha') }),
  einsum: (args, p) => nt.einsum(p.equation as string, ...args.map(tensorArg)),
  reshape: ([x], p) => nt.reshape(tensorArg(x), nums(p, 'shape')),
  flatten: ([x], p) => nt.flatten(tensorArg(x), num(p, 'startDim'), num(p, 'endDim')),
  squeeze: ([x], p) => nt.squeeze(tensorArg(x), optNum(p, 'dim')),
  unsqueeze: ([x], p) => nt.unsqueeze(tensorArg(x), num(p, 'dim')),
  permute: ([x], p) => nt.permute(tensorArg(x), nums(p, 'dims')),
  transpose: ([x], p) => nt.transpose(tensorArg(x), num(p, 'dim0'), num(p, 'dim1')),
  expand: ([x], p) => nt.expand(tensorArg(x), nums(p, 'sizes')),
  broadcastTo: ([x], p) => nt.broadcastTo(tensorArg(x), nums(p, 'shape')),
  cat: ([list], p) => nt.cat(list as Tensor[], num(p, 'dim')),
  stack: ([list], p) => nt.stack(list as Tensor[], num(p, 'dim')),
  split: ([x], p) => nt.split(tensorArg(x), p.sizes as number | number[], num(p, 'dim')),
  chunk: ([x], p) => nt.chunk(tensorArg(x), num(p, 'chunks'), num(p, 'dim')),
  narrow: ([x], p) => nt.narrow(tensorArg(x), num(p, 'dim'), num(p, 'start'), num(p, 'length')),
  flip: ([x], p) => nt.flip(tensorArg(x), nums(p, 'dims')),
  cumsum: ([x], p) => nt.cumsum(tensorArg(x), num(p, 'dim')),
  cumprod: ([x], p) => nt.cumprod(tensorArg(x), num(p, 'dim')),
  sort: ([x], p) => {
    const { values, indices } = nt.sort(tensorArg(x), {
      dim: num(p, 'dim'),
      descending: flag(p, 'descending'),
    });
    return [values, indices];
  },
  argsort: ([x], p) => nt.argsort(tensorArg(x), { dim: num(p, 'dim'), descending: flag(p, 'descending') }),
  tril: ([x], p) => nt.tril(tensorArg(x), num(p, 'diagonal')),
  triu: ([x], p) => nt.triu(tensorArg(x), num(p, 'diagonal')),
  repeat: ([x], p) => nt.repeat(tensorArg(x), nums(p, 'sizes')),
  pad: ([x], p) => nt.pad(tensorArg(x), nums(p, 'padding'), p.mode as nt.PadMode, optNum(p, 'value') ?? 0),
  select: ([x], p) => nt.select(tensorArg(x), num(p, 'dim'), num(p, 'index')),
  indexSelect: ([x, index], p) => nt.indexSelect(tensorArg(x), num(p, 'dim'), tensorArg(index)),
  gather: ([x, index], p) => nt.gather(tensorArg(x), num(p, 'dim'), tensorArg(index)),
  scatterAdd: ([x, index, src], p) =>
    nt.scatterAdd(tensorArg(x), num(p, 'dim'), tensorArg(index), tensorArg(src)),
  maskedFill: ([x, mask], p) => nt.maskedFill(tensorArg(x), tensorArg(mask), num(p, 'value')),
  oneHot: ([x], p) => nt.oneHot(tensorArg(x), num(p, 'numClasses')),
  conv2d: ([x, w, b], p) =>
    nt.conv2d(tensorArg(x), tensorArg(w), b === undefined ? null : tensorArg(b), {
      stride: pair(p, 'stride'),
      padding: p.padding as nt.ConvPadding,
      dilation: pair(p, 'dilation'),
      groups: num(p, 'groups'),
    }),
  conv1d: ([x, w, b], p) =>
    nt.conv1d(tensorArg(x), tensorArg(w), b === undefined ? null : tensorArg(b), {
      stride: num(p, 'stride'),
      padding: num(p, 'padding'),
      dilation: num(p, 'dilation'),
      groups: num(p, 'groups'),
    }),
  maxPool2d: ([x], p) =>
    nt.maxPool2d(tensorArg(x), pair(p, 'kernelSize'), {
      stride: (p.stride ?? null) as number | [number, number] | null,
      padding: pair(p, 'padding'),
      dilation: pair(p, 'dilation'),
      ceilMode: flag(p, 'ceilMode'),
    }),
  avgPool2d: ([x], p) =>
    nt.avgPool2d(tensorArg(x), pair(p, 'kernelSize'), {
      stride: (p.stride ?? null) as number | [number, number] | null,
      padding: pair(p, 'padding'),
      ceilMode: flag(p, 'ceilMode'),
      countIncludePad: flag(p, 'countIncludePad'),
      divisorOverride: optNum(p, 'divisorOverride') ?? null,
    }),
  adaptiveAvgPool2d: ([x], p) => nt.adaptiveAvgPool2d(tensorArg(x), p.outputSize as nt.AdaptiveSize),
};

/** What a replay produced: every op output in order, and the gradient of each input (null: not compared). */
export interface Replay {
  outputs: Tensor[];
  grads: (Tensor | null)[];
}

/**
 * Runs `program` on the active backend: decodes its inputs (float inputs require grad), runs each op, then
 * back-propagates once from L = Σᵢ sum(outputᵢ · gradOutputᵢ) over the outputs with a recorded gradOutput, so
 * that the leaves' .grad hold ∂L/∂input as in the generator (one backward pass: gradients meeting at a node are
 * summed before they flow on, as in PyTorch; separate passes would add, e.g., +Inf and −Inf at the leaves).
 * An input without a .grad but with an expected gradient gets zeros (PyTorch's gradient of an unused input, as
 * the generator records it).
 */
export function replay(program: Program): Replay {
  const inputs = program.inputs.map((e) => decode(e, e.requiresGrad ?? false));
  const outputs: Tensor[] = [];
  const resolve = (a: ArgSpec): Arg => {
    if ('in' in a) return inputs[a.in]!;
    if ('out' in a) return outputs[a.out]!;
    if ('list' in a) return a.list.map(resolve);
    return decodeNumber(a.scalar);
  };
  for (const spec of program.ops) {
    const run = RUNNERS[spec.op];
    if (!run) throw new Error(`differential: no runner for op '${spec.op}'`);
    const params = Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, decodeParam(v)]));
    const result = run(spec.args.map(resolve), params);
    outputs.push(...(Array.isArray(result) ? result : [result]));
  }
  let loss: Tensor | null = null;
  (program.gradOutputs ?? []).forEach((g, i) => {
    const out = outputs[i];
    if (g === null || !out) return;
    if (!out.requiresGrad)
      throw new Error(`output ${i} does not require grad, but PyTorch differentiates it`);
    const term = nt.sum(nt.mul(out, decode(g)));
    loss = loss === null ? term : nt.add(loss, term);
  });
  if (loss !== null) (loss as Tensor).backward();
  const grads = (program.grads ?? []).map((expected, i) =>
    expected === null ? null : (inputs[i]!.grad ?? nt.zerosLike(inputs[i]!)),
  );
  return { outputs, grads };
}
