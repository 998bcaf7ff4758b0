// @file The "Loss surface" view's controller: the surface and weight pickers, one learning rate per optimizer,
// play/restart, the step counter and the legend; it asks the worker for the surface and the paths, and animates
// the balls along them (one optimizer step per frame) without touching the rest of the page.
import { $, fillSelect, numberOptions } from './controls.js';
import type { DescentRun, LayerWeights, SurfaceGrid, ToWorker } from './protocol.js';
import {
  DESCENT_DEFAULT_LR,
  DESCENT_LABELS,
  DESCENT_LR_CHOICES,
  DESCENT_OPTIMIZERS,
  DESCENT_STEPS,
  SURFACES,
  SURFACE_LABELS,
  type DescentOptimizer,
  type SurfaceName,
  type Trajectory,
  type WeightChoice,
  type SurfaceUrlState,
  type WeightRef,
  valueIn,
} from './surface.js';
import { DESCENT_COLORS, LossSurfaceView } from './views/loss-surface.js';

/** Optimizer steps the balls take per second while playing. */
const STEPS_PER_SECOND = 60;
/** Points kept of the network's training trail; past this, every other one is dropped (the last stays). */
const MAX_TRAIL = 2000;

const sameRef = (a: WeightRef, b: WeightRef): boolean => a.param === b.param && a.index === b.index;
const refKey = (ref: WeightRef): string => `${ref.param}:${ref.index}`;

export class SurfacePanel {
  private surface: SurfaceName = 'network';
  private choices: WeightChoice[] = [];
  private weights: [WeightRef, WeightRef] | null = null;
  private lrs: Record<DescentOptimizer, number> = { ...DESCENT_DEFAULT_LR.network };
  private requestId = 0;
  private grid: SurfaceGrid | null = null;
  private start: [number, number] | null = null;
  private readonly paths = new Map<DescentOptimizer, Trajectory>();
  /** Where the network's own training has taken the two weights since the slice was taken: x₀, y₀, x₁, … */
  private trail: number[] = [];
  private step = 0;
  private playing = false;
  private lastFrame = 0;
  private frameQueued = false;
  /** The network changed since the last surface request (answered when the view is next shown). */
  private stale = true;
  private visible = false;
  private readonly view: LossSurfaceView;

  /**
   * @param send posts a message to the training worker.
   * @param onStateChange called when the surface or the weights change (the page rewrites its URL).
   */
  constructor(
    private readonly send: (message: ToWorker) => void,
    private readonly onStateChange: () => void = () => {},
  ) {
    this.view = new LossSurfaceView($<HTMLCanvasElement>('surface'), (x, y) => this.pickStart([x, y]));
    fillSelect(
      $<HTMLSelectElement>('surface-problem'),
      SURFACES.map((s) => [s, SURFACE_LABELS[s]] as const),
      this.surface,
    );
    $<HTMLSelectElement>('surface-problem').addEventListener('change', (event) => {
      this.surface = (event.target as HTMLSelectElement).value as SurfaceName;
      this.lrs = { ...DESCENT_DEFAULT_LR[this.surface] };
      this.requestSurface();
    });
    for (const [index, id] of [
      [0, 'surface-w1'],
      [1, 'surface-w2'],
    ] as const) {
      $<HTMLSelectElement>(id).addEventListener('change', (event) => {
        const key = (event.target as HTMLSelectElement).value;
        const choice = this.choices.find((c) => refKey(c.ref) === key);
        if (!choice || !this.weights) return;
        const next: [WeightRef, WeightRef] = [...this.weights];
        next[index] = choice.ref;
        if (sameRef(next[0], next[1])) next[1 - index] = this.weights[index];
        this.weights = next;
        this.requestSurface();
      });
    }
    $('surface-refresh').addEventListener('click', () => this.requestSurface());
    $('surface-play').addEventListener('click', () => this.setPlaying(!this.playing));
    $('surface-restart').addEventListener('click', () => {
      this.step = 0;
      this.queueDraw();
    });
    this.renderLegend();
  }

  /** The URL's part of the view's state. */
  get urlState(): SurfaceUrlState {
    return { shown: this.visible, surface: this.surface, weights: this.weights };
  }

  /** Restores a link's surface and weights (before the first run; unknown weights fall back in setNetwork). */
  restore(state: SurfaceUrlState): void {
    this.surface = state.surface;
    this.lrs = { ...DESCENT_DEFAULT_LR[state.surface] };
    if (state.weights) this.weights = state.weights;
    this.renderLegend();
  }

