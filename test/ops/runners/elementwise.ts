// @file Runners of the elementwise golden fixtures (test/fixtures/elementwise.json): shared by the Node suites and the WebGPU page.
import * as nt from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';
import type { Tensor } from '../../../src/index.js';

/** A number parameter; the fixtures write non-finite ones as 'nan', 'inf', '-inf'. */
export const num = (p: Params, key: string): number => {
  const v = p[key];
  return typeof v === 'string' ? Number(v.replace('inf', 'Infinity').replace('nan', 'NaN')) : (v as number);
};
const optNum = (p: Params, key: string): number | null => (p[key] == null ? null : num(p, key));
const binary =
  (f: (a: Tensor | number, b: Tensor | number) => Tensor): Runner =>
  ([a, b], p) =>
    p.scalar === undefined
      ? f(a!, b!)
      : p.scalarFirst === true
        ? f(num(p, 'scalar'), a!)
        : f(a!, num(p, 'scalar'));
const unary =
  (f: (x: Tensor) => Tensor): Runner =>
  ([x]) =>
    f(x!);

export const ELEMENTWISE_RUNNERS: Record<string, Runner> = {
  add: binary(nt.add),
  sub: binary(nt.sub),
  mul: binary(nt.mul),
  div: binary(nt.div),
  maximum: binary(nt.maximum),
  minimum: binary(nt.minimum),
  pow: ([a, b], p) =>
    p.exponent !== undefined
      ? nt.pow(a!, num(p, 'exponent'))
      : p.base !== undefined
        ? nt.pow(num(p, 'base'), a!)
        : nt.pow(a!, b!),
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
  leakyRelu: ([x], p) => nt.leakyRelu(x!, num(p, 'negativeSlope')),
  elu: ([x], p) => nt.elu(x!, num(p, 'alpha')),
  gelu: ([x], p) => nt.gelu(x!, p.approximate as 'none' | 'tanh'),
  softplus: ([x], p) => nt.softplus(x!, num(p, 'beta'), num(p, 'threshold')),
  clamp: ([x], p) => nt.clamp(x!, optNum(p, 'min'), optNum(p, 'max')),
  hardtanh: ([x], p) => nt.nn.functional.hardtanh(x!, num(p, 'minVal'), num(p, 'maxVal')),
  relu6: unary(nt.nn.functional.relu6),
  mish: unary(nt.nn.functional.mish),
  eq: binary(nt.eq),
  ne: binary(nt.ne),
  lt: binary(nt.lt),
  le: binary(nt.le),
  gt: binary(nt.gt),
  ge: binary(nt.ge),
  logicalAnd: binary(nt.logicalAnd),
  logicalOr: binary(nt.logicalOr),
  logicalNot: unary(nt.logicalNot),
  where: ([c, x, y], p) =>
    y ? nt.where(c!, x!, y) : nt.where(c!, x!, p.other === undefined ? 0 : num(p, 'other')),
};
