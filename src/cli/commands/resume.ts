// @file `neurite resume RUN_DIR --epochs N`: continue a saved run with its optimizer and generator state.
import { resolve } from 'node:path';
import { loadRun, trainSession } from '../run.js';
import { report, type Print } from './train.js';

/**
 * Continues training for `epochs` more epochs. The saved optimizer state, learning-rate schedule, shuffle
 * generator and global generator are restored, so 3 + 2 epochs give the same weights as 5 uninterrupted ones.
 * Schedules whose shape depends on the planned epoch count (step, cosine, onecycle) keep the horizon of the
 * original `train --epochs`; resuming past it continues their formula, so only epoch-independent settings
 * (none, exponential, plateau) give exactly the uninterrupted run of the longer length.
 */
export function resumeCommand(
  dir: string,
  epochs: number,
  print: Print,
  options: { out?: string; verbose?: boolean; dataDir?: string } = {},
): void {
  const { session, record } = loadRun(dir, {
    training: true,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const from = record.epochsDone;
  session.config.epochs = from + epochs;
  print(`neurite: resuming ${resolve(dir)} at epoch ${from + 1} for ${epochs} more epoch(s)`);
  const result = trainSession(session, from, from + epochs, { verbose: options.verbose ?? true });
  report(session, result, options.out ?? dir, print, record.history);
}
