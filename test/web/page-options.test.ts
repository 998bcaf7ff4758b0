// The pure parts of the playground's options and text alternatives: which data set and loss a problem type
// switches to, the hyper-parameters a running optimizer takes, the curve markers, and the class areas and
// descriptions that the canvases' text alternatives are made of.
import { describe, expect, it } from 'vitest';
import {
  classAreas,
  describeBoundary,
  describeCurves,
  describeNetwork,
} from '../../web/src/accessibility.js';
import { curveMarkers } from '../../web/src/curves.js';
import { hyperOf, switchProblem } from '../../web/src/option-controls.js';
import { defaultSettings, problemOf } from '../../web/src/settings.js';
import { Trainer } from '../../web/src/trainer.js';
import { classColor, diverging, mix } from '../../web/src/views/colors.js';
import { paintOutput } from '../../web/src/views/output-paint.js';

/** The RGB triples of an RGBA buffer. */
function rgb(pixels: Uint8ClampedArray): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < pixels.length; i += 4) out.push([pixels[i]!, pixels[i + 1]!, pixels[i + 2]!]);
  return out;
}

/** Within 2.5 of each channel: the colour tables quantize a value to 256 levels and round. */
const near = (color: readonly number[]): unknown => color.map((c) => expect.closeTo(c, -0.7));

describe('problem type and hyper-parameters', () => {
  it('switching the problem type picks its first data set and loss and drops clicked points', () => {
    expect(switchProblem('regression')).toEqual({ dataset: 'plane', loss: 'mse', added: [] });
    expect(switchProblem('classification')).toEqual({ dataset: 'circle', loss: 'ce', added: [] });
    expect(problemOf('multigauss')).toBe('regression');
  });

  it('hands the running optimizer exactly the settings it can change', () => {
    const s = { ...defaultSettings(), lr: 0.3, batchSize: 7, regularization: 'l1' as const, regRate: 0.01 };
    expect(hyperOf(s)).toEqual({
      lr: 0.3,
      momentum: 0.9,
      batchSize: 7,
      weightDecay: 0,
      regularization: 'l1',
      regRate: 0.01,
    });
  });
});

describe('curve markers', () => {
  it('marks hyper-parameter changes, early stopping and the best epoch', async () => {
    const trainer = new Trainer({ ...defaultSettings(), seed: 2 });
    await trainer.trainEpoch();
    trainer.setHyper({ ...trainer.hyperSettings, lr: 0.03 });
    const snapshot = { ...(await trainer.snapshot(1, false, [], 4)), stoppedEpoch: 9, bestEpoch: 4 };
    expect(curveMarkers(snapshot).map((m) => [m.epoch, m.label])).toEqual([
      [1, 'lr 0.03'],
      [9, 'early stop (9)'],
      [4, 'best'],
    ]);
    expect(curveMarkers(null)).toEqual([]);
  });
});

describe('text alternatives', () => {
  it('counts the share of the plane each class is predicted on', () => {
    // Four cells of three classes: the likeliest class of each row.
    const output = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.6, 0.3, 0.1];
    expect(classAreas(output, 4, 3)).toEqual([0.5, 0.25, 0.25]);
  });

  it('describes the boundary, the network and the curves from a real snapshot', async () => {
    const settings = { ...defaultSettings(), dataset: 'gauss' as const, seed: 3 };
    const trainer = new Trainer(settings);
    const log = await trainer.trainEpoch();
    const snapshot = await trainer.snapshot(1, false, [log], 10);
    const text = describeBoundary(snapshot, trainer.data, settings);
    const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
    expect(text).toContain(
      `epoch 1: validation accuracy ${pct(log.valAccuracy!)}, training ${pct(log.accuracy)}`,
    );
    const areas = classAreas(snapshot.output, 100, 2).map((a) => Math.round(a * 100));
    expect(areas[0]! + areas[1]!).toBe(100);
    expect(text).toContain(`on ${areas[0]} %`);
    expect(describeNetwork(snapshot, settings, 2)).toMatch(
      /^Network: 4 inputs \(x₁, x₂, sin x₁, sin x₂\), hidden layers of 8 Tanh, 8 Tanh neurons, one σ output; 104 weights/,
    );
    expect(
      describeCurves(
        'Loss curves',
        [log],
        (h) => h.loss,
        (h) => h.valLoss,
        [],
      ),
    ).toBe(
      `Loss curves over 1 epoch: training ${log.loss.toFixed(3)}, validation ${log.valLoss!.toFixed(3)}.`,
    );
  });

  it('describes a regression by its error and the range of its predictions', async () => {
    const settings = { ...defaultSettings(), dataset: 'plane' as const, loss: 'mse' as const };
    const trainer = new Trainer(settings);
    const snapshot = await trainer.snapshot(1, false, [], 6);
    const lo = Math.min(...snapshot.output);
    const hi = Math.max(...snapshot.output);
    expect(describeBoundary(snapshot, trainer.data, settings)).toBe(
      `Predicted value over the plane, Plane (regression), epoch 0: validation mean absolute error ` +
        `${snapshot.metrics.valMae!.toFixed(3)}, training ${snapshot.metrics.mae!.toFixed(3)}; predictions range ` +
        `from ${lo.toFixed(3)} (orange) to ${hi.toFixed(3)} (blue).`,
    );
  });
});

describe('output colours', () => {
  it('colours a regression by its value on the diverging scale, or by its sign when discretized', () => {
    const output = Float32Array.from([-1, -0.25, 0, 0.5]);
    const pixels = new Uint8ClampedArray(16);
    paintOutput(pixels, { output, classes: 1, gridSize: 2 }, false, 0.5);
    expect(rgb(pixels)).toEqual([-0.5, -0.125, 0, 0.25].map((v) => near(diverging(v))));
    paintOutput(pixels, { output, classes: 1, gridSize: 2 }, true, 0.5);
    expect(rgb(pixels)).toEqual([-0.5, -0.5, 0, 0.5].map((v) => near(diverging(v))));
  });

  it('discretized classes are drawn at full strength whatever the confidence', () => {
    const output = Float32Array.from([0.55, 0.45, 0.01, 0.99, 0.4, 0.6, 0.99, 0.01]);
    const pixels = new Uint8ClampedArray(16);
    paintOutput(pixels, { output, classes: 2, gridSize: 2 }, true, 0.62);
    const full = (c: number): number[] => mix([255, 255, 255], classColor(c), 0.62);
    expect(rgb(pixels)).toEqual([full(0), full(1), full(1), full(0)].map(near));
    paintOutput(pixels, { output, classes: 2, gridSize: 2 }, false, 0.62);
    expect(rgb(pixels)[0]).not.toEqual(rgb(pixels)[3]);
  });
});
