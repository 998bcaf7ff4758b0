// @file The playground page: controls bound to the settings (mirrored in the URL), the training worker,
// and the live views drawn from its snapshots.
import './style.css';
import { io } from 'neurite';
import { buildData, encodePoints, gridPoints, type PlaygroundData } from './data.js';
import {
  $,
  fillSelect,
  numberOptions,
  renderClassPicker,
  renderDatasetTiles,
  renderFeatureToggles,
  renderLayerControls,
  renderLegend,
} from './controls.js';
import { parseCsv } from './csv.js';
import { inferSettingsFromWeights } from './import.js';
import { SurfacePanel } from './surface-panel.js';
import { surfaceFromQuery, surfaceToQuery, weightChoices } from './surface.js';
import type { EpochLog, FromWorker, Snapshot, ToWorker } from './protocol.js';
import {
  FEATURES,
  FEATURE_LABELS,
  LIMITS,
  LOSSES,
  LOSS_LABELS,
  MULTI_CLASS_DATASETS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  settingsFromQuery,
  settingsToQuery,
  DEFAULT_LR,
  type Settings,
} from './settings.js';
import { LineChart } from './views/chart.js';
import { renderConfusion } from './views/confusion.js';
import { perceptronEquation } from './views/equation.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';

const INPUT_GRID = 40;
/** Epoch logs kept for the curves; past this, every other one is dropped (the first and last stay). */
const MAX_LOGS = 8000;
const HEATMAP_SIZE = 420;

// ---- state ------------------------------------------------------------------------------------------------

let settings: Settings = settingsFromQuery(location.search);
let data: PlaygroundData = safeBuild(settings);
let runId = 0;
let running = false;
let epochLogs: EpochLog[] = [];
let latest: Snapshot | null = null;
let freshSnapshot = false;
/** The heatmap has not yet coloured the latest snapshot (it waits while the loss surface is shown). */
let heatmapBehind = false;
let addClass = 0;
let renderQueued = false;

function safeBuild(s: Settings): PlaygroundData {
  try {
    return buildData(s);
  } catch (error) {
    toast(String(error instanceof Error ? error.message : error), true);
    settings = { ...s, dataset: 'circle', csv: null };
    return buildData(settings);
  }
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
function send(message: ToWorker): void {
  worker.postMessage(message);
}

// ---- views ------------------------------------------------------------------------------------------------

const heatmap = new HeatmapView($<HTMLCanvasElement>('heatmap'), HEATMAP_SIZE, (x, y) => addPoint(x, y));
const network = new NetworkView($<HTMLCanvasElement>('network'));
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), 'Loss');
const accuracyChart = new LineChart($<HTMLCanvasElement>('acc-chart'), 'Accuracy', [0, 1]);
const surfacePanel = new SurfacePanel(send, () => writeUrl());

/** Shows the decision boundary or the loss surface in the output panel. */
function showView(view: 'boundary' | 'surface'): void {
  for (const [tab, name] of [
    ['tab-boundary', 'boundary'],
    ['tab-surface', 'surface'],
  ] as const) {
    $(tab).classList.toggle('active', view === name);
    $(tab).setAttribute('aria-selected', String(view === name));
  }
  $('boundary-view').hidden = view !== 'boundary';
  $('surface-view').hidden = view !== 'surface';
  surfacePanel.setVisible(view === 'surface');
  writeUrl();
  queueRender();
}
$('tab-boundary').addEventListener('click', () => showView('boundary'));
$('tab-surface').addEventListener('click', () => showView('surface'));

let toastTimer = 0;
function toast(message: string, error = false): void {
  const box = document.getElementById('toast');
  if (!box) return;
  box.textContent = message;
  box.className = `toast show${error ? ' error' : ''}`;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (box.className = 'toast'), error ? 6000 : 3000);
}

// ---- settings ↔ controls ------------------------------------------------------------------------------------

