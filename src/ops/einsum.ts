// @file einsum (torch.einsum): diagonals, sums, permutes and batched matrix products, so gradients come from those ops.
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { isFloat, promoteTypes, type DType } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { mul } from './elementwise.js';
import { labelName, parseEquation, type EinsumPlan } from './einsum-equation.js';
import { indexSelect } from './indexing.js';
import { batchedMatmul } from './matmul.js';
import { sum } from './reduce.js';
import { expand, permute, reshape } from './shape.js';

/** An operand on the way to the result: a tensor and the label of each of its dims (no label twice). */
interface Term {
  tensor: Tensor;
  labels: number[];
}

/** The sizes of the term's dims that carry `labels`, in that order. */
function sizesOf(term: Term, labels: readonly number[]): number[] {
  return labels.map((l) => term.tensor.shape[term.labels.indexOf(l)]!);
}

/** The term with its dims reordered to `labels` (a permutation of its own). */
function arrange(term: Term, labels: readonly number[]): Term {
  return {
    tensor: permute(
      term.tensor,
      labels.map((l) => term.labels.indexOf(l)),
    ),
    labels: [...labels],
  };
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/**
 * Replaces each label that names two dims of one operand by their diagonal (x[…, i, …, i, …] for 'ii'), as
 * one dim at the end: the two dims go last, merge into n² entries, and indexSelect reads entries k·(n + 1).
 * The sizes were checked equal by checkSizes.
 */
function takeDiagonals(term: Term): Term {
  let { tensor, labels } = term;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i === -1) return { tensor, labels };
    const label = labels[i]!;
    const first = labels.indexOf(label);
    const n = tensor.shape[first]!;
    const others = labels.map((_, k) => k).filter((k) => k !== first && k !== i);
    const moved = permute(tensor, [...others, first, i]);
    const flat = reshape(moved, [...others.map((k) => tensor.shape[k]!), n * n]);
    const diagonal = Int32Array.from({ length: n }, (_, k) => k * (n + 1));
    tensor = indexSelect(flat, others.length, new Tensor(diagonal, [n], 'int32'));
    labels = [...others.map((k) => labels[k]!), label];
  }
}

/** Sums the dims whose labels are not `needed` (a label no other operand or the output uses). */
function sumUnneeded(term: Term, needed: ReadonlySet<number>): Term {
  const dims = term.labels.map((_, k) => k).filter((k) => !needed.has(term.labels[k]!));
  if (dims.length === 0) return term;
  return { tensor: sum(term.tensor, dims), labels: term.labels.filter((l) => needed.has(l)) };
}

/** Broadcasts the term's size-1 dims of `labels` to the sizes in `target`. */
function broadcastLabels(term: Term, target: ReadonlyMap<number, number>): Term {
  const shape = term.labels.map((l, k) => target.get(l) ?? term.tensor.shape[k]!);
  if (shape.every((n, k) => n === term.tensor.shape[k])) return term;
  return { tensor: expand(term.tensor, shape), labels: term.labels };
}

/**
 * Contracts two terms: labels in both that are still `kept` become batch dims, the other shared labels are
 * summed by one batched matrix product [batch, M, K]·[batch, K, N], read transposed where an operand's own layout
 * already has K before M (or N before K), so that layout costs no copy. Non-float operands multiply and sum instead.
 */
