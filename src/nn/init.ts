// @file nn.init: in-place weight initialisers (uniform, normal, Xavier/Glorot, Kaiming/He, truncated normal) and gains.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError, fmtShape } from '../errors.js';
import { copy_, fill_, normal_ as fillNormal, uniform_ as fillUniform } from '../ops/inplace.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { eye } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** The nonlinearities calculateGain knows, spelled as in PyTorch (camelCase aliases accepted). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'convTranspose1d'
  | 'convTranspose2d'
  | 'convTranspose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

/** Which fan Kaiming init preserves: the forward pass's (`fanIn`, default) or the backward pass's (`fanOut`). */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (only used with `nonlinearity: 'leaky_relu'`); default 0. */
  a?: number;
  mode?: FanMode;
  /** Default 'leaky_relu' (with a = 0 this is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

export interface TruncNormalOptions {
  mean?: number;
  std?: number;
  /** Lower cut-off, in the tensor's units (not in standard deviations); default −2. */
  a?: number;
  /** Upper cut-off; default 2. */
  b?: number;
  generator?: Generator;
}

const LINEAR_GAIN = new Set<string>([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
  'sigmoid',
]);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear, conv and sigmoid,
 * 5/3 for tanh, √2 for relu, √(2/(1 + slope²)) for leaky_relu (`param` = negative slope, default 0.01),
 * 3/4 for selu.
 * @throws ValueError for an unknown nonlinearity or a slope that is not a finite number.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_GAIN.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope))
        throw new ValueError('calculateGain', `negative_slope ${String(slope)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError('calculateGain', `unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * fan_in and fan_out of a weight (PyTorch's _calculate_fan_in_and_fan_out): for shape [out, in, ...kernel],
 * fanIn = in·∏kernel and fanOut = out·∏kernel.
 * @throws ValueError for tensors with fewer than 2 dims.
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new ValueError(
      'calculateFanInAndFanOut',
      `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape ${fmtShape(tensor.shape)})`,
    );
  }
  const receptiveField = tensor.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: tensor.shape[1]! * receptiveField, fanOut: tensor.shape[0]! * receptiveField };
}

function correctFan(op: string, tensor: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new ValueError(op, `mode '${String(mode)}' not supported, please use one of fanIn, fanOut`);
}

/** Fills `tensor` with samples of U(a, b) (torch.nn.init.uniform_). */
export function uniform_<T extends Tensor>(
  tensor: T,
  a = 0,
  b = 1,
  generator: Generator = defaultGenerator,
): T {
  if (!(a <= b)) throw new ValueError('uniform_', `expected a ≤ b, got a=${a}, b=${b}`);
  return noGrad(() => fillUniform(tensor, a, b, generator));
}

/** Fills `tensor` with samples of N(mean, std²) (torch.nn.init.normal_). */
export function normal_<T extends Tensor>(
  tensor: T,
  mean = 0,
  std = 1,
  generator: Generator = defaultGenerator,
): T {
  if (!(std >= 0)) throw new ValueError('normal_', `std must be non-negative, got ${std}`);
  return noGrad(() => fillNormal(tensor, mean, std, generator));
}

/** Fills `tensor` with `value` (torch.nn.init.constant_). */
export function constant_<T extends Tensor>(tensor: T, value: number): T {
  return noGrad(() => fill_(tensor, value));
}

/** Fills `tensor` with zeros (torch.nn.init.zeros_). */
export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/** Fills `tensor` with ones (torch.nn.init.ones_). */
export function ones_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 1);
}

/** Sets a 2-D tensor to the identity matrix (ones on the diagonal, zeros elsewhere; torch.nn.init.eye_). */
export function eye_<T extends Tensor>(tensor: T): T {
  if (tensor.ndim !== 2)
    throw new ValueError('eye_', `only 2-D tensors are supported, got shape ${fmtShape(tensor.shape)}`);
  const [rows, cols] = tensor.shape as [number, number];
  return noGrad(() => copy_(tensor, eye(rows, cols, { dtype: tensor.dtype })));
}

/**
 * Xavier/Glorot uniform init (torch.nn.init.xavier_uniform_): U(−a, a) with
 * a = gain·√(6/(fanIn + fanOut)) (Glorot & Bengio, 2010).
 */
export function xavierUniform_<T extends Tensor>(tensor: T, gain = 1, generator?: Generator): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(tensor, -bound, bound, generator);
}

/** Xavier/Glorot normal init (torch.nn.init.xavier_normal_): N(0, std²) with std = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal_<T extends Tensor>(tensor: T, gain = 1, generator?: Generator): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

/**
 * Kaiming/He uniform init (torch.nn.init.kaiming_uniform_): U(−bound, bound) with
 * bound = gain·√(3/fan), gain = calculateGain(nonlinearity, a) and fan = fanIn or fanOut by `mode`
 * (He et al., 2015). Defaults: a = 0, mode 'fanIn', nonlinearity 'leaky_relu' ⇒ bound = √(6/fanIn).
 * nn.Linear uses a = √5, which gives U(±1/√fanIn). A tensor with no elements is left as it is.
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator } = options;
  const fan = correctFan('kaimingUniform_', tensor, mode);
  if (tensor.numel() === 0) return tensor;
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fan);
  return uniform_(tensor, -bound, bound, generator);
}

/**
 * Kaiming/He normal init (torch.nn.init.kaiming_normal_): N(0, std²) with std = gain/√fan (defaults as
 * kaimingUniform_).
 */
export function kaimingNormal_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator } = options;
  const fan = correctFan('kaimingNormal_', tensor, mode);
  if (tensor.numel() === 0) return tensor;
  return normal_(tensor, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan), generator);
}

/**
 * Fills `tensor` with samples of N(mean, std²) conditioned on a ≤ x ≤ b (torch.nn.init.trunc_normal_).
 * Samples outside [a, b] are redrawn (PyTorch inverts the CDF instead, so the streams differ; the
 * distribution is the same).
 * @throws ValueError when a > b, or when [a, b] lies so far in the tails that sampling does not succeed.
 */
export function truncNormal_<T extends Tensor>(tensor: T, options: TruncNormalOptions = {}): T {
  const { mean = 0, std = 1, a = -2, b = 2, generator = defaultGenerator } = options;
  if (!(a <= b)) throw new ValueError('truncNormal_', `expected a ≤ b, got a=${a}, b=${b}`);
  if (!(std >= 0)) throw new ValueError('truncNormal_', `std must be non-negative, got ${std}`);
  const maxTries = 10000;
  const values = new Float64Array(tensor.numel());
  for (let i = 0; i < values.length; i++) {
    let value = NaN;
    for (let attempt = 0; attempt < maxTries; attempt++) {
      const draw = mean + std * generator.normal();
      if (draw >= a && draw <= b) {
        value = draw;
        break;
      }
    }
    if (Number.isNaN(value)) {
      throw new ValueError(
        'truncNormal_',
        `no sample of N(${mean}, ${std}²) fell in [${a}, ${b}] after ${maxTries} draws; the interval is too far in the tails`,
      );
    }
    values[i] = value;
  }
  return noGrad(() => copy_(tensor, new Tensor(values, tensor.shape, 'float64')));
}
