// @file Building the playground's controls: selects, dataset tiles, feature toggles, layer controls, legends.
import { buildData, type PlaygroundData } from './data.js';
import {
  ACTIVATIONS,
  ACTIVATION_LABELS,
  DATASETS,
  DATASET_LABELS,
  FEATURES,
  FEATURE_LABELS,
  LIMITS,
  problemOf,
  type DatasetName,
  type FeatureName,
  type HiddenLayer,
  type Settings,
} from './settings.js';
import { classColor, css, diverging } from './views/colors.js';
import { LABEL_WIDTH } from './views/network.js';

/** The element with this id (the page is static, so a missing one is a bug). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
}

/** Fills a select with [value, label] options (only when they changed) and selects `value`. */
export function fillSelect(
  select: HTMLSelectElement,
  options: readonly (readonly [string, string])[],
  value: string,
): void {
  const key = options.map((o) => o[0]).join();
  if (select.dataset['filled'] !== key) {
    select.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
    select.dataset['filled'] = key;
  }
  select.value = value;
}

/** Options for numeric choices, with the current value added when it is not one of them (from a URL). */
export function numberOptions(
  values: readonly number[],
  current: number,
  label = (v: number) => String(v),
): [string, string][] {
  const all = values.includes(current) ? [...values] : [...values, current].sort((a, b) => a - b);
  return all.map((v) => [String(v), label(v)]);
}

function swatch(c: number): HTMLElement {
  const span = document.createElement('span');
  span.className = 'swatch';
  span.style.background = css(classColor(c));
  return span;
}

/** The class buttons that choose which class a click on the plot adds. */
export function renderClassPicker(
  container: HTMLElement,
  classNames: readonly string[],
  active: number,
  onPick: (c: number) => void,
): void {
  container.replaceChildren(
    ...classNames.map((name, c) => {
      const button = document.createElement('button');
      button.className = c === active ? 'active' : '';
      button.setAttribute('aria-pressed', String(c === active));
      button.dataset['class'] = String(c);
      button.append(swatch(c), document.createTextNode(name));
      button.addEventListener('click', () => onPick(c));
      return button;
    }),
  );
}

/**
 * Class colours (or, for a regression, which has no class names, the colours of the targets −1 and +1) and the
 * training / validation markers under the plot.
 */
export function renderLegend(container: HTMLElement, classNames: readonly string[]): void {
  const item = (marker: HTMLElement, text: string): HTMLElement => {
    const span = document.createElement('span');
    span.append(marker, text);
    return span;
  };
  const mark = (className: string): HTMLElement => {
    const span = document.createElement('span');
    span.className = className;
    return span;
  };
  const scale = (value: number): HTMLElement => {
    const span = swatch(0);
    span.style.background = css(diverging(value));
    span.style.boxShadow = 'inset 0 0 0 1px #c9ced6';
    return span;
  };
  const colours =
    classNames.length > 0
      ? classNames.map((name, c) => item(swatch(c), name))
      : [item(scale(-1), 'value −1'), item(scale(0), '0'), item(scale(1), '+1')];
  container.replaceChildren(...colours, item(mark('dot'), 'training'), item(mark('ring'), 'validation'));
}

/**
 * The row above the network drawing: per hidden layer −/+ neuron buttons and an activation select, in a
 * grid that mirrors the canvas columns of NetworkView (a label gutter, then equal columns).
 */
