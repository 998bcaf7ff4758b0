// @file `neurite export RUN --format onnx --out FILE`: the run's model, with its input encoding built in, as an ONNX file.
import { resolve } from 'node:path';
import { exportOnnx } from '../../io/onnx-files.js';
import { ONNX_OPSET } from '../../io/onnx/export.js';
import { Module } from '../../nn/module.js';
import type { Sequential } from '../../nn/layers/container.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Encoding } from '../encoding.js';
import { loadPredictor } from '../run.js';
import { refuseTextRun } from '../text-data.js';
import type { Print } from './train.js';

/**
 * A run's network behind its encoding, so the ONNX model takes raw values as `predict` does:
 * x′ = (x − featureMean)/featureStd, ŷ = net(x′), and for regression y = targetMean + targetStd·ŷ.
 */
export class EncodedNetwork extends Module {
  readonly network: Sequential;
  private readonly mean: Tensor;
  private readonly std: Tensor;
  private readonly encoding: Encoding;

  constructor(network: Sequential, encoding: Encoding) {
    super();
    this.network = network;
    this.encoding = encoding;
    const perFeature = encoding.featureMean.length > 1;
    const shape = perFeature ? encoding.inputShape : [];
    this.mean = new Tensor(Float32Array.from(encoding.featureMean), shape, 'float32');
    this.std = new Tensor(Float32Array.from(encoding.featureStd), shape, 'float32');
  }

  forward(raw: Tensor): Tensor {
    const out = this.network.forward(raw.sub(this.mean).div(this.std));
    const { task, targetMean, targetStd } = this.encoding;
    return task === 'regression' ? out.mul(targetStd).add(targetMean) : out;
  }
}

/**
 * Writes the run's model to `out` as ONNX (opset 17, dynamic batch) taking raw inputs `[batch, ...inputShape]`
 * (the run's standardization is part of the graph) and giving logits (classification; one logit for two
 * classes) or values in target units (regression). Class names and the task are stored as metadata.
 */
export function exportOnnxRun(runDir: string, out: string, print: Print): void {
  const { model, binary, encoding } = loadPredictor(runDir);
  refuseTextRun(encoding, 'export', runDir);
  const wrapped = new EncodedNetwork(model, encoding);
  const size = encoding.inputShape.reduce((a, b) => a * b, 1);
  const batch = 3;
  const example = new Tensor(
    Float32Array.from({ length: batch * size }, (_, i) => Math.sin(i + 1)),
    [batch, ...encoding.inputShape],
    'float32',
  );
  const output = encoding.task === 'regression' ? 'value' : binary ? 'logit' : 'logits';
  const bytes = exportOnnx(wrapped, example, resolve(out), {
    outputName: output,
    graphName: 'neurite',
    metadata: {
      task: encoding.task,
      classes: JSON.stringify(encoding.classNames),
      input_shape: JSON.stringify(encoding.inputShape),
      feature_names: JSON.stringify(encoding.featureNames),
    },
  });
  print(
    `neurite: wrote ${out} (ONNX opset ${ONNX_OPSET}, ${bytes.length} bytes): input 'input' [batch, ${encoding.inputShape.join(', ')}] raw values, ` +
      `output '${output}'${encoding.classNames.length > 0 ? ` over ${encoding.classNames.length} classes` : ''}`,
  );
}