/** Changes settings, writes the URL and starts a new run (keeping play/pause). */
function update(patch: Partial<Settings>): void {
  settings = { ...settings, ...patch };
  restart();
}

function restart(): void {
  data = safeBuild(settings);
  addClass = Math.min(addClass, data.classes - 1);
  epochLogs = [];
  latest = null;
  runId++;
  writeUrl();
  syncControls();
  heatmap.setData(data, settings.added);
  network.setHiddenSizes(settings.hidden.map((h) => h.units));
  const grid = gridPoints(data.domain, INPUT_GRID);
  network.setInputs(
    settings.features.map((f) => encodePoints(data, [f], grid)),
    INPUT_GRID,
    settings.features.map((f) => FEATURE_LABELS[f]),
  );
  send({ type: 'reset', settings, runId });
  surfacePanel.setNetwork(
    weightChoices(
      settings.features.length,
      settings.hidden.map((h) => h.units),
      settings.dropout > 0,
      data.classes === 2 ? 1 : data.classes,
    ),
  );
  queueRender();
}

function writeUrl(): void {
  const view = surfaceToQuery(surfacePanel.urlState);
  const query = settingsToQuery(settings) + (view ? `&${view}` : '');
  if (location.search.slice(1) !== query) window.history.replaceState(null, '', `?${query}`);
}

function syncControls(): void {
  fillSelect(
    $<HTMLSelectElement>('optimizer'),
    OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]] as const),
    settings.optimizer,
  );
  fillSelect(
    $<HTMLSelectElement>('lr'),
    numberOptions([0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10], settings.lr),
    String(settings.lr),
  );
  fillSelect(
    $<HTMLSelectElement>('momentum'),
    numberOptions([0, 0.5, 0.9, 0.95, 0.99], settings.momentum),
    String(settings.momentum),
  );
  $('momentum-field').style.display = settings.optimizer === 'sgd' ? '' : 'none';
  $<HTMLInputElement>('batch').value = String(settings.batchSize);
  $('batch-value').textContent = String(settings.batchSize);
  fillSelect(
    $<HTMLSelectElement>('wd'),
    numberOptions([0, 0.00001, 0.0001, 0.001, 0.01, 0.1], settings.weightDecay),
    String(settings.weightDecay),
  );
  fillSelect(
    $<HTMLSelectElement>('loss'),
    LOSSES.map((l) => [l, LOSS_LABELS[l]] as const),
    settings.loss,
  );
  fillSelect(
    $<HTMLSelectElement>('patience'),
    numberOptions([0, 5, 10, 20, 50, 100], settings.patience, (v) => (v === 0 ? 'Off' : `patience ${v}`)),
    String(settings.patience),
  );
  for (const tile of document.querySelectorAll<HTMLElement>('.dataset')) {
    tile.classList.toggle('active', tile.dataset['dataset'] === settings.dataset);
  }
  $('classes-field').style.display = MULTI_CLASS_DATASETS.includes(settings.dataset) ? '' : 'none';
  fillSelect(
    $<HTMLSelectElement>('classes'),
    numberOptions([2, 3, 4, 5, 6], settings.classes),
    String(settings.classes),
  );
  $<HTMLInputElement>('noise').value = String(settings.noise);
  $('noise-value').textContent = `${settings.noise}%`;
  $<HTMLInputElement>('train').value = String(settings.trainPercent);
  $('train-value').textContent = `${settings.trainPercent}% / ${100 - settings.trainPercent}%`;
  fillSelect(
    $<HTMLSelectElement>('points'),
    numberOptions([100, 200, 400, 800, 1000], settings.points),
    String(settings.points),
  );
  $<HTMLInputElement>('seed').value = String(settings.seed);
  fillSelect(
    $<HTMLSelectElement>('dropout'),
    numberOptions([0, 0.05, 0.1, 0.2, 0.3, 0.5], settings.dropout, (v) => (v === 0 ? 'none' : String(v))),
    String(settings.dropout),
  );
  for (const box of document.querySelectorAll<HTMLInputElement>('#features input')) {
    box.checked = settings.features.includes(box.value as (typeof FEATURES)[number]);
  }
  renderClassPicker($('class-picker'), data.classNames, addClass, pickClass);
  const count = settings.hidden.length;
  $('layer-count').textContent = `${count} hidden layer${count === 1 ? '' : 's'}`;
  $<HTMLButtonElement>('add-layer').disabled = count >= LIMITS.maxLayers;
  $<HTMLButtonElement>('remove-layer').disabled = count === 0;
  renderLayerControls($('layer-controls'), settings, data.classes, (hidden) => update({ hidden }));
  renderLegend($('class-legend'), data.classNames);
  document.body.classList.toggle('running', running);
}

