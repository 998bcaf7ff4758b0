// Unit tests of the playground's pure parts (CSV import, the Trainer): fast, in Node. Links: links.test.ts.
import { describe, expect, it } from 'vitest';
import { deserialize } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { parseCsv } from '../../web/src/csv.js';
import { buildData } from '../../web/src/data.js';
import { inferSettingsFromWeights } from '../../web/src/import.js';
import { ReadBatch } from '../../web/src/read-batch.js';
import { defaultSettings, type Settings } from '../../web/src/settings.js';
import { Trainer } from '../../web/src/trainer.js';
import { settingsFromQuery } from '../../web/src/url-state.js';

function settings(patch: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...patch };
}

describe('playground CSV import', () => {
  it('reads a header, string labels and the first two numeric columns', () => {
    const csv = parseCsv('name;lectures;hours;result\nann;4;5;fail\nbob;10;8;pass\ncy;"2";1;fail\n');
    expect(csv.axisNames).toEqual(['lectures', 'hours']);
    expect(csv.classNames).toEqual(['fail', 'pass']);
    expect(csv.points).toEqual([
      { x: 4, y: 5, label: 0 },
      { x: 10, y: 8, label: 1 },
      { x: 2, y: 1, label: 0 },
    ]);
  });

  it('keeps numeric class indices without a header and refuses bad files', () => {
    expect(parseCsv('1,2,0\n3,4,2\n5,6,1').classNames).toEqual(['class 0', 'class 1', 'class 2']);
    expect(() => parseCsv('1,2\n3,4')).toThrow(/at least 3 columns/);
    expect(() => parseCsv('a,b,c\n1,2,0\n3,4,0')).toThrow(/single class/);
  });

  it("splits fields with neurite's CSV parser: quoted delimiters and newlines, comments, strict numbers", () => {
    const csv = parseCsv('# points\nwidth,height,"kind, long"\n1,2,"a,\nb"\n3,4,c\n');
    expect(csv.axisNames).toEqual(['width', 'height']);
    expect(csv.classNames).toEqual(['a,\nb', 'c']);
    // 0x10 is not a number to neurite (decimal grammar only), so column h is not a feature.
    expect(parseCsv('h,u,v,label\n0x10,1,2,0\n0x11,3,4,1\n').axisNames).toEqual(['u', 'v']);
    expect(() => parseCsv('a,b,c\n1,2,"open\n')).toThrow(
      'CSV import: the file line 2: quoted field is never closed',
    );
  });
});

describe('playground Trainer', () => {
  it('splits the data by the seed and puts clicked points in the training set', () => {
    const data = buildData(
      settings({ dataset: 'spiral', classes: 3, trainPercent: 70, added: [{ x: 0, y: 0, label: 2 }] }),
    );
    expect(data.train.length).toBe(281);
    expect(data.validation.length).toBe(120);
    expect(data.classes).toBe(3);
    expect(buildData(settings({ dataset: 'pass' })).axisNames).toEqual([
      'lectures attended',
      'hours on final project',
    ]);
  });

  it('learns circle, and the same seed gives the same run', async () => {
    const a = new Trainer(settings({ dataset: 'circle', seed: 5 }));
    const b = new Trainer(settings({ dataset: 'circle', seed: 5 }));
    let log = await a.trainEpoch();
    for (let i = 1; i < 40; i++) log = await a.trainEpoch();
    for (let i = 0; i < 40; i++) await b.trainEpoch();
    expect(log.valAccuracy).toBeGreaterThan(0.9);
    expect(await b.metrics()).toEqual(await a.metrics());
  });

  it('exports safetensors that load back into a fresh model, with the settings in the metadata', async () => {
    const s = settings({
      dataset: 'gauss',
      classes: 4,
      hidden: [{ units: 3, activation: 'relu' }],
      dropout: 0.1,
    });
    const trained = new Trainer(s);
    for (let i = 0; i < 5; i++) await trained.trainEpoch();
    const { tensors, metadata } = deserialize(await trained.exportModel());
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '3.bias', '3.weight']);
    const restored = new Trainer(settingsFromQuery(metadata['playground.query']!));
    restored.model.loadStateDict(tensors);
    expect(await restored.metrics()).toEqual({ ...(await trained.metrics()), epoch: 0 });
    expect(inferSettingsFromWeights(settings({ dataset: 'gauss', classes: 4 }), tensors).hidden).toEqual([
      { units: 3, activation: 'tanh' },
    ]);
  });

  it('stops early, restores the best weights and reports both epochs', async () => {
    const t = new Trainer(settings({ dataset: 'gauss', noise: 50, patience: 3, seed: 2 }));
    for (let i = 0; i < 500 && !t.stopped; i++) await t.trainEpoch();
    expect(t.stopped).toBe(true);
    expect(t.bestEpoch).toBe(t.stoppedEpoch! - 3);
    const snapshot = await t.snapshot(1, false, [], 10);
    expect(snapshot.stoppedEpoch).toBe(t.stoppedEpoch);
    expect(snapshot.output.length).toBe(100 * 2);
    expect(snapshot.neurons.map((n) => n.length)).toEqual([800, 800]);
  });
});

describe('playground ReadBatch', () => {
  it('gives each queued tensor its own values, as data() does, and refuses use out of order', async () => {
    const a = new Tensor(Float32Array.from([1.5, -2, 3]), [3]).mul(2);
    const b = new Tensor(Int32Array.from([4, 5]), [2], 'int32').add(1);
    const batch = new ReadBatch();
    const va = batch.add(a);
    const vb = batch.add(b);
    expect(() => va()).toThrow(/before read\(\) finished/);
    await batch.read();
    expect([...va()]).toEqual([...(await a.data())]);
    expect([...va()]).toEqual([3, -4, 6]);
    expect(vb()).toBeInstanceOf(Int32Array);
    expect([...vb()]).toEqual([5, 6]);
    expect(() => batch.add(a)).toThrow(/add\(\) after read\(\)/);
    await expect(batch.read()).rejects.toThrow(/read\(\) twice/);
  });
});
