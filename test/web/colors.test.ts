// @file The playground's colour lookup tables agree with the per-pixel colour functions they replace.
import { describe, expect, it } from 'vitest';
import {
  DIVERGING_LUT,
  classColor,
  diverging,
  divergingCss,
  paintDiverging,
  paintPrediction,
  predictionColor,
} from '../../web/src/views/colors.js';

/** Largest difference of any channel between painted pixels and colours from `reference`. */
function maxChannelError(
  pixels: Uint8ClampedArray,
  count: number,
  reference: (i: number) => number[],
): number {
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const expected = reference(i);
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(pixels[4 * i + c]! - expected[c]!));
  }
  return worst;
}

describe('playground colour lookup tables', () => {
  it('paint diverging colours within half a table step (≤ 2 of 255) of diverging(v / scale), alpha untouched, NaN grey', () => {
    const values = Float32Array.from({ length: 501 }, (_, i) => (i - 250) / 50); // −5 … 5
    const pixels = new Uint8ClampedArray(4 * values.length).fill(7);
    paintDiverging(pixels, values, 0, values.length, 5);
    // Each side of 0 spans 128 table entries for up to 247 channel steps: half an entry is < 1, plus rounding.
    expect(maxChannelError(pixels, values.length, (i) => diverging(values[i]! / 5))).toBeLessThanOrEqual(2);
    expect(pixels[3]).toBe(7);
    // Values past the scale clamp to the ends of the table.
    const clamped = new Uint8ClampedArray(8);
    paintDiverging(clamped, [-99, 99], 0, 2, 1);
    expect([...clamped.slice(0, 3)]).toEqual([...DIVERGING_LUT.slice(0, 3)]);
    expect([...clamped.slice(4, 7)]).toEqual([...DIVERGING_LUT.slice(765, 768)]);
    const grey = new Uint8ClampedArray(4);
    paintDiverging(grey, [NaN], 0, 1, 1);
    expect([...grey.slice(0, 3)]).toEqual([128, 128, 128]);
  });

  it('paint predictions within one level of predictionColor, for 2 to 6 classes and both strengths', () => {
    for (const k of [2, 3, 6]) {
      for (const strength of [0.62, 0.9]) {
        const cells = 400;
        const probs = new Float32Array(cells * k);
        for (let i = 0; i < cells; i++) {
          let total = 0;
          for (let c = 0; c < k; c++)
            total += probs[i * k + c] = Math.abs(Math.sin(i * 0.37 + c * 1.7)) ** 3 + 1e-3;
          for (let c = 0; c < k; c++) probs[i * k + c]! /= total;
        }
        const pixels = new Uint8ClampedArray(4 * cells);
        paintPrediction(pixels, probs, cells, k, strength);
        const error = maxChannelError(pixels, cells, (i) => predictionColor(probs, i * k, k, strength));
        expect(error, `k=${k} strength=${strength}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('makes each CSS string once and gives labels that are not classes a neutral grey', () => {
    expect(divergingCss(0.5)).toBe(divergingCss(0.5001));
    expect(divergingCss(-2, 0.85)).toBe(`rgba(${[...DIVERGING_LUT.slice(0, 3)].join(', ')}, 0.85)`);
    expect(classColor(1)).toEqual([8, 119, 189]);
    expect(classColor(7)).toEqual(classColor(1));
    expect(classColor(0.37)).toEqual([128, 128, 128]);
  });
});
