// Unit tests of the sequence page's pure parts: the toy tasks and their batches, settings in the URL, the
// curves' history, and the heatmap's colours and text alternative. Fast, in Node.
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/index.js';
import {
  attentionColor,
  cellAt,
  describeHead,
  headWeights,
  heatmapLayout,
  sourceKeys,
  strongestKeys,
} from '../../web/src/sequence/attention-view.js';
import { appendPoint, historyPoint, type HistoryPoint } from '../../web/src/sequence/history.js';
import type { ExampleView, SequenceSnapshot } from '../../web/src/sequence/protocol.js';
import {
  DEFAULT_SETTINGS,
  settingsFromQuery,
  settingsToQuery,
  type SequenceSettings,
} from '../../web/src/sequence/settings.js';
import {
  TASKS,
  TASK_NAMES,
  exampleRow,
  makeBatch,
  sourcePositions,
  tokensToText,
  vocabularySize,
} from '../../web/src/sequence/tasks.js';

describe('sequence tasks', () => {
  it('map known inputs to the expected outputs', () => {
    const input = [3, 1, 4, 1, 5, 9, 2];
    expect(TASKS.reverse.target(input)).toEqual([2, 9, 5, 1, 4, 1, 3]);
    expect(TASKS.sort.target(input)).toEqual([1, 1, 2, 3, 4, 5, 9]);
    expect(TASKS.rotate.target(input)).toEqual([4, 1, 5, 9, 2, 3, 1]);
    // Odd length: the last token has no partner and stays.
    expect(TASKS.swapPairs.target(input)).toEqual([1, 3, 1, 4, 9, 5, 2]);
    expect(TASKS.swapPairs.target([7, 8, 9, 6])).toEqual([8, 7, 6, 9]);
    // Sorting compares numbers, not strings (10 after 9).
    expect(TASKS.sort.target([10, 9, 25, 3])).toEqual([3, 9, 10, 25]);
  });

  it('reverse, rotate and swapPairs are permutations of positions that sourcePositions reports', () => {
    expect(sourcePositions('reverse', 5)).toEqual([4, 3, 2, 1, 0]);
    expect(sourcePositions('rotate', 5)).toEqual([2, 3, 4, 0, 1]);
    expect(sourcePositions('swapPairs', 5)).toEqual([1, 0, 3, 2, 4]);
    expect(sourcePositions('sort', 5)).toBeNull();
    for (const task of ['reverse', 'rotate', 'swapPairs'] as const) {
      for (const length of [4, 7, 8, 16]) {
        expect([...sourcePositions(task, length)!].sort((a, b) => a - b)).toEqual(
          Array.from({ length }, (_, i) => i),
        );
      }
    }
  });

  it('makes seeded batches whose targets are the task applied to each input row', () => {
    for (const task of TASK_NAMES) {
      const batch = makeBatch(task, 'letters', 6, 50, new Generator(7));
      expect(batch.inputs.length).toBe(300);
      expect(batch.targets.length).toBe(300);
      for (let row = 0; row < 50; row++) {
        const input = exampleRow(batch.inputs, 6, row);
        expect(exampleRow(batch.targets, 6, row)).toEqual(TASKS[task].target(input));
        for (const token of input) expect(token >= 0 && token < 26).toBe(true);
      }
      const again = makeBatch(task, 'letters', 6, 50, new Generator(7));
      expect(again.inputs).toEqual(batch.inputs);
      const other = makeBatch(task, 'letters', 6, 50, new Generator(8));
      expect(other.inputs).not.toEqual(batch.inputs);
    }
  });

  it('draws every token of the vocabulary about equally often', () => {
    const batch = makeBatch('reverse', 'digits', 8, 1000, new Generator(3));
    const counts = new Array<number>(10).fill(0);
    for (const token of batch.inputs) counts[token]!++;
    // 8000 draws, 800 expected per digit; 5 standard deviations is ±134.
    for (const count of counts) expect(Math.abs(count - 800)).toBeLessThan(134);
  });

  it('writes tokens as their symbols', () => {
    expect(vocabularySize('digits')).toBe(10);
    expect(vocabularySize('letters')).toBe(26);
    expect(tokensToText([3, 0, 9], 'digits')).toBe('309');
    expect(tokensToText([0, 25, 7], 'letters')).toBe('azh');
  });
});

