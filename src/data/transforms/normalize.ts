// @file normalize: per-channel standardization of [..., C, H, W] image tensors (transforms.Normalize).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkImageTensor } from './checks.js';
import type { Transform } from './types.js';

/**
 * Standardizes each channel: `out[c] = (x[c] − mean[c]) / std[c]` on a float tensor [..., C, H, W]
 * (torchvision.transforms.Normalize). `mean` and `std` are one number per channel, or one number for all;
 * e.g. Fashion-MNIST's training pixels have mean 0.2860 and std 0.3530: `normalize([0.286], [0.353])`.
 *
 * @throws ValueError for a zero or non-finite std; ShapeError when the lengths do not match the channels.
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
): Transform<Tensor, Tensor> {
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length === 0 || !means.every(Number.isFinite))
    throw new ValueError('normalize', `mean must be finite numbers, got [${means.join(', ')}]`);
  if (stds.length === 0 || !stds.every((s) => Number.isFinite(s) && s !== 0))
    throw new ValueError('normalize', `std must be finite and non-zero, got [${stds.join(', ')}]`);
  return (input) => {
    const x = checkImageTensor('normalize', input, 3, '[..., C, H, W]');
    if (x.dtype !== 'float32' && x.dtype !== 'float64')
      throw new DTypeError('normalize', `expects a float tensor, got ${x.dtype}`);
    const channels = x.shape[x.ndim - 3]!;
    const perChannel = (values: number[], name: string): Tensor => {
      if (values.length !== 1 && values.length !== channels) {
        throw new ShapeError(
          'normalize',
          `${name} has ${values.length} values but the input of shape ${fmtShape(x.shape)} has ${channels} channels`,
        );
      }
      const full = values.length === 1 ? new Array<number>(channels).fill(values[0]!) : values;
      const storage = x.dtype === 'float64' ? Float64Array.from(full) : Float32Array.from(full);
      return new Tensor(storage, [channels, 1, 1], x.dtype);
    };
    return x.sub(perChannel(means, 'mean')).div(perChannel(stds, 'std'));
  };
}
