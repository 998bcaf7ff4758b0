// @file io: saving and loading tensors, safetensors in memory (browser) and on disk (Node).
export {
  serialize,
  deserialize,
  MAX_HEADER_LENGTH,
  type Metadata,
  type SafetensorsContent,
} from './safetensors.js';
export {
  save,
  load,
  writeFileAtomic,
  DEFAULT_MAX_LOAD_BYTES,
  type SaveOptions,
  type LoadOptions,
} from './files.js';
