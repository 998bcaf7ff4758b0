// @file Playground settings: their types, defaults, limits, and the URL query string that reproduces a run.

export const DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'moons', 'pass', 'csv'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const DATASET_LABELS: Record<DatasetName, string> = {
  circle: 'Circle',
  xor: 'Exclusive or',
  gauss: 'Gaussian',
  spiral: 'Spiral',
  moons: 'Moons',
  pass: 'Will I pass this class?',
  csv: 'Imported CSV',
};

/** Data sets whose generator takes a number of classes. */
export const MULTI_CLASS_DATASETS: readonly DatasetName[] = ['gauss', 'spiral'];

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];

export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁·x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'gelu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const ACTIVATION_LABELS: Record<ActivationName, string> = {
  relu: 'ReLU',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  linear: 'Linear',
  gelu: 'GELU',
};

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'adagrad', 'adadelta', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: 'SGD + momentum',
  adam: 'Adam',
  adamw: 'AdamW',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  rmsprop: 'RMSprop',
};

/** The learning rate each optimizer starts from when it is picked in the playground. */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.03,
  adam: 0.01,
  adamw: 0.01,
  adagrad: 0.1,
  adadelta: 1,
  rmsprop: 0.01,
};

export const LOSSES = ['ce', 'mse'] as const;
export type LossName = (typeof LOSSES)[number];

export const LOSS_LABELS: Record<LossName, string> = {
  ce: 'Cross-entropy',
  mse: 'Squared error',
};

/** A labelled point in data coordinates (the units the axes show). */
export interface Point {
  x: number;
  y: number;
  label: number;
}

export interface HiddenLayer {
  units: number;
  activation: ActivationName;
}

/** A CSV data set: points plus the names read from its header. */
export interface CsvData {
  points: Point[];
  axisNames: [string, string];
  classNames: string[];
}

export interface Settings {
  dataset: DatasetName;
  /** Classes of gauss and spiral (2…MAX_CLASSES). */
  classes: number;
  /** Noise slider, 0…50 (percent); each generator maps it to its own noise parameter. */
  noise: number;
  /** Share of the points used for training, in percent (10…90); the rest is the validation set. */
  trainPercent: number;
  /** Points drawn from the generator. */
  points: number;
  /** One seed for the data, the split, the initial weights, the shuffles and the dropout masks. */
  seed: number;
  features: FeatureName[];
  hidden: HiddenLayer[];
  dropout: number;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  /** Momentum of SGD. */
  momentum: number;
  batchSize: number;
  weightDecay: number;
  /** Early-stopping patience in epochs; 0 turns early stopping off. */
  patience: number;
  /** Points added by clicking on the plot; they join the training set. */
  added: Point[];
  /** The imported CSV data set (dataset 'csv'). */
  csv: CsvData | null;
}

export const LIMITS = {
  maxClasses: 6,
  maxLayers: 6,
  maxUnits: 8,
  maxPointsInUrl: 1000,
  minPoints: 20,
  maxPoints: 2000,
} as const;

export function defaultSettings(): Settings {
  return {
    dataset: 'circle',
    classes: 2,
    noise: 0,
    trainPercent: 50,
    points: 400,
    seed: 1,
    features: ['x1', 'x2'],
    hidden: [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
    ],
    dropout: 0,
    loss: 'ce',
    optimizer: 'adam',
    lr: 0.01,
    momentum: 0.9,
    batchSize: 10,
    weightDecay: 0,
    patience: 0,
    added: [],
    csv: null,
  };
}

/** Number of classes the current data has. */
export function numClasses(settings: Settings): number {
  if (settings.dataset === 'csv') return Math.max(2, settings.csv?.classNames.length ?? 2);
  return MULTI_CLASS_DATASETS.includes(settings.dataset) ? settings.classes : 2;
}

// ---- URL ------------------------------------------------------------------------------------------------

const ACTIVATION_CODES: Record<ActivationName, string> = {
  relu: 'r',
  tanh: 't',
  sigmoid: 's',
  linear: 'l',
  gelu: 'g',
};

function shortNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** Points as `x_y_label~x_y_label…` (characters a URL keeps as they are). */
export function encodePoints(points: readonly Point[]): string {
  return points.map((p) => `${shortNumber(p.x)}_${shortNumber(p.y)}_${p.label}`).join('~');
}

