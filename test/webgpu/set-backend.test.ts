// @file setBackend('webgpu') in Node: no navigator.gpu, so it rejects with a NeuriteError and changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { NeuriteError, getBackend, setBackend, tensor } from '../../src/index.js';
import { hostGate } from '../../src/tensor/host-gate.js';
import { workgroupsFor } from '../../src/backend/webgpu/context.js';

describe('webgpu in Node', () => {
  const before = getBackend();
  afterEach(() => setBackend(before));

  it('rejects with a NeuriteError that says why and what to use instead', async () => {
    const switching = setBackend('webgpu');
    expect(switching).toBeInstanceOf(Promise);
    await expect(switching).rejects.toThrow(NeuriteError);
    await expect(setBackend('webgpu')).rejects.toThrow(/navigator\.gpu is missing.*setBackend\('wasm'\)/);
  });

  it('leaves the active backend and its results as they were, with no host gate installed', async () => {
    await setBackend('webgpu').catch(() => undefined);
    expect(getBackend()).toBe(before);
    expect(hostGate).toBeNull();
    expect(tensor([1, 2, 3]).mul(2).dataSync()).toEqual(new Float32Array([2, 4, 6]));
  });

  it('switches between the CPU backends synchronously', () => {
    expect(setBackend('js')).toBeUndefined();
    expect(getBackend()).toBe('js');
  });
});

describe('workgroupsFor', () => {
  it('covers n invocations in one dimension while it fits, else in a 65535-wide 2-D grid', () => {
    expect(workgroupsFor(0, 64)).toEqual([0, 1]);
    expect(workgroupsFor(1, 64)).toEqual([1, 1]);
    expect(workgroupsFor(65535 * 64, 64)).toEqual([65535, 1]);
    expect(workgroupsFor(65535 * 64 + 1, 64)).toEqual([65535, 2]);
    const [x, y] = workgroupsFor(10_000_000, 1);
    expect(x * y).toBeGreaterThanOrEqual(10_000_000);
    expect(x).toBeLessThanOrEqual(65535);
  });
});
