// @file `neurite resume RUN_DIR --epochs N`: continue a saved run with its optimizer and generator state.
import { resolve } from 'node:path';
import { loadRun, trainSession } from '../run.js';
import { openRunOutput } from '../run-store.js';
import { report, type Print } from './train.js';

/**
 * Continues training for `epochs` more epochs. The saved optimizer state, learning-rate schedule, shuffle
 * generator and global generator are restored, so 3 + 2 epochs give the same weights as 5 uninterrupted ones.
 * Schedules whose shape depends on the planned epoch count (step, cosine, onecycle) keep the horizon of the
 * original `train --epochs`; resuming past it continues their formula, so only epoch-independent settings
 * (none, exponential, plateau) give exactly the uninterrupted run of the longer length.
 *
 * The output directory (RUN_DIR itself unless `out` is given) is checked and locked first; the run is read and
 * verified (manifest, every field of run.json and training-state.json, shapes against the rebuilt model and
 * optimizer) before any epoch is trained, and the continued run replaces the output directory as one unit.
 */
export async function resumeCommand(
  dir: string,
  epochs: number,
  print: Print,
  options: { out?: string; verbose?: boolean; dataDir?: string } = {},
): Promise<void> {
  const inPlace = options.out === undefined || resolve(options.out) === resolve(dir);
  const writer = openRunOutput(options.out ?? dir, inPlace ? { mustExist: true, option: 'resume' } : {});
  try {
    const { session, record } = loadRun(inPlace ? writer.path : dir, {
      training: true,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    const from = record.epochsDone;
    session.config.epochs = from + epochs;
    print(`neurite: resuming ${resolve(dir)} at epoch ${from + 1} for ${epochs} more epoch(s)`);
    const result = await trainSession(session, from, from + epochs, { verbose: options.verbose ?? true });
    await report(session, result, writer, print, record.history);
  } finally {
    writer.release();
  }
}