function pickClass(c: number): void {
  addClass = c;
  renderClassPicker($('class-picker'), data.classNames, addClass, pickClass);
}

function buildDatasetTiles(): void {
  renderDatasetTiles($('datasets'), settings, (dataset) => update({ dataset, added: [] }));
}

function buildFeatureToggles(): void {
  renderFeatureToggles($('features'), (feature, checked, input) => {
    const features = FEATURES.filter((f) => (f === feature ? checked : settings.features.includes(f)));
    if (features.length === 0) {
      input.checked = true;
      toast('The network needs at least one input feature.');
      return;
    }
    update({ features });
  });
}

// ---- events ---------------------------------------------------------------------------------------------

function bindSelect(id: string, apply: (value: string) => Partial<Settings>): void {
  $<HTMLSelectElement>(id).addEventListener('change', (event) => {
    update(apply((event.target as HTMLSelectElement).value));
  });
}

bindSelect('optimizer', (v) => ({
  optimizer: v as Settings['optimizer'],
  lr: DEFAULT_LR[v as Settings['optimizer']],
}));
bindSelect('lr', (v) => ({ lr: Number(v) }));
bindSelect('momentum', (v) => ({ momentum: Number(v) }));
bindSelect('wd', (v) => ({ weightDecay: Number(v) }));
bindSelect('loss', (v) => ({ loss: v as Settings['loss'] }));
bindSelect('patience', (v) => ({ patience: Number(v) }));
bindSelect('classes', (v) => ({ classes: Number(v), added: [] }));
bindSelect('points', (v) => ({ points: Number(v) }));
bindSelect('dropout', (v) => ({ dropout: Number(v) }));

const batch = $<HTMLInputElement>('batch');
batch.addEventListener('input', () => ($('batch-value').textContent = batch.value));
batch.addEventListener('change', () => update({ batchSize: Number(batch.value) }));
const noise = $<HTMLInputElement>('noise');
noise.addEventListener('input', () => ($('noise-value').textContent = `${noise.value}%`));
noise.addEventListener('change', () => {
  update({ noise: Number(noise.value) });
  buildDatasetTiles();
  syncControls();
});
const train = $<HTMLInputElement>('train');
train.addEventListener(
  'input',
  () => ($('train-value').textContent = `${train.value}% / ${100 - Number(train.value)}%`),
);
train.addEventListener('change', () => update({ trainPercent: Number(train.value) }));
$<HTMLInputElement>('seed').addEventListener('change', (event) => {
  const seed = Math.trunc(Number((event.target as HTMLInputElement).value));
  if (Number.isSafeInteger(seed) && seed >= 0 && seed < 2 ** 31) update({ seed });
  else syncControls();
});
$('new-seed').addEventListener('click', () => {
  update({ seed: Math.floor(Math.random() * 100000) });
  buildDatasetTiles();
  syncControls();
});
$('clear-added').addEventListener('click', () => update({ added: [] }));
$('add-layer').addEventListener('click', () => {
  const last = settings.hidden[settings.hidden.length - 1];
  update({ hidden: [...settings.hidden, { units: 4, activation: last?.activation ?? 'tanh' }] });
});
$('remove-layer').addEventListener('click', () => update({ hidden: settings.hidden.slice(0, -1) }));

