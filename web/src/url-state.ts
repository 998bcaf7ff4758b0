// @file The link that reproduces a run: settings ⇄ URL. Short values go in the query, point lists (added
// points, an imported CSV) in the #hash, which browsers never send to the server. Every parameter is checked
// against the limits the controls allow; one that is out of them is reported and replaced by its default.
import {
  DATASETS,
  DATASET_LABELS,
  FEATURES,
  LIMITS,
  LOSSES,
  MULTI_CLASS_DATASETS,
  OPTIMIZERS,
  PROBLEM_LOSSES,
  REGULARIZATIONS,
  defaultSettings,
  problemOf,
  type ActivationName,
  type CsvData,
  type FeatureName,
  type HiddenLayer,
  type Point,
  type Settings,
} from './settings.js';

const ACTIVATION_CODES: Record<ActivationName, string> = {
  relu: 'r',
  tanh: 't',
  sigmoid: 's',
  linear: 'l',
  gelu: 'g',
};
const CODE_TO_ACTIVATION = new Map(
  Object.entries(ACTIVATION_CODES).map(([name, code]) => [code, name as ActivationName]),
);

/** Parameters that hold point lists; settingsToUrl puts them in the #hash. */
const HASH_PARAMETERS = ['added', 'csv', 'axes', 'names'] as const;

/** One parameter of a link that could not be used: its name, value (shortened) and what it must be. */
export interface LinkProblem {
  parameter: string;
  value: string;
  expected: string;
}

export interface ParsedLink {
  settings: Settings;
  problems: LinkProblem[];
}

function shortNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** Points as `x_y_label~x_y_label…` (characters a URL keeps as they are). */
export function encodePoints(points: readonly Point[]): string {
  return points.map((p) => `${shortNumber(p.x)}_${shortNumber(p.y)}_${shortNumber(p.label)}`).join('~');
}

/**
 * Points from `x_y_label~…`; null when any item is malformed or its label fails `labelOk`. The empty string
 * is no points.
 */
export function decodePoints(text: string, labelOk: (label: number) => boolean = () => true): Point[] | null {
  if (text === '') return [];
  const out: Point[] = [];
  for (const item of text.split('~')) {
    const parts = item.split('_');
    if (parts.length !== 3 || parts.some((p) => p.trim() === '')) return null;
    const [x, y, label] = parts.map(Number) as [number, number, number];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(label) || !labelOk(label)) return null;
    out.push({ x, y, label });
  }
  return out;
}

/** Every setting as URL parameters (the point lists included), in a fixed order. */
function settingsToParams(settings: Settings): URLSearchParams {
  const q = new URLSearchParams();
  q.set('data', settings.dataset);
  if (MULTI_CLASS_DATASETS.includes(settings.dataset)) q.set('classes', String(settings.classes));
  q.set('noise', String(settings.noise));
  q.set('train', String(settings.trainPercent));
  q.set('n', String(settings.points));
  q.set('seed', String(settings.seed));
  q.set('features', settings.features.join('.'));
  q.set('hidden', settings.hidden.map((h) => `${h.units}${ACTIVATION_CODES[h.activation]}`).join('.'));
  q.set('dropout', String(settings.dropout));
  q.set('loss', settings.loss);
  q.set('opt', settings.optimizer);
  q.set('lr', String(settings.lr));
  if (settings.optimizer === 'sgd') q.set('momentum', String(settings.momentum));
  q.set('batch', String(settings.batchSize));
  q.set('wd', String(settings.weightDecay));
  q.set('patience', String(settings.patience));
  if (settings.regularization !== 'none') {
    q.set('reg', settings.regularization);
    q.set('regRate', String(settings.regRate));
  }
  if (settings.initSeed !== 0) q.set('init', String(settings.initSeed));
  if (settings.discretize) q.set('discretize', '1');
  if (!settings.showTest) q.set('test', '0');
  if (settings.added.length > 0) q.set('added', encodePoints(settings.added));
  const csv = settings.csv;
  if (settings.dataset === 'csv' && csv) {
    q.set('csv', encodePoints(csv.points));
    q.set('axes', csv.axisNames.join('~'));
    q.set('names', csv.classNames.join('~'));
  }
  return q;
}

/** The whole state as one query string (without '?'): the model file's metadata keeps it. */
export function settingsToQuery(settings: Settings): string {
  return settingsToParams(settings).toString();
}

/** The page's link: short settings in `query`, point lists in `hash` (both without their '?' / '#'). */
export function settingsToUrl(settings: Settings): { query: string; hash: string } {
  const all = settingsToParams(settings);
  const query = new URLSearchParams();
  const hash = new URLSearchParams();
  for (const [key, value] of all) {
    ((HASH_PARAMETERS as readonly string[]).includes(key) ? hash : query).set(key, value);
  }
  return { query: query.toString(), hash: hash.toString() };
}

