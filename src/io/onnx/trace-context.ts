// @file What a layer or op converter sees while exporting: the graph under construction and the traced values.
import type { Tensor } from '../../tensor/tensor.js';
import type { GraphBuilder } from './graph-builder.js';

export interface TraceContext {
  readonly graph: GraphBuilder;
  /** The ONNX value name of a tensor, emitting the nodes of the ops that produced it first. */
  resolve(t: Tensor): string;
  /** The example batch size when the batch dimension is dynamic, else null. */
  readonly batch: number | null;
  /** The ONNX element type of floats in the traced model (FLOAT or DOUBLE). */
  floatType(t: Tensor): number;
  /** A Reshape target for `out` from `input`: dim 0 becomes -1 when it carries the dynamic batch. */
  reshapeTarget(input: Tensor, out: Tensor): string;
}