  /** The network's weights changed outside a new run (a model import): its slice must be taken again. */
  refresh(): void {
    this.stale = true;
    if (this.visible && this.surface === 'network') this.requestSurface();
  }

  /** The network of a new run: its scalars become the weight choices and its slice must be recomputed. */
  setNetwork(choices: WeightChoice[]): void {
    this.choices = choices;
    const has = (ref: WeightRef): boolean => choices.some((c) => sameRef(c.ref, ref));
    if (!this.weights || !has(this.weights[0]) || !has(this.weights[1])) {
      const first = choices[0]?.ref ?? { param: '0.weight', index: 0 };
      this.weights = [first, choices[1]?.ref ?? first];
    }
    this.stale = true;
    this.trail = [];
    if (this.visible && this.surface === 'network') this.requestSurface();
  }

  /**
   * The weights of a training snapshot: on the network's slice, the two chosen weights' values extend the trail
   * of the network's own training (whose other weights move too, so it need not follow the slice's valleys).
   */
  onSnapshot(weights: readonly LayerWeights[]): void {
    if (this.surface !== 'network' || !this.weights || !this.grid) return;
    const [a, b] = this.weights.map((ref) => {
      const choice = this.choices.find((c) => sameRef(c.ref, ref));
      return choice ? valueIn(weights, choice) : null;
    });
    if (a == null || b == null) return;
    const n = this.trail.length;
    if (n >= 2 && this.trail[n - 2] === a && this.trail[n - 1] === b) return;
    this.trail.push(a, b);
    if (this.trail.length > 2 * MAX_TRAIL)
      this.trail = this.trail.filter((_, i) => i % 4 < 2 || i >= this.trail.length - 2);
    const cell = $('surface-training');
    cell.textContent = `(${a.toPrecision(3)}, ${b.toPrecision(3)})`;
    cell.dataset['x'] = String(a);
    cell.dataset['y'] = String(b);
    this.queueDraw();
  }

  /** Shows or hides the view; the first showing (and one after the network changed) computes the surface. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) {
      this.setPlaying(false);
      return;
    }
    if (this.stale || !this.grid) this.requestSurface();
    this.queueDraw();
  }

  private requestSurface(): void {
    this.syncControls();
    if (!this.weights) return;
    this.stale = false;
    this.requestId++;
    this.grid = null;
    this.paths.clear();
    this.trail = [];
    this.step = 0;
    const request =
      this.surface === 'network'
        ? { surface: 'network' as const, weights: this.weights }
        : { surface: this.surface };
    this.send({ type: 'surface', requestId: this.requestId, request });
    $('surface-title').textContent = 'Computing the surface…';
    this.onStateChange();
    this.queueDraw();
  }

  /** A grid from the worker: draw it and roll every ball from its default start. */
  onGrid(grid: SurfaceGrid): void {
    if (grid.requestId !== this.requestId) return;
    this.grid = grid;
    this.view.setGrid(grid);
    $('surface-title').textContent = grid.title;
    if (this.surface === 'network') this.trail = [...grid.start];
    this.pickStart(grid.start);
  }

  onTrajectories(requestId: number, start: [number, number], trajectories: Trajectory[]): void {
    if (
      requestId !== this.requestId ||
      !this.start ||
      start[0] !== this.start[0] ||
      start[1] !== this.start[1]
    )
      return;
    for (const path of trajectories)
      if (path.lr === this.lrs[path.optimizer]) this.paths.set(path.optimizer, path);
    this.queueDraw();
  }

  private pickStart(start: [number, number]): void {
    if (!this.grid) return;
    this.start = [Math.fround(start[0]), Math.fround(start[1])];
    this.paths.clear();
    this.step = 0;
    this.descend(DESCENT_OPTIMIZERS.map((optimizer) => ({ optimizer, lr: this.lrs[optimizer] })));
    this.queueDraw();
  }

  private descend(runs: DescentRun[]): void {
    if (!this.start) return;
    this.send({ type: 'descend', requestId: this.requestId, start: this.start, runs });
  }

  private setPlaying(playing: boolean): void {
    if (playing && this.step >= DESCENT_STEPS) this.step = 0;
    this.playing = playing;
    $('surface-view').classList.toggle('rolling', playing);
    this.lastFrame = performance.now();
    this.queueDraw();
  }

