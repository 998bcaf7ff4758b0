// @file The playground page: controls bound to the settings (mirrored in the URL), the training worker,
// and the live views drawn from its snapshots.
import './base.css';
import './style.css';
import './responsive.css';
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
import { bindBackendSwitch } from './backend-switch.js';
import { bindFileActions, downloadExport } from './file-actions.js';
import { describeBoundary, describeCanvas, describeNetwork, showRunning } from './accessibility.js';
import { drawCurves } from './curves.js';
import { bindOptionControls, hyperOf, syncOptionControls } from './option-controls.js';
import { bindPlotKeyboard } from './plot-keyboard.js';
import { SurfacePanel } from './surface-panel.js';
import { surfaceFromQuery, surfaceToQuery, weightChoices } from './surface.js';
import type { EpochLog, FromWorker, HyperSettings, Snapshot, ToWorker } from './protocol.js';
import {
  FEATURES,
  FEATURE_LABELS,
  LIMITS,
  LOSS_LABELS,
  PROBLEM_LOSSES,
  problemOf,
  MULTI_CLASS_DATASETS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  DEFAULT_LR,
  type Settings,
} from './settings.js';
import { toast } from './toast.js';
import { describeLinkProblems, parseSettingsUrl, settingsToUrl } from './url-state.js';
import { boxWidth, onBoxResize } from './box-size.js';
import { NetworkInteraction } from './network-interaction.js';
import { WorkerLink, appendLogs } from './worker-link.js';
import { writeConfusion, writeEquation, writeMetrics, writeStatus } from './panel-text.js';
import { LineChart } from './views/chart.js';
import { HeatmapView } from './views/heatmap.js';
import { NetworkView } from './views/network.js';

const INPUT_GRID = 40;
const HEATMAP_SIZE = 420;

// ---- state ------------------------------------------------------------------------------------------------

const linked = parseSettingsUrl(location.search, location.hash);
let settings: Settings = linked.settings;
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
const link = new WorkerLink(worker);
function send(message: ToWorker): void {
  link.send(message);
}

const backendSwitch = bindBackendSwitch(send);

// ---- views ------------------------------------------------------------------------------------------------

const heatmap = new HeatmapView($<HTMLCanvasElement>('heatmap'), HEATMAP_SIZE, (x, y) => addPoint(x, y));
bindPlotKeyboard(heatmap.canvas, {
  domain: () => data.domain,
  enabled: () => data.task !== 'regression',
  add: (x, y) => addPoint(x, y),
  changed: (cursor, text) => {
    heatmap.cursor = cursor;
    $('plot-cursor').textContent = text;
    queueRender();
  },
});
const network = new NetworkView($<HTMLCanvasElement>('network'));
const interaction = new NetworkInteraction(network, send, () => queueRender());
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), 'Loss');
const accuracyChart = new LineChart($<HTMLCanvasElement>('acc-chart'), 'Accuracy', [0, 1]);
const maeChart = new LineChart($<HTMLCanvasElement>('acc-chart'), 'Mean absolute error');
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

// ---- settings ↔ controls ------------------------------------------------------------------------------------

/** Changes settings, writes the URL and starts a new run (keeping play/pause). */
function update(patch: Partial<Settings>): void {
  settings = { ...settings, ...patch };
  restart();
}

/** Changes hyper-parameters of the running optimizer and loss: no new run, a marker on the curves. */
function tune(patch: Partial<HyperSettings>): void {
  settings = { ...settings, ...patch };
  writeUrl();
  syncControls();
  send({ type: 'hyper', hyper: hyperOf(settings) });
}

