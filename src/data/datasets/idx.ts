// @file IDX files (MNIST, Fashion-MNIST): a validating parser and the Fashion-MNIST dataset loader for Node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FormatError, NeuriteError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { TensorDataset } from '../tensor-dataset.js';

/** A parsed IDX array: its shape and its unsigned-byte elements. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * Parses the IDX format of LeCun's MNIST files: two zero bytes, a type byte (0x08 = unsigned byte, the only type
 * these datasets use), the number of dims, one big-endian u32 size per dim, then the elements in row-major
 * order. Anything else throws a FormatError saying what is wrong.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (bytes.length < 4)
    throw new FormatError(
      'parseIdx',
      `${name} is ${bytes.length} bytes, shorter than the 4-byte IDX magic number`,
    );
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new FormatError('parseIdx', `${name} does not start with the IDX magic bytes 00 00`);
  if (bytes[2] !== 0x08)
    throw new FormatError(
      'parseIdx',
      `${name} has element type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`,
    );
  const ndim = bytes[3]!;
  if (ndim === 0 || bytes.length < 4 + 4 * ndim)
    throw new FormatError('parseIdx', `${name} is too short for its ${ndim}-dim header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((p, d) => p * d, 1);
  const offset = 4 + 4 * ndim;
  if (bytes.length - offset !== size) {
    throw new FormatError(
      'parseIdx',
      `${name}: header shape [${shape.join(', ')}] needs ${size} bytes of data, the file has ${bytes.length - offset}`,
    );
  }
  return { shape, data: bytes.subarray(offset) };
}

/** Reads an IDX file, gunzipping it when its name ends in .gz. */
export function readIdx(path: string): IdxArray {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  return parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export interface FashionMnistOptions {
  /** Directory with the four IDX files (gzipped or not); default FASHION_MNIST_DIR. */
  dir?: string;
  /** 'train' (60,000 images) or 'test' (10,000). */
  split?: 'train' | 'test';
  /** 'flat' gives x as [n, 784] (for MLPs), 'image' as [n, 1, 28, 28] (for CNNs). Default 'flat'. */
  layout?: 'flat' | 'image';
  /** Use only the first `limit` images (for quick runs and tests). */
  limit?: number;
}

function findFile(dir: string, stem: string): string {
  for (const candidate of [`${stem}.gz`, stem]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  throw new NeuriteError(
    'fashionMnist',
    `cannot find ${stem}(.gz) in ${dir}. Install the data with 'apt-get install dataset-fashion-mnist' (Debian), ` +
      `or download the four IDX files of Fashion-MNIST into a directory and pass it as dir (CLI: --data DIR)`,
  );
}

/**
 * Fashion-MNIST (Xiao et al., 2017): 28×28 grey images of 10 clothing classes. x is float32 scaled to [0, 1],
 * y int32 class indices (names in FASHION_MNIST_CLASSES).
 */
export function fashionMnist(
  options: FashionMnistOptions = {},
): TensorDataset<[Tensor, Tensor]> & { classNames: readonly string[] } {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new ValueError('fashionMnist', `split must be 'train' or 'test', got '${String(split)}'`);
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(findFile(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(findFile(dir, `${prefix}-labels-idx1-ubyte`));
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new FormatError(
      'fashionMnist',
      `expected images [n, 28, 28] and labels [n], got [${images.shape.join(', ')}] and [${labels.shape.join(', ')}]`,
    );
  }
  const total = labels.shape[0]!;
  const n = Math.min(total, options.limit ?? total);
  const [h, w] = [images.shape[1]!, images.shape[2]!];
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i]!;
    if (label > 9) throw new FormatError('fashionMnist', `label ${label} at index ${i} is not a class 0…9`);
    y[i] = label;
  }
  const shape = options.layout === 'image' ? [n, 1, h, w] : [n, h * w];
  return Object.assign(new TensorDataset<[Tensor, Tensor]>(new Tensor(x, shape), new Tensor(y, [n])), {
    classNames: FASHION_MNIST_CLASSES,
  });
}
