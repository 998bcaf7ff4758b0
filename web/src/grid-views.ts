// @file What the playground's views show of the network on a grid of the plane (class probabilities, every hidden
// neuron's activation), queued into a ReadBatch so a snapshot reads them with everything else at once.
import { noGrad, type Tensor, type nn } from 'neurite';
import { probabilities } from './objective.js';
import type { Layer } from './network-setup.js';
import type { ReadBatch } from './read-batch.js';

/** The parts of the playground's network the grid views walk. */
export interface GridNetwork {
  model: nn.Sequential;
  hiddenLayers: readonly { linear: Layer; activation: Layer }[];
  outputLayer: nn.Linear;
  classes: number;
  regression: boolean;
}

/** Class probabilities ([cells, classes]; the value for regression) and per hidden layer [units, cells]. */
export interface GridViews {
  output: Float32Array;
  neurons: Float32Array[];
}

/**
 * Queues the network's outputs on the grid points `x` ([cells, features]) into `batch`, in eval mode without
 * recording a graph; the returned function lays them out for the page once the batch is read: probabilities per
 * cell (for 2 classes p(0) = 1 − σ(z) and p(1) = σ(z)), activations unit-major (every neuron's map contiguous).
 */
export function queueGridViews(net: GridNetwork, x: Tensor, batch: ReadBatch): () => GridViews {
  const cells = x.shape[0]!;
  const k = net.classes;
  return noGrad(() => {
    net.model.eval();
    let h = x;
    const hidden: { units: number; values: () => ArrayLike<number> }[] = [];
    for (const layer of net.hiddenLayers) {
      h = layer.activation.forward(layer.linear.forward(h));
      hidden.push({ units: h.shape[1]!, values: batch.add(h) });
    }
    const out = net.outputLayer.forward(h);
    const probs = batch.add(net.regression ? out : probabilities(out, k));
    return () => {
      const neurons = hidden.map(({ units, values }) => {
        const hv = values();
        const unitMajor = new Float32Array(units * cells);
        for (let i = 0; i < cells; i++)
          for (let j = 0; j < units; j++) unitMajor[j * cells + i] = hv[i * units + j]!;
        return unitMajor;
      });
      const pv = probs();
      if (net.regression) return { output: Float32Array.from(pv), neurons };
      const output = new Float32Array(cells * k);
      if (k === 2) {
        for (let i = 0; i < cells; i++) {
          output[2 * i] = 1 - pv[i]!;
          output[2 * i + 1] = pv[i]!;
        }
      } else output.set(pv);
      return { output, neurons };
    };
  });
}

/** The most probable class of each of n rows of k probabilities (k = 1: the probability of class 1 > 0.5). */
export function argmax(pv: ArrayLike<number>, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  if (k === 1) {
    for (let i = 0; i < n; i++) out[i] = pv[i]! > 0.5 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (pv[i * k + c]! > pv[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}
