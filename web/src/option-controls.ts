// @file The TensorFlow-Playground options of the page: problem type, L1/L2 regularization, hyper-parameters
// changed on the running optimizer (no restart), heatmap options (discretize, show test data), the buttons
// that open the hidden file inputs, and the phone-size toggle of the optimizer settings.
import { $, fillSelect, numberOptions } from './controls.js';
import type { HyperSettings } from './protocol.js';
import {
  DATASETS,
  PROBLEM_LOSSES,
  REGULARIZATIONS,
  REGULARIZATION_LABELS,
  problemOf,
  type ProblemType,
  type Settings,
} from './settings.js';

/** TensorFlow Playground's regularization rates. */
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

/** The settings that a running optimizer takes without a restart. */
export function hyperOf(settings: Settings): HyperSettings {
  const { lr, momentum, batchSize, weightDecay, regularization, regRate } = settings;
  return { lr, momentum, batchSize, weightDecay, regularization, regRate };
}

/** What changing the problem type changes: its first data set and loss; clicked points are dropped. */
export function switchProblem(problem: ProblemType): Partial<Settings> {
  const dataset = DATASETS.find((d) => d !== 'csv' && problemOf(d) === problem)!;
  return { dataset, loss: PROBLEM_LOSSES[problem][0]!, added: [] };
}

/** Shows the settings in the controls this module owns, and hides what does not apply to a regression. */
export function syncOptionControls(settings: Settings): void {
  const problem = problemOf(settings.dataset);
  $<HTMLSelectElement>('problem').value = problem;
  fillSelect(
    $<HTMLSelectElement>('reg'),
    REGULARIZATIONS.map((r) => [r, REGULARIZATION_LABELS[r]] as const),
    settings.regularization,
  );
  fillSelect(
    $<HTMLSelectElement>('reg-rate'),
    numberOptions(REGULARIZATION_RATES, settings.regRate),
    String(settings.regRate),
  );
  $<HTMLSelectElement>('reg-rate').disabled = settings.regularization === 'none';
  $<HTMLInputElement>('show-test').checked = settings.showTest;
  $<HTMLInputElement>('discretize').checked = settings.discretize;
  const regression = problem === 'regression';
  $('add-points-field').hidden = regression;
  $('confusion-section').hidden = regression;
  $('train-acc-caption').textContent = regression ? 'Training MAE' : 'Training accuracy';
  $('val-acc-caption').textContent = regression ? 'Validation MAE' : 'Validation accuracy';
  $('plot-keys').textContent = regression
    ? 'The colour is the predicted value: orange negative, white zero, blue positive.'
    : 'Click, or focus the plot and use the arrow keys (Shift for small steps) and Enter, to add a point of the chosen class.';
}

export interface OptionHandlers {
  /** Changes settings that need a new run (problem type). */
  update(patch: Partial<Settings>): void;
  /** Changes hyper-parameters of the running optimizer and loss. */
  tune(patch: Partial<HyperSettings>): void;
  /** Changes how the heatmap is drawn. */
  view(patch: Pick<Partial<Settings>, 'discretize' | 'showTest'>): void;
}

/** Wires the controls of this module to the page's handlers. */
export function bindOptionControls(handlers: OptionHandlers): void {
  $<HTMLSelectElement>('problem').addEventListener('change', (event) => {
    handlers.update(switchProblem((event.target as HTMLSelectElement).value as ProblemType));
  });
  $<HTMLSelectElement>('reg').addEventListener('change', (event) => {
    const regularization = (event.target as HTMLSelectElement).value as Settings['regularization'];
    const rate = Number($<HTMLSelectElement>('reg-rate').value);
    // Picking L1 or L2 while the rate is 0 would change nothing: start from TF Playground's 0.001.
    handlers.tune({ regularization, regRate: regularization !== 'none' && rate === 0 ? 0.001 : rate });
  });
  $<HTMLSelectElement>('reg-rate').addEventListener('change', (event) => {
    handlers.tune({ regRate: Number((event.target as HTMLSelectElement).value) });
  });
  $<HTMLInputElement>('show-test').addEventListener('change', (event) => {
    handlers.view({ showTest: (event.target as HTMLInputElement).checked });
  });
  $<HTMLInputElement>('discretize').addEventListener('change', (event) => {
    handlers.view({ discretize: (event.target as HTMLInputElement).checked });
  });
  // The file inputs stay out of the tab order; these buttons open them from the keyboard too.
  for (const [button, input] of [
    ['import-csv-button', 'import-csv'],
    ['import-model-button', 'import-model'],
  ] as const) {
    $(button).addEventListener('click', () => $<HTMLInputElement>(input).click());
  }
  const toggle = $('hyper-toggle');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    $('hyper').classList.toggle('open', open);
    toggle.title = open ? 'Hide the optimizer settings' : 'Show the optimizer settings';
  });
}
