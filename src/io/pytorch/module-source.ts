// @file model.py for PyTorch: an nn.Sequential tree of neurite layers written as the same torch.nn layers, so the state-dict keys match.
import { ValueError } from '../../errors.js';
import type { AnyModule } from '../../nn/module.js';
import {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSigmoid,
  LogSoftmax,
  Mish,
  ReLU,
  ReLU6,
  SiLU,
  Sigmoid,
  Softmax,
  Softmin,
  Softplus,
  Softsign,
  Tanh,
} from '../../nn/layers/activation.js';
import { Sequential } from '../../nn/layers/container.js';
import { Conv1d, Conv2d } from '../../nn/layers/conv.js';
import { Dropout, Dropout2d } from '../../nn/layers/dropout.js';
import { Flatten, Unflatten } from '../../nn/layers/flatten.js';
import { Identity, Linear } from '../../nn/layers/linear.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '../../nn/layers/normalization.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../nn/layers/pooling.js';
import { SAFETENSORS_PYTHON } from './safetensors-python.js';

/** A Python literal: numbers as JavaScript prints them (valid Python), booleans, None, strings, tuples. */
export type PythonValue = number | boolean | null | string | readonly PythonValue[];

/** Writes a value as Python source: `True`, `None`, `'same'`, `(3, 3)`, `1e-05`. */
export function pythonLiteral(value: PythonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return value > 0 ? "float('inf')" : value < 0 ? "float('-inf')" : "float('nan')";
    return String(value);
  }
  const items = value.map(pythonLiteral);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** `name(arg, key=value, …)` with Python literals. */
function call(
  name: string,
  args: readonly PythonValue[],
  keywords: Record<string, PythonValue> = {},
): string {
  const parts = [
    ...args.map(pythonLiteral),
    ...Object.entries(keywords).map(([key, value]) => `${key}=${pythonLiteral(value)}`),
  ];
  return `nn.${name}(${parts.join(', ')})`;
}

/** The torch.nn constructor call of one neurite layer (not a container), or null when there is none. */
function layerCall(layer: AnyModule): string | null {
  if (layer instanceof Linear)
    return call('Linear', [layer.inFeatures, layer.outFeatures], { bias: layer.bias !== null });
  if (layer instanceof Conv1d || layer instanceof Conv2d) {
    return call(layer instanceof Conv1d ? 'Conv1d' : 'Conv2d', [layer.inChannels, layer.outChannels], {
      kernel_size: layer.kernelSize,
      stride: layer.stride,
      padding: layer.padding,
      dilation: layer.dilation,
      groups: layer.groups,
      bias: layer.bias !== null,
      padding_mode: layer.paddingMode,
    });
  }
  if (layer instanceof BatchNorm1d || layer instanceof BatchNorm2d) {
    return call(layer instanceof BatchNorm1d ? 'BatchNorm1d' : 'BatchNorm2d', [layer.numFeatures], {
      eps: layer.eps,
      momentum: layer.momentum,
      affine: layer.affine,
      track_running_stats: layer.trackRunningStats,
    });
  }
  if (layer instanceof LayerNorm) {
    return call('LayerNorm', [layer.normalizedShape], {
      eps: layer.eps,
      elementwise_affine: layer.elementwiseAffine,
    });
  }
  if (layer instanceof MaxPool2d) {
    return call('MaxPool2d', [layer.kernelSize], {
      stride: layer.stride,
      padding: layer.padding,
      dilation: layer.dilation,
      ceil_mode: layer.ceilMode,
    });
  }
  if (layer instanceof AvgPool2d) {
    return call('AvgPool2d', [layer.kernelSize], {
      stride: layer.stride,
      padding: layer.padding,
      ceil_mode: layer.ceilMode,
      count_include_pad: layer.countIncludePad,
      divisor_override: layer.divisorOverride,
    });
  }
  if (layer instanceof AdaptiveAvgPool2d) return call('AdaptiveAvgPool2d', [layer.outputSize]);
  if (layer instanceof Flatten) return call('Flatten', [layer.startDim, layer.endDim]);
  if (layer instanceof Unflatten) return call('Unflatten', [layer.dim, layer.unflattenedSize]);
  if (layer instanceof Dropout) return call('Dropout', [layer.p]);
  if (layer instanceof Dropout2d) return call('Dropout2d', [layer.p]);
  if (layer instanceof Identity) return call('Identity', []);
  if (layer instanceof LeakyReLU) return call('LeakyReLU', [layer.negativeSlope]);
  if (layer instanceof GELU) return call('GELU', [], { approximate: layer.approximate });
  if (layer instanceof ELU) return call('ELU', [layer.alpha]);
  if (layer instanceof Softplus) return call('Softplus', [layer.beta, layer.threshold]);
  if (layer instanceof Hardtanh) return call('Hardtanh', [layer.minVal, layer.maxVal]);
  if (layer instanceof Softmax) return call('Softmax', [], { dim: layer.dim });
  if (layer instanceof LogSoftmax) return call('LogSoftmax', [], { dim: layer.dim });
  if (layer instanceof Softmin) return call('Softmin', [], { dim: layer.dim });
  const plain: [new () => AnyModule, string][] = [
    [ReLU, 'ReLU'],
    [ReLU6, 'ReLU6'],
    [Tanh, 'Tanh'],
    [Sigmoid, 'Sigmoid'],
    [LogSigmoid, 'LogSigmoid'],
    [SiLU, 'SiLU'],
    [Mish, 'Mish'],
    [Softsign, 'Softsign'],
  ];
  for (const [kind, name] of plain) if (layer instanceof kind) return call(name, []);
  return null;
}

