// @file Graph nodes: each op's result remembers its inputs and a closure computing their gradients.
import { NeuriteError, fmtShape } from '../errors.js';
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

/**
 * The error PyTorch raises when a tensor that a backward pass needs was changed in place after its op saved it:
 * the tensor (dtype, shape, and the op that made it), its version now, the version the op saw, and that op.
 */
function modifiedSavedTensorError(node: Node, saved: Tensor, expected: number): NeuriteError {
  const maker = saved.gradFn === null ? '' : `, which is output 0 of ${saved.gradFn.toString()},`;
  return new NeuriteError(
    'backward',
    `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
      `[${saved.dtype} ${fmtShape(saved.shape)}]${maker} is at version ${saved._version}; expected version ` +
      `${expected} instead (saved by ${node.toString()}). Hint: clone() the tensor before changing it in place, ` +
      'or change it after backward().',
  );
}

function versionsOf(tensors: readonly Tensor[]): number[] {
  const versions = new Array<number>(tensors.length);
  for (let i = 0; i < tensors.length; i++) versions[i] = tensors[i]!._version;
  return versions;
}

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
  /** The tensors the VJP reads (see `record`), and their version counts when the op ran. */
  private saved: readonly Tensor[] | null;
  private savedVersions: number[] | null;

  constructor(
    name: string,
    inputs: readonly Tensor[],
    backward: BackwardFn,
    attrs: NodeAttributes = NO_ATTRIBUTES,
    saved: readonly Tensor[] | null = null,
  ) {
    this.name = name;
    this.inputs = inputs;
    this.attrs = attrs;
    this.backwardFn = backward;
    this.saved = saved;
    this.savedVersions = saved === null ? null : versionsOf(saved);
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
    const saved = this.saved;
    if (saved !== null) {
      for (let i = 0; i < saved.length; i++) {
        const expected = this.savedVersions![i]!;
        if (saved[i]!._version !== expected) throw modifiedSavedTensorError(this, saved[i]!, expected);
      }
    }
    return this.backwardFn(gradOutput);
  }

  /** Drops the closure and the saved tensors, so a finished graph can be garbage-collected. */
  release(): void {
    this.backwardFn = null;
    this.saved = null;
    this.savedVersions = null;
  }

  toString(): string {
    return `${this.name.charAt(0).toUpperCase()}${this.name.slice(1)}Backward`;
  }
}

/**
 * Attaches a graph node to `output` when grad mode is on and any input requires grad, then returns `output`.
 * Every differentiable op ends with this call; its `backward` argument is required, so an op without a
 * gradient rule does not compile.
 *
 * `saved` lists the tensors whose values the VJP reads (PyTorch's saved tensors: mul's other operand, exp's
 * result…). Their version counters are noted now; if one was changed in place before the backward pass
 * reaches this node (`y = x.mul(w); w.add_(1); y.sum().backward()`, or through a view of w), backward throws
 * PyTorch's "modified by an inplace operation" error instead of computing a wrong gradient. An op that passes
 * no list checks nothing: view ops (their VJPs read only g) and ops not yet audited.
 */
export function record(
  output: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  attrs?: NodeAttributes,
  saved?: readonly Tensor[],
): Tensor {
  if (!isGradEnabled()) return output;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i]!.requiresGrad) {
      output.attachGradFn(new Node(name, inputs, backward, attrs, saved ?? null));
      return output;
    }
  }
  return output;
}
