// @file Writes the PyTorch hand-off to a directory (Node): model.py, model.safetensors and, for a run, train_ddp.py and handoff.json.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError } from '../../errors.js';
import type { AnyModule, StateDict } from '../../nn/module.js';
import { writeFileAtomic } from '../files.js';
import { serialize } from '../safetensors.js';
import type { Handoff } from './handoff.js';
import { pytorchModuleSource } from './module-source.js';
import { TRAIN_DDP_PYTHON } from './train-ddp-source.js';

export interface ExportPytorchOptions {
  /** What to continue: train_ddp.py and handoff.json are written with it (the CLI's `export --format pytorch`). */
  handoff?: Handoff;
  /** Tensors train_ddp.py reads when `handoff.dataset.kind` is 'tensors' (written as the file it names). */
  data?: StateDict;
  /** The optimizer's state (optimizerStateTensors), written as the file `handoff.optimizer.state` names. */
  optimizerState?: StateDict;
  /** The first comment line(s) of model.py. */
  header?: string;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Writes `model` for PyTorch into `dir` (created if missing): `model.py`, whose `build_model()` returns the same
 * network as torch.nn layers with the same state-dict keys, and `model.safetensors`, its weights (`0.weight`, …).
 * With `options.handoff`, also `train_ddp.py` (DistributedDataParallel training launched by torchrun or by
 * itself with `--nproc N`) and `handoff.json`. Each file is written atomically; returns the names written.
 *
 * PyTorch equivalent: `torch.save(model.state_dict(), …)` plus the model's source, as safetensors.
 *
 * @throws ValueError when `dir` is a file or a layer has no torch.nn counterpart (nothing is written then).
 */
export function exportPytorch(model: AnyModule, dir: string, options: ExportPytorchOptions = {}): string[] {
  const source = pytorchModuleSource(model, options.header !== undefined ? { header: options.header } : {});
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
    if (!isDirectory) throw new ValueError('--out', `${dir} exists and is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!isDirectory) mkdirSync(dir, { recursive: true });
  const files: [string, Uint8Array][] = [
    ['model.py', text(source)],
    ['model.safetensors', serialize(model.stateDict(), { format: 'pt', producer: 'neurite' })],
  ];
  if (options.handoff) {
    files.push(['train_ddp.py', text(TRAIN_DDP_PYTHON)]);
    files.push(['handoff.json', text(JSON.stringify(options.handoff, null, 2) + '\n')]);
    const dataset = options.handoff.dataset;
    if (dataset.kind === 'tensors') {
      if (!options.data)
        throw new ValueError('exportPytorch', `handoff.dataset names ${dataset.file} but no data was given`);
      files.push([dataset.file, serialize(options.data)]);
    }
    const stateFile = options.handoff.optimizer.state;
    if (stateFile !== null) {
      if (!options.optimizerState)
        throw new ValueError(
          'exportPytorch',
          `handoff.optimizer.state names ${stateFile} but no state was given`,
        );
      files.push([stateFile, serialize(options.optimizerState)]);
    }
  }
  for (const [name, contents] of files) writeFileAtomic(join(dir, name), [contents]);
  return files.map(([name]) => name);
}
