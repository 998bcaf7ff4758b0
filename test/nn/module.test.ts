// @file The print helpers that layers' extraRepr() use to spell values as Python does.
import { describe, expect, it } from 'vitest';
import { reprBool, reprFloat, reprTuple } from '../../src/nn/module.js';

describe('reprFloat spells numbers as Python repr(float)', () => {
  const cases: [number, string][] = [
    [1e-5, '1e-05'],
    [0.1, '0.1'],
    [1, '1.0'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [123.456, '123.456'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [-2.5, '-2.5'],
    [1e22, '1e+22'],
    [12345678901234568, '1.2345678901234568e+16'],
    [1 / 3, '0.3333333333333333'],
    [5e-324, '5e-324'],
    [100, '100.0'],
    [2 ** 53, '9007199254740992.0'],
    [0.3 - 0.1, '0.19999999999999998'],
    [-0, '-0.0'],
    [0, '0.0'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  for (const [value, expected] of cases) {
    it(`${value} → ${expected}`, () => expect(reprFloat(value)).toBe(expected));
  }
});

describe('reprBool and reprTuple', () => {
  it('print booleans and tuples as Python does', () => {
    expect(reprBool(true)).toBe('True');
    expect(reprBool(false)).toBe('False');
    expect(reprTuple([4])).toBe('(4,)');
    expect(reprTuple([2, 3])).toBe('(2, 3)');
  });
});
