// @file randomCrop: pads an image, then cuts a window at a random position (transforms.RandomCrop).
import { ValueError } from '../../errors.js';
import { Generator, defaultGenerator } from '../../random/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkGenerator, checkImageTensor, checkOptions } from './checks.js';
import type { Transform } from './types.js';

export interface RandomCropOptions {
  /**
   * Added on the borders before cropping: one number for all four sides, `[leftRight, topBottom]`, or
   * `[left, top, right, bottom]` (torchvision's order). Default 0.
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Pads an image smaller than the crop on both sides of that dim by the difference (default false). */
  padIfNeeded?: boolean;
  /** The value of padded pixels in 'constant' mode; default 0. */
  fill?: number;
  /** 'constant' (fill), 'reflect' (mirror without the edge) or 'replicate' (torchvision's 'edge'); default 'constant'. */
  paddingMode?: 'constant' | 'reflect' | 'replicate';
  /** Where the crop positions come from; default the global generator (seeded by manualSeed). */
  generator?: Generator;
}

/**
 * Crops a tensor [..., H, W] to `size` (one number for a square, or `[height, width]`) at a random position
 * (torchvision.transforms.RandomCrop): after padding, the top row is `i ~ U{0, …, H − h}` and the left column
 * `j ~ U{0, …, W − w}`, drawn from `generator` (no draw when the image already has the crop's size). With
 * `padding: 4` and `size: 28` on 28×28 images this is the classic "pad and crop" augmentation.
 *
 * @throws ValueError when the (padded) image is smaller than the crop.
 */
export function randomCrop(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): Transform<Tensor, Tensor> {
  const op = 'randomCrop';
  checkOptions(op, options, ['padding', 'padIfNeeded', 'fill', 'paddingMode', 'generator']);
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  if (!isCount(height) || !isCount(width) || height === 0 || width === 0)
    throw new ValueError(op, `size must be a positive integer or [height, width], got ${String(size)}`);
  const {
    padding = 0,
    padIfNeeded = false,
    fill = 0,
    paddingMode = 'constant',
    generator = defaultGenerator,
  } = options;
  const [left, top, right, bottom] = sides(padding);
  if (![left, top, right, bottom].every(isCount))
    throw new ValueError(op, `padding must be integers ≥ 0, got ${String(padding)}`);
  if (paddingMode !== 'constant' && paddingMode !== 'reflect' && paddingMode !== 'replicate')
    throw new ValueError(
      op,
      `paddingMode must be 'constant', 'reflect' or 'replicate', got '${String(paddingMode)}'`,
    );
  if (typeof fill !== 'number' || !Number.isFinite(fill))
    throw new ValueError(op, `fill must be a finite number, got ${String(fill)}`);
  checkGenerator(op, generator);
  const padWith = (x: Tensor, amounts: number[]): Tensor =>
    amounts.every((a) => a === 0) ? x : x.pad(amounts, paddingMode, paddingMode === 'constant' ? fill : 0);

  return (input) => {
    let x = padWith(checkImageTensor(op, input, 2, '[..., H, W]'), [left, right, top, bottom]);
    if (padIfNeeded) {
      const dh = Math.max(0, height - x.shape[x.ndim - 2]!);
      const dw = Math.max(0, width - x.shape[x.ndim - 1]!);
      x = padWith(x, [dw, dw, dh, dh]);
    }
    const [h, w] = [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
    if (h < height || w < width)
      throw new ValueError(op, `crop size ${height}×${width} is larger than the (padded) image, ${h}×${w}`);
    if (h === height && w === width) return x;
    const i = generator.randint(0, h - height + 1);
    const j = generator.randint(0, w - width + 1);
    return x.narrow(-2, i, height).narrow(-1, j, width);
  };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** [left, top, right, bottom] from torchvision's padding forms. */
function sides(padding: RandomCropOptions['padding']): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding) && padding.length === 2) return [padding[0], padding[1], padding[0], padding[1]];
  if (Array.isArray(padding) && padding.length === 4) {
    const [left, top, right, bottom] = padding as readonly [number, number, number, number];
    return [left, top, right, bottom];
  }
  return [NaN, NaN, NaN, NaN];
}