describe('sequence settings in the URL', () => {
  it('round-trips every setting and writes nothing for the defaults', () => {
    expect(settingsToQuery(DEFAULT_SETTINGS)).toBe('');
    expect(settingsFromQuery('')).toEqual(DEFAULT_SETTINGS);
    const changed: SequenceSettings = {
      task: 'sort',
      vocabulary: 'letters',
      length: 12,
      dModel: 64,
      numHeads: 4,
      numLayers: 2,
      lr: 0.01,
      batchSize: 128,
      seed: 42,
    };
    const query = settingsToQuery(changed);
    expect(query).toBe('?task=sort&vocab=letters&len=12&d=64&heads=4&layers=2&lr=0.01&batch=128&seed=42');
    expect(settingsFromQuery(query)).toEqual(changed);
  });

  it('keeps the default for unknown, out-of-range or malformed values', () => {
    const parsed = settingsFromQuery(
      '?task=shuffle&vocab=emoji&len=9&d=33&heads=3&layers=&lr=1&batch=-1&seed=1.5',
    );
    expect(parsed).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromQuery('?seed=-3').seed).toBe(DEFAULT_SETTINGS.seed);
    expect(settingsFromQuery('?len=4').length).toBe(4);
  });
});

function snapshot(step: number, logs: [number, number][], accuracy: number): SequenceSnapshot {
  return {
    runId: 1,
    step,
    running: true,
    trainingMs: 0,
    logs: logs.map(([loss, acc], i) => ({ step: step - logs.length + i + 1, loss, accuracy: acc })),
    evaluation: { loss: 1, tokenAccuracy: accuracy, sequenceAccuracy: accuracy / 2, count: 256 },
    examples: [],
    length: 8,
    numLayers: 1,
    numHeads: 1,
    vocabulary: 'digits',
    parameterCount: 0,
    backend: 'js',
  };
}

