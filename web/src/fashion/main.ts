// @file The Fashion-MNIST page (web/fashion-mnist.html): loads the data into the training worker (from the
// server, or four files picked from disk), the backend switch, play / pause / reset, and the views drawn from the
// worker's snapshots: accuracy figures, learning curves, test images with predictions.
import '../base.css';
import './fashion.css';
import { LineChart } from '../views/chart.js';
import { describeStatus, hasWebGpuAdapter, parseBackendChoice } from '../backend-choice.js';
import { FASHION_MNIST_URL } from './idx-files.js';
import { ImageGrid } from './image-grid.js';
import type {
  DataSource,
  Evaluation,
  FashionSnapshot,
  FromFashionWorker,
  ToFashionWorker,
} from './protocol.js';
import { limitsFromQuery } from './settings.js';

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Fashion-MNIST page: #${id} is missing`);
  return element as T;
}

const query = new URLSearchParams(location.search);
const limits = limitsFromQuery(query);
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToFashionWorker): void => worker.postMessage(message);

const grid = new ImageGrid($<HTMLOListElement>('images'));
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), 'Loss (cross-entropy)');
const accuracyChart = new LineChart($<HTMLCanvasElement>('accuracy-chart'), 'Test accuracy', [0, 1]);

let runId = -1;
let running = false;
let latest: FashionSnapshot | null = null;
let trainPoints: { step: number; loss: number }[] = [];
let scores: Evaluation[] = [];
let renderQueued = false;
let dataLoaded = false;
/** The last error from the worker: it stays in the status line until the next run or load. */
let failure: string | null = null;

const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;

function setStatus(text: string): void {
  $('status').textContent = text;
}

function setMetric(id: string, value: number, text: string): void {
  const element = $(id);
  element.dataset['value'] = String(value);
  element.textContent = text;
}

// ---- controls -----------------------------------------------------------------------------------------------

function setRunning(value: boolean): void {
  running = value;
  document.body.classList.toggle('running', running);
  $('play').setAttribute('aria-label', running ? 'Pause' : 'Play');
  $('play').setAttribute('aria-pressed', String(running));
  send({ type: running ? 'play' : 'pause' });
}

function load(source: DataSource): void {
  if (running) setRunning(false);
  dataLoaded = false;
  $<HTMLButtonElement>('play').disabled = true;
  $<HTMLButtonElement>('reset').disabled = true;
  send({ type: 'load', source, limits });
}

$('play').addEventListener('click', () => setRunning(!running));
$('reset').addEventListener('click', () => send({ type: 'reset' }));
$<HTMLSelectElement>('backend').addEventListener('change', (event) => {
  const choice = parseBackendChoice((event.target as HTMLSelectElement).value);
  if (!choice) return;
  query.set('backend', choice);
  window.history.replaceState(null, '', `${location.pathname}?${query.toString()}`);
  $('backend-status').textContent = `Switching to ${choice}…`;
  send({ type: 'backend', backend: choice });
});
$<HTMLInputElement>('files').addEventListener('change', (event) => {
  const files = [...((event.target as HTMLInputElement).files ?? [])];
  if (files.length > 0) load({ kind: 'files', files });
});

// ---- worker -------------------------------------------------------------------------------------------------

worker.onmessage = (event: MessageEvent<FromFashionWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'backend':
      $('backend-status').textContent = `Backend: ${describeStatus(message.status)}.`;
      $('backend-status').dataset['backend'] = message.status.backend;
      $<HTMLSelectElement>('backend').value = message.status.backend === 'webgpu' ? 'webgpu' : 'wasm';
      break;
    case 'progress':
      $('data-status').textContent = message.message;
      break;
    case 'loaded': {
      const { trainCount, testCount, shownPixels, shownLabels } = message.data;
      $('data-status').textContent =
        `Data: ${trainCount.toLocaleString('en')} training and ${testCount.toLocaleString('en')} test images; ` +
        `live accuracy on the first ${Math.min(limits.live, testCount).toLocaleString('en')} test images, all ` +
        `${testCount.toLocaleString('en')} at each epoch’s end.`;
      grid.setImages(shownPixels, shownLabels);
      dataLoaded = true;
      failure = null;
      $<HTMLButtonElement>('play').disabled = false;
      $<HTMLButtonElement>('reset').disabled = false;
      setStatus('Ready: press Play to train.');
      break;
    }
    case 'snapshot':
      if (message.snapshot.runId !== runId) {
        runId = message.snapshot.runId;
        failure = null;
        trainPoints = [];
        scores = [];
      }
      latest = message.snapshot;
      trainPoints.push(...message.snapshot.losses);
      scores.push(...message.snapshot.evaluations);
      queueRender();
      break;
    case 'error':
      failure = `Stopped: ${message.message}`;
      setStatus(failure);
      if (running) setRunning(false);
      if (!dataLoaded) {
        $('data-status').textContent =
          `The data could not be loaded: ${message.message}. Pick the four IDX files with “Data files”.`;
      }
      break;
  }
};
worker.onerror = (event) => setStatus(`The training worker failed: ${event.message}`);

