// @file io: saving and loading tensors, safetensors in memory (browser) and on disk (Node).
export {
  serialize,
  deserialize,
  MAX_HEADER_LENGTH,
  type Metadata,
  type SafetensorsContent,
} from './safetensors.js';
export { save, load, writeFileAtomic, type SaveOptions } from './files.js';
