// @file ShareBalance: how much of a split job the calling thread keeps, learned from its own time and its wait.
import { describe, expect, it } from 'vitest';
import { ShareBalance } from '../../src/backend/wasm/share-balance.js';

describe('ShareBalance', () => {
  it('starts from an even split, in granules, leaving the helpers at least one granule', () => {
    const balance = new ShareBalance();
    expect(balance.ownCount('matmul', 64, 2, 4)).toBe(32);
    expect(balance.ownCount('conv', 7, 2, 1)).toBe(4); // 3.5 rounds up
    expect(balance.ownCount('conv', 2, 2, 1)).toBe(1);
    balance.fixed = 1;
    expect(balance.ownCount('matmul', 64, 2, 4)).toBe(60);
    expect(balance.ownCount('matmul', 66, 2, 4)).toBe(64); // a multiple of 4, two rows left
    balance.fixed = 0;
    expect(balance.ownCount('matmul', 64, 2, 4)).toBe(4);
  });

  it('moves a quarter of the way to the split that would have made both sides finish together', () => {
    const balance = new ShareBalance();
    // The caller did 32 units in 10 ms, then waited 10 ms: the helper's rate was 32/20, the caller's 32/10.
    // Both finish together when the caller keeps 2/3; a quarter of the way from 1/2 is 1/2 + (2/3 − 1/2)/4.
    balance.record('conv', 64, 32, 1, 10, 10);
    expect(balance.fraction('conv')).toBeCloseTo(0.5 + (2 / 3 - 0.5) / 4, 12);
    expect(balance.fraction('matmul')).toBeUndefined(); // kinds learn separately
    for (let i = 0; i < 60; i++) {
      const own = balance.ownCount('conv', 6400, 2, 1);
      // A caller twice as fast as its helper: own units take own/2 ms, the helper's (6400 − own) ms.
      const ownMs = own / 2;
      balance.record('conv', 6400, own, 1, ownMs, Math.max(0, 6400 - own - ownMs));
    }
    expect(balance.fraction('conv')).toBeCloseTo(2 / 3, 2);
  });

  it('creeps down when the helpers finished first, within its bounds', () => {
    const balance = new ShareBalance();
    balance.record('matmul', 64, 32, 1, 5, 0);
    expect(balance.fraction('matmul')).toBeCloseTo(0.5 * (1 - 0.25 * 0.03), 12);
    for (let i = 0; i < 1000; i++) balance.record('matmul', 64, 32, 1, 5, 0);
    expect(balance.fraction('matmul')).toBe(0.25); // never below half an even share
    for (let i = 0; i < 100; i++) balance.record('slow helper', 64, 32, 1, 1, 100);
    expect(balance.fraction('slow helper')).toBe(0.9); // never above 0.9
  });
});
