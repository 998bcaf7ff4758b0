// @file Paints the network's output over the grid for either problem type: class probabilities as the likeliest
// class's colour (faded by confidence), a regression's value on the diverging scale; "discretize output"
// shows only the predicted class (full strength) or the sign of the value.
import type { Snapshot } from '../protocol.js';
import { paintDiverging, paintPrediction } from './colors.js';

/** Reused buffer of discretized values, so a snapshot does not allocate once it has the grid's size. */
let scratch = new Float32Array(0);

function buffer(length: number): Float32Array {
  if (scratch.length !== length) scratch = new Float32Array(length);
  return scratch;
}

/**
 * Writes the snapshot's output into RGBA `pixels` (gridSize² pixels). Regression (one output): the value ŷ on
 * the diverging scale, white at 0 and full orange / blue at ŷ = ∓1, or sign(ŷ) when discretized.
 * Classification: predictionColor at `strength`, or with discretize the predicted class at full confidence.
 */
export function paintOutput(
  pixels: Uint8ClampedArray,
  snapshot: Pick<Snapshot, 'output' | 'classes' | 'gridSize'>,
  discretize: boolean,
  strength = 0.62,
): void {
  const { output, classes, gridSize } = snapshot;
  const cells = gridSize * gridSize;
  if (classes === 1) {
    if (!discretize) {
      paintDiverging(pixels, output, 0, cells, 1 / strength);
      return;
    }
    const signs = buffer(cells);
    for (let i = 0; i < cells; i++) signs[i] = Math.sign(output[i]!) * strength;
    paintDiverging(pixels, signs, 0, cells, 1);
    return;
  }
  if (!discretize) {
    paintPrediction(pixels, output, cells, classes, strength);
    return;
  }
  const onehot = buffer(cells * classes);
  onehot.fill(0);
  for (let i = 0; i < cells; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (output[i * classes + c]! > output[i * classes + best]!) best = c;
    onehot[i * classes + best] = 1;
  }
  paintPrediction(pixels, onehot, cells, classes, strength);
}
