// @file What assistive technology hears: the Play button's pressed state and label, and text alternatives for
// the canvases (the decision boundary, the network, the curves), kept current with each snapshot.
import type { PlaygroundData } from './data.js';
import type { EpochLog, Snapshot } from './protocol.js';
import { ACTIVATION_LABELS, DATASET_LABELS, FEATURE_LABELS, type Settings } from './settings.js';

/** Marks the page as training or paused: body class, and Play's aria-pressed, label and tooltip. */
export function showRunning(running: boolean): void {
  document.body.classList.toggle('running', running);
  const play = document.getElementById('play');
  if (!play) return;
  const label = running ? 'Pause' : 'Play';
  play.setAttribute('aria-pressed', String(running));
  if (play.getAttribute('aria-label') !== label) {
    play.setAttribute('aria-label', label);
    play.title = label;
  }
}

/** Sets a canvas's text alternative (role img), touching the DOM only when the text changed. */
export function describeCanvas(id: string, text: string): void {
  const canvas = document.getElementById(id);
  if (!canvas || canvas.getAttribute('aria-label') === text) return;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', text);
}

function percent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : `${(value * 100).toFixed(1)} %`;
}

function decimal(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}

/** Share of the grid cells where each class is the likeliest: the areas the boundary splits the plane into. */
export function classAreas(output: ArrayLike<number>, cells: number, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < cells; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (output[i * classes + c]! > output[i * classes + best]!) best = c;
    counts[best]!++;
  }
  return counts.map((n) => n / Math.max(1, cells));
}

/**
 * The heatmap's text alternative: data set, epoch, validation accuracy (or MAE) and what the plane shows,
 * e.g. "… predicted class 0 on 48 % of the plane, class 1 on 52 %" or the range of a regression's predictions.
 */
export function describeBoundary(
  snapshot: Snapshot | null,
  data: PlaygroundData,
  settings: Settings,
): string {
  const name = DATASET_LABELS[settings.dataset];
  if (!snapshot)
    return `${name}: ${data.train.length} training and ${data.validation.length} validation points.`;
  const m = snapshot.metrics;
  const cells = snapshot.gridSize * snapshot.gridSize;
  if (snapshot.task === 'regression') {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < cells; i++) {
      lo = Math.min(lo, snapshot.output[i]!);
      hi = Math.max(hi, snapshot.output[i]!);
    }
    return (
      `Predicted value over the plane, ${name}, epoch ${snapshot.epoch}: validation mean absolute error ` +
      `${decimal(m.valMae)}, training ${decimal(m.mae)}; predictions range from ${decimal(lo)} (orange) to ` +
      `${decimal(hi)} (blue).`
    );
  }
  const areas = classAreas(snapshot.output, cells, snapshot.classes)
    .map((share, c) => `${data.classNames[c] ?? `class ${c}`} on ${Math.round(share * 100)} %`)
    .join(', ');
  return (
    `Decision boundary, ${name}, epoch ${snapshot.epoch}: validation accuracy ${percent(m.valAccuracy)}, ` +
    `training ${percent(m.accuracy)}; the network predicts ${areas} of the plane.`
  );
}

/** The network drawing's text alternative: inputs, hidden layers, output, and the size of the weights. */
export function describeNetwork(snapshot: Snapshot | null, settings: Settings, classes: number): string {
  const inputs = settings.features.map((f) => FEATURE_LABELS[f]).join(', ');
  const hidden =
    settings.hidden.length === 0
      ? 'no hidden layer'
      : `hidden layers of ${settings.hidden
          .map((h) => `${h.units} ${ACTIVATION_LABELS[h.activation]}`)
          .join(', ')} neurons`;
  const output =
    classes === 1 ? 'one output value' : classes === 2 ? 'one σ output' : `${classes} softmax outputs`;
  let weights = '';
  if (snapshot) {
    let count = 0;
    let largest = 0;
    for (const layer of snapshot.weights)
      for (const w of layer.weight) {
        count++;
        largest = Math.max(largest, Math.abs(w));
      }
    weights = `; ${count} weights, the largest |w| = ${largest.toFixed(2)}`;
  }
  return `Network: ${settings.features.length} inputs (${inputs}), ${hidden}, ${output}${weights}.`;
}

/** A curve chart's text alternative: last training and validation values, and the marked epochs. */
export function describeCurves(
  title: string,
  logs: readonly EpochLog[],
  value: (log: EpochLog) => number | null | undefined,
  validation: (log: EpochLog) => number | null | undefined,
  markers: readonly { epoch: number; label: string }[],
): string {
  const last = logs[logs.length - 1];
  if (!last) return `${title}: no epochs trained yet.`;
  const marks =
    markers.length > 0 ? `; marked: ${markers.map((m) => `${m.label} at epoch ${m.epoch}`).join(', ')}` : '';
  return `${title} over ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}: training ${decimal(value(last))}, validation ${decimal(validation(last))}${marks}.`;
}
