// @file Shared plumbing of the loss functions: option types, validation and reductions.
import { optionKeys } from '../../options.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { mean, sum } from '../../ops/reduce.js';
import { isFloat } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

export interface NLLLossOptions extends ReductionOptions {
  /** Rescaling weight of each class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing, to the loss or to the mean's denominator (default −100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

export interface BCELossOptions extends ReductionOptions {
  /** Rescaling weight of each element, broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCELossOptions {
  /** Weight p of the positive term, broadcast to the input's shape (usually [C], one per class on the last dim). */
  posWeight?: Tensor | null;
}

export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be ≥ 0; 0 gives the L1 loss). */
  beta?: number;
}

export interface KLDivOptions {
  /** 'mean' (over all elements), 'batchmean' (sum / batch size: the true KL divergence), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/** The keys of each loss's options, for the unknown-option check (src/options.ts). */
export const REDUCTION_KEYS = optionKeys<ReductionOptions>({ reduction: true });
export const NLL_LOSS_KEYS = optionKeys<NLLLossOptions>({ reduction: true, weight: true, ignoreIndex: true });
export const CROSS_ENTROPY_KEYS = optionKeys<CrossEntropyOptions>({
  reduction: true,
  weight: true,
  ignoreIndex: true,
  labelSmoothing: true,
});
export const BCE_LOSS_KEYS = optionKeys<BCELossOptions>({ reduction: true, weight: true });
export const BCE_WITH_LOGITS_KEYS = optionKeys<BCEWithLogitsOptions>({
  reduction: true,
  weight: true,
  posWeight: true,
});
export const HUBER_LOSS_KEYS = optionKeys<HuberLossOptions>({ reduction: true, delta: true });
export const SMOOTH_L1_LOSS_KEYS = optionKeys<SmoothL1LossOptions>({ reduction: true, beta: true });
export const KL_DIV_KEYS = optionKeys<KLDivOptions>({ reduction: true, logTarget: true });

// ---- validation ---------------------------------------------------------------------------------------

/** @internal Throws a ValueError unless `reduction` is one of the allowed names. */
export function checkReduction(op: string, reduction: string, allowBatchmean = false): void {
  const allowed = allowBatchmean ? ['mean', 'batchmean', 'sum', 'none'] : ['mean', 'sum', 'none'];
  if (!allowed.includes(reduction)) {
    throw new ValueError(
      op,
      `reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}, got '${String(reduction)}'`,
    );
  }
}

/** @internal Throws a ValueError unless 0 ≤ labelSmoothing ≤ 1. */
export function checkLabelSmoothing(op: string, labelSmoothing: number): void {
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(op, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
}

/** @internal Throws a ValueError unless delta > 0 (Huber) or beta ≥ 0 (smooth L1). */
export function checkThreshold(op: string, name: 'delta' | 'beta', value: number): void {
  const ok = name === 'delta' ? value > 0 : value >= 0;
  if (!ok || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} must be ${name === 'delta' ? '> 0' : '≥ 0'} and finite, got ${value}`);
  }
}

export function checkFloatInput(op: string, input: Tensor): void {
  if (!isFloat(input.dtype))
    throw new DTypeError(op, `input must be a floating-point tensor, got dtype ${input.dtype}`);
}

export function checkFloatTarget(op: string, target: Tensor): void {
  if (!isFloat(target.dtype)) {
    throw new DTypeError(
      op,
      `target must be a floating-point tensor, got dtype ${target.dtype} (convert it with target.float())`,
    );
  }
}

/**
 * Elementwise losses demand equal shapes. PyTorch broadcasts a mismatched target with a warning, which
 * silently computes the wrong loss for the common [N, 1] vs [N] mistake; neurite throws instead.
 */
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      op,
      `target shape ${fmtShape(target.shape)} must match input shape ${fmtShape(input.shape)} ` +
        '(neurite does not broadcast loss targets; reshape one of them)',
    );
  }
}

/** Checks that an elementwise weight is a float tensor that broadcasts to `shape` without enlarging it. */
export function checkElementWeight(op: string, name: string, weight: Tensor, shape: readonly number[]): void {
  if (!isFloat(weight.dtype))
    throw new DTypeError(op, `${name} must be a floating-point tensor, got dtype ${weight.dtype}`);
  const lead = shape.length - weight.ndim;
  if (lead < 0 || weight.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(
      op,
      `${name} of shape ${fmtShape(weight.shape)} cannot be broadcast to the input shape ${fmtShape(shape)}`,
    );
  }
}

export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}
