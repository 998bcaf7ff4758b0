// @file neurite/node's io.exportOnnx(model, x, path) writes the .onnx file that importOnnxFile and ONNX Runtime read.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io, manualSeed, nn, noGrad, randn } from '../../../src/node/index.js';
import { maxAbsDiff, runInOrt } from './ort.js';

describe('io.exportOnnx with a path (Node entry)', () => {
  it('writes the same bytes it returns, atomically, and the file reads back', async () => {
    manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-file-'));
    const file = join(dir, 'model.onnx');
    const bytes = io.exportOnnx(model, randn([2, 3]), file);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
    const x = randn([5, 3]);
    const expected = noGrad(() => model.forward(x)).dataSync();
    expect(maxAbsDiff(io.importOnnxFile(file).forward(x).dataSync(), expected)).toBeLessThan(1e-6);
    expect(maxAbsDiff((await runInOrt(bytes, x)).data, expected)).toBeLessThan(1e-5);
    expect(io.exportOnnx(model, randn([2, 3]), { outputName: 'y' })).toBeInstanceOf(Uint8Array);
  });
});
