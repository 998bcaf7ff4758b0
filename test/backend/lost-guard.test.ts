// @file The lost-device guard: a CPU backend whose kernels ask the host gate about every typed-array operand.
import { afterEach, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { guardedAgainstLost } from '../../src/backend/lost-guard.js';
import { NeuriteError } from '../../src/errors.js';
import { hostGate, setHostGate, type HostGate } from '../../src/tensor/host-gate.js';

const previousGate = hostGate;
afterEach(() => setHostGate(previousGate));

/** A gate that refuses exactly the arrays in `lost`, as the webgpu storage does after a device loss. */
function gateRefusing(lost: Set<ArrayBufferView>): HostGate {
  return {
    readable(arr, op) {
      if (lost.has(arr))
        throw new NeuriteError(op, 'its newest values were on a WebGPU device that was lost');
    },
    written() {},
    gather: () => false,
    scatter: () => false,
  };
}

describe('guardedAgainstLost', () => {
  it('refuses a kernel call with a lost operand, naming the kernel, and runs the others unchanged', () => {
    const lostInts = Int32Array.from([1, 2, 3]);
    setHostGate(gateRefusing(new Set([lostInts])));
    const guarded = guardedAgainstLost(jsBackend);
    const a = Float32Array.from([1, 2, 3]);
    const out = new Float32Array(3);
    guarded.unary('neg', a, out, 0, 0);
    expect(Array.from(out)).toEqual([-1, -2, -3]);
    expect(() => guarded.unary('neg', lostInts, new Int32Array(3), 0, 0)).toThrow(
      /unary: its newest values were on a WebGPU device that was lost/,
    );
  });

  it('checks typed arrays inside array operands, keeps the backend’s other properties, and wraps once', () => {
    const lost = new Float32Array(2);
    setHostGate(gateRefusing(new Set([lost])));
    const guarded = guardedAgainstLost(jsBackend);
    expect(guarded.name).toBe('js');
    expect(guarded.readsSync).toBe(true);
    expect(guardedAgainstLost(jsBackend)).toBe(guarded);
    const sgd = {
      kind: 'sgd',
      lr: 0.1,
      momentum: 0.9,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      freshBuffer: false,
    } as const;
    const param = Float32Array.from([1, 1]);
    // The lost array is a momentum buffer: inside the state array operand.
    expect(() => guarded.optimizerStep(sgd, param, Float32Array.from([1, 1]), [lost])).toThrow(
      /optimizerStep/,
    );
    expect(Array.from(param)).toEqual([1, 1]); // refused before anything was written
    guarded.optimizerStep(sgd, param, Float32Array.from([1, 1]), [new Float32Array(2)]);
    expect(Array.from(param)).toEqual([0.9, 0.9].map(Math.fround));
  });
});
