// @file Playground links: settings ⇄ URL (query for short values, #hash for point lists) and the checks every
// parameter gets against the controls' limits — the broken links of issue 15 among them.
import { describe, expect, it } from 'vitest';
import { defaultSettings, LIMITS, type Point, type Settings } from '../../web/src/settings.js';
import {
  URL_LIMITS,
  decodePoints,
  describeLinkProblems,
  parseSettingsUrl,
  settingsToQuery,
  settingsToUrl,
} from '../../web/src/url-state.js';

function settings(patch: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...patch };
}

function csvPoints(n: number, classes = 2): Point[] {
  return Array.from({ length: n }, (_, i) => ({ x: i / 7 - 3, y: (i % 13) / 3, label: i % classes }));
}

const FULL = settings({
  dataset: 'csv',
  noise: 15,
  trainPercent: 70,
  points: 200,
  seed: 1234,
  features: ['x1', 'x2', 'x1x2', 'sinx2'],
  hidden: [
    { units: 5, activation: 'relu' },
    { units: 3, activation: 'gelu' },
    { units: 2, activation: 'linear' },
  ],
  dropout: 0.2,
  loss: 'mse',
  optimizer: 'sgd',
  lr: 0.3,
  momentum: 0.95,
  batchSize: 17,
  weightDecay: 0.001,
  patience: 20,
  regularization: 'l1',
  regRate: 0.003,
  initSeed: 77,
  discretize: true,
  showTest: false,
  added: [{ x: 1.25, y: -3.5, label: 1 }],
  csv: {
    points: [
      { x: 0.5, y: 2, label: 0 },
      { x: -1, y: 7.125, label: 2 },
    ],
    axisNames: ['a b', 'c'],
    classNames: ['lo', 'mid', 'hi'],
  },
});

describe('playground links: round trip', () => {
  it('restores every setting from the query string a model file keeps', () => {
    expect(parseSettingsUrl(settingsToQuery(FULL))).toEqual({ settings: FULL, problems: [] });
  });

  it('puts point lists in the #hash and everything else in the query', () => {
    const { query, hash } = settingsToUrl(FULL);
    const inQuery = [...new URLSearchParams(query).keys()];
    const inHash = [...new URLSearchParams(hash).keys()];
    expect(inHash.sort()).toEqual(['added', 'axes', 'csv', 'names']);
    expect(inQuery).not.toContain('csv');
    expect(inQuery).toContain('hidden');
    expect(parseSettingsUrl(`?${query}`, `#${hash}`)).toEqual({ settings: FULL, problems: [] });
  });

  it('keeps a 1000-point CSV out of the query: the request line stays short', () => {
    const big = settings({
      dataset: 'csv',
      csv: { points: csvPoints(1000, 3), axisNames: ['u', 'v'], classNames: ['a', 'b', 'c'] },
    });
    const { query, hash } = settingsToUrl(big);
    expect(query.length).toBeLessThan(400);
    expect(hash.length).toBeGreaterThan(10_000);
    const parsed = parseSettingsUrl(query, hash);
    expect(parsed.problems).toEqual([]);
    expect(parsed.settings.csv!.points).toHaveLength(1000);
    // Coordinates travel with 4 significant digits.
    const last = big.csv!.points[999]!;
    const round = (v: number): number => Number(v.toPrecision(4));
    expect(parsed.settings.csv!.points[999]).toEqual({
      x: round(last.x),
      y: round(last.y),
      label: last.label,
    });
  });

  it('reads old links that carried the points in the query; the hash wins over the query', () => {
    const old = parseSettingsUrl('data=circle&added=1_2_1~3_4_0');
    expect(old.settings.added).toEqual([
      { x: 1, y: 2, label: 1 },
      { x: 3, y: 4, label: 0 },
    ]);
    expect(parseSettingsUrl('data=circle&added=1_2_1', '#added=5_6_0').settings.added).toEqual([
      { x: 5, y: 6, label: 0 },
    ]);
  });

  it('accepts the limits themselves', () => {
    const q = new URLSearchParams();
    q.set('lr', String(URL_LIMITS.lr[1]));
    q.set('batch', String(URL_LIMITS.batchSize[1]));
    q.set('noise', String(URL_LIMITS.noise[1]));
    q.set('train', String(URL_LIMITS.trainPercent[0]));
    q.set('n', String(LIMITS.maxPoints));
    q.set('hidden', Array.from({ length: LIMITS.maxLayers }, () => `${LIMITS.maxUnits}t`).join('.'));
    q.set('data', 'gauss');
    q.set('classes', String(LIMITS.maxClasses));
    const { settings: s, problems } = parseSettingsUrl(q.toString());
    expect(problems).toEqual([]);
    expect([s.lr, s.batchSize, s.noise, s.trainPercent, s.points, s.classes]).toEqual([
      10,
      100,
      50,
      10,
      LIMITS.maxPoints,
      LIMITS.maxClasses,
    ]);
    expect(s.hidden).toHaveLength(LIMITS.maxLayers);
    expect(parseSettingsUrl('hidden=').settings.hidden).toEqual([]);
  });
});

