// @file Runners of the conv golden fixtures (convolutions and pooling): shared by the Node suite and the WebGPU kernel page.
import {
  adaptiveAvgPool2d,
  avgPool2d,
  conv1d,
  conv2d,
  maxPool2d,
  nn,
  type Conv2dOptions,
  type Tensor,
} from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

type Pair = number | [number, number];
type ModuleOptions = nn.Conv2dLayerOptions & nn.Conv1dLayerOptions;

/** A conv layer whose forward runs on the fixture's own weight and bias tensors, so their gradients are checked. */
function layerWith(kind: 'Conv1d' | 'Conv2d', w: Tensor, b: Tensor | undefined, p: Params): nn.Module {
  const options = { ...(p as ModuleOptions), bias: b !== undefined };
  const kernel = w.shape.slice(2);
  const layer =
    kind === 'Conv2d'
      ? new nn.Conv2d(w.shape[1]!, w.shape[0]!, kernel as [number, number], options)
      : new nn.Conv1d(w.shape[1]!, w.shape[0]!, kernel as [number], options);
  return Object.assign(layer, { weight: w, bias: b ?? null });
}

// The conv fixture family holds the pooling cases too; they are replayed with the convolutions.
export const CONV_RUNNERS: Record<string, Runner> = {
  conv2d: ([x, w, b], p) => conv2d(x!, w!, b, p as Conv2dOptions),
  conv1d: ([x, w, b], p) => conv1d(x!, w!, b, p),
  moduleConv2d: ([x, w, b], p) => layerWith('Conv2d', w!, b, p).forward(x!),
  moduleConv1d: ([x, w, b], p) => layerWith('Conv1d', w!, b, p).forward(x!),
  maxPool2d: ([x], { kernelSize, ...options }) =>
    maxPool2d(x!, kernelSize as Pair, { ...options, returnIndices: true }),
  avgPool2d: ([x], { kernelSize, ...options }) => avgPool2d(x!, kernelSize as Pair, options),
  adaptiveAvgPool2d: ([x], p) =>
    adaptiveAvgPool2d(x!, p.outputSize as number | [number | null, number | null]),
};
