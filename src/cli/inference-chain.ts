// @file A Sequential for the command line's loops that returns each intermediate output's memory as soon as it is dead.
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Sequential } from '../nn/layers/container.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `chain` for the command line's training and evaluation loops, whose intermediate outputs nobody else sees.
 * The wasm arena gets a block back only after the garbage collector has found its array dead and the event loop
 * has turned; a training step makes ~40 MB of them and evaluation never turns the loop, so the arena fills and
 * later storage falls back to plain arrays that every kernel copies in and out. Here each intermediate output is
 * disposed as soon as it is dead (Tensor.dispose() returns its block at once, and leaves storage that a view or
 * a detached tensor shares alone): without gradients once the next layer has made its own output; with
 * gradients, when the next forward pass starts (the previous step's backward pass has used them by then, and
 * released its graph). An output that is its own input (Dropout in eval mode) is kept, and so are the chain's
 * input and output. With `kept`, each forward pass's final output is appended to it (scoring keeps the outputs
 * it has computed for later use).
 */
export class InferenceChain extends Module<[Tensor], Tensor> {
  /** The intermediate outputs of the last forward pass with gradients, disposed when the next one starts. */
  private pending: Tensor[] = [];

  constructor(
    readonly chain: Sequential,
    private readonly kept: Tensor[] | null = null,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const recorded = isGradEnabled();
    if (recorded) {
      for (const t of this.pending) t.dispose();
      this.pending = [];
    }
    let h = x;
    for (const layer of this.chain) {
      const next = layer.forward(h);
      if (h !== x && next !== h) {
        if (recorded) this.pending.push(h);
        else h.dispose();
      }
      h = next;
    }
    this.kept?.push(h);
    return h;
  }
}
