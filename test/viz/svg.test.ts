// @file The SVG renderers produce well-formed SVG with the expected content, and refuse bad input.
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, manualSeed, randn, sigmoid, softmax, tensor } from '../../src/index.js';
import { confusionMatrixSvg, curvesSvg, decisionBoundarySvg } from '../../src/viz/index.js';
import { niceTicks } from '../../src/viz/svg.js';

function expectValidSvg(svg: string): void {
  const result = XMLValidator.validate(svg);
  expect(result, JSON.stringify(result)).toBe(true);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

describe('decisionBoundarySvg', () => {
  manualSeed(3);
  const x = randn([40, 2]);
  const y = tensor(
    Array.from({ length: 40 }, (_, i) => (x.storage[2 * i]! > 0 ? 1 : 0)),
    { dtype: 'int32' },
  );

  it('draws a binary model: heatmap, the p = 0.5 contour on x₁ = 0, points and labels', () => {
    const svg = decisionBoundarySvg({
      panels: [{ title: 'perceptron', predict: (p) => sigmoid(p.matmul(tensor([[4], [0]]))) }],
      x,
      y,
      xLabel: 'lectures attended',
      yLabel: 'hours',
      title: 'Will I pass?',
      classNames: ['fail', 'pass'],
      bounds: { x: [-2, 2], y: [-2, 2] },
      resolution: 20,
    });
    expectValidSvg(svg);
    for (const text of [
      'Will I pass?',
      'perceptron',
      'lectures attended',
      'hours',
      'fail',
      'pass',
      'boundary (p = 0.5)',
    ]) {
      expect(svg).toContain(text);
    }
    expect(svg.match(/<circle /g)!.length).toBeGreaterThanOrEqual(40);
    // The contour of σ(4·x₁) = 0.5 is the vertical line x₁ = 0, at the middle of the 380-px panel (x = 70 + 190).
    const path = /<path d="([^"]+)" fill="none" stroke="#222" stroke-width="2"/.exec(svg)![1]!;
    const xs = [...path.matchAll(/[ML](-?[\d.]+) /g)].map((m) => Number(m[1]));
    for (const v of xs) expect(v).toBeCloseTo(260, 0);
  });

  it('draws several panels side by side and multi-class models with validation points', () => {
    const three = tensor(
      Array.from({ length: 40 }, (_, i) => i % 3),
      { dtype: 'int32' },
    );
    const svg = decisionBoundarySvg({
      panels: [
        {
          title: 'a',
          predict: (p) =>
            softmax(
              p.matmul(
                tensor([
                  [1, 0, -1],
                  [0, 1, -1],
                ]),
              ),
              1,
            ),
        },
        {
          title: 'b',
          predict: (p) =>
            softmax(
              p.matmul(
                tensor([
                  [0, 1, -1],
                  [1, 0, -1],
                ]),
              ),
              1,
            ),
        },
      ],
      x,
      y: three,
      validation: { x: x.mul(0.5), y: three },
      resolution: 10,
    });
    expectValidSvg(svg);
    expect(svg).toContain('hollow: validation');
    expect(svg).toContain('class 2');
  });

  it('refuses points of the wrong shape and predictions outside [0, 1]', () => {
    expect(() =>
      decisionBoundarySvg({
        panels: [{ title: 'm', predict: (p) => p }],
        x: randn([5, 3]),
        y: tensor([0, 1, 0, 1, 0]),
      }),
    ).toThrow(ShapeError);
    expect(() =>
      decisionBoundarySvg({ panels: [{ title: 'm', predict: (p) => p.sum(1) }], x, y, resolution: 4 }),
    ).toThrow(/predict must return probabilities in \[0, 1\]/);
    expect(() => decisionBoundarySvg({ panels: [], x, y })).toThrow(ValueError);
  });
});

describe('curvesSvg', () => {
  it('draws series with a legend and markers', () => {
    const svg = curvesSvg({
      series: [
        { name: 'train loss', values: [1, 0.5, 0.3] },
        { name: 'validation loss', values: [1.2, 0.6, NaN], dashed: true },
      ],
      markers: [{ x: 2, label: 'early stop (epoch 2)' }],
      title: 'Loss',
      yLabel: 'loss',
    });
    expectValidSvg(svg);
    for (const text of ['train loss', 'validation loss', 'early stop (epoch 2)', 'epoch', 'loss'])
      expect(svg).toContain(text);
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('escapes text and refuses empty input', () => {
    expectValidSvg(curvesSvg({ series: [{ name: '<a & b>', values: [1, 2] }] }));
    expect(() => curvesSvg({ series: [] })).toThrow(ValueError);
    expect(() => curvesSvg({ series: [{ name: 'x', values: [NaN] }] })).toThrow(/no finite values/);
  });
});

describe('confusionMatrixSvg', () => {
  it('draws every count and label', () => {
    const svg = confusionMatrixSvg({
      matrix: [
        [5, 1],
        [2, 7],
      ],
      labels: ['cat', 'dog'],
      title: 'Confusion',
    });
    expectValidSvg(svg);
    for (const text of ['>5<', '>1<', '>2<', '>7<', 'cat', 'dog', 'predicted', 'true class'])
      expect(svg).toContain(text);
  });

  it('refuses a non-square matrix', () => {
    expect(() => confusionMatrixSvg({ matrix: [[1, 2]] })).toThrow(/must be square/);
  });
});

describe('niceTicks', () => {
  it('picks round steps covering the range', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.13, 0.87)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });
});
