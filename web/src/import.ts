// @file Importing a model file: every check (a safetensors file, playground settings within the controls'
// limits, the tensors of exactly the network those settings build, finite values) runs before the page changes
// anything, and failures say what is wrong in words, never with an internal class name.
import { io, type nn } from 'neurite';
import { FEATURES, LIMITS, numClasses, problemOf, type Settings } from './settings.js';
import { describeLinkProblems, parseSettingsUrl } from './url-state.js';

/** Largest model file accepted: the biggest playground network (6 × 8 units) takes a few kilobytes. */
export const MAX_MODEL_BYTES = 1 << 20;

/** A model file that passed every check: the settings to switch to, and the file to send to the worker. */
export interface CheckedModel {
  settings: Settings;
  bytes: Uint8Array;
  /** Epoch recorded in the file (playground.epoch), if any. */
  epoch: number | null;
  tensorCount: number;
}

/** Outputs of the network for these settings: one logit for two classes or regression, else one per class. */
function outputsOf(settings: Settings): number {
  const classes = numClasses(settings);
  return problemOf(settings.dataset) === 'regression' || classes === 2 ? 1 : classes;
}

/**
 * The state dict the playground's network has for these settings, as key → shape: per hidden layer Linear,
 * activation (and Dropout), so Linear layers sit at indices 0, 2, 4… (0, 3, 6… with dropout), output last.
 */
export function expectedShapes(settings: Settings): Map<string, [number, number] | [number]> {
  const stride = settings.dropout > 0 ? 3 : 2;
  const shapes = new Map<string, [number, number] | [number]>();
  let width = settings.features.length;
  settings.hidden.forEach((layer, l) => {
    shapes.set(`${l * stride}.weight`, [layer.units, width]);
    shapes.set(`${l * stride}.bias`, [layer.units]);
    width = layer.units;
  });
  const last = settings.hidden.length * stride;
  const outputs = outputsOf(settings);
  shapes.set(`${last}.weight`, [outputs, width]);
  shapes.set(`${last}.bias`, [outputs]);
  return shapes;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Why `tensors` cannot be loaded into the network of `settings` (missing or extra tensors, a wrong shape or
 * dtype, a NaN or infinite value), or null when they can.
 */
export function stateDictProblem(settings: Settings, tensors: nn.StateDict): string | null {
  const expected = expectedShapes(settings);
  const missing = [...expected.keys()].filter((key) => !(key in tensors));
  const extra = Object.keys(tensors).filter((key) => !expected.has(key));
  if (missing.length > 0) return `the file lacks ${missing.join(', ')} of this network`;
  if (extra.length > 0) return `the file has tensors this network does not: ${extra.slice(0, 5).join(', ')}`;
  for (const [key, shape] of expected) {
    const tensor = tensors[key]!;
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, i) => size !== shape[i])) {
      return `${key} has shape ${shapeText(tensor.shape)}; the network needs ${shapeText(shape)}`;
    }
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'float64') {
      return `${key} holds ${tensor.dtype} values; weights must be float32`;
    }
    const values = tensor.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        return `${key} holds ${String(values[i])} at index ${i}: weights must be finite numbers`;
      }
    }
  }
  return null;
}

/**
 * Checks a model file completely and returns what the page needs to switch to it; throws an Error whose message
 * names the problem. The current settings are used only when the file has no playground metadata.
 */
export function checkModelFile(bytes: Uint8Array, current: Settings): CheckedModel {
  if (bytes.byteLength > MAX_MODEL_BYTES) {
    throw new Error(
      `the file has ${bytes.byteLength} bytes; a playground model has at most ${MAX_MODEL_BYTES}`,
    );
  }
  let content: { tensors: nn.StateDict; metadata: Record<string, string> };
  try {
    content = io.deserialize(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`not a safetensors model file (${reason})`);
  }
  const { tensors, metadata } = content;
  const query = metadata['playground.query'];
  let settings: Settings;
  if (query !== undefined) {
    const parsed = parseSettingsUrl(query);
    if (parsed.problems.length > 0) {
      throw new Error(`its settings are not valid: ${describeLinkProblems(parsed.problems)}`);
    }
    settings = parsed.settings;
  } else {
    settings = inferSettingsFromWeights(current, tensors);
  }
  const problem = stateDictProblem(settings, tensors);
  if (problem) throw new Error(problem);
  const epochText = metadata['playground.epoch'];
  const epoch = epochText !== undefined && /^\d{1,9}$/.test(epochText) ? Number(epochText) : null;
  return { settings, bytes, epoch, tensorCount: Object.keys(tensors).length };
}

/**
 * Settings whose network has the shapes of `tensors`, a Sequential state dict of Linear layers
 * (`0.weight`, `2.weight`, … or `0.weight`, `3.weight`, … when dropout sat between them). Hidden sizes come
 * from the weights, activations from the current settings (tanh for new layers), inputs from the first
 * layer's width. Throws an Error when the file cannot be a playground network for the current data.
 */
export function inferSettingsFromWeights(current: Settings, tensors: nn.StateDict): Settings {
  const layers = Object.entries(tensors)
    .map(([key, tensor]) => ({ match: /^(\d+)\.weight$/.exec(key), tensor }))
    .filter((entry) => entry.match !== null && entry.tensor.ndim === 2)
    .map((entry) => ({ index: Number(entry.match![1]), shape: entry.tensor.shape as [number, number] }))
    .sort((a, b) => a.index - b.index);
  if (layers.length === 0) throw new Error('the file has no Linear weights named like "0.weight"');
  if (layers.length - 1 > LIMITS.maxLayers) throw new Error(`more than ${LIMITS.maxLayers} hidden layers`);
  const inputs = layers[0]!.shape[1];
  const features =
    inputs === current.features.length
      ? current.features
      : inputs <= FEATURES.length
        ? FEATURES.slice(0, inputs)
        : null;
  if (!features)
    throw new Error(`the first layer takes ${inputs} inputs; the playground has ${FEATURES.length} features`);
  const outputs = layers[layers.length - 1]!.shape[0];
  const needed = outputsOf(current);
  if (outputs !== needed) {
    throw new Error(`the network has ${outputs} outputs, the data set needs ${needed}`);
  }
  const hidden = layers.slice(0, -1).map((layer, l) => {
    if (layer.shape[0] > LIMITS.maxUnits)
      throw new Error(`layer ${l + 1} has more than ${LIMITS.maxUnits} neurons`);
    return { units: layer.shape[0], activation: current.hidden[l]?.activation ?? ('tanh' as const) };
  });
  const stride = layers.length > 1 ? layers[1]!.index - layers[0]!.index : 2;
  return { ...current, features: [...features], hidden, dropout: stride === 3 ? current.dropout || 0.1 : 0 };
}
