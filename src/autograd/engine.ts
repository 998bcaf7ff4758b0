// @file The backward pass: an iterative reverse topological walk that accumulates gradients into leaves.
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { shapesEqual } from '../tensor/shape.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/elementwise.js';
import { sumTo } from '../ops/reduce.js';
import { isAnomalyEnabled } from './anomaly.js';
import { takeExclusive } from './exclusive.js';
import { setGradEnabled } from './grad-mode.js';
import type { Node } from './node.js';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph, as in PyTorch; else freed). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  createGraph?: boolean;
}

const BACKWARD_KEYS = optionKeys<BackwardOptions>({ retainGraph: true, createGraph: true });

/**
 * Computes ∂root/∂leaf for every leaf that requires grad and adds it to `leaf.grad` (torch.Tensor.backward).
 * Nodes are visited in reverse topological order found with an explicit stack, so graphs of any depth work.
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new NeuriteError(
      'backward',
      'the tensor does not require grad and has no gradFn; nothing to differentiate',
    );
  }
  let seed: Tensor;
  if (gradient === undefined || gradient === null) {
    if (root.numel() !== 1) {
      throw new ValueError(
        'backward',
        `a gradient can be created implicitly only for a tensor of one element, got shape ${fmtShape(root.shape)}; pass gradient`,
      );
    }
    const one = allocate(root.dtype, 1);
    one[0] = 1;
    seed = new Tensor(one, root.shape, root.dtype);
  } else {
    if (!(gradient instanceof Tensor)) {
      throw new ValueError(
        'backward',
        `gradient must be a Tensor of shape ${fmtShape(root.shape)} (∂L/∂tensor), got ${describeValue(gradient)}`,
      );
    }
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new ShapeError(
        'backward',
        `gradient has shape ${fmtShape(gradient.shape)} but the tensor has shape ${fmtShape(root.shape)}`,
      );
    }
    seed = gradient.dtype === root.dtype ? gradient.detach() : gradient.detach().to(root.dtype);
  }
  checkOptions('backward', options, BACKWARD_KEYS);
  // Grad mode is on while the backward pass is recorded (createGraph), off otherwise.
  const previous = setGradEnabled(options.createGraph ?? false);
  try {
    walk(root, seed, options.retainGraph ?? options.createGraph ?? false);
  } finally {
    setGradEnabled(previous);
  }
}

function walk(root: Tensor, seed: Tensor, retainGraph: boolean): void {
  const rootNode = root.gradFn;
  if (rootNode === null) {
    accumulateLeaf(root, seed);
    return;
  }
  const order = topologicalOrder(rootNode);
  const anomaly = isAnomalyEnabled();
  // Each node holds the sum of the gradients flowing into it (pendingGrad) until its turn comes.
  rootNode.pendingGrad = seed;
  let i = order.length - 1;
  try {
    for (; i >= 0; i--) {
      const node = order[i]!;
      const gradOutput = node.pendingGrad;
      node.pendingGrad = null;
      if (gradOutput === null) continue;
      if (node.retained)
        node.retained.grad = node.retained.grad ? add(node.retained.grad, gradOutput) : gradOutput.clone();
      const inputGrads = node.apply(gradOutput);
      if (!retainGraph) node.release();
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        let g = inputGrads[k];
        if (!g || !input.requiresGrad) continue;
        if (!shapesEqual(g.shape, input.shape)) g = sumTo(g, input.shape);
        if (g.dtype !== input.dtype) g = g.to(input.dtype);
        if (anomaly) checkFinite(node, k, g);
        const inputNode = input.gradFn;
        if (inputNode === null) accumulateLeaf(input, g);
        else {
          const previous = inputNode.pendingGrad;
          inputNode.pendingGrad = previous ? add(previous, g) : g;
        }
      }
    }
  } catch (error) {
    for (; i >= 0; i--) order[i]!.pendingGrad = null;
    throw error;
  }
}

/** Adds g into leaf.grad; the first gradient is copied unless its VJP marked it exclusive (exclusive.ts). */
function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  leaf.grad = leaf.grad ? add(leaf.grad, g) : takeExclusive(g) ? g : g.clone();
}

/** Numbers the backward passes, so that a node can tell whether this pass has visited it already. */
let pass = 0;

/** Post-order DFS over gradFn links with an explicit stack: inputs come before the nodes that use them. */
function topologicalOrder(root: Node): Node[] {
  const mark = ++pass;
  const order: Node[] = [];
  const nodes: Node[] = [root];
  const next: number[] = [0]; // per stacked node, the index of the input to look at next
  root.visitMark = mark;
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const node = nodes[top]!;
    const inputs = node.inputs;
    const k = next[top]!;
    if (k < inputs.length) {
      next[top] = k + 1;
      const child = inputs[k]!.gradFn;
      if (child !== null && child.visitMark !== mark) {
        child.visitMark = mark;
        nodes.push(child);
        next.push(0);
      }
    } else {
      order.push(node);
      nodes.pop();
      next.pop();
    }
  }
  return order;
}

function checkFinite(node: Node, inputIndex: number, g: Tensor): void {
  const data = g.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      throw new NeuriteError(
        'detectAnomaly',
        `function '${node.toString()}' returned ${Number.isNaN(v) ? 'nan' : 'inf'} values in its ${ordinal(inputIndex)} output ` +
          `(gradient for input ${inputIndex} of op '${node.name}', shape ${fmtShape(g.shape)}, first at flat index ${i})`,
      );
    }
  }
}

/** A value as error messages show it: `string 'abc'`, `null`, `number 3`, `an array`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string '${value}'`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function ordinal(i: number): string {
  return `${i}${i === 1 ? 'st' : i === 2 ? 'nd' : i === 3 ? 'rd' : 'th'}`;
}
