// @file The wasm backend's fused LSTM and GRU recurrences against the js reference: outputs, final states and every gradient, on shapes the fixture does not reach.
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, randn, type Tensor } from '../../src/index.js';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';

interface Run {
  values: Float32Array[];
  grads: Float32Array[];
}

/** Forward and backward of one LSTM or GRU configuration on `backend`, from the same seed. */
function run(
  backend: string,
  layer: 'LSTM' | 'GRU',
  options: ConstructorParameters<typeof nn.LSTM>[2],
  shape: number[],
  hidden: number,
): Run {
  return withBackend(backend, () => {
    manualSeed(5);
    const module =
      layer === 'LSTM' ? new nn.LSTM(shape[2]!, hidden, options) : new nn.GRU(shape[2]!, hidden, options);
    const x = randn(shape).requiresGrad_(true);
    const layers = (options?.numLayers ?? 1) * (options?.bidirectional ? 2 : 1);
    const batch = options?.batchFirst ? shape[0]! : shape[1]!;
    const h0 = randn([layers, batch, hidden]).requiresGrad_(true);
    const c0 = randn([layers, batch, hidden]).requiresGrad_(true);
    let outputs: Tensor[];
    if (module instanceof nn.LSTM) {
      const [out, [h, c]] = module.forward(x, [h0, c0]);
      outputs = [out, h, c];
    } else {
      outputs = module.forward(x, h0);
    }
    let loss: Tensor | null = null;
    for (const o of outputs) {
      const term = o.mul(randn(o.shape)).sum();
      loss = loss ? loss.add(term) : term;
    }
    loss!.backward();
    const leaves = [x, h0, ...(module instanceof nn.LSTM ? [c0] : []), ...module.parameters()];
    return {
      values: outputs.map((o) => o.storage as Float32Array),
      grads: leaves.map((l) => l.grad!.storage as Float32Array),
    };
  });
}

function expectNear(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= 2e-5 + 2e-4 * Math.abs(b[i]!))) {
      expect.fail(`${what}[${i}]: wasm ${a[i]}, js ${b[i]}`);
    }
  }
}

describe.skipIf(BACKENDS.length < 2)('recurrences: fused wasm kernels agree with the js reference', () => {
  const configs: [string, ConstructorParameters<typeof nn.LSTM>[2], number[], number][] = [
    ['one layer', {}, [7, 3, 5], 8],
    ['bidirectional, two layers', { numLayers: 2, bidirectional: true }, [6, 2, 4], 12],
    ['no bias, batch first', { bias: false, batchFirst: true }, [3, 5, 4], 16],
    ['one step', {}, [1, 4, 3], 4],
    ['hidden 72: the packed W_hh in two k slabs', {}, [3, 2, 3], 72],
    // Above RESIDENT_MIN_ELEMENTS: weights, gates and gradients live in linear memory and are passed in place.
    ['resident operands', { numLayers: 2, bidirectional: true }, [6, 8, 40], 64],
  ];
  for (const layer of ['LSTM', 'GRU'] as const) {
    for (const [name, options, shape, hidden] of configs) {
      it(`${layer}: ${name}`, () => {
        const js = run('js', layer, options, shape, hidden);
        const wasm = run(BACKENDS[1]!, layer, options, shape, hidden);
        js.values.forEach((v, i) => expectNear(wasm.values[i]!, v, `output ${i}`));
        js.grads.forEach((g, i) => expectNear(wasm.grads[i]!, g, `gradient ${i}`));
      });
    }
  }
});
