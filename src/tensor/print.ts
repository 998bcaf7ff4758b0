// @file PyTorch-like printing of tensors: tensor([[1.0000, 2.5000], [3.0000, 4.0000]]).
import { readSync } from '../ops/read.js';
import type { Tensor } from './tensor.js';

const EDGE = 3; // items shown at each end of a summarised dim
const THRESHOLD = 1000; // summarise tensors with more elements than this

function formatNumber(
  v: number,
  dtype: string,
  precision: number,
  useSci: boolean,
  intLike: boolean,
): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (dtype === 'int32') return String(v);
  if (useSci) return v.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
  if (intLike) return `${v.toFixed(0)}.`;
  return v.toFixed(precision);
}

/**
 * Formats a tensor like torch's repr: `tensor([1., 2.], dtype=float64, requires_grad=True)`, with `dtype=` for
 * non-default dtypes (neurite's names) and `requires_grad=True` on leaves or `grad_fn=<MulBackward>` on results.
 */
export function formatTensor(t: Tensor): string {
  const data = readSync(t, 'toString');
  const summarise = data.length > THRESHOLD;
  const finite = Array.from(data).filter((v) => Number.isFinite(v));
  const intLike = finite.every((v) => Number.isInteger(v));
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.filter((v) => v !== 0).reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
  // torch's _Formatter: scientific when the range spans over 1000× or exceeds 1e8, or (non-integral) has values below 1e-4.
  const wide = minAbs !== Infinity && (maxAbs / minAbs > 1000 || maxAbs > 1e8);
  const useSci = wide || (!intLike && minAbs < 1e-4);
  const strings = Array.from(data, (v) => formatNumber(v, t.dtype, 4, useSci, intLike));
  const width = strings.reduce((w, s) => Math.max(w, s.length), 0);
  const shape = t.shape;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, s) => p * s, 1));
  const indent = 'tensor('.length;

  const build = (dim: number, offset: number): string => {
    if (dim === shape.length) return strings[offset]!.padStart(width);
    const size = shape[dim]!;
    const parts: string[] = [];
    const cut = summarise && size > 2 * EDGE;
    for (let i = 0; i < size; i++) {
      if (cut && i === EDGE) {
        parts.push(dim === shape.length - 1 ? ' ...' : '...');
        i = size - EDGE - 1;
        continue;
      }
      parts.push(build(dim + 1, offset + i * strides[dim]!));
    }
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + dim + 1);
    return `[${parts.join(sep)}]`;
  };

  const body = shape.length === 0 ? strings[0]! : data.length === 0 ? '[]' : build(0, 0);
  const extras: string[] = [];
  if (data.length === 0 && shape.length > 1) extras.push(`size=(${shape.join(', ')})`);
  if (t.dtype !== 'float32' && !(t.dtype === 'bool' && data.length > 0)) extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.toString()}>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `tensor(${[body, ...extras].join(', ')})`;
}
