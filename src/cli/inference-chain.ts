// @file Scoring through a Sequential that returns each intermediate output's memory as soon as the next layer has used it.
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Sequential } from '../nn/layers/container.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `chain` for evaluation loops, which run synchronously (evaluate() never lets the event loop turn, so the wasm
 * arena gets no block back from the garbage collector while it runs): without gradients, each layer's output is
 * disposed once the next layer has made its own. Tensor.dispose() returns the arena block at once, and leaves
 * storage that a view or a detached tensor shares alone; an output that is its input (Dropout in eval mode) is
 * kept, and so is the chain's input. Scoring a large split then reuses a few blocks instead of filling the arena
 * and falling back to plain arrays, which every kernel copies in and out. With gradients on it is `chain` itself.
 */
export class InferenceChain extends Module<[Tensor], Tensor> {
  constructor(readonly chain: Sequential) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (isGradEnabled()) return this.chain.forward(x);
    let h = x;
    for (const layer of this.chain) {
      const next = layer.forward(h);
      if (h !== x && next !== h) h.dispose();
      h = next;
    }
    return h;
  }
}
