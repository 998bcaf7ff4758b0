// @file ONNX files on disk (Node only): io.exportOnnx with a path writes the file; importOnnxFile reads one.
import { readFileSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './files.js';
import { exportOnnx as exportOnnxBytes, type OnnxExportOptions } from './onnx/export.js';
import { importOnnx, type OnnxModule } from './onnx/import.js';

/**
 * io.exportOnnx of the Node entry: as the browser-safe one (an ONNX opset-17 model traced on `exampleInput`),
 * and given a `path` instead of options, it also writes the `.onnx` file there, whole or not at all
 * (torch.onnx.export(model, x, "model.onnx")). Returns the bytes either way.
 */
export function exportOnnx(
  model: Module<[Tensor], Tensor>,
  exampleInput: Tensor,
  pathOrOptions?: string | OnnxExportOptions,
  options: OnnxExportOptions = {},
): Uint8Array {
  if (typeof pathOrOptions !== 'string') return exportOnnxBytes(model, exampleInput, pathOrOptions);
  const bytes = exportOnnxBytes(model, exampleInput, options);
  writeFileAtomic(pathOrOptions, [bytes]);
  return bytes;
}

/** Reads the `.onnx` file at `path` as a trainable module (see io.importOnnx). */
export function importOnnxFile(path: string): OnnxModule {
  return importOnnx(new Uint8Array(readFileSync(path)));
}
