// @file io: safetensors in memory, ONNX out and in, model.py source for PyTorch (browser-safe); files on disk (io.save, io.load, io.exportPytorch) come with the Node entry, neurite/node.
export {
  serialize,
  deserialize,
  MAX_HEADER_LENGTH,
  type Metadata,
  type SafetensorsContent,
} from './safetensors.js';
export {
  exportOnnx,
  importOnnx,
  OnnxModule,
  ONNX_OPSET,
  MIN_IMPORT_OPSET,
  MAX_IMPORT_OPSET,
  type OnnxExportOptions,
} from './onnx/index.js';
export { pytorchModuleSource } from './pytorch/module-source.js';
