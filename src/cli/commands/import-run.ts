// @file `neurite import-run DIR --out RUN`: what train_ddp.py wrote (model.safetensors, result.json) made a neurite run directory.
import { join, resolve } from 'node:path';
import { FormatError, NeuriteError } from '../../errors.js';
import { load, readRegularFile } from '../../io/files.js';
import { parseHandoffResult } from '../../io/pytorch/handoff.js';
import { parseRunRecord } from '../run-files.js';
import { createSession, describeLogs, saveRun } from '../run.js';
import { openRunOutput } from '../run-store.js';
import { finalScores, type Print } from './train.js';

/** Largest result.json read (it holds the source run's record and the history). */
const MAX_RESULT_BYTES = 64 * 2 ** 20;

/**
 * Turns the output of train_ddp.py into a run directory: the source run's config and encoding (carried in
 * result.json), the PyTorch-trained weights, and the history of both trainings (neurite's epochs, then
 * PyTorch's). The data is loaded as the run loads it, the model scored on its splits (these lines equal what
 * train_ddp.py printed, up to float32 rounding), and the run written as one unit through the same code as
 * `train`, so eval, predict and resume accept it. The optimizer starts fresh (its state stayed in PyTorch).
 *
 * @throws FormatError naming the file (and the field) for a malformed result.json or weights that do not fit.
 */
export function importRunCommand(
  dir: string,
  out: string,
  print: Print,
  options: { dataDir?: string } = {},
): void {
  const resultPath = join(dir, 'result.json');
  const weightsPath = join(dir, 'model.safetensors');
  const fail = (message: string): never => {
    throw new FormatError(resultPath, message);
  };
  const result = parseHandoffResult(readRegularFile(resultPath, MAX_RESULT_BYTES, fail), resultPath);
  const record = parseRunRecord(
    new TextEncoder().encode(JSON.stringify(result.record)),
    `${resultPath} (record)`,
  );
  let tensors;
  try {
    tensors = load(weightsPath).tensors;
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(weightsPath, error.message);
    throw error;
  }
  const writer = openRunOutput(out);
  try {
    const epochsDone = record.epochsDone + result.epochs;
    const config = {
      ...record.config,
      epochs: epochsDone,
      ...(options.dataDir ? { dataDir: resolve(options.dataDir) } : {}),
    };
    const session = createSession(config, { encoding: record.encoding });
    try {
      session.model.loadStateDict(tensors);
    } catch (error) {
      if (error instanceof NeuriteError)
        throw new FormatError(weightsPath, error.message.replace(/\s*\n\s*/g, ' '));
      throw error;
    }
    print(
      `neurite: importing ${result.epochs} epoch(s) of PyTorch training (${result.worldSize} process(es), ${result.backend}, torch ${result.torch}) after epoch ${record.epochsDone} of ${config.model} on ${config.dataset}`,
    );
    const final = finalScores(session);
    for (const [split, logs] of Object.entries(final)) print(`${split.padEnd(10)} ${describeLogs(logs)}`);
    const saved = saveRun(writer, session, {
      epochsDone,
      history: [...record.history, ...result.history],
      stoppedEpoch: null,
      bestEpoch: null,
      final,
    });
    print(`Saved the run to ${writer.path}: ${saved.files.join(', ')}`);
  } finally {
    writer.release();
  }
}
