// @file The text around the plots (epoch, losses, accuracies, status line, confusion matrix, perceptron equation),
// written only where it changed: a rewrite of the same text would still make the browser lay the page out again.
import type { PlaygroundData } from './data.js';
import type { Snapshot } from './protocol.js';
import type { Settings } from './settings.js';
import { renderConfusion } from './views/confusion.js';
import { perceptronEquation } from './views/equation.js';

/** What each element last showed (text, class and data-* values), keyed by the element. */
const shown = new WeakMap<HTMLElement, string>();

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`playground: the page has no #${id}`);
  return element;
}

/** Sets text, class and data-* attributes of #id, touching the DOM only when one of them differs. */
export function writeElement(
  id: string,
  text: string,
  className?: string,
  data: Record<string, string | null> = {},
): void {
  const element = byId(id);
  const key = JSON.stringify([text, className, data]);
  if (shown.get(element) === key) return;
  shown.set(element, key);
  element.textContent = text;
  if (className !== undefined) element.className = className;
  for (const [name, value] of Object.entries(data)) {
    if (value === null) delete element.dataset[name];
    else element.dataset[name] = value;
  }
}

/** A number as the stats show it: a percentage, 3 decimals, or 1 significant digit for tiny values. */
export function formatStat(value: number, percent: boolean): string {
  if (percent) return `${(value * 100).toFixed(1)}%`;
  return value >= 0.01 || value === 0 ? value.toFixed(3) : value.toExponential(1);
}

/** One statistic: its text and its raw value in data-value ('' and a dash when there is none). */
export function writeStat(id: string, value: number | null | undefined, percent = false): void {
  if (value === null || value === undefined || !Number.isFinite(value))
    writeElement(id, '–', undefined, { value: '' });
  else writeElement(id, formatStat(value, percent), undefined, { value: String(value) });
}

/** Epoch, losses and accuracies (mean absolute errors for regression) of the latest snapshot. */
export function writeMetrics(latest: Snapshot | null, regression: boolean): void {
  const last = latest?.metrics;
  const epoch = latest?.epoch ?? 0;
  writeElement('epoch', epoch.toLocaleString('en-US'), undefined, { value: String(epoch) });
  writeStat('train-loss', last?.loss);
  writeStat('val-loss', last?.valLoss);
  writeStat('train-acc', regression ? last?.mae : last?.accuracy, !regression);
  writeStat('val-acc', regression ? last?.valMae : last?.valAccuracy, !regression);
}

/** The status line under the plot: early stopping, or the point counts. */
export function writeStatus(latest: Snapshot | null, regression: boolean): void {
  if (latest?.stoppedEpoch != null) {
    writeElement(
      'status',
      `Early stopping ended training at epoch ${latest.stoppedEpoch}; the weights of epoch ${latest.bestEpoch} were restored.`,
      'status stopped',
      { stopped: String(latest.stoppedEpoch) },
    );
  } else if (latest) {
    writeElement(
      'status',
      `${latest.trainCount} training and ${latest.validationCount} validation points` +
        (regression ? '' : ' · click the plot to add points'),
      'status',
      { stopped: null },
    );
  }
}

/** The confusion matrix, rebuilt only when a count, a class name or the split changes. */
export function writeConfusion(latest: Snapshot, classNames: readonly string[]): void {
  const container = byId('confusion');
  const key = JSON.stringify([latest.confusion, classNames, latest.confusionOf]);
  if (shown.get(container) === key) return;
  shown.set(container, key);
  renderConfusion(container, latest.confusion, classNames, latest.confusionOf);
}

/** The perceptron's learned equation when the network has no hidden layer, else a hint. */
export function writeEquation(latest: Snapshot | null, settings: Settings, data: PlaygroundData): void {
  const container = byId('equation');
  const outputLayer = latest?.weights[latest.weights.length - 1];
  let lines: string[];
  let note: string | undefined;
  let className = 'equation';
  if (settings.hidden.length === 0 && outputLayer && latest?.weights.length === 1) {
    ({ lines, note } = perceptronEquation(outputLayer, settings.features, data));
  } else {
    className = 'equation empty';
    lines = [];
    note = 'Remove every hidden layer to see the perceptron’s learned equation, p = σ(w₀ + Σ wⱼ·xⱼ).';
  }
  const key = JSON.stringify([className, lines, note]);
  if (shown.get(container) === key) return;
  shown.set(container, key);
  container.className = className;
  if (lines.length === 0) {
    container.textContent = note ?? '';
    return;
  }
  container.replaceChildren(
    ...lines.map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      return div;
    }),
  );
  if (note) {
    const div = document.createElement('div');
    div.className = 'note';
    div.textContent = note;
    container.append(div);
  }
}