function contract(a: Term, b: Term, kept: ReadonlySet<number>): Term {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => kept.has(l));
  const summed = shared.filter((l) => !kept.has(l));
  const aOnly = a.labels.filter((l) => !b.labels.includes(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const target = new Map(shared.map((l) => [l, Math.max(...sizesOf(a, [l]), ...sizesOf(b, [l]))]));
  a = broadcastLabels(a, target);
  b = broadcastLabels(b, target);
  const resultLabels = [...batch, ...aOnly, ...bOnly];
  const resultShape = [...sizesOf(a, batch), ...sizesOf(a, aOnly), ...sizesOf(b, bOnly)];
  if (!isFloat(a.tensor.dtype) || !isFloat(b.tensor.dtype)) {
    const left = arrange(a, [...batch, ...aOnly, ...summed]);
    const right = arrange(b, [...batch, ...bOnly, ...summed]);
    const ones = (labels: readonly number[]): number[] => labels.map(() => 1);
    const summedSizes = sizesOf(a, summed);
    const product = mul(
      reshape(left.tensor, [...sizesOf(a, batch), ...sizesOf(a, aOnly), ...ones(bOnly), ...summedSizes]),
      reshape(right.tensor, [...sizesOf(a, batch), ...ones(aOnly), ...sizesOf(b, bOnly), ...summedSizes]),
    );
    const summedDims = summed.map((_, i) => resultLabels.length + i);
    return { tensor: summed.length === 0 ? product : sum(product, summedDims), labels: resultLabels };
  }
  const dtype = promoteTypes(a.tensor.dtype, b.tensor.dtype);
  const transA = sameOrder(a.labels, [...batch, ...summed, ...aOnly]);
  const left = transA ? a : arrange(a, [...batch, ...aOnly, ...summed]);
  const transB = sameOrder(b.labels, [...batch, ...bOnly, ...summed]);
  const right = transB ? b : arrange(b, [...batch, ...summed, ...bOnly]);
  const count = numel(sizesOf(a, batch));
  const m = numel(sizesOf(a, aOnly));
  const k = numel(sizesOf(a, summed));
  const n = numel(sizesOf(b, bOnly));
  const leftMatrix = reshape(asDType(left.tensor, dtype), [count, ...(transA ? [k, m] : [m, k])]);
  const rightMatrix = reshape(asDType(right.tensor, dtype), [count, ...(transB ? [n, k] : [k, n])]);
  const product = batchedMatmul(leftMatrix, rightMatrix, transA, transB, 'einsum');
  return { tensor: reshape(product, resultShape), labels: resultLabels };
}

/** x in `dtype`, converted only when it differs. */
function asDType(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : x.to(dtype);
}

/** Checks that each label's sizes agree across operands (or are 1, which broadcasts). */
function checkSizes(plan: EinsumPlan, operands: readonly Tensor[], where: string): void {
  const sizes = new Map<number, [number, number]>();
  plan.inputs.forEach((labels, k) =>
    labels.forEach((label, d) => {
      const size = operands[k]!.shape[d]!;
      const seen = sizes.get(label);
      const first = labels.indexOf(label);
      if (first !== d && operands[k]!.shape[first] !== size) {
        throw new ShapeError(
          'einsum',
          `subscript '${labelName(label)}' is repeated in operand ${k} with different sizes ${operands[k]!.shape[first]} and ${size} (${where})`,
        );
      }
      if (seen === undefined || seen[0] === 1) sizes.set(label, [size, k]);
      else if (size !== 1 && size !== seen[0]) {
        throw new ShapeError(
          'einsum',
          `subscript '${labelName(label)}' has size ${size} in operand ${k}, which does not broadcast with size ${seen[0]} in operand ${seen[1]} (${where})`,
        );
      }
    }),
  );
}

/**
 * Sums products of the operands' elements over the labels the equation names (torch.einsum), e.g.
 * 'bij,bjk->bik' is out[b, i, k] = Σⱼ a[b, i, j]·c[b, j, k]. Each operand's term names its dims; a label
 * repeated in one term takes the diagonal ('ii->i'); labels missing from the output are summed ('ii->' is the
 * trace); '...' stands for unnamed dims that broadcast across operands. Without '->' the output is the ellipsis
 * dims, then the labels that appear once, alphabetically. Labels of size 1 broadcast. Computed with diagonals,
 * sums, permutes and batched matrix products, so gradients (and double backward) come from those ops. The
 * operands may also be passed as one array: einsum('ij,jk', [a, b]).
 * @throws ValueError for a malformed equation; ShapeError for dims that disagree, naming the equation and shapes.
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const tensors: readonly Tensor[] =
    operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  if (typeof equation !== 'string') throw new DTypeError('einsum', 'the equation must be a string');
  const plan = parseEquation(
    equation,
    tensors.map((t) => t.shape),
  );
  const where = `equation '${equation}', shapes ${tensors.map((t) => fmtShape(t.shape)).join(', ')}`;
  checkSizes(plan, tensors, where);
  let terms = plan.inputs.map((labels, k) => takeDiagonals({ tensor: tensors[k]!, labels: [...labels] }));
  const usedBy = (exclude: number): Set<number> =>
    new Set([...plan.output, ...terms.flatMap((t, k) => (k === exclude ? [] : t.labels))]);
  terms = terms.map((term, k) => sumUnneeded(term, usedBy(k)));
  let result = terms[0]!;
  for (let k = 1; k < terms.length; k++) {
    const kept = new Set([...plan.output, ...terms.slice(k + 1).flatMap((t) => t.labels)]);
    result = contract(result, terms[k]!, kept);
  }
  result = sumUnneeded(result, new Set(plan.output));
  return arrange(result, plan.output).tensor;
}