describe('sequence curves', () => {
  it('averages the steps since the previous snapshot', () => {
    const point = historyPoint(
      snapshot(
        3,
        [
          [2, 0.1],
          [1, 0.3],
          [0.5, 0.5],
        ],
        0.4,
      ),
    );
    expect(point.step).toBe(3);
    expect(point.trainLoss).toBeCloseTo(3.5 / 3, 12);
    expect(point.trainAccuracy).toBeCloseTo(0.3, 12);
    expect(point.tokenAccuracy).toBe(0.4);
    expect(point.sequenceAccuracy).toBe(0.2);
    expect(historyPoint(snapshot(0, [], 0.1)).trainLoss).toBeNull();
  });

  it('replaces a point at the same step and thins past the limit, keeping the first and the newest', () => {
    const at = (step: number): HistoryPoint => historyPoint(snapshot(step, [[1, 0.5]], step / 100));
    let history: HistoryPoint[] = [];
    history = appendPoint(history, at(1), 10);
    history = appendPoint(history, historyPoint(snapshot(1, [], 0.9)), 10);
    expect(history.map((p) => p.step)).toEqual([1]);
    expect(history[0]!.tokenAccuracy).toBe(0.9);
    // The re-post brought no training steps: the training values of step 1 stay.
    expect(history[0]!.trainLoss).toBe(1);
    expect(history[0]!.trainAccuracy).toBe(0.5);
    for (let step = 2; step <= 40; step++) history = appendPoint(history, at(step), 10);
    expect(history.length).toBeLessThanOrEqual(10);
    expect(history[0]!.step).toBe(1);
    expect(history[history.length - 1]!.step).toBe(40);
    const steps = history.map((p) => p.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });
});

describe('attention heatmap helpers', () => {
  // Two layers, two heads, length 3: head (l, h) puts weight 0.7 on key (q + l + h) mod 3.
  const length = 3;
  const attention = new Float32Array(2 * 2 * 9);
  for (let layer = 0; layer < 2; layer++) {
    for (let head = 0; head < 2; head++) {
      for (let q = 0; q < length; q++) {
        for (let k = 0; k < length; k++) {
          attention[(layer * 2 + head) * 9 + q * 3 + k] = k === (q + layer + head) % 3 ? 0.7 : 0.15;
        }
      }
    }
  }
  const example: ExampleView = { input: [4, 0, 2], target: [2, 0, 4], predicted: [2, 1, 4], attention };

  it('picks one head out of [layers, heads, q, k] and finds each query’s strongest key', () => {
    const weights = headWeights(attention, length, 2, 1, 0);
    expect(Array.from(weights.subarray(0, 3))).toEqual([0.15, 0.7, 0.15].map(Math.fround));
    expect(strongestKeys(weights, length).map((s) => s.key)).toEqual([1, 2, 0]);
    expect(strongestKeys(headWeights(attention, length, 2, 1, 1), length).map((s) => s.key)).toEqual([
      2, 0, 1,
    ]);
  });

  it('describes a head in words, with tokens and percentages', () => {
    expect(describeHead(example, length, 2, 0, 1, 'digits')).toBe(
      'Attention of layer 1, head 2 on input 402: query 0 (4) looks most at key 1 (0), 70%; ' +
        'query 1 (0) looks most at key 2 (2), 70%; query 2 (2) looks most at key 0 (4), 70%.',
    );
  });

  it('lays out one row per layer when the heads fit, else as many as fit, never wider than the space', () => {
    // 66 px of labels around each grid, 12 px between maps, grids of 110 to 300 px.
    expect(heatmapLayout(800, 4)).toEqual({ perRow: 4, size: 125 });
    expect(heatmapLayout(800, 1)).toEqual({ perRow: 1, size: 300 });
    expect(heatmapLayout(340, 2)).toEqual({ perRow: 1, size: 274 });
    for (const available of [200, 340, 500, 760, 1200]) {
      for (const heads of [1, 2, 4]) {
        const { perRow, size } = heatmapLayout(available, heads);
        expect(perRow).toBeGreaterThanOrEqual(1);
        expect(perRow).toBeLessThanOrEqual(heads);
        expect(size).toBeGreaterThanOrEqual(110);
        expect(size).toBeLessThanOrEqual(300);
        if (size > 110) expect(perRow * (size + 66) + 12 * (perRow - 1)).toBeLessThanOrEqual(available);
      }
    }
  });

  it('marks the keys holding each output’s token: the anti-diagonal for reverse, every copy of a repeated token', () => {
    const distinct: ExampleView = { input: [1, 2, 3], target: [3, 2, 1], predicted: [0, 0, 0], attention };
    expect(Array.from(sourceKeys(distinct))).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0]);
    // Sort of 2 0 2: output 0 is the 0 at position 1; outputs 1 and 2 are a 2, found at positions 0 and 2.
    const repeated: ExampleView = { input: [2, 0, 2], target: [0, 2, 2], predicted: [0, 0, 0], attention };
    expect(Array.from(sourceKeys(repeated))).toEqual([0, 1, 0, 1, 0, 1, 1, 0, 1]);
  });

  it('finds the cell under the pointer (grid 40 px in and 24 px down), nothing off the grid', () => {
    // Grid of 200 px for 8 positions: 25 px per cell.
    expect(cellAt(40, 24, 200, 8)).toEqual({ query: 0, key: 0 });
    expect(cellAt(40 + 25 * 3 + 1, 24 + 25 * 6 + 24, 200, 8)).toEqual({ query: 6, key: 3 });
    expect(cellAt(239.9, 223.9, 200, 8)).toEqual({ query: 7, key: 7 });
    expect(cellAt(39, 100, 200, 8)).toBeNull();
    expect(cellAt(240, 100, 200, 8)).toBeNull();
    expect(cellAt(100, 224, 200, 8)).toBeNull();
  });

  it('colours weight 0 white and 1 dark, monotonically, clamping outside [0, 1]', () => {
    expect(attentionColor(0)).toEqual([255, 255, 255]);
    expect(attentionColor(-1)).toEqual([255, 255, 255]);
    expect(attentionColor(Number.NaN)).toEqual([255, 255, 255]);
    expect(attentionColor(2)).toEqual(attentionColor(1));
    const brightness = (w: number): number => attentionColor(w).reduce((a, b) => a + b, 0);
    for (let w = 0.1; w <= 1; w += 0.1) expect(brightness(w)).toBeLessThan(brightness(w - 0.1));
  });
});
