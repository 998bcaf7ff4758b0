// @file The plots of a run directory (loss curve, confusion matrix, decision boundary) and the predictions they show.
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import type { Logs } from '../train/callbacks/callback.js';
import { concatRows } from '../train/batch-steps.js';
import { predict } from '../train/loop.js';
import { confusionMatrix } from '../train/metrics.js';
import { confusionMatrixSvg } from '../viz/confusion-matrix.js';
import { curvesSvg } from '../viz/curves.js';
import { decisionBoundarySvg } from '../viz/decision-boundary.js';
import { InferenceChain } from './inference-chain.js';
import type { RunFile } from './run-directory.js';
import type { Session } from './run.js';
import { EVAL_BATCH, type ScoredOutputs } from './scoring.js';
import { isTextEncoding } from './text-data.js';

/** Most classes a confusion-matrix plot shows (a C×C plot of more would be unreadable and huge). */
export const MAX_PLOT_CLASSES = 100;

/**
 * The session's model's outputs for `x`, in batches of EVAL_BATCH whose intermediate outputs return to the wasm
 * arena as soon as they are used.
 */
function outputsFor(session: Session, x: Tensor): Tensor {
  return predict(new InferenceChain(session.model), x, { batchSize: EVAL_BATCH });
}

/** Probabilities of a session's model: σ(logit) for binary, softmax for several classes. */
export function probabilities(session: Session, x: Tensor): Tensor {
  const out = outputsFor(session, x);
  return noGrad(() => (session.binary ? out.sigmoid() : out.softmax(1)));
}

/** Predicted class indices (classification) or values (regression), from the model's outputs `out`. */
function predictionsFrom(session: Session, out: Tensor): Tensor {
  if (session.data.task === 'regression') return out;
  if (session.binary)
    return new Tensor(
      Int32Array.from(out.dataSync(), (v) => (v > 0 ? 1 : 0)),
      [out.shape[0]!],
    );
  return out.argmax(1);
}

/** Predicted class indices (classification) or values (regression). */
export function predictions(session: Session, x: Tensor): Tensor {
  return predictionsFrom(session, outputsFor(session, x));
}

/**
 * The plots of a run (SVG files, written with the run by saveRun). The confusion matrix uses the outputs that
 * `scored` holds for its split (computed by the final scores with the same weights), else predicts the split.
 */
export function renderPlots(
  session: Session,
  record: { history: Logs[]; stoppedEpoch: number | null; bestEpoch: number | null },
  scored?: ScoredOutputs,
): RunFile[] {
  const files: RunFile[] = [];
  const { history } = record;
  if (history.length > 0) {
    const series = [{ name: 'train loss', values: history.map((h) => h.loss ?? NaN) }];
    if (history.some((h) => h.valLoss !== undefined))
      series.push({ name: 'validation loss', values: history.map((h) => h.valLoss ?? NaN) });
    const markers =
      record.stoppedEpoch !== null
        ? [
            {
              x: (record.bestEpoch ?? record.stoppedEpoch) + 1,
              label: `early stop: best epoch ${(record.bestEpoch ?? record.stoppedEpoch) + 1}`,
            },
          ]
        : [];
    files.push({
      name: 'loss.svg',
      contents: curvesSvg({
        series,
        markers,
        title: `${session.config.model} on ${session.config.dataset}`,
        yLabel: 'loss',
        xLabel: 'epoch',
      }),
    });
  }
  const { data } = session;
  if (data.task === 'classification' && !isTextEncoding(data.encoding) && data.outputs <= MAX_PLOT_CLASSES) {
    const split = data.test ?? data.val ?? data.train;
    const kept = scored?.get(split);
    const classes =
      kept && kept.length > 0 ? predictionsFrom(session, concatRows(kept)) : predictions(session, split.x);
    const matrix = confusionMatrix(oneHotScores(classes, data.outputs), split.y, data.outputs);
    files.push({
      name: 'confusion-matrix.svg',
      contents: confusionMatrixSvg({
        matrix,
        labels: data.classNames,
        title: `Confusion matrix (${data.test ? 'test' : data.val ? 'validation' : 'training'} set)`,
      }),
    });
    if (data.inputShape.length === 1 && data.inputShape[0] === 2) {
      files.push({
        name: 'decision-boundary.svg',
        contents: decisionBoundarySvg({
          panels: [
            {
              title: `${session.config.model} (${session.config.activation})`,
              predict: (x) => probabilities(session, x),
            },
          ],
          x: data.train.x,
          y: data.train.y,
          ...(data.val ? { validation: { x: data.val.x, y: data.val.y } } : {}),
          xLabel: data.featureNames[0] ?? 'x₁',
          yLabel: data.featureNames[1] ?? 'x₂',
          classNames: data.classNames,
          title: `Decision boundary: ${session.config.dataset}`,
        }),
      });
    }
  }
  return files;
}

/** Class indices as one-hot rows, so confusionMatrix (which takes scores) can read them. */
function oneHotScores(classes: Tensor, k: number): Tensor {
  const out = new Float32Array(classes.numel() * k);
  classes.dataSync().forEach((c, i) => (out[i * k + c] = 1));
  return new Tensor(out, [classes.numel(), k]);
}