$('play').addEventListener('click', () => {
  running = !running;
  send({ type: running ? 'play' : 'pause' });
  document.body.classList.toggle('running', running);
});
$('step').addEventListener('click', () => {
  running = false;
  document.body.classList.remove('running');
  send({ type: 'step' });
});
$('reset').addEventListener('click', () => restart());

function addPoint(x: number, y: number): void {
  if (settings.added.length >= LIMITS.maxPointsInUrl) {
    toast(`At most ${LIMITS.maxPointsInUrl} added points.`);
    return;
  }
  const point = { x, y, label: addClass };
  settings = { ...settings, added: [...settings.added, point] };
  data.train.push(point);
  heatmap.addPoint(point);
  writeUrl();
  send({ type: 'addPoint', point });
  queueRender();
}

$<HTMLInputElement>('import-csv').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  try {
    const csv = parseCsv(await file.text());
    settings = { ...settings, dataset: 'csv', csv, added: [] };
    buildDatasetTiles();
    restart();
    const inUrl = csv.points.length <= LIMITS.maxPointsInUrl;
    toast(
      `Imported ${csv.points.length} points, ${csv.classNames.length} classes` +
        (inUrl ? '' : ` (too many to keep in the link)`),
    );
  } catch (error) {
    toast(error instanceof Error ? error.message : String(error), true);
  }
});

