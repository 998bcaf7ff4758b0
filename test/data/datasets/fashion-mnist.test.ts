// @file data.datasets.FashionMNIST (Node entry): samples, transforms, torchvision's directory layout, no downloads;
// and fashionMnist(), the whole-tensor loader of the command line.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { NeuriteError, ValueError, type Tensor } from '../../../src/index.js';
import { FASHION_MNIST_DIR, fashionMnist } from '../../../src/data/datasets/fashion-mnist.js';
import { data } from '../../../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'neurite-fashion-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function idx(shape: number[], bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + bytes.length);
  out.set([0, 0, 8, shape.length]);
  shape.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d, false));
  out.set(bytes, 4 + 4 * shape.length);
  return out;
}

/** Three 28×28 test images whose pixel (y, x) of image k is (k + y + x) mod 256, labels 7, 0, 9, in torchvision's layout. */
const raw = join(root, 'FashionMNIST', 'raw');
mkdirSync(raw, { recursive: true });
const pixels = new Uint8Array(3 * 784).map(
  (_, i) => (Math.floor(i / 784) + Math.floor((i % 784) / 28) + (i % 28)) % 256,
);
writeFileSync(join(raw, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([3, 28, 28], pixels)));
writeFileSync(join(raw, 't10k-labels-idx1-ubyte'), idx([3], new Uint8Array([7, 0, 9])));

describe('FashionMNIST', () => {
  it('gives [image, label] samples: raw 8-bit images without a transform, int32 0-d labels', () => {
    const test = new data.datasets.FashionMNIST({ root, train: false });
    expect(test.length).toBe(3);
    const [image, label] = test.get(2);
    expect([image.width, image.height, image.channels]).toEqual([28, 28, 1]);
    expect(Array.from(image.data)).toEqual(Array.from(pixels.subarray(2 * 784)));
    expect([label.dtype, label.shape, label.item()]).toEqual(['int32', [], 9]);
    expect(test.get(-3)[1].item()).toBe(7);
    expect(test.targets.toArray()).toEqual([7, 0, 9]);
    expect(test.classes[9]).toBe('Ankle boot');
    expect(data.datasets.FashionMNIST.classes).toBe(data.datasets.FASHION_MNIST_CLASSES);
  });

  it('applies transform and targetTransform; a DataLoader batches them as x [B, 1, 28, 28], y int32 [B]', () => {
    const test = new data.datasets.FashionMNIST({
      root,
      train: false,
      transform: data.transforms.toTensor(),
      targetTransform: (y: Tensor) => y.add(100),
    });
    const [x, y] = test.get(1);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.toArray()).toEqual(
      Array.from({ length: 1 }, () =>
        Array.from({ length: 28 }, (_, r) =>
          Array.from({ length: 28 }, (_, c) => Math.fround((1 + r + c) / 255)),
        ),
      ),
    );
    expect(y.item()).toBe(100);
    const loader = new data.DataLoader(
      new data.datasets.FashionMNIST({ root, train: false, transform: data.transforms.toTensor() }),
      {
        batchSize: 3,
      },
    );
    const [batchX, batchY] = [...loader][0]!;
    expect(batchX.shape).toEqual([3, 1, 28, 28]);
    expect([batchY.dtype, batchY.toArray()]).toEqual(['int32', [7, 0, 9]]);
  });

  it('refuses download: true (there is no network), unknown options and missing files, with clear messages', () => {
    expect(() => new data.datasets.FashionMNIST({ root, download: true })).toThrow(ValueError);
    expect(() => new data.datasets.FashionMNIST({ root, download: true })).toThrow(
      /download: true is not supported: neurite does not fetch data from the network/,
    );
    expect(() => new data.datasets.FashionMNIST({ root, batch_size: 3 } as object)).toThrow(
      "FashionMNIST: unknown option 'batch_size'",
    );
    expect(() => new data.datasets.FashionMNIST({ root, train: true })).toThrow(NeuriteError);
    expect(() => new data.datasets.FashionMNIST({ root, train: true })).toThrow(
      /cannot find train-images-idx3-ubyte\(\.gz\) in .*apt-get install dataset-fashion-mnist/,
    );
    expect(() => new data.datasets.FashionMNIST({ root, train: false }).get(3)).toThrow(/out of range/);
  });

  it.skipIf(!existsSync(FASHION_MNIST_DIR))('reads the Debian package’s files by default', () => {
    const test = new data.datasets.FashionMNIST({ train: false, transform: data.transforms.toTensor() });
    expect(test.length).toBe(10_000);
    const [x, y] = test.get(0);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.max().item()).toBeLessThanOrEqual(1);
    // The first test image of Fashion-MNIST is an ankle boot (label 9), as in torchvision.
    expect(test.classes[y.item()]).toBe('Ankle boot');
  });
});

describe('fashionMnist (whole tensors, for the command line)', () => {
  it('gives x scaled to [0, 1] as [n, 784] or [n, 1, 28, 28] and int32 labels, limited to the first images', () => {
    const test = fashionMnist({ dir: root, split: 'test', limit: 2 });
    const [x, y] = test.tensors;
    expect(x.shape).toEqual([2, 784]);
    expect(x.select(0, 1).select(0, 29).item()).toBe(Math.fround(3 / 255)); // image 1, pixel (1, 1): 1 + 1 + 1
    expect([y.dtype, y.toArray()]).toEqual(['int32', [7, 0]]);
    expect(fashionMnist({ dir: root, split: 'test', layout: 'image' }).tensors[0].shape).toEqual([
      3, 1, 28, 28,
    ]);
  });

  it('explains how to get Fashion-MNIST when the files are missing', () => {
    expect(() => fashionMnist({ dir: '/nonexistent' })).toThrow(NeuriteError);
    expect(() => fashionMnist({ dir: '/nonexistent' })).toThrow(/apt-get install dataset-fashion-mnist/);
  });
});
