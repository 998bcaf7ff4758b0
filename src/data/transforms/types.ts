// @file The types transforms share: a transform is a function from one sample value to the next; an Image is 8-bit pixels.

/** A sample transform (a torchvision transform): a function, so that any `(x) => …` is one too. */
export type Transform<I, O> = (input: I) => O;

/**
 * An 8-bit image in height × width × channels order (what a PIL image holds, and what the browser's
 * `ImageData` is: `{ data, width, height }` with 4 RGBA channels). `channels` defaults to
 * `data.length / (width · height)`.
 */
export interface Image {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly channels?: number;
}