export function decodePoints(text: string): Point[] {
  if (text === '') return [];
  const out: Point[] = [];
  for (const item of text.split('~')) {
    const [x, y, label] = item.split('_').map(Number);
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isInteger(label) && label! >= 0) {
      out.push({ x: x!, y: y!, label: label! });
    }
  }
  return out;
}

/** The query string (without '?') that reproduces these settings. */
export function settingsToQuery(settings: Settings): string {
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
  if (settings.added.length > 0 && settings.added.length <= LIMITS.maxPointsInUrl) {
    q.set('added', encodePoints(settings.added));
  }
  const csv = settings.csv;
  if (settings.dataset === 'csv' && csv && csv.points.length <= LIMITS.maxPointsInUrl) {
    q.set('csv', encodePoints(csv.points));
    q.set('axes', csv.axisNames.join('~'));
    q.set('names', csv.classNames.join('~'));
  }
  return q.toString();
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function numberIn(value: string | null, min: number, max: number, fallback: number, integer = false): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) return fallback;
  return n;
}

/** Settings from a query string; anything missing or invalid keeps its default. */
export function settingsFromQuery(query: string): Settings {
  const q = new URLSearchParams(query);
  const d = defaultSettings();
  const codeToActivation = new Map(
    Object.entries(ACTIVATION_CODES).map(([name, code]) => [code, name as ActivationName]),
  );
  const s: Settings = {
    ...d,
    dataset: oneOf(q.get('data'), DATASETS, d.dataset),
    classes: numberIn(q.get('classes'), 2, LIMITS.maxClasses, d.classes, true),
    noise: numberIn(q.get('noise'), 0, 50, d.noise),
    trainPercent: numberIn(q.get('train'), 10, 90, d.trainPercent),
    points: numberIn(q.get('n'), LIMITS.minPoints, LIMITS.maxPoints, d.points, true),
    seed: numberIn(q.get('seed'), 0, 2 ** 31 - 1, d.seed, true),
    dropout: numberIn(q.get('dropout'), 0, 0.9, d.dropout),
    loss: oneOf(q.get('loss'), LOSSES, d.loss),
    optimizer: oneOf(q.get('opt'), OPTIMIZERS, d.optimizer),
    lr: numberIn(q.get('lr'), 1e-6, 10, d.lr),
    momentum: numberIn(q.get('momentum'), 0, 0.999, d.momentum),
    batchSize: numberIn(q.get('batch'), 1, 1000, d.batchSize, true),
    weightDecay: numberIn(q.get('wd'), 0, 1, d.weightDecay),
    patience: numberIn(q.get('patience'), 0, 1000, d.patience, true),
  };
  const features = q.get('features');
  if (features !== null) {
    const list = features
      .split('.')
      .filter((f): f is FeatureName => (FEATURES as readonly string[]).includes(f));
    s.features = FEATURES.filter((f) => list.includes(f));
  }
  const hidden = q.get('hidden');
  if (hidden !== null) {
    s.hidden = [];
    for (const item of hidden.split('.')) {
      const match = /^(\d+)([a-z])$/.exec(item);
      const activation = match ? codeToActivation.get(match[2]!) : undefined;
      const units = match ? Number(match[1]) : 0;
      if (activation && units >= 1 && units <= LIMITS.maxUnits && s.hidden.length < LIMITS.maxLayers) {
        s.hidden.push({ units, activation });
      }
    }
  }
  s.added = decodePoints(q.get('added') ?? '');
  const csvPoints = q.get('csv');
  if (s.dataset === 'csv') {
    if (csvPoints === null) {
      s.dataset = d.dataset;
    } else {
      const axes = (q.get('axes') ?? 'x1~x2').split('~');
      const points = decodePoints(csvPoints);
      const maxLabel = points.reduce((m, p) => Math.max(m, p.label), 1);
      const names = (q.get('names') ?? '').split('~').filter((n) => n !== '');
      s.csv = {
        points,
        axisNames: [axes[0] ?? 'x1', axes[1] ?? 'x2'],
        classNames:
          names.length > maxLabel ? names : Array.from({ length: maxLabel + 1 }, (_, i) => `class ${i}`),
      };
    }
  }
  return s;
}
