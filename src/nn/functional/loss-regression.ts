// @file Regression and distribution losses: mseLoss, l1Loss, huberLoss, smoothL1Loss and klDiv.
import { checkOptions } from '../../options.js';
import { abs, div, eq, exp, log, lt, mul, square, sub, where } from '../../ops/elementwise.js';
import { sum } from '../../ops/reduce.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  HUBER_LOSS_KEYS,
  KL_DIV_KEYS,
  REDUCTION_KEYS,
  SMOOTH_L1_LOSS_KEYS,
  checkFloatInput,
  checkFloatTarget,
  checkReduction,
  checkSameShape,
  checkThreshold,
  reduceLoss,
  type HuberLossOptions,
  type KLDivOptions,
  type ReductionOptions,
  type SmoothL1LossOptions,
} from './loss-common.js';

// ---- regression -------------------------------------------------------------------------------------------

function regressionDifference(op: string, input: Tensor, target: Tensor, reduction: string): Tensor {
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  return sub(input, target);
}

/**
 * Mean squared error (torch.nn.functional.mse_loss): lᵢ = (xᵢ − yᵢ)².
 * Unlike PyTorch, a target whose shape differs from the input's is a ShapeError, not a broadcast with a warning.
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('mseLoss', options, REDUCTION_KEYS);
  const { reduction = 'mean' } = options;
  return reduceLoss(square(regressionDifference('mseLoss', input, target, reduction)), reduction);
}

/** Mean absolute error (torch.nn.functional.l1_loss): lᵢ = |xᵢ − yᵢ|; ∂/∂x = sign(x − y). Shapes must match. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  checkOptions('l1Loss', options, REDUCTION_KEYS);
  const { reduction = 'mean' } = options;
  return reduceLoss(abs(regressionDifference('l1Loss', input, target, reduction)), reduction);
}

/**
 * Huber loss (torch.nn.functional.huber_loss), with d = x − y:
 * l = ½d² where |d| < δ, δ·(|d| − ½δ) elsewhere (default δ = 1). Quadratic near 0, linear in the tails.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  checkOptions('huberLoss', options, HUBER_LOSS_KEYS);
  const op = 'huberLoss';
  const { reduction = 'mean', delta = 1 } = options;
  checkThreshold(op, 'delta', delta);
  const d = regressionDifference(op, input, target, reduction);
  const size = abs(d);
  const loss = where(lt(size, delta), mul(square(d), 0.5), mul(sub(size, 0.5 * delta), delta));
  return reduceLoss(loss, reduction);
}

/**
 * Smooth L1 loss (torch.nn.functional.smooth_l1_loss), with d = x − y:
 * l = ½d²/β where |d| < β, |d| − ½β elsewhere (default β = 1); β = 0 is exactly the L1 loss.
 * huberLoss with δ equals β times smoothL1Loss with β = δ.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  checkOptions('smoothL1Loss', options, SMOOTH_L1_LOSS_KEYS);
  const op = 'smoothL1Loss';
  const { reduction = 'mean', beta = 1 } = options;
  checkThreshold(op, 'beta', beta);
  const d = regressionDifference(op, input, target, reduction);
  const size = abs(d);
  if (beta === 0) return reduceLoss(size, reduction);
  const loss = where(lt(size, beta), mul(square(d), 0.5 / beta), sub(size, 0.5 * beta));
  return reduceLoss(loss, reduction);
}

// ---- distributions ----------------------------------------------------------------------------------------

/**
 * Kullback–Leibler divergence (torch.nn.functional.kl_div); the input holds log-probabilities log q:
 * lᵢ = yᵢ·(log yᵢ − xᵢ) (0 where yᵢ = 0), or with `logTarget` lᵢ = e^{yᵢ}·(yᵢ − xᵢ).
 * 'batchmean' = Σlᵢ / N gives KL(y ‖ q) per sample; 'mean' averages over every element, as PyTorch does.
 * Where yᵢ = 0 the gradient with respect to the target is 0 (PyTorch gives NaN).
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  checkOptions('klDiv', options, KL_DIV_KEYS);
  const op = 'klDiv';
  const { reduction = 'mean', logTarget = false } = options;
  checkReduction(op, reduction, true);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  const loss = logTarget
    ? mul(exp(target), sub(target, input))
    : sub(mul(target, log(where(eq(target, 0), 1, target))), mul(target, input));
  if (reduction === 'batchmean') {
    const total = sum(loss);
    return input.ndim > 0 ? div(total, input.shape[0]!) : total;
  }
  return reduceLoss(loss, reduction);
}