  private syncControls(): void {
    $<HTMLSelectElement>('surface-problem').value = this.surface;
    $('surface-weights').style.display = this.surface === 'network' ? '' : 'none';
    const options = this.choices.map((c) => [refKey(c.ref), c.label] as const);
    if (this.weights) {
      fillSelect($<HTMLSelectElement>('surface-w1'), options, refKey(this.weights[0]));
      fillSelect($<HTMLSelectElement>('surface-w2'), options, refKey(this.weights[1]));
    }
    this.renderLegend();
  }

  /** One row per optimizer: its colour, name, learning-rate picker, and loss at the current step. */
  private renderLegend(): void {
    const table = $('surface-legend');
    table.replaceChildren();
    for (const optimizer of DESCENT_OPTIMIZERS) {
      const row = document.createElement('div');
      row.className = 'descent-row';
      row.dataset['optimizer'] = optimizer;
      const name = document.createElement('span');
      name.className = 'descent-name';
      const ball = document.createElement('span');
      ball.className = 'ball';
      ball.style.background = DESCENT_COLORS[optimizer];
      name.append(ball, DESCENT_LABELS[optimizer]);
      const select = document.createElement('select');
      select.className = 'descent-lr';
      select.setAttribute('aria-label', `${DESCENT_LABELS[optimizer]} learning rate`);
      fillSelect(select, numberOptions(DESCENT_LR_CHOICES, this.lrs[optimizer]), String(this.lrs[optimizer]));
      select.addEventListener('change', () => {
        this.lrs[optimizer] = Number(select.value);
        this.paths.delete(optimizer);
        this.descend([{ optimizer, lr: this.lrs[optimizer] }]);
        this.queueDraw();
      });
      const loss = document.createElement('span');
      loss.className = 'descent-loss';
      loss.dataset['value'] = '';
      row.append(name, select, loss);
      table.append(row);
    }
    if (this.surface === 'network') {
      const row = document.createElement('div');
      row.className = 'descent-row training-row';
      const name = document.createElement('span');
      name.className = 'descent-name';
      const mark = document.createElement('span');
      mark.className = 'diamond';
      name.append(mark, 'The network in training (top bar’s play)');
      const where = document.createElement('span');
      where.id = 'surface-training';
      where.className = 'descent-where';
      where.textContent = 'press ▶ in the top bar; its other weights move too';
      row.append(name, where);
      table.append(row);
    }
  }

  private updateLegend(): void {
    for (const row of document.querySelectorAll<HTMLElement>(
      '#surface-legend .descent-row[data-optimizer]',
    )) {
      const path = this.paths.get(row.dataset['optimizer'] as DescentOptimizer);
      const cell = row.querySelector<HTMLElement>('.descent-loss')!;
      if (!path) {
        cell.textContent = '…';
        cell.dataset['value'] = '';
        continue;
      }
      const at = Math.min(this.step, path.losses.length - 1);
      const loss = path.losses[at]!;
      const x = path.points[2 * at]!;
      const y = path.points[2 * at + 1]!;
      const ended = path.diverged && this.step >= path.losses.length - 1;
      cell.textContent = ended ? 'diverged' : `loss ${formatLoss(loss)}`;
      cell.title = `(${x.toPrecision(4)}, ${y.toPrecision(4)})`;
      cell.dataset['value'] = String(loss);
      cell.dataset['x'] = String(x);
      cell.dataset['y'] = String(y);
      cell.classList.toggle('diverged', ended);
    }
    const stepLabel = $('surface-step');
    stepLabel.textContent = String(this.step);
    stepLabel.dataset['value'] = String(this.step);
  }

  queueDraw(): void {
    if (this.frameQueued || !this.visible) return;
    this.frameQueued = true;
    requestAnimationFrame((now) => this.frame(now));
  }

  private frame(now: number): void {
    this.frameQueued = false;
    if (this.playing) {
      const steps = Math.floor(((now - this.lastFrame) / 1000) * STEPS_PER_SECOND);
      if (steps > 0) {
        this.step = Math.min(DESCENT_STEPS, this.step + steps);
        this.lastFrame += (steps / STEPS_PER_SECOND) * 1000;
      }
      if (this.step >= DESCENT_STEPS) this.setPlaying(false);
    }
    this.view.trajectories = DESCENT_OPTIMIZERS.flatMap((o) => this.paths.get(o) ?? []);
    this.view.start = this.start;
    this.view.trail = this.trail;
    this.view.draw($('surface-box').clientWidth, this.step);
    this.updateLegend();
    if (this.playing) this.queueDraw();
  }
}

function formatLoss(value: number): string {
  const a = Math.abs(value);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? value.toExponential(2) : value.toFixed(4);
}
