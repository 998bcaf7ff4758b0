// @file The sequence page (web/sequence.html): controls bound to the settings (mirrored in the URL), the
// training worker, and the views drawn from its snapshots: predictions, attention heatmaps, curves.
import '../base.css';
import './sequence.css';
import { LineChart } from '../views/chart.js';
import { AttentionView } from './attention-view.js';
import { appendPoint, historyPoint, type HistoryPoint } from './history.js';
import { PredictionsView } from './predictions-view.js';
import type { FromSequenceWorker, SequenceSnapshot, ToSequenceWorker } from './protocol.js';
import { CHOICES, settingsFromQuery, settingsToQuery, type SequenceSettings } from './settings.js';
import { TASKS, TASK_NAMES, VOCABULARIES, VOCABULARY_NAMES } from './tasks.js';

/** Points kept for the curves; past this every other one is dropped. */
const MAX_POINTS = 1500;

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`sequence page: #${id} is missing`);
  return element as T;
}

let settings: SequenceSettings = settingsFromQuery(location.search);
let runId = 0;
let running = false;
let latest: SequenceSnapshot | null = null;
let curve: HistoryPoint[] = [];
let renderQueued = false;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToSequenceWorker): void => worker.postMessage(message);

const attentionView = new AttentionView($('heatmaps'), $('attention-readout'));
const predictionsView = new PredictionsView($('examples'), (index) => {
  predictionsView.selected = index;
  queueRender();
});
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), 'Loss (cross-entropy)');
const accuracyChart = new LineChart($<HTMLCanvasElement>('accuracy-chart'), 'Accuracy', [0, 1]);

// ---- controls -----------------------------------------------------------------------------------------------

function fillSelect(id: string, options: readonly (readonly [string, string])[], value: string): void {
  const select = $<HTMLSelectElement>(id);
  select.replaceChildren(
    ...options.map(([optionValue, label]) => new Option(label, optionValue, false, optionValue === value)),
  );
}

const numbers = (values: readonly number[]): [string, string][] => values.map((v) => [String(v), String(v)]);

/** Each numeric select and the setting it edits. */
const NUMBER_CONTROLS = [
  ['length', 'length'],
  ['d-model', 'dModel'],
  ['heads', 'numHeads'],
  ['layers', 'numLayers'],
  ['lr', 'lr'],
  ['batch', 'batchSize'],
] as const;

function renderControls(): void {
  fillSelect(
    'task',
    TASK_NAMES.map((name) => [name, TASKS[name].label] as const),
    settings.task,
  );
  fillSelect(
    'vocabulary',
    VOCABULARY_NAMES.map((name) => [name, VOCABULARIES[name].label] as const),
    settings.vocabulary,
  );
  for (const [id, key] of NUMBER_CONTROLS) fillSelect(id, numbers(CHOICES[key]), String(settings[key]));
  $('task-description').textContent = `${TASKS[settings.task].label}: ${TASKS[settings.task].description}`;
}

function applySettings(next: SequenceSettings): void {
  settings = next;
  window.history.replaceState(null, '', `${location.pathname}${settingsToQuery(settings)}`);
  renderControls();
  reset();
}

$<HTMLSelectElement>('task').addEventListener('change', (event) => {
  const task = (event.target as HTMLSelectElement).value as SequenceSettings['task'];
  applySettings({ ...settings, task });
});
$<HTMLSelectElement>('vocabulary').addEventListener('change', (event) => {
  const vocabulary = (event.target as HTMLSelectElement).value as SequenceSettings['vocabulary'];
  applySettings({ ...settings, vocabulary });
});
for (const [id, key] of NUMBER_CONTROLS) {
  $<HTMLSelectElement>(id).addEventListener('change', (event) => {
    applySettings({ ...settings, [key]: Number((event.target as HTMLSelectElement).value) });
  });
}

function setRunning(value: boolean): void {
  running = value;
  document.body.classList.toggle('running', running);
  $('play').setAttribute('aria-label', running ? 'Pause' : 'Play');
  send({ type: running ? 'play' : 'pause' });
}

function reset(): void {
  runId++;
  latest = null;
  curve = [];
  $('status').textContent = '';
  send({ type: 'reset', settings, runId });
}