/** Changes how the heatmap is drawn (kept in the link). */
function view(patch: Pick<Partial<Settings>, 'discretize' | 'showTest'>): void {
  settings = { ...settings, ...patch };
  writeUrl();
  heatmap.setShowValidation(settings.showTest);
  heatmap.discretize = settings.discretize;
  heatmapBehind = true;
  queueRender();
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
  const inputs = {
    values: settings.features.map((f) => encodePoints(data, [f], grid)),
    gridSize: INPUT_GRID,
    labels: settings.features.map((f) => FEATURE_LABELS[f]),
  };
  network.setInputs(inputs.values, inputs.gridSize, inputs.labels);
  interaction.reset();
  interaction.setInputs(inputs);
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
  const url = settingsToUrl(settings);
  const query = url.query + (view ? `&${view}` : '');
  if (location.search.slice(1) !== query || location.hash.slice(1) !== url.hash) {
    window.history.replaceState(null, '', `?${query}${url.hash ? `#${url.hash}` : ''}`);
  }
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
    PROBLEM_LOSSES[problemOf(settings.dataset)].map((l) => [l, LOSS_LABELS[l]] as const),
    settings.loss,
  );
  fillSelect(
    $<HTMLSelectElement>('patience'),
    numberOptions([0, 20, 50, 100, 200], settings.patience, (v) => (v === 0 ? 'Off' : `patience ${v}`)),
    String(settings.patience),
  );
  for (const tile of document.querySelectorAll<HTMLElement>('.dataset')) {
    tile.classList.toggle('active', tile.dataset['dataset'] === settings.dataset);
    tile.setAttribute('aria-pressed', String(tile.dataset['dataset'] === settings.dataset));
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
  syncOptionControls(settings);
  heatmap.setShowValidation(settings.showTest);
  heatmap.discretize = settings.discretize;
  showRunning(running);
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
for (const [id, key] of [
  ['lr', 'lr'],
  ['momentum', 'momentum'],
  ['wd', 'weightDecay'],
] as const) {
  $<HTMLSelectElement>(id).addEventListener('change', (event) => {
    tune({ [key]: Number((event.target as HTMLSelectElement).value) });
  });
}
bindOptionControls({
  update: (patch) => {
    update(patch);
    buildDatasetTiles();
  },
  tune,
  view,
});
bindSelect('loss', (v) => ({ loss: v as Settings['loss'] }));
bindSelect('patience', (v) => ({ patience: Number(v) }));
bindSelect('classes', (v) => ({ classes: Number(v), added: [] }));
bindSelect('points', (v) => ({ points: Number(v) }));
bindSelect('dropout', (v) => ({ dropout: Number(v) }));

const batch = $<HTMLInputElement>('batch');
batch.addEventListener('input', () => ($('batch-value').textContent = batch.value));
batch.addEventListener('change', () => tune({ batchSize: Number(batch.value) }));
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
  showRunning(running);
});
$('step').addEventListener('click', () => {
  running = false;
  showRunning(false);
  send({ type: 'step' });
});
// Reset keeps the data and draws new initial weights (a new weight seed, kept in the link).
$('reset').addEventListener('click', () => update({ initSeed: 1 + Math.floor(Math.random() * 2 ** 30) }));

function addPoint(x: number, y: number): void {
  if (data.task === 'regression') return;
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

bindFileActions({
  settings: () => settings,
  switchTo: (next) => {
    settings = next;
    buildDatasetTiles();
    restart();
  },
  pause: () => {
    running = false;
    send({ type: 'pause' });
  },
  send,
  writeUrl,
});

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot': {
      const snapshot = message.snapshot;
      const runningIsCurrent = link.received(message);
      if (snapshot.runId !== runId) {
        link.acknowledge();
        return;
      }
      epochLogs = appendLogs(epochLogs, snapshot.logs);
      latest = snapshot;
      freshSnapshot = true;
      surfacePanel.onSnapshot(snapshot.weights);
      if (runningIsCurrent && running !== snapshot.running) {
        running = snapshot.running;
        showRunning(running);
      }
      queueRender();
      break;
    }
    case 'exported': {
      downloadExport(message.bytes, message.format, settings.dataset);
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
    case 'notice':
      toast(message.message);
      break;
    case 'error':
      running = false;
      showRunning(false);
      toast(message.message, true);
      break;
    case 'backend':
      backendSwitch.show(message.status);
      if (message.restart) restart();
      break;
  }
});

// ---- rendering --------------------------------------------------------------------------------------------

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function render(): void {
  const boundaryShown = !$('boundary-view').hidden;
  // Acknowledged before drawing, so the worker computes the next snapshot while this one is drawn.
  if (freshSnapshot) link.acknowledge();
  if (latest && freshSnapshot) {
    network.setSnapshot(latest);
    interaction.setSnapshot(latest);
    heatmapBehind = true;
    freshSnapshot = false;
  }
  // While the loss surface is shown, the hidden heatmap is neither coloured nor drawn.
  if (boundaryShown) {
    if (latest && heatmapBehind) heatmap.setSnapshot(latest);
    heatmapBehind = false;
    heatmap.setFocus(interaction.focus());
    heatmap.draw(boxWidth($('boundary-view')));
  }
  network.draw(boxWidth($('network-box')));

  const regression = data.task === 'regression';
  writeMetrics(latest, regression);
  describeCanvas('heatmap', describeBoundary(latest, data, settings));
  describeCanvas('network', describeNetwork(latest, settings, data.classes));

  const charts = { loss: lossChart, accuracy: accuracyChart, mae: maeChart };
  drawCurves(charts, epochLogs, latest, regression, boxWidth($('charts-box')));

  writeStatus(latest, regression);
  if (latest && !regression) writeConfusion(latest, data.classNames);
  writeEquation(latest, settings, data);
}

onBoxResize(() => queueRender());
// A link that differs only in its #hash does not reload the page by itself; its settings need a fresh start.
window.addEventListener('hashchange', () => location.reload());
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
if (linked.problems.length > 0) toast(describeLinkProblems(linked.problems), true);
