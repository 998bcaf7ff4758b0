// @file nn.Parameter: a tensor that a Module registers as trainable.
import { ValueError } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A leaf tensor that modules list in `parameters()` (torch.nn.Parameter). It shares storage with the tensor
 * it wraps and requires grad unless told otherwise.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!isFloat(data.dtype) && requiresGrad) {
      throw new ValueError(
        'Parameter',
        `only floating-point tensors can require grad, got dtype ${data.dtype}`,
      );
    }
    // eslint-disable-next-line no-restricted-syntax -- passes the storage handle on (shared, as PyTorch's), reads nothing
    super(data.storage, data.shape, data.dtype);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /** PyTorch's print: `Parameter containing:` and the tensor on the next line. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