$<HTMLInputElement>('show-sources').addEventListener('change', (event) => {
  attentionView.outlineSources = (event.target as HTMLInputElement).checked;
  queueRender();
});
$('play').addEventListener('click', () => setRunning(!running));
$('step').addEventListener('click', () => {
  if (running) setRunning(false);
  send({ type: 'step' });
});
$('reset').addEventListener('click', reset);

// ---- worker -------------------------------------------------------------------------------------------------

worker.onmessage = (event: MessageEvent<FromSequenceWorker>) => {
  const message = event.data;
  if (message.type === 'error') {
    $('status').textContent = `Training stopped: ${message.message}`;
    if (running) setRunning(false);
    return;
  }
  const snapshot = message.snapshot;
  if (snapshot.runId !== runId) return;
  latest = snapshot;
  curve = appendPoint(curve, historyPoint(snapshot), MAX_POINTS);
  queueRender();
};
worker.onerror = (event) => {
  $('status').textContent = `The training worker failed: ${event.message}`;
};

// ---- drawing ------------------------------------------------------------------------------------------------

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function setMetric(id: string, value: number, text: string): void {
  const element = $(id);
  element.dataset['value'] = String(value);
  element.textContent = text;
}

const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;

function renderCharts(): void {
  const points = curve.filter((p) => p.step >= 1);
  const steps = points.map((p) => p.step);
  lossChart.epochs = steps;
  lossChart.series = [
    { name: 'training', color: '#f59322', values: points.map((p) => p.trainLoss) },
    { name: 'held-out', color: '#0877bd', values: points.map((p) => p.evalLoss) },
  ];
  accuracyChart.epochs = steps;
  accuracyChart.series = [
    { name: 'training', color: '#f59322', values: points.map((p) => p.trainAccuracy) },
    { name: 'held-out', color: '#0877bd', values: points.map((p) => p.tokenAccuracy) },
    {
      name: 'sequences',
      color: '#2ea043',
      dashed: true,
      values: points.map((p) => p.sequenceAccuracy),
    },
  ];
  const width = $('charts').clientWidth || 480;
  lossChart.draw(width, 170);
  accuracyChart.draw(width, 170);
  const last = points[points.length - 1];
  $('loss-chart').setAttribute(
    'aria-label',
    last
      ? `Loss curve over ${last.step} steps: held-out loss now ${last.evalLoss.toFixed(3)}, first ${points[0]!.evalLoss.toFixed(3)}`
      : 'Loss curve: no steps yet',
  );
  $('accuracy-chart').setAttribute(
    'aria-label',
    last
      ? `Accuracy curve over ${last.step} steps: held-out token accuracy now ${percent(last.tokenAccuracy)}, whole sequences ${percent(last.sequenceAccuracy)}`
      : 'Accuracy curve: no steps yet',
  );
}

function render(): void {
  renderCharts();
  const snapshot = latest;
  if (!snapshot) return;
  const { evaluation } = snapshot;
  setMetric('step-count', snapshot.step, String(snapshot.step));
  setMetric('token-accuracy', evaluation.tokenAccuracy, percent(evaluation.tokenAccuracy));
  setMetric('sequence-accuracy', evaluation.sequenceAccuracy, percent(evaluation.sequenceAccuracy));
  setMetric('eval-loss', evaluation.loss, evaluation.loss.toFixed(3));
  setMetric('training-time', snapshot.trainingMs, `${(snapshot.trainingMs / 1000).toFixed(1)} s`);
  $('model-summary').textContent =
    `${snapshot.parameterCount.toLocaleString('en')} parameters · scored on ${evaluation.count} held-out ` +
    `sequences · chance is ${percent(1 / VOCABULARIES[snapshot.vocabulary].symbols.length)} of tokens · ` +
    `${snapshot.backend} kernels`;
  predictionsView.selected = Math.min(predictionsView.selected, snapshot.examples.length - 1);
  predictionsView.render(snapshot.examples, snapshot.vocabulary);
  const example = snapshot.examples[predictionsView.selected];
  if (example) {
    const { length, numLayers, numHeads, vocabulary, step } = snapshot;
    attentionView.draw(example, length, numLayers, numHeads, vocabulary, step);
  }
}

window.addEventListener('resize', queueRender);
renderControls();
reset();
