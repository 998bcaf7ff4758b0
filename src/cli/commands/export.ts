// @file `neurite export RUN --format onnx|pytorch --out PATH`: a saved run's model for other engines (one branch per format).
import { ValueError } from '../../errors.js';
import { exportOnnxRun } from './export-onnx.js';
import { exportPytorchRun } from './export-pytorch.js';
import type { Print } from './train.js';

export const EXPORT_FORMATS = ['onnx', 'pytorch'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** The file (onnx) or directory (pytorch) to write. */
  out: string;
  /** Directory of the Fashion-MNIST IDX files, when the run's data moved. */
  dataDir?: string;
}

/** Dispatches on `--format`: each format's branch reads the run and writes its files. */
export function exportCommand(runDir: string, options: ExportOptions, print: Print): void {
  switch (options.format) {
    case 'pytorch':
      exportPytorchRun(runDir, options.out, print, options.dataDir ? { dataDir: options.dataDir } : {});
      return;
    case 'onnx':
      exportOnnxRun(runDir, options.out, print);
      return;
    default:
      throw new ValueError(
        '--format',
        `unknown format '${String(options.format)}' (expected ${EXPORT_FORMATS.join(', ')})`,
      );
  }
}
