// @file Turns grid values into canvas images drawn smoothly at any size.
import type { RGB } from './colors.js';

/** A size × size offscreen canvas whose pixel i has colour color(i); rows from the top. */
export function gridCanvas(size: number, color: (cell: number) => RGB): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const [r, g, b] = color(i);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Sizes a canvas's backing store for the device pixel ratio and returns a context in CSS pixels. */
export function setupCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  return context;
}

/** Largest |value| of a slice of an array (at least a tiny positive number). */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 1e-9;
  for (let i = start; i < end; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/**
 * Bilinear upsampling of a size × size grid of k-vectors (row-major [size², k]) by an integer factor, so
 * colours are computed from interpolated values and boundaries come out smooth instead of blocky.
 */
export function upsample(values: Float32Array, k: number, size: number, factor: number): Float32Array {
  const out = new Float32Array(size * factor * size * factor * k);
  const big = size * factor;
  for (let row = 0; row < big; row++) {
    const gy = Math.min(size - 1, Math.max(0, (row + 0.5) / factor - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(size - 1, y0 + 1);
    const ty = gy - y0;
    for (let col = 0; col < big; col++) {
      const gx = Math.min(size - 1, Math.max(0, (col + 0.5) / factor - 0.5));
      const x0 = Math.floor(gx);
      const x1 = Math.min(size - 1, x0 + 1);
      const tx = gx - x0;
      const o = (row * big + col) * k;
      for (let c = 0; c < k; c++) {
        const a = values[(y0 * size + x0) * k + c]!;
        const b = values[(y0 * size + x1) * k + c]!;
        const d = values[(y1 * size + x0) * k + c]!;
        const e = values[(y1 * size + x1) * k + c]!;
        out[o + c] = (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty;
      }
    }
  }
  return out;
}
