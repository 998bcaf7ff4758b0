// @file nn.Parameter: a tensor that a Module registers as trainable.
import { ValueError } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A leaf tensor that modules list in `parameters()` (torch.nn.Parameter). It shares storage (and the version
 * counter) with the tensor it wraps, strided views included, and requires grad unless told otherwise.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!isFloat(data.dtype) && requiresGrad) {
      throw new ValueError(
        'Parameter',
        `only floating-point tensors can require grad, got dtype ${data.dtype}`,
      );
    }
    // Shares data's array, strides and version counter, as PyTorch's Parameter does; reads nothing.
    const layout = data.viewLayout(data.strides, data.storageOffset(), false);
    // eslint-disable-next-line no-restricted-syntax -- passes the storage handle on, reads nothing
    super(data.storageBase, data.shape, data.dtype, layout);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** PyTorch's print: `Parameter containing:` and the tensor on the next line. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
