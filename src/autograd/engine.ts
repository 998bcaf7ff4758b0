// @file The backward pass: an iterative reverse topological walk that accumulates gradients into leaves.
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { onesLike } from '../tensor/create.js';
import { add } from '../ops/elementwise.js';
import { sumTo } from '../ops/reduce.js';
import { isAnomalyEnabled } from './anomaly.js';
import { enableGrad, noGrad } from './grad-mode.js';
import type { Node } from './node.js';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph, as in PyTorch; else freed). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  createGraph?: boolean;
}

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
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new ValueError(
        'backward',
        `a gradient can be created implicitly only for a tensor of one element, got shape ${fmtShape(root.shape)}; pass gradient`,
      );
    }
    seed = onesLike(root);
  } else {
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new ShapeError(
        'backward',
        `gradient has shape ${fmtShape(gradient.shape)} but the tensor has shape ${fmtShape(root.shape)}`,
      );
    }
    seed = gradient.detach();
  }
  const run = (): void => walk(root, seed, options.retainGraph ?? options.createGraph ?? false);
  if (options.createGraph) enableGrad(run);
  else noGrad(run);
}

function walk(root: Tensor, seed: Tensor, retainGraph: boolean): void {
  const rootNode = root.gradFn;
  if (rootNode === null) {
    accumulateLeaf(root, seed);
    return;
  }
  const order = topologicalOrder(rootNode);
  const grads = new Map<Node, Tensor>([[rootNode, seed]]);
  const anomaly = isAnomalyEnabled();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const gradOutput = grads.get(node);
    grads.delete(node);
    if (gradOutput === undefined) continue;
    if (node.retained)
      node.retained.grad = node.retained.grad ? add(node.retained.grad, gradOutput) : gradOutput.clone();
    const inputGrads = node.apply(gradOutput);
    if (!retainGraph) node.release();
    node.inputs.forEach((input, k) => {
      let g = inputGrads[k];
      if (!g || !input.requiresGrad) return;
      if (!shapesEqual(g.shape, input.shape)) g = sumTo(g, input.shape);
      if (g.dtype !== input.dtype) g = g.to(input.dtype);
      if (anomaly) checkFinite(node, k, g);
      const inputNode = input.gradFn;
      if (inputNode === null) accumulateLeaf(input, g);
      else {
        const previous = grads.get(inputNode);
        grads.set(inputNode, previous ? add(previous, g) : g);
      }
    });
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  leaf.grad = leaf.grad ? add(leaf.grad, g) : g.clone();
}

/** Post-order DFS over gradFn links with an explicit stack: inputs come before the nodes that use them. */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: { node: Node; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.node.inputs;
    if (top.next < inputs.length) {
      const child = inputs[top.next++]!.gradFn;
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

function checkFinite(node: Node, inputIndex: number, g: Tensor): void {
  const data = g.storage;
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

function ordinal(i: number): string {
  return `${i}${i === 1 ? 'st' : i === 2 ? 'nd' : i === 3 ? 'rd' : 'th'}`;
}