/** Reads parameters and records the ones that cannot be used. */
class LinkReader {
  readonly problems: LinkProblem[] = [];

  constructor(private readonly params: URLSearchParams) {}

  has(name: string): boolean {
    return this.params.has(name);
  }

  raw(name: string): string | null {
    return this.params.get(name);
  }

  reject(parameter: string, expected: string): void {
    const value = this.params.get(parameter) ?? '';
    const shown = value.length > 24 ? `${value.slice(0, 21)}…` : value;
    this.problems.push({ parameter, value: shown, expected });
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.reject(name, `one of ${allowed.join(', ')}`);
    return fallback;
  }

  number(name: string, min: number, max: number, fallback: number, integer = false): number {
    const value = this.params.get(name);
    if (value === null) return fallback;
    const n = value.trim() === '' ? NaN : Number(value);
    if (Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n))) return n;
    this.reject(name, `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    return fallback;
  }

  flag(name: string, fallback: boolean): boolean {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '0' || value === '1') return value === '1';
    this.reject(name, '0 or 1');
    return fallback;
  }
}

/**
 * The limits a link's numbers must respect: the controls' ranges (sliders, the seed field, the largest
 * network) and what the trainer accepts for values the selects offer as presets.
 */
export const URL_LIMITS = {
  noise: [0, 50],
  trainPercent: [10, 90],
  seed: [0, 2 ** 31 - 1],
  dropout: [0, 0.9],
  lr: [1e-6, 10],
  momentum: [0, 0.999],
  batchSize: [1, 100],
  weightDecay: [0, 1],
  patience: [0, 1000],
  regRate: [0, 10],
} as const satisfies Record<string, readonly [number, number]>;

function readHidden(reader: LinkReader, fallback: HiddenLayer[]): HiddenLayer[] {
  const text = reader.raw('hidden');
  if (text === null) return fallback;
  if (text === '') return [];
  const layers: HiddenLayer[] = [];
  for (const item of text.split('.')) {
    const match = /^(\d+)([a-z])$/.exec(item);
    const activation = match ? CODE_TO_ACTIVATION.get(match[2]!) : undefined;
    const units = match ? Number(match[1]) : 0;
    if (!activation || units < 1 || units > LIMITS.maxUnits) {
      reader.reject(
        'hidden',
        `layers like 8t.4r: 1 to ${LIMITS.maxUnits} neurons, then ${[...CODE_TO_ACTIVATION.keys()].join('/')}`,
      );
      return fallback;
    }
    layers.push({ units, activation });
  }
  if (layers.length > LIMITS.maxLayers) {
    reader.reject('hidden', `at most ${LIMITS.maxLayers} hidden layers`);
    return fallback;
  }
  return layers;
}

function readFeatures(reader: LinkReader, fallback: FeatureName[]): FeatureName[] {
  const text = reader.raw('features');
  if (text === null) return fallback;
  const names = text.split('.');
  const known = (FEATURES as readonly string[]).includes.bind(FEATURES);
  if (text === '' || names.some((n) => !known(n))) {
    reader.reject('features', `one or more of ${FEATURES.join('.')}`);
    return fallback;
  }
  return FEATURES.filter((f) => names.includes(f));
}

/** The CSV data set of a link, or null (reported) when its points, labels or names are unusable. */
function readCsv(reader: LinkReader): CsvData | null {
  const text = reader.raw('csv');
  if (text === null) {
    reader.problems.push({ parameter: 'data', value: 'csv', expected: 'a link with its csv= points' });
    return null;
  }
  const classLabel = (label: number): boolean =>
    Number.isInteger(label) && label >= 0 && label < LIMITS.maxClasses;
  const points = decodePoints(text, classLabel);
  if (points === null) {
    reader.reject('csv', `points x_y_label~… with class labels 0 to ${LIMITS.maxClasses - 1}`);
    return null;
  }
  if (points.length > LIMITS.maxCsvPoints) {
    reader.reject('csv', `at most ${LIMITS.maxCsvPoints} points`);
    return null;
  }
  const classes = Math.max(...points.map((p) => p.label)) + 1;
  if (classes < 2) {
    reader.reject('csv', 'points of at least two classes');
    return null;
  }
  const axes = (reader.raw('axes') ?? 'x1~x2').split('~');
  const names = (reader.raw('names') ?? '').split('~').filter((n) => n !== '');
  const classNames =
    names.length === classes ? names : Array.from({ length: classes }, (_, i) => `class ${i}`);
  if (names.length > 0 && names.length !== classes) reader.reject('names', `${classes} class names`);
  return { points, axisNames: [axes[0] || 'x1', axes[1] || 'x2'], classNames };
}

/**
 * Settings from a link's query and hash (parameters in the hash win): every parameter that is missing keeps
 * its default; one that is present but outside the controls' limits keeps its default and is listed in
 * `problems`. A CSV link whose points cannot be used falls back to the default data set.
 */
export function parseSettingsUrl(query: string, hash = ''): ParsedLink {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  for (const [key, value] of new URLSearchParams(hash.replace(/^#/, ''))) params.set(key, value);
  const reader = new LinkReader(params);
  const d = defaultSettings();
  const L = URL_LIMITS;
  const s: Settings = {
    ...d,
    dataset: reader.oneOf('data', DATASETS, d.dataset),
    classes: reader.number('classes', 2, LIMITS.maxClasses, d.classes, true),
    noise: reader.number('noise', L.noise[0], L.noise[1], d.noise),
    trainPercent: reader.number('train', L.trainPercent[0], L.trainPercent[1], d.trainPercent),
    points: reader.number('n', LIMITS.minPoints, LIMITS.maxPoints, d.points, true),
    seed: reader.number('seed', L.seed[0], L.seed[1], d.seed, true),
    dropout: reader.number('dropout', L.dropout[0], L.dropout[1], d.dropout),
    loss: reader.oneOf('loss', LOSSES, d.loss),
    optimizer: reader.oneOf('opt', OPTIMIZERS, d.optimizer),
    lr: reader.number('lr', L.lr[0], L.lr[1], d.lr),
    momentum: reader.number('momentum', L.momentum[0], L.momentum[1], d.momentum),
    batchSize: reader.number('batch', L.batchSize[0], L.batchSize[1], d.batchSize, true),
    weightDecay: reader.number('wd', L.weightDecay[0], L.weightDecay[1], d.weightDecay),
    patience: reader.number('patience', L.patience[0], L.patience[1], d.patience, true),
    regularization: reader.oneOf('reg', REGULARIZATIONS, d.regularization),
    regRate: reader.number('regRate', L.regRate[0], L.regRate[1], d.regRate),
    initSeed: reader.number('init', L.seed[0], L.seed[1], d.initSeed, true),
    discretize: reader.flag('discretize', d.discretize),
    showTest: reader.flag('test', d.showTest),
    features: readFeatures(reader, d.features),
    hidden: readHidden(reader, d.hidden),
  };
  if (s.dataset === 'csv') {
    s.csv = readCsv(reader);
    if (!s.csv) s.dataset = d.dataset;
  }
  const problem = problemOf(s.dataset);
  if (!PROBLEM_LOSSES[problem].includes(s.loss)) {
    if (reader.has('loss')) reader.reject('loss', `for ${problem}: ${PROBLEM_LOSSES[problem].join(', ')}`);
    s.loss = PROBLEM_LOSSES[problem][0]!;
  }
  s.added = readAdded(reader, s);
  return { settings: s, problems: reader.problems };
}

function readAdded(reader: LinkReader, s: Settings): Point[] {
  const text = reader.raw('added');
  if (text === null) return [];
  const classes =
    s.dataset === 'csv'
      ? (s.csv?.classNames.length ?? 2)
      : MULTI_CLASS_DATASETS.includes(s.dataset)
        ? s.classes
        : 2;
  const regression = problemOf(s.dataset) === 'regression';
  const labelOk = (label: number): boolean =>
    regression || (Number.isInteger(label) && label >= 0 && label < classes);
  const points = decodePoints(text, labelOk);
  if (points === null || points.length > LIMITS.maxPointsInUrl) {
    reader.reject(
      'added',
      `up to ${LIMITS.maxPointsInUrl} points x_y_label~… with ` +
        (regression ? 'numeric targets' : `labels 0 to ${classes - 1} for ${DATASET_LABELS[s.dataset]}`),
    );
    return [];
  }
  return points;
}

/** Settings from a query string (no report): what a model file's metadata or an old link holds. */
export function settingsFromQuery(query: string): Settings {
  return parseSettingsUrl(query).settings;
}

/** One sentence for a toast: which parameters of the link were replaced by defaults, and why. */
export function describeLinkProblems(problems: readonly LinkProblem[]): string {
  const parts = problems.map(
    (p) => `${p.parameter}=${p.value === '' ? '(empty)' : p.value} (expected ${p.expected})`,
  );
  return `The link has settings the playground cannot use, so their defaults apply: ${parts.join('; ')}.`;
}
