// @file io for Node: the browser-safe io namespace plus files on disk (io.save, io.load; io.exportOnnx with a path, io.importOnnxFile).
export * from '../io/index.js';
export {
  save,
  load,
  writeFileAtomic,
  DEFAULT_MAX_LOAD_BYTES,
  type SaveOptions,
  type LoadOptions,
} from '../io/files.js';
export { exportOnnx, importOnnxFile } from '../io/onnx-files.js';
export { exportPytorch, type ExportPytorchOptions } from '../io/pytorch/write.js';