$('export-model').addEventListener('click', () => send({ type: 'export' }));
$('export-onnx').addEventListener('click', () => send({ type: 'export', format: 'onnx' }));
$<HTMLInputElement>('import-model').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { tensors, metadata } = io.deserialize(bytes);
    const query = metadata['playground.query'];
    const next = query !== undefined ? settingsFromQuery(query) : inferSettingsFromWeights(settings, tensors);
    running = false;
    send({ type: 'pause' });
    settings = next;
    buildDatasetTiles();
    restart();
    send({ type: 'import', bytes });
  } catch (error) {
    toast(`Import failed: ${error instanceof Error ? error.message : String(error)}`, true);
  }
});
$('copy-link').addEventListener('click', async () => {
  writeUrl();
  try {
    await navigator.clipboard.writeText(location.href);
    toast('Link copied: it reproduces these settings and the seed.');
  } catch {
    toast(location.href);
  }
});

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot': {
      const snapshot = message.snapshot;
      if (snapshot.runId !== runId) return;
      epochLogs.push(...snapshot.logs);
      if (epochLogs.length > MAX_LOGS) epochLogs = thin(epochLogs);
      latest = snapshot;
      freshSnapshot = true;
      surfacePanel.onSnapshot(snapshot.weights);
      if (running !== snapshot.running) {
        running = snapshot.running;
        document.body.classList.toggle('running', running);
      }
      queueRender();
      break;
    }
    case 'exported': {
      const blob = new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `neurite-playground-${settings.dataset}.${message.format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      toast(message.format === 'onnx' ? 'Model exported as ONNX.' : 'Model exported as safetensors.');
      break;
    }
    case 'surface':
      surfacePanel.onGrid(message.grid);
      break;
    case 'trajectories':
      surfacePanel.onTrajectories(message.requestId, message.start, message.trajectories);
      break;
    case 'imported':
      surfacePanel.refresh();
      toast(`Model imported. ${message.message}.`);
      break;
    case 'error':
      running = false;
      document.body.classList.remove('running');
      toast(message.message, true);
      break;
  }
});

function thin(logs: EpochLog[]): EpochLog[] {
  return logs.filter((_, i) => i % 2 === 0 || i === logs.length - 1);
}

// ---- rendering --------------------------------------------------------------------------------------------

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function setStat(id: string, value: number | null | undefined, percent = false): void {
  const element = $(id);
  if (value === null || value === undefined || !Number.isFinite(value)) {
    element.textContent = '–';
    element.dataset['value'] = '';
    return;
  }
  element.textContent = percent
    ? `${(value * 100).toFixed(1)}%`
    : value >= 0.01 || value === 0
      ? value.toFixed(3)
      : value.toExponential(1);
  element.dataset['value'] = String(value);
}

function render(): void {
  const boundaryShown = !$('boundary-view').hidden;
  if (latest && freshSnapshot) {
    network.setSnapshot(latest);
    heatmapBehind = true;
    freshSnapshot = false;
  }
  // While the loss surface is shown, the hidden heatmap is neither coloured nor drawn.
  if (boundaryShown) {
    if (latest && heatmapBehind) heatmap.setSnapshot(latest);
    heatmapBehind = false;
    heatmap.draw($('boundary-view').clientWidth);
  }
  const networkWidth = $('network-box').clientWidth;
  network.draw(networkWidth);

  const last = latest?.metrics;
  const epoch = latest?.epoch ?? 0;
  $('epoch').textContent = epoch.toLocaleString('en-US');
  $('epoch').dataset['value'] = String(epoch);
  setStat('train-loss', last?.loss);
  setStat('val-loss', last?.valLoss);
  setStat('train-acc', last?.accuracy, true);
  setStat('val-acc', last?.valAccuracy, true);

  const markers = [];
  if (latest?.stoppedEpoch != null) {
    markers.push({
      epoch: latest.stoppedEpoch,
      label: `early stop (${latest.stoppedEpoch})`,
      color: '#b42318',
    });
    if (latest.bestEpoch != null) markers.push({ epoch: latest.bestEpoch, label: 'best', color: '#2e7d32' });
  }
  lossChart.series = [
    { name: 'training', color: '#1f2530', values: epochLogs.map((h) => h.loss) },
    { name: 'validation', color: '#f59322', dashed: true, values: epochLogs.map((h) => h.valLoss) },
  ];
  accuracyChart.series = [
    { name: 'training', color: '#1f2530', values: epochLogs.map((h) => h.accuracy) },
    { name: 'validation', color: '#f59322', dashed: true, values: epochLogs.map((h) => h.valAccuracy) },
  ];
  const epochs = epochLogs.map((h) => h.epoch);
  lossChart.epochs = epochs;
  accuracyChart.epochs = epochs;
  lossChart.markers = markers;
  accuracyChart.markers = markers;
  const chartWidth = $('charts-box').clientWidth;
  lossChart.draw(chartWidth, 170);
  accuracyChart.draw(chartWidth, 150);

  const status = $('status');
  if (latest?.stoppedEpoch != null) {
    status.textContent = `Early stopping ended training at epoch ${latest.stoppedEpoch}; the weights of epoch ${latest.bestEpoch} were restored.`;
    status.className = 'status stopped';
    status.dataset['stopped'] = String(latest.stoppedEpoch);
  } else if (latest) {
    status.textContent = `${latest.trainCount} training and ${latest.validationCount} validation points · click the plot to add points`;
    status.className = 'status';
    delete status.dataset['stopped'];
  }

  if (latest) renderConfusion($('confusion'), latest.confusion, data.classNames, latest.confusionOf);
  const equation = $('equation');
  const outputLayer = latest?.weights[latest.weights.length - 1];
  if (settings.hidden.length === 0 && outputLayer && latest?.weights.length === 1) {
    const { lines, note } = perceptronEquation(outputLayer, settings.features, data);
    equation.className = 'equation';
    equation.replaceChildren(
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
      equation.append(div);
    }
  } else {
    equation.className = 'equation empty';
    equation.textContent =
      'Remove every hidden layer to see the perceptron’s learned equation, p = σ(w₀ + Σ wⱼ·xⱼ).';
  }
}

window.addEventListener('resize', () => {
  queueRender();
  surfacePanel.queueDraw();
});

buildDatasetTiles();
buildFeatureToggles();
const linkedView = surfaceFromQuery(location.search);
surfacePanel.restore(linkedView);
restart();
if (linkedView.shown) showView('surface');
