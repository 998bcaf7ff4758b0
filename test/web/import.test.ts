// @file Model import in the playground: a file is checked completely (format, settings, the exact tensors of
// the network, finite values) before the page changes anything, and failures are plain sentences.
import { describe, expect, it } from 'vitest';
import { Tensor, io, type nn } from '../../src/index.js';
import { MAX_MODEL_BYTES, checkModelFile, expectedShapes, stateDictProblem } from '../../web/src/import.js';
import { defaultSettings, type Settings } from '../../web/src/settings.js';
import { Trainer } from '../../web/src/trainer.js';
import { settingsToQuery } from '../../web/src/url-state.js';

function settings(patch: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...patch };
}

/** Two inputs, two hidden layers of 8, one output: the layout TWO_BY_EIGHT describes. */
const BASE = settings({
  dataset: 'circle',
  features: ['x1', 'x2'],
  hidden: [
    { units: 8, activation: 'tanh' },
    { units: 8, activation: 'tanh' },
  ],
  dropout: 0,
});

/** A state dict with the given shapes, every value `fill(i)`. */
function stateDict(shapes: Record<string, number[]>, fill = (i: number) => 0.01 * i): nn.StateDict {
  const out: nn.StateDict = {};
  for (const [key, shape] of Object.entries(shapes)) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[key] = new Tensor(
      Float32Array.from({ length: n }, (_, i) => fill(i)),
      shape,
    );
  }
  return out;
}

function file(tensors: nn.StateDict, s: Settings | null, extra: Record<string, string> = {}): Uint8Array {
  return io.serialize(tensors, { ...(s ? { 'playground.query': settingsToQuery(s) } : {}), ...extra });
}

/** The message checkModelFile throws for these bytes. */
function failure(bytes: Uint8Array, current = BASE): string {
  try {
    checkModelFile(bytes, current);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('checkModelFile accepted the file');
}

const TWO_BY_EIGHT = {
  '0.weight': [8, 2],
  '0.bias': [8],
  '2.weight': [8, 8],
  '2.bias': [8],
  '4.weight': [1, 8],
  '4.bias': [1],
};

describe('playground model import', () => {
  it('accepts a file the playground exported, with its settings and epoch', async () => {
    const s = settings({
      dataset: 'gauss',
      classes: 3,
      hidden: [{ units: 4, activation: 'relu' }],
      dropout: 0.1,
    });
    const trainer = new Trainer(s);
    await trainer.trainEpoch();
    await trainer.trainEpoch();
    const checked = checkModelFile(await trainer.exportModel(), defaultSettings());
    expect(checked.settings).toEqual(trainer.settings);
    expect(checked.epoch).toBe(2);
    expect(checked.tensorCount).toBe(4);
  });

  it('knows the network layout: Linear layers at 0, 2, 4… (0, 3, 6… with dropout)', () => {
    expect(Object.fromEntries(expectedShapes(BASE))).toEqual(TWO_BY_EIGHT);
    const withDropout = settings({
      features: ['x1', 'x2'],
      dropout: 0.2,
      hidden: [{ units: 3, activation: 'tanh' }],
      dataset: 'spiral',
      classes: 4,
    });
    expect(Object.fromEntries(expectedShapes(withDropout))).toEqual({
      '0.weight': [3, 2],
      '0.bias': [3],
      '3.weight': [4, 3],
      '3.bias': [4],
    });
  });

  it('refuses wrong shapes under a valid header, naming the tensor and both shapes', () => {
    const shapes = { ...TWO_BY_EIGHT, '0.weight': [8, 3] };
    const message = failure(file(stateDict(shapes), BASE));
    expect(message).toBe('0.weight has shape [8, 3]; the network needs [8, 2]');
  });

  it('refuses NaN and infinite weights', () => {
    const nan = stateDict(TWO_BY_EIGHT, (i) => (i === 5 ? NaN : 0.1));
    expect(failure(file(nan, BASE))).toBe('0.weight holds NaN at index 5: weights must be finite numbers');
    const inf = stateDict(TWO_BY_EIGHT, (i) => (i === 0 ? -Infinity : 0.1));
    expect(failure(file(inf, BASE))).toContain('-Infinity');
  });

  it('refuses missing, extra and integer tensors', () => {
    const { ['4.bias']: _dropped, ...missing } = stateDict(TWO_BY_EIGHT);
    expect(failure(file(missing, BASE))).toBe('the file lacks 4.bias of this network');
    const extra = { ...stateDict(TWO_BY_EIGHT), '6.weight': new Tensor(new Float32Array(1), [1, 1]) };
    expect(failure(file(extra, BASE))).toContain('does not: 6.weight');
    const ints = { ...stateDict(TWO_BY_EIGHT), '4.bias': new Tensor(new Int32Array(1), [1], 'int32') };
    expect(failure(file(ints, BASE))).toContain('int32');
  });

  it('refuses files that are not safetensors, too large, or carry settings outside the limits', () => {
    expect(failure(new TextEncoder().encode('hello, world'))).toMatch(/^not a safetensors model file \(/);
    expect(failure(new Uint8Array(MAX_MODEL_BYTES + 1))).toContain(`at most ${MAX_MODEL_BYTES}`);
    const bad = io.serialize(stateDict(TWO_BY_EIGHT), { 'playground.query': 'hidden=999&lr=-1' });
    const message = failure(bad);
    expect(message).toContain('its settings are not valid');
    expect(message).toContain('hidden=999');
  });

  it('maps a file without playground metadata onto the current data, or says why it cannot', () => {
    const plain = stateDict({ '0.weight': [5, 2], '0.bias': [5], '2.weight': [1, 5], '2.bias': [1] });
    expect(checkModelFile(file(plain, null), BASE).settings.hidden).toEqual([
      { units: 5, activation: 'tanh' },
    ]);
    const threeOutputs = stateDict({ '0.weight': [3, 2], '0.bias': [3] });
    expect(failure(file(threeOutputs, null))).toBe('the network has 3 outputs, the data set needs 1');
  });

  it('never names an internal class in its messages', () => {
    const messages = [
      failure(file(stateDict({ ...TWO_BY_EIGHT, '2.weight': [8, 7] }), BASE)),
      failure(new Uint8Array([1, 2, 3])),
    ];
    for (const message of messages) expect(message).not.toMatch(/Sequential|Error\b|loadStateDict/);
    expect(stateDictProblem(BASE, stateDict(TWO_BY_EIGHT))).toBeNull();
  });
});
