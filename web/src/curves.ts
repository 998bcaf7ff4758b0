// @file The training-curve charts: loss, and accuracy (classification) or mean absolute error (regression),
// with markers at early stopping, the restored best epoch and every hyper-parameter change.
import { describeCanvas, describeCurves } from './accessibility.js';
import type { EpochLog, Snapshot } from './protocol.js';
import type { LineChart, Marker } from './views/chart.js';

const TRAINING = '#1f2530';
const VALIDATION = '#f59322';
const CHANGE = '#5b4fc4';

/** The charts of the curves panel; `accuracy` and `mae` share one canvas, one of them drawn. */
export interface CurveCharts {
  loss: LineChart;
  accuracy: LineChart;
  mae: LineChart;
}

/** Markers of a run: early stop and best epoch, and each hyper-parameter change ("lr 0.03"). */
export function curveMarkers(latest: Snapshot | null): Marker[] {
  const markers: Marker[] = [];
  if (!latest) return markers;
  for (const change of latest.changes)
    markers.push({ epoch: change.epoch, label: change.label, color: CHANGE });
  if (latest.stoppedEpoch != null) {
    markers.push({
      epoch: latest.stoppedEpoch,
      label: `early stop (${latest.stoppedEpoch})`,
      color: '#b42318',
    });
    if (latest.bestEpoch != null) markers.push({ epoch: latest.bestEpoch, label: 'best', color: '#2e7d32' });
  }
  return markers;
}

/** Sets the series of the charts from the epoch logs, draws them `width` wide and updates their text. */
export function drawCurves(
  charts: CurveCharts,
  logs: readonly EpochLog[],
  latest: Snapshot | null,
  regression: boolean,
  width: number,
): void {
  const markers = curveMarkers(latest);
  const epochs = logs.map((h) => h.epoch);
  const metric = regression ? charts.mae : charts.accuracy;
  const train = regression ? (h: EpochLog) => h.mae ?? null : (h: EpochLog) => h.accuracy;
  const validation = regression ? (h: EpochLog) => h.valMae ?? null : (h: EpochLog) => h.valAccuracy;
  charts.loss.series = [
    { name: 'training', color: TRAINING, values: logs.map((h) => h.loss) },
    { name: 'validation', color: VALIDATION, dashed: true, values: logs.map((h) => h.valLoss) },
  ];
  metric.series = [
    { name: 'training', color: TRAINING, values: logs.map(train) },
    { name: 'validation', color: VALIDATION, dashed: true, values: logs.map(validation) },
  ];
  for (const chart of [charts.loss, metric]) {
    chart.epochs = epochs;
    chart.markers = markers;
  }
  charts.loss.draw(width, 170);
  metric.draw(width, 150);
  describeCanvas(
    charts.loss.canvas.id,
    describeCurves(
      'Loss curves',
      logs,
      (h) => h.loss,
      (h) => h.valLoss,
      markers,
    ),
  );
  describeCanvas(
    metric.canvas.id,
    describeCurves(
      regression ? 'Mean absolute error curves' : 'Accuracy curves',
      logs,
      train,
      validation,
      markers,
    ),
  );
}
