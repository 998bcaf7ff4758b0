// @file `neurite import-run DIR --out RUN`: what train_ddp.py wrote (model.safetensors, result.json) made a neurite run directory.
import { join, resolve } from 'node:path';
import { FormatError, NeuriteError } from '../../errors.js';
import { load, readRegularFile } from '../../io/files.js';
import { parseHandoffResult } from '../../io/pytorch/handoff.js';
import { optimizerStateFromTensors } from '../../io/pytorch/optimizer-state.js';
import type { StateDict } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { zeros } from '../../tensor/create.js';
import { parseRunRecord } from '../run-files.js';
import { createSession, describeLogs, makeOptimizer, saveRun, type Session } from '../run.js';
import { openRunOutput } from '../run-store.js';
import { finalScores, type Print } from './train.js';

/** Largest result.json read (it holds the source run's record and the history). */
const MAX_RESULT_BYTES = 64 * 2 ** 20;

/**
 * Turns the output of train_ddp.py into a run directory: the source run's config and encoding (carried in
 * result.json), the PyTorch-trained weights, and the history of both trainings (neurite's epochs, then
 * PyTorch's). The data is loaded as the run loads it, the model scored on its splits (these lines equal what
 * train_ddp.py printed, up to float32 rounding), and the run written as one unit through the same code as
 * `train`, so eval, predict and resume accept it. The optimizer's state (moments, step counts) comes from
 * PyTorch's when it has the entries neurite's optimizer keeps; otherwise the optimizer starts fresh, and says so.
 *
 * @throws FormatError naming the file (and the field) for a malformed result.json or weights that do not fit.
 */
export async function importRunCommand(
  dir: string,
  out: string,
  print: Print,
  options: { dataDir?: string } = {},
): Promise<void> {
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
  let tensors: StateDict;
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
    const optimizerNote = restoreOptimizer(session, dir, result.optimizerState);
    print(
      `neurite: importing ${result.epochs} epoch(s) of PyTorch training (${result.worldSize} process(es), ${result.backend}, torch ${result.torch}) after epoch ${record.epochsDone} of ${config.model} on ${config.dataset}`,
    );
    print(optimizerNote);
    const final = await finalScores(session);
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

/**
 * Loads the optimizer state train_ddp.py saved (`file` in `dir`) into the session's optimizer when every entry
 * has the keys this optimizer keeps per parameter (found by one step on a probe parameter, as run-store does);
 * returns the line that says what happened.
 */
function restoreOptimizer(session: Session, dir: string, file: string | null): string {
  if (file === null) return 'Optimizer: fresh (train_ddp.py saved no optimizer state)';
  const path = join(dir, file);
  let tensors: StateDict;
  try {
    tensors = load(path).tensors;
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(path, error.message);
    throw error;
  }
  const probe = new Parameter(zeros([1]));
  const probeOptimizer = makeOptimizer(session.config, { parameters: () => [probe] });
  probe.grad = zeros([1]);
  probeOptimizer.step();
  const keys = Object.keys(probeOptimizer.stateDict().state[0] ?? {});
  const state = optimizerStateFromTensors(session.model, tensors, keys);
  if (state === null)
    return `Optimizer: fresh (${file} does not hold the entries ${session.config.optimizer} keeps: ${keys.join(', ')})`;
  try {
    session.optimizer.loadStateDict({ state, param_groups: session.optimizer.stateDict().param_groups });
  } catch (error) {
    if (error instanceof NeuriteError) throw new FormatError(path, error.message.replace(/\s*\n\s*/g, ' '));
    throw error;
  }
  return `Optimizer: ${session.config.optimizer} state from PyTorch (${keys.join(', ')})`;
}