describe('playground links: values outside the limits are reported and replaced by defaults', () => {
  const d = defaultSettings();
  const cases: [string, string, keyof Settings][] = [
    ['data', 'nope', 'dataset'],
    ['classes', '7', 'classes'],
    ['noise', '51', 'noise'],
    ['train', '5', 'trainPercent'],
    ['n', '10', 'points'],
    ['n', '400.5', 'points'],
    ['seed', '-1', 'seed'],
    ['dropout', '0.95', 'dropout'],
    ['loss', 'hinge', 'loss'],
    ['opt', 'lbfgs', 'optimizer'],
    ['lr', '-1', 'lr'],
    ['lr', 'fast', 'lr'],
    ['lr', '', 'lr'],
    ['lr', 'Infinity', 'lr'],
    ['momentum', '1', 'momentum'],
    ['batch', '2.5', 'batchSize'],
    ['batch', '101', 'batchSize'],
    ['wd', '2', 'weightDecay'],
    ['patience', '1.5', 'patience'],
    ['reg', 'l3', 'regularization'],
    ['regRate', '11', 'regRate'],
    ['init', '-3', 'initSeed'],
    ['discretize', 'yes', 'discretize'],
    ['test', '2', 'showTest'],
    ['features', '', 'features'],
    ['features', 'x9.x2', 'features'],
    ['hidden', '999', 'hidden'],
    ['hidden', '9t', 'hidden'],
    ['hidden', '4x', 'hidden'],
    ['hidden', Array.from({ length: 7 }, () => '2t').join('.'), 'hidden'],
  ];
  it.each(cases)('%s=%s', (parameter, value, field) => {
    const { settings: s, problems } = parseSettingsUrl(new URLSearchParams([[parameter, value]]).toString());
    expect(s[field]).toEqual(d[field]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.parameter).toBe(parameter);
    expect(describeLinkProblems(problems)).toContain(`${parameter}=`);
  });

  it('lists every bad parameter of one link and keeps the good ones', () => {
    const { settings: s, problems } = parseSettingsUrl('data=spiral&lr=-1&hidden=999&seed=7&batch=0');
    expect(problems.map((p) => p.parameter)).toEqual(['lr', 'batch', 'hidden']);
    expect(s.dataset).toBe('spiral');
    expect(s.seed).toBe(7);
    const message = describeLinkProblems(problems);
    expect(message).toContain('lr=-1 (expected a number from 0.000001 to 10)');
    expect(message).toContain('hidden=999');
  });
});

describe('playground links: CSV data in the link', () => {
  it.each([
    ['garbage', 'csv'],
    ['', 'csv'],
    ['1_2', 'csv'],
    ['1_2_x', 'csv'],
    ['1_2_0~3_4_500', 'csv'],
    ['1_2_0~3_4_-1', 'csv'],
    ['1_2_0~3_4_0', 'csv'],
  ])('csv=%s falls back to the default data set and says why', (points, parameter) => {
    const { settings: s, problems } = parseSettingsUrl(`data=csv&csv=${points}`);
    expect(s.dataset).toBe(defaultSettings().dataset);
    expect(s.csv).toBeNull();
    expect(problems.map((p) => p.parameter)).toEqual([parameter]);
  });

  it('refuses a CSV link without points and more points than an import takes', () => {
    expect(parseSettingsUrl('data=csv').problems.map((p) => p.parameter)).toEqual(['data']);
    const tooMany = csvPoints(LIMITS.maxCsvPoints + 1)
      .map((p) => `${p.x}_${p.y}_${p.label}`)
      .join('~');
    const { settings: s, problems } = parseSettingsUrl('data=csv', `csv=${tooMany}`);
    expect(s.dataset).toBe('circle');
    expect(problems[0]!.expected).toContain(String(LIMITS.maxCsvPoints));
  });

  it('labels CSV classes by name, or "class k" when the names do not match the labels', () => {
    const named = parseSettingsUrl('data=csv&csv=0_0_0~1_1_1~2_2_2&names=a~b~c').settings.csv!;
    expect(named.classNames).toEqual(['a', 'b', 'c']);
    const { settings: s, problems } = parseSettingsUrl('data=csv&csv=0_0_0~1_1_1&names=a~b~c');
    expect(s.csv!.classNames).toEqual(['class 0', 'class 1']);
    expect(problems.map((p) => p.parameter)).toEqual(['names']);
  });

  it('refuses added points whose label is not a class of the data set', () => {
    const { settings: s, problems } = parseSettingsUrl('data=circle&added=1_1_0~2_2_2');
    expect(s.added).toEqual([]);
    expect(problems.map((p) => p.parameter)).toEqual(['added']);
    expect(parseSettingsUrl('data=gauss&classes=3&added=2_2_2').problems).toEqual([]);
  });

  it('decodes points strictly', () => {
    expect(decodePoints('1_2_0~-3.5_4e-2_1')).toEqual([
      { x: 1, y: 2, label: 0 },
      { x: -3.5, y: 0.04, label: 1 },
    ]);
    expect(decodePoints('')).toEqual([]);
    expect(decodePoints('1_2_0~')).toBeNull();
    expect(decodePoints('1_2_0_4')).toBeNull();
    expect(decodePoints('1__0')).toBeNull();
    expect(decodePoints('NaN_2_0')).toBeNull();
  });
});
