// @file toTensor: an 8-bit H×W×C image becomes a float32 [C, H, W] tensor in [0, 1] (transforms.ToTensor).
import { ShapeError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Image, Transform } from './types.js';

/**
 * Converts an 8-bit image to a float32 tensor of shape [C, H, W] with values in [0, 1]:
 * `out[c, y, x] = data[(y·W + x)·C + c] / 255` (torchvision.transforms.ToTensor on a PIL image).
 * Works on the images of `data.datasets.FashionMNIST` and on a browser `ImageData` (4 channels, RGBA).
 */
export function toTensor(): Transform<Image, Tensor> {
  return (image) => {
    if (image === null || typeof image !== 'object' || image.data === undefined)
      throw new ValueError(
        'toTensor',
        `expects an image { data, width, height, channels? }, got ${String(image)}`,
      );
    const { data, width, height } = image;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
      throw new ShapeError('toTensor', `width and height must be positive integers, got ${width}×${height}`);
    const pixels = width * height;
    const channels = image.channels ?? data.length / pixels;
    if (!Number.isInteger(channels) || channels <= 0 || data.length !== pixels * channels) {
      throw new ShapeError(
        'toTensor',
        `a ${width}×${height} image with ${image.channels ?? '?'} channels needs ${image.channels === undefined ? 'a multiple of ' + pixels : pixels * (image.channels ?? 1)} bytes, data has ${data.length}`,
      );
    }
    const out = new Float32Array(data.length);
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < channels; c++) out[c * pixels + p] = data[p * channels + c]! / 255;
    }
    return new Tensor(out, [channels, height, width], 'float32');
  };
}