/** The nn.Sequential(...) expression of a Sequential (an OrderedDict when its names are not 0, 1, 2, …). */
function sequentialSource(model: Sequential, indent: string, path: string): string {
  const children = model.namedChildren();
  const numbered = children.every(([name], i) => name === String(i));
  const inner = `${indent}    `;
  const lines = children.map(([name, child]) => {
    const where = path === '' ? name : `${path}.${name}`;
    const source = moduleSource(child, inner, where);
    return numbered ? `${inner}${source},  # ${where}` : `${inner}(${JSON.stringify(name)}, ${source}),`;
  });
  if (numbered) return `nn.Sequential(\n${lines.join('\n')}\n${indent})`;
  return `nn.Sequential(OrderedDict([\n${lines.join('\n')}\n${indent}]))`;
}

function moduleSource(module: AnyModule, indent: string, path: string): string {
  if (module instanceof Sequential) return sequentialSource(module, indent, path);
  const source = layerCall(module);
  if (source === null) {
    throw new ValueError(
      'exportPytorch',
      `${path === '' ? 'the model' : `layer '${path}'`} is a ${module.constructor.name}, which has no torch.nn counterpart here ` +
        '(supported: Sequential of Linear, Conv1d/2d, BatchNorm1d/2d, LayerNorm, pools, Flatten, Unflatten, Dropout, Identity and activations); export it as ONNX instead',
    );
  }
  return source;
}

/**
 * The source of `model.py`: `build_model()` returns a torch.nn.Sequential with the same layers, options and
 * nesting as `model`, so its `state_dict()` has the same keys (`0.weight`, `1.running_mean`, …) and the same
 * shapes; `load_safetensors`/`save_safetensors` read and write weight files, with the `safetensors` package
 * when it is installed and a small reader and writer of their own otherwise.
 *
 * PyTorch equivalent: the model a PyTorch user would write by hand, `nn.Sequential(nn.Linear(4, 16), …)`.
 *
 * @throws ValueError naming the layer when a module has no torch.nn counterpart (custom modules: use ONNX).
 */
export function pytorchModuleSource(model: AnyModule, options: { header?: string } = {}): string {
  const body = moduleSource(model, '    ', '');
  const header = options.header ?? 'Generated by neurite (neurite export --format pytorch).';
  return `# ${header.split('\n').join('\n# ')}
"""The neurite model as a torch.nn module, with safetensors I/O that needs only torch.

    from model import build_model, load_safetensors
    model = build_model()
    model.load_state_dict(load_safetensors('model.safetensors'))
"""
from collections import OrderedDict

import torch
from torch import nn


def build_model() -> nn.Module:
    """The network, layer for layer; its state_dict keys are those of the neurite model."""
    return ${body}

${SAFETENSORS_PYTHON}`;
}
