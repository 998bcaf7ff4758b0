// @file TensorDataset: samples are the rows (first-dim slices) of one or more tensors of equal length.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { clone } from '../ops/elementwise.js';
import { indexSelect, select } from '../ops/indexing.js';
import { narrow } from '../ops/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Collated } from './collate.js';
import { Dataset, normalizeIndex } from './dataset.js';

/**
 * A dataset wrapping tensors that share their first dim (torch.utils.data.TensorDataset): sample i is
 * `[t0[i], t1[i], …]`. `new TensorDataset(x, y)` with x [n, 2] and y [n] gives samples `[x_i [2], y_i []]`.
 *
 * Rows are copies (PyTorch returns views): changing a sample does not change the dataset. `getBatch`
 * gathers the rows of a whole batch in one op (a copied slice when they are consecutive), which is what
 * DataLoader uses.
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  /** The wrapped tensors, in the order given. */
  readonly tensors: Readonly<T>;
  readonly length: number;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ValueError('TensorDataset', 'expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) {
        throw new ValueError('TensorDataset', `argument ${k} is not a Tensor (got ${typeof t})`);
      }
      if (t.ndim === 0) {
        throw new ShapeError('TensorDataset', `tensor ${k} is 0-d (a scalar) and has no first dim to index`);
      }
    });
    const length = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== length)) {
      const shapes = tensors.map((t) => fmtShape(t.shape)).join(', ');
      throw new ShapeError(
        'TensorDataset',
        `size mismatch between tensors: the first dims differ (shapes ${shapes})`,
      );
    }
    this.tensors = tensors;
    this.length = length;
  }

  /** Row `index` of every tensor (negative indices count from the end). */
  get(index: number): T {
    const i = normalizeIndex('TensorDataset.get', index, this.length);
    return noGrad(() => this.tensors.map((t) => clone(select(t, 0, i)))) as T;
  }

  /** The rows at `indices` of every tensor, each batch tensor of shape [indices.length, ...rowShape]. */
  override getBatch(indices: ArrayLike<number>): Collated<T> {
    const count = indices.length;
    const rows = new Int32Array(count);
    let contiguous = true;
    for (let b = 0; b < count; b++) {
      rows[b] = normalizeIndex('TensorDataset.getBatch', indices[b]!, this.length);
      if (b > 0 && rows[b] !== rows[b - 1]! + 1) contiguous = false;
    }
    const index = contiguous && count > 0 ? null : new Tensor(rows, [count], 'int32');
    return noGrad(() =>
      this.tensors.map((t) => (index ? indexSelect(t, 0, index) : clone(narrow(t, 0, rows[0]!, count)))),
    ) as unknown as Collated<T>;
  }
}
