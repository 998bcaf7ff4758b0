// @file Graph nodes: each op's result remembers its inputs and a closure computing their gradients.
import { NeuriteError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad-mode.js';

/**
 * The vector-Jacobian product of an op: given ∂L/∂output, returns ∂L/∂input for each input (null where an
 * input gets no gradient). Results may have the broadcast shape; the engine sums them back to each input's shape.
 */
export type BackwardFn = (gradOutput: Tensor) => readonly (Tensor | null)[];

/**
 * The arguments of an op that its inputs do not carry (softmax's dim, permute's order, leakyRelu's slope), kept
 * for tools that read the recorded graph, such as ONNX export.
 */
export type NodeAttributes = Readonly<Record<string, number | string | readonly number[]>>;

const NO_ATTRIBUTES: NodeAttributes = Object.freeze({});

/** A recorded op application (PyTorch's grad_fn). */
export class Node {
  /** The op's name, e.g. 'mul' (printed as MulBackward). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** The op's arguments other than its input tensors (see NodeAttributes). */
  readonly attrs: NodeAttributes;
  private backwardFn: BackwardFn | null;
  /** Set by retainGrad(): the non-leaf tensor whose `.grad` should be filled. */
  retained: Tensor | null = null;
  /** @internal The engine's scratch during a backward pass: ∂L/∂output summed so far. */
  pendingGrad: Tensor | null = null;
  /** @internal The engine's scratch: the number of the last backward pass that reached this node. */
  visitMark = 0;

  constructor(
    name: string,
    inputs: readonly Tensor[],
    backward: BackwardFn,
    attrs: NodeAttributes = NO_ATTRIBUTES,
  ) {
    this.name = name;
    this.inputs = inputs;
    this.attrs = attrs;
    this.backwardFn = backward;
  }

  apply(gradOutput: Tensor): readonly (Tensor | null)[] {
    if (!this.backwardFn) {
      throw new NeuriteError(
        'backward',
        `Trying to backward through the graph a second time (through ${this.toString()}), or to use a graph ` +
          'whose saved values were already freed. Saved intermediate values of the graph are freed when you ' +
          'call backward(). Pass { retainGraph: true } to the first backward() if you need to backward through ' +
          'the graph a second time.',
      );
    }
    return this.backwardFn(gradOutput);
  }

  /** Drops the closure and what it captured, so a finished graph can be garbage-collected. */
  release(): void {
    this.backwardFn = null;
  }

  toString(): string {
    return `${this.name.charAt(0).toUpperCase()}${this.name.slice(1)}Backward`;
  }
}

/**
 * Attaches a graph node to `output` when grad mode is on and any input requires grad, then returns `output`.
 * Every differentiable op ends with this call; its `backward` argument is required, so an op without a
 * gradient rule does not compile.
 */
export function record(
  output: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  attrs?: NodeAttributes,
): Tensor {
  if (!isGradEnabled()) return output;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.requiresGrad) {
      output.attachGradFn(new Node(name, inputs, backward, attrs));
      return output;
    }
  }
  return output;
}
