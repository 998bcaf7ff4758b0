// @file Grid values as reusable canvas images drawn smoothly at any size, and canvas sizing for the device.

/**
 * A small image whose pixels are painted from grid values and then drawn scaled (the browser's bilinear
 * filtering smooths it to the display size). Its canvas and pixel buffer are made once and reused for every
 * snapshot; rows from the top.
 */
export class GridImage {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly image: ImageData;

  constructor(
    readonly width: number,
    readonly height = width,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    this.context = this.canvas.getContext('2d')!;
    this.image = this.context.createImageData(width, height);
    this.image.data.fill(255);
  }

  /** RGBA bytes, 4 per pixel, row-major; paint into them, then call commit(). Alpha starts at 255. */
  get pixels(): Uint8ClampedArray {
    return this.image.data;
  }

  /** Copies the painted pixels into the canvas. */
  commit(): void {
    this.context.putImageData(this.image, 0, 0);
  }
}

/**
 * Gives a canvas that is redrawn often a compositing layer of its own, so that drawing into it re-rasterizes
 * only the canvas and not the page around it (in software compositing a full-page repaint costs tens of ms).
 */
export function ownLayer(canvas: HTMLCanvasElement): void {
  canvas.style.willChange = 'transform';
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
