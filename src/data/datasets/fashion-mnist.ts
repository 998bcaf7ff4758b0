// @file Fashion-MNIST from its IDX files (Node only): the FashionMNIST dataset class and the whole-tensor loader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, NeuriteError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { Dataset, checkOptionKeys, normalizeIndex } from '../dataset.js';
import { TensorDataset } from '../tensor-dataset.js';
import type { Image, Transform } from '../transforms/types.js';
import { FASHION_MNIST_CLASSES } from './fashion-mnist-classes.js';
import type { IdxArray } from './idx.js';
import { readIdx } from './idx-file.js';

export { FASHION_MNIST_CLASSES };

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The images and labels of one split, checked: uint8 [n, 28, 28] and labels 0…9. */
interface Split {
  images: IdxArray;
  labels: Uint8Array;
}

/**
 * Finds `stem(.gz)` in `root` or in `root/FashionMNIST/raw` (where torchvision downloads it), so a directory
 * prepared for PyTorch works as it is.
 */
function findFile(op: string, root: string, stem: string): string {
  for (const dir of [root, join(root, 'FashionMNIST', 'raw')]) {
    for (const candidate of [`${stem}.gz`, stem]) {
      const path = join(dir, candidate);
      if (existsSync(path)) return path;
    }
  }
  throw new NeuriteError(
    op,
    `cannot find ${stem}(.gz) in ${root}. Install the data with 'apt-get install dataset-fashion-mnist' (Debian), ` +
      `or download the four IDX files of Fashion-MNIST into a directory and pass it as root (CLI: --data DIR)`,
  );
}

