// @file ONNX in memory (browser-safe): exportOnnx writes a model's traced forward pass, importOnnx reads one back as a trainable module.
export { exportOnnx, ONNX_OPSET, ONNX_IR_VERSION, type OnnxExportOptions } from './export.js';
export { importOnnx, OnnxModule, MIN_IMPORT_OPSET, MAX_IMPORT_OPSET } from './import.js';
