// @file InferenceChain: the same outputs and gradients as its Sequential, with intermediate outputs disposed once dead.
import { describe, expect, it } from 'vitest';
import { getBackend, residentStorageStats, setBackend } from '../../src/backend/index.js';
import { InferenceChain } from '../../src/cli/inference-chain.js';
import { Tensor, manualSeed, nn, noGrad, randn } from '../../src/index.js';

/** A CLI-style image model: conv, batch norm, ReLU, pooling, flatten, dropout (the identity in eval), linear. */
function model(): nn.Sequential {
  manualSeed(3);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 'same' }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Dropout(0.3),
    new nn.Linear(4 * 8 * 8, 5),
  );
}

describe.each(['js', 'wasm'])('InferenceChain on %s', (name) => {
  it('gives the Sequential’s outputs bit for bit, keeps the input, and disposes intermediates without gradients', () => {
    const previous = getBackend();
    setBackend(name);
    try {
      const seq = model();
      const chain = new InferenceChain(seq);
      chain.eval();
      expect(seq.training).toBe(false); // modes reach the wrapped layers
      const x = randn([6, 1, 16, 16]);
      const want = noGrad(() => seq.forward(x)).dataSync();
      const disposedBefore = residentStorageStats()?.disposed ?? 0;
      const got = noGrad(() => chain.forward(x));
      expect(got).toBeInstanceOf(Tensor);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want));
      expect(x.dataSync().length).toBe(6 * 256); // the input is never disposed
      if (name === 'wasm') {
        // conv, batch norm and ReLU outputs (6·4·256 floats each) come back; the pooled map is shared by Flatten's view.
        expect(residentStorageStats()!.disposed - disposedBefore).toBe(3);
      }
    } finally {
      setBackend(previous);
    }
  });

  it('is its Sequential with gradients on: intermediates stay for backward', () => {
    const previous = getBackend();
    setBackend(name);
    try {
      const seq = model();
      const chain = new InferenceChain(seq);
      chain.eval(); // deterministic (dropout off), gradients still recorded
      const x = randn([4, 1, 16, 16]);
      chain.forward(x).sum().backward(); // would throw had an intermediate been disposed
      const viaChain = seq.parameters().map((p) => Array.from(p.grad!.dataSync()));
      seq.zeroGrad();
      seq.forward(x).sum().backward();
      expect(seq.parameters().map((p) => Array.from(p.grad!.dataSync()))).toEqual(viaChain);
    } finally {
      setBackend(previous);
    }
  });

  it('with gradients, disposes a step’s intermediates when the next forward pass starts, never its output', () => {
    const previous = getBackend();
    setBackend(name);
    try {
      const seq = model();
      const chain = new InferenceChain(seq);
      chain.eval(); // deterministic (dropout off), gradients still recorded
      const x = randn([6, 1, 16, 16]);
      const first = chain.forward(x);
      const kept = Array.from(first.dataSync());
      first.sum().backward();
      const disposedBefore = residentStorageStats()?.disposed ?? 0;
      const second = chain.forward(x);
      if (name === 'wasm') expect(residentStorageStats()!.disposed - disposedBefore).toBe(3);
      expect(Array.from(first.dataSync())).toEqual(kept); // the output is the caller's
      expect(Array.from(second.dataSync())).toEqual(kept);
      second.sum().backward(); // the second step's intermediates are intact until the third forward
    } finally {
      setBackend(previous);
    }
  });

  it('saves and restores its Sequential’s state (EarlyStopping restores weights through it)', () => {
    const seq = model();
    const chain = new InferenceChain(seq);
    // A copy, as EarlyStopping keeps (stateDict() shares the parameters' storage, as in PyTorch).
    const saved = Object.fromEntries(Object.entries(chain.stateDict()).map(([k, v]) => [k, v.clone()]));
    expect(Object.keys(saved)).toContain('chain.0.weight');
    const weight = seq.parameters()[0]!;
    const before = Array.from(weight.dataSync());
    noGrad(() => weight.mul_(0));
    chain.loadStateDict(saved);
    expect(Array.from(weight.dataSync())).toEqual(before);
  });
});