function readSplit(op: string, root: string, train: boolean): Split {
  const prefix = train ? 'train' : 't10k';
  const images = readIdx(findFile(op, root, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(findFile(op, root, `${prefix}-labels-idx1-ubyte`));
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new FormatError(
      op,
      `expected images [n, 28, 28] and labels [n], got [${images.shape.join(', ')}] and [${labels.shape.join(', ')}]`,
    );
  }
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new FormatError(op, `label ${labels.data[bad]} at index ${bad} is not a class 0…9`);
  return { images, labels: labels.data };
}

export interface FashionMNISTOptions<T = Image, U = Tensor> {
  /**
   * Directory with the four IDX files, gzipped or not, directly or in `FashionMNIST/raw/` (torchvision's
   * layout); default FASHION_MNIST_DIR, where Debian's dataset-fashion-mnist package installs them.
   */
  root?: string;
  /** The 60,000 training images (true, the default) or the 10,000 test images (false). */
  train?: boolean;
  /** Applied to each image, e.g. `transforms.toTensor()`; without it a sample's image is the raw Image. */
  transform?: Transform<Image, T>;
  /** Applied to each label (an int32 0-d tensor). */
  targetTransform?: Transform<Tensor, U>;
  /** Must be false or absent: neurite never goes to the network. */
  download?: boolean;
}

/**
 * Fashion-MNIST (Xiao et al., 2017) as a map-style dataset (torchvision.datasets.FashionMNIST): sample i is
 * `[transform(image_i), targetTransform(label_i)]`, where the image is 28×28 8-bit grey pixels
 * `{ data, width: 28, height: 28, channels: 1 }` and the label an int32 0-d tensor (so batches of labels are
 * int32 [B], the targets `nn.CrossEntropyLoss` takes). Class names: `FashionMNIST.classes`.
 *
 * ```ts
 * const trainingData = new data.datasets.FashionMNIST({ train: true, transform: data.transforms.toTensor() });
 * const loader = new data.DataLoader(trainingData, { batchSize: 64 }); // x [64, 1, 28, 28], y int32 [64]
 * ```
 *
 * @throws ValueError for `download: true` or an unknown option; NeuriteError when the files are missing;
 *   FormatError (naming the file) for a malformed file.
 */
export class FashionMNIST<T = Image, U = Tensor> extends Dataset<[T, U]> {
  /** The class names in label order. */
  static readonly classes: readonly string[] = FASHION_MNIST_CLASSES;
  readonly classes: readonly string[] = FASHION_MNIST_CLASSES;
  readonly root: string;
  readonly train: boolean;
  readonly length: number;
  /** The labels of every sample, int32 [n]. */
  readonly targets: Tensor;
  private readonly pixels: Uint8Array;
  private readonly labels: Int32Array;
  private readonly transform: Transform<Image, T> | undefined;
  private readonly targetTransform: Transform<Tensor, U> | undefined;

  constructor(options: FashionMNISTOptions<T, U> = {}) {
    super();
    const op = 'FashionMNIST';
    if (options === null || typeof options !== 'object')
      throw new ValueError(op, `options must be an object, got ${String(options)}`);
    checkOptionKeys(op, options, ['root', 'train', 'transform', 'targetTransform', 'download']);
    const { root = FASHION_MNIST_DIR, train = true, transform, targetTransform, download = false } = options;
    if (download !== false) {
      throw new ValueError(
        op,
        `download: ${String(download)} is not supported: neurite does not fetch data from the network. Put the four ` +
          `IDX files (train-images-idx3-ubyte.gz, …) in ${root} yourself, or install Debian's dataset-fashion-mnist`,
      );
    }
    if (typeof root !== 'string')
      throw new ValueError(op, `root must be a directory path, got ${String(root)}`);
    if (typeof train !== 'boolean')
      throw new ValueError(op, `train must be true or false, got ${String(train)}`);
    for (const [name, fn] of [
      ['transform', transform],
      ['targetTransform', targetTransform],
    ] as const) {
      if (fn !== undefined && typeof fn !== 'function')
        throw new ValueError(op, `${name} must be a function, got ${typeof fn}`);
    }
    const { images, labels } = readSplit(op, root, train);
    if (images.shape[1] !== 28 || images.shape[2] !== 28)
      throw new FormatError(op, `expected 28×28 images, got ${images.shape[1]}×${images.shape[2]}`);
    this.root = root;
    this.train = train;
    this.length = labels.length;
    this.pixels = images.data;
    this.labels = Int32Array.from(labels);
    this.targets = new Tensor(this.labels.slice(), [labels.length], 'int32');
    this.transform = transform;
    this.targetTransform = targetTransform;
  }

  /** Sample `index` (negative counts from the end): `[image, label]` after the transforms. */
  get(index: number): [T, U] {
    const i = normalizeIndex('FashionMNIST.get', index, this.length);
    const size = 28 * 28;
    const image: Image = {
      data: this.pixels.slice(i * size, (i + 1) * size),
      width: 28,
      height: 28,
      channels: 1,
    };
    const label = new Tensor(Int32Array.of(this.labels[i]!), [], 'int32');
    return [
      this.transform ? this.transform(image) : (image as T),
      this.targetTransform ? this.targetTransform(label) : (label as U),
    ];
  }
}

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

/**
 * Fashion-MNIST as two whole tensors, what the command line trains on: x float32 scaled to [0, 1] ([n, 784] or
 * [n, 1, 28, 28]), y int32 class indices (names in FASHION_MNIST_CLASSES). For the PyTorch-style dataset with
 * transforms, see FashionMNIST.
 */
export function fashionMnist(
  options: FashionMnistOptions = {},
): TensorDataset<[Tensor, Tensor]> & { classNames: readonly string[] } {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new ValueError('fashionMnist', `split must be 'train' or 'test', got '${String(split)}'`);
  const { images, labels } = readSplit('fashionMnist', dir, split === 'train');
  const total = labels.length;
  const n = Math.min(total, options.limit ?? total);
  const [h, w] = [images.shape[1]!, images.shape[2]!];
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = Int32Array.from(labels.subarray(0, n));
  const shape = options.layout === 'image' ? [n, 1, h, w] : [n, h * w];
  return Object.assign(new TensorDataset<[Tensor, Tensor]>(new Tensor(x, shape), new Tensor(y, [n])), {
    classNames: FASHION_MNIST_CLASSES,
  });
}