// ---- drawing ------------------------------------------------------------------------------------------------

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

/** The newest score at or before each step (null before the first): the test curves as steps. */
function carried(steps: number[], value: (s: Evaluation) => number): (number | null)[] {
  let next = 0;
  let current: number | null = null;
  return steps.map((step) => {
    while (next < scores.length && scores[next]!.step <= step) current = value(scores[next++]!);
    return current;
  });
}

function renderCharts(): void {
  const steps = [...new Set([0, ...trainPoints.map((p) => p.step), ...scores.map((s) => s.step)])].sort(
    (a, b) => a - b,
  );
  const byStep = new Map(trainPoints.map((p) => [p.step, p.loss]));
  lossChart.epochs = steps;
  lossChart.series = [
    { name: 'training', color: '#f59322', values: steps.map((step) => byStep.get(step) ?? null) },
    { name: 'test', color: '#0877bd', values: carried(steps, (s) => s.loss) },
  ];
  accuracyChart.epochs = steps;
  accuracyChart.series = [{ name: 'test', color: '#0877bd', values: carried(steps, (s) => s.accuracy) }];
  const width = $('charts').clientWidth || 480;
  lossChart.draw(width, 170);
  accuracyChart.draw(width, 170);
  const lastLoss = trainPoints[trainPoints.length - 1];
  const lastScore = scores[scores.length - 1];
  $('loss-chart').setAttribute(
    'aria-label',
    lastLoss
      ? `Loss curve over ${lastLoss.step} steps: training loss now ${lastLoss.loss.toFixed(3)}` +
          (lastScore ? `, test loss ${lastScore.loss.toFixed(3)}` : '')
      : 'Loss curve: no steps yet',
  );
  $('accuracy-chart').setAttribute(
    'aria-label',
    lastScore
      ? `Test accuracy over ${lastScore.step} steps: now ${percent(lastScore.accuracy)} on ${lastScore.count} test images`
      : 'Accuracy curve: no scores yet',
  );
}

function render(): void {
  renderCharts();
  const snapshot = latest;
  if (!snapshot) return;
  setMetric('step-count', snapshot.step, String(snapshot.step));
  setMetric('epoch-count', snapshot.epoch, String(snapshot.epoch));
  const speed = snapshot.stepsPerSecond;
  setMetric('speed', speed, speed > 0 ? speed.toFixed(1) : '–');
  const newest = scores.at(-1);
  const full = scores.filter((s) => s.full).at(-1);
  if (newest) {
    setMetric('test-accuracy', newest.accuracy, percent(newest.accuracy));
    $('test-accuracy').dataset['step'] = String(newest.step);
    $('test-accuracy').dataset['count'] = String(newest.count);
    setMetric('test-loss', newest.loss, newest.loss.toFixed(3));
    $('metrics-help').textContent =
      `Scored at step ${newest.step} on ${newest.count.toLocaleString('en')} test images; chance is 10%. ` +
      `${(snapshot.trainingMs / 1000).toFixed(1)} s of training on ${snapshot.backend}.`;
    grid.setPredictions(newest.predictions);
  }
  if (full) setMetric('epoch-accuracy', full.accuracy, `${percent(full.accuracy)} (epoch ${full.epoch})`);
  if (failure) setStatus(failure);
  else if (running) setStatus(`Training: step ${snapshot.step}, epoch ${snapshot.epoch + 1}.`);
  else if (snapshot.step > 0) setStatus(`Paused at step ${snapshot.step}.`);
}

window.addEventListener('resize', queueRender);

async function start(): Promise<void> {
  setStatus('Loading the Fashion-MNIST files…');
  const requested = parseBackendChoice(query.get('backend'));
  const choice = requested ?? ((await hasWebGpuAdapter()) ? 'webgpu' : 'wasm');
  $<HTMLSelectElement>('backend').value = choice;
  send({ type: 'backend', backend: choice });
  load({ kind: 'server', url: new URL(FASHION_MNIST_URL, location.href).href });
}

void start();
