// @file Model specs of the command line: perceptron, mlp:H1,H2,… and layer lists, built as nn.Sequential.
import { ValueError } from '../errors.js';
import { Module } from '../nn/module.js';
import { ELU, GELU, LeakyReLU, ReLU, SiLU, Sigmoid, Tanh } from '../nn/layers/activation.js';
import { Sequential } from '../nn/layers/container.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Linear } from '../nn/layers/linear.js';
import type { Tensor } from '../tensor/tensor.js';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'gelu', 'silu', 'elu', 'leaky-relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface ModelConfig {
  /** 'perceptron', 'mlp:256,128' (hidden sizes), or a layer list such as 'dense:64,dense:32'. */
  spec: string;
  activation: Activation;
  dropout: number;
  inputShape: number[];
  /** Output units: 1 for binary classification and single-target regression, C for C classes. */
  outputs: number;
}

export function activationModule(name: string): Module<[Tensor], Tensor> {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'gelu':
      return new GELU();
    case 'silu':
      return new SiLU();
    case 'elu':
      return new ELU();
    case 'leaky-relu':
      return new LeakyReLU();
    default:
      throw new ValueError(
        '--activation',
        `unknown activation '${name}' (expected ${ACTIVATIONS.join(', ')})`,
      );
  }
}

function positiveInt(what: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v <= 0)
    throw new ValueError('--model', `${what} must be a positive integer, got '${text}'`);
  return v;
}

/** Hidden-layer sizes of an MLP spec: 'perceptron' → [], 'mlp:256,128' → [256, 128], 'dense:64,dense:32' → [64, 32]. */
export function hiddenSizes(spec: string): number[] {
  if (spec === 'perceptron') return [];
  if (spec === 'mlp') return [64];
  if (spec.startsWith('mlp:'))
    return spec
      .slice(4)
      .split(',')
      .map((s) => positiveInt('each hidden size', s.trim()));
  if (spec.split(',').every((part) => part.trim().startsWith('dense:'))) {
    return spec.split(',').map((part) => positiveInt('dense size', part.trim().slice(6)));
  }
  throw new ValueError(
    '--model',
    `unknown model '${spec}' (expected perceptron, mlp:H1,H2,… or dense:N,dense:M)`,
  );
}

/**
 * Builds the network: Flatten (for image inputs), then per hidden size Linear → activation → Dropout (when
 * dropout > 0), then Linear to the outputs. The lecture's perceptron is the case with no hidden layer.
 */
export function buildModel(config: ModelConfig): Sequential {
  if (!(config.dropout >= 0 && config.dropout < 1))
    throw new ValueError('--dropout', `must be in [0, 1), got ${config.dropout}`);
  const layers: Module<[Tensor], Tensor>[] = [];
  let width = config.inputShape.reduce((p, d) => p * d, 1);
  if (config.inputShape.length > 1) layers.push(new Flatten());
  for (const size of hiddenSizes(config.spec)) {
    layers.push(new Linear(width, size), activationModule(config.activation));
    if (config.dropout > 0) layers.push(new Dropout(config.dropout));
    width = size;
  }
  layers.push(new Linear(width, config.outputs));
  return new Sequential(...layers);
}
