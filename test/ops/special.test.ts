// @file erf against PyTorch fixtures (every range of the approximation, ±0, ±inf, NaN), gradcheck, method.
import { describe, expect, it } from 'vitest';
import { erf, gradcheck, randn, tensor } from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { SPECIAL_RUNNERS } from './runners/special.js';

const RUNNERS = SPECIAL_RUNNERS;
goldenSuite('special', RUNNERS);
goldenOnBothBackends('special', RUNNERS, (name) => name === 'erf/ranges_float32');

describe('erf', () => {
  it('passes gradcheck in float64 (∂ = 2/√π·e^{−x²})', () => {
    expect(gradcheck((x) => erf(x!), [randn([3, 5], { dtype: 'float64' }).mul(1.5)])).toBe(true);
  });

  it('is odd, keeps −0 and is a Tensor method', () => {
    const x = randn([20], { dtype: 'float64' }).mul(3);
    const sum = erf(x).add(x.neg().erf()).toArray() as number[];
    sum.forEach((v) => expect(v).toBe(0));
    expect(Object.is(erf(tensor([-0], { dtype: 'float64' })).item(), -0)).toBe(true);
  });
});