export function renderLayerControls(
  container: HTMLElement,
  settings: Settings,
  classes: number,
  onChange: (hidden: HiddenLayer[]) => void,
): void {
  container.style.gridTemplateColumns = `${LABEL_WIDTH}px repeat(${settings.hidden.length + 2}, 1fr)`;
  const label = (text: string): HTMLElement => {
    const div = document.createElement('div');
    div.textContent = text;
    return div;
  };
  const change = (l: number, patch: Partial<HiddenLayer>): void =>
    onChange(settings.hidden.map((h, i) => (i === l ? { ...h, ...patch } : h)));
  const button = (text: string, title: string, disabled: boolean, onClick: () => void): HTMLButtonElement => {
    const b = document.createElement('button');
    b.textContent = text;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.className = 'round';
    b.disabled = disabled;
    b.addEventListener('click', onClick);
    return b;
  };
  const inputs = settings.features.length;
  const cells: HTMLElement[] = [
    document.createElement('div'),
    label(`${inputs} input${inputs === 1 ? '' : 's'}`),
  ];
  settings.hidden.forEach((layer, l) => {
    const cell = document.createElement('div');
    cell.dataset['layer'] = String(l);
    const units = document.createElement('div');
    units.className = 'units';
    const count = document.createElement('span');
    count.textContent = String(layer.units);
    units.append(
      button('−', `Remove a neuron from hidden layer ${l + 1}`, layer.units <= 1, () =>
        change(l, { units: layer.units - 1 }),
      ),
      count,
      button('+', `Add a neuron to hidden layer ${l + 1}`, layer.units >= LIMITS.maxUnits, () =>
        change(l, { units: layer.units + 1 }),
      ),
    );
    const select = document.createElement('select');
    select.className = 'activation';
    select.setAttribute('aria-label', `Activation of hidden layer ${l + 1}`);
    select.replaceChildren(...ACTIVATIONS.map((a) => new Option(ACTIVATION_LABELS[a], a)));
    select.value = layer.activation;
    select.addEventListener('change', () =>
      change(l, { activation: select.value as HiddenLayer['activation'] }),
    );
    cell.append(units, select);
    cells.push(cell);
  });
  cells.push(label(classes === 1 ? 'linear output' : classes === 2 ? 'σ output' : 'softmax'));
  container.replaceChildren(...cells);
}

/** Draws a small picture of a data set's points (with the current seed, noise and classes). */
function drawPreview(canvas: HTMLCanvasElement, settings: Settings, name: DatasetName): void {
  const ctx = canvas.getContext('2d')!;
  const size = 128;
  canvas.width = size;
  canvas.height = size;
  ctx.fillStyle = '#fbfbfc';
  ctx.fillRect(0, 0, size, size);
  let preview: PlaygroundData;
  try {
    preview = buildData({ ...settings, dataset: name, points: 240, added: [], trainPercent: 90 });
  } catch {
    return;
  }
  const { xMin, xMax, yMin, yMax } = preview.domain;
  for (const p of [...preview.train, ...preview.validation]) {
    ctx.fillStyle = css(preview.task === 'regression' ? diverging(p.label) : classColor(p.label));
    ctx.beginPath();
    ctx.arc(
      ((p.x - xMin) / (xMax - xMin)) * size,
      ((yMax - p.y) / (yMax - yMin)) * size,
      3.2,
      0,
      2 * Math.PI,
    );
    ctx.fill();
  }
}

/**
 * One tile per data set of the current problem type (the CSV tile once a file is loaded); `.active` and
 * aria-pressed mark the chosen one.
 */
export function renderDatasetTiles(
  container: HTMLElement,
  settings: Settings,
  onPick: (name: DatasetName) => void,
): void {
  container.replaceChildren();
  for (const name of DATASETS) {
    if (name === 'csv' && !settings.csv) continue;
    if (problemOf(name) !== problemOf(settings.dataset)) continue;
    const tile = document.createElement('button');
    tile.className = `dataset${name === 'csv' ? ' wide' : ''}${name === settings.dataset ? ' active' : ''}`;
    tile.dataset['dataset'] = name;
    tile.title = DATASET_LABELS[name];
    tile.setAttribute('aria-pressed', String(name === settings.dataset));
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-hidden', 'true');
    drawPreview(canvas, settings, name);
    const caption = document.createElement('span');
    caption.textContent = DATASET_LABELS[name];
    tile.append(canvas, caption);
    tile.addEventListener('click', () => onPick(name));
    container.append(tile);
  }
}

/** A checkbox per input feature; `onToggle` gets the feature and whether it is now checked. */
export function renderFeatureToggles(
  container: HTMLElement,
  onToggle: (feature: FeatureName, checked: boolean, input: HTMLInputElement) => void,
): void {
  container.replaceChildren(
    ...FEATURES.map((f) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.value = f;
      input.addEventListener('change', () => onToggle(f, input.checked, input));
      label.append(input, FEATURE_LABELS[f]);
      return label;
    }),
  );
}
