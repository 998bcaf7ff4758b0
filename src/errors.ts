// @file The NeuriteError family: every error names the operation and shows the shapes or values involved.

/** Base class of every error neurite throws on purpose. `op` names the operation that refused its input. */
export class NeuriteError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'NeuriteError';
    this.op = op;
  }
}

/** Shapes that do not fit the operation, e.g. `matmul: cannot multiply shapes [64, 784] and [128, 10] (784 ≠ 128)`. */
export class ShapeError extends NeuriteError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ShapeError';
  }
}

/** A tensor of the wrong dtype for the operation (e.g. a float tensor used as indices). */
export class DTypeError extends NeuriteError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'DTypeError';
  }
}

/** A value out of its allowed range (a negative learning rate, a probability above 1, an index out of bounds). */
export class ValueError extends NeuriteError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ValueError';
  }
}

/** A file or buffer that is not a valid instance of its format (safetensors, IDX, CSV). */
export class FormatError extends NeuriteError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'FormatError';
  }
}

/** Formats a shape the way error messages show it: `[64, 784]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
