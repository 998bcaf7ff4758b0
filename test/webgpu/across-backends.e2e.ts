// @file Tensors made on wasm (arena blocks of its linear memory) train on webgpu and come back, in headless Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openSuitePage, type SuitePage } from './serve.js';

/** |a − b| ≤ tol·max(1, |b|) elementwise; the first offending index, or −1. */
function firstMismatch(actual: readonly number[], expected: readonly number[], tol: number): number {
  if (actual.length !== expected.length) return 0;
  return actual.findIndex(
    (a, i) => !(Math.abs(a - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!))),
  );
}

describe.skipIf(!hasChromium)('tensors made on wasm, used on webgpu', () => {
  let suite: SuitePage;
  beforeAll(async () => {
    suite = await openSuitePage();
    await suite.page.evaluate(() => window.webgpuSuite.neurite.backendReady);
  });
  afterAll(async () => {
    await suite?.close();
  });

  it('a model and data made on wasm train 3 Adam steps on webgpu like js, and read back synchronously on wasm', async () => {
    const result = await suite.page.evaluate(async () => {
      const nt = window.webgpuSuite.neurite;
      /** Builds the model and data on `made`, then runs 3 Adam steps (MSE) on `trained`. */
      const run = async (made: string, trained: string) => {
        await nt.setBackend(made);
        nt.manualSeed(1);
        const model = new nt.nn.Sequential(
          new nt.nn.Linear(500, 300),
          new nt.nn.ReLU(),
          new nt.nn.Linear(300, 1),
        );
        const x = nt.randn([64, 500]);
        const y = nt.randn([64, 1]);
        const weight = model.parameters()[0]!;
        // Arena blocks are views of the wasm memory, far larger than the tensor itself.
        const inWasmMemory = weight.storage.buffer.byteLength > weight.storage.byteLength;
        await nt.setBackend(trained);
        const optimizer = new nt.optim.Adam(model.parameters(), { lr: 0.01 });
        const losses = [];
        for (let step = 0; step < 3; step++) {
          optimizer.zeroGrad();
          const loss = nt.nn.functional.mseLoss(model.forward(x), y);
          loss.backward();
          optimizer.step();
          losses.push(loss);
        }
        const lossValues = await Promise.all(losses.map(async (l) => (await l.data())[0]!));
        const params = await Promise.all(model.parameters().map(async (p) => Array.from(await p.data())));
        return { model, losses: lossValues, params, inWasmMemory };
      };
      const reference = await run('js', 'js');
      const gpu = await run('wasm', 'webgpu');
      await nt.setBackend('wasm');
      const syncParams = gpu.model.parameters().map((p) => Array.from(p.dataSync()));
      return {
        inWasmMemory: gpu.inWasmMemory,
        jsLosses: reference.losses,
        gpuLosses: gpu.losses,
        jsParams: reference.params,
        gpuParams: gpu.params,
        syncParams,
      };
    });
    expect(result.inWasmMemory).toBe(true);
    expect(firstMismatch(result.gpuLosses, result.jsLosses, 1e-4)).toBe(-1);
    expect(result.jsLosses[2]).not.toBe(result.jsLosses[0]);
    result.gpuParams.forEach((values, i) => {
      expect(firstMismatch(values, result.jsParams[i]!, 1e-3)).toBe(-1);
      expect(result.syncParams[i]).toEqual(values);
    });
  });

  it('in-place writes on webgpu through views of a wasm-made tensor write its base', async () => {
    const result = await suite.page.evaluate(async () => {
      const nt = window.webgpuSuite.neurite;
      await nt.setBackend('wasm');
      const a = nt.arange(0, 70 * 50, 1, { dtype: 'float32' }).reshape([70, 50]);
      const before = Array.from(a.dataSync());
      await nt.setBackend('webgpu');
      nt.noGrad(() => {
        a.narrow(0, 3, 10).mul_(2); // contiguous view at element 150 (a misaligned binding)
        a.transpose(0, 1).narrow(0, 7, 2).add_(1000); // strided view: columns 7 and 8
      });
      const expected = before.map((v, i) => {
        const row = Math.floor(i / 50);
        const column = i % 50;
        const scaled = row >= 3 && row < 13 ? 2 * v : v;
        return column === 7 || column === 8 ? scaled + 1000 : scaled;
      });
      const viaData = Array.from(await a.data());
      await nt.setBackend('wasm');
      return { expected, viaData, onWasm: Array.from(a.dataSync()) };
    });
    expect(result.viaData).toEqual(result.expected);
    expect(result.onWasm).toEqual(result.expected);
  });

  it('a synchronous read of a wasm-made tensor that the GPU wrote throws naming await t.data()', async () => {
    const result = await suite.page.evaluate(async () => {
      const nt = window.webgpuSuite.neurite;
      await nt.setBackend('wasm');
      const a = nt.ones([40, 40]);
      await nt.setBackend('webgpu');
      const readable = Array.from(a.dataSync().slice(0, 2)); // host-current: reads synchronously
      nt.noGrad(() => a.mul_(3));
      let message = '';
      try {
        a.dataSync();
      } catch (error) {
        message = String(error);
      }
      let hostOpMessage = '';
      try {
        nt.multinomial(a.narrow(0, 0, 1).reshape([40]), 1);
      } catch (error) {
        hostOpMessage = String(error);
      }
      const values = Array.from((await a.data()).slice(0, 2));
      const afterRead = Array.from(a.dataSync().slice(0, 2));
      await nt.setBackend('wasm');
      return { readable, message, hostOpMessage, values, afterRead };
    });
    expect(result.readable).toEqual([1, 1]);
    expect(result.message).toMatch(/await t\.data\(\)/);
    expect(result.hostOpMessage).toMatch(/await t\.data\(\)/);
    expect(result.values).toEqual([3, 3]);
    expect(result.afterRead).toEqual([3, 3]);
  });

  // Last: it loses the device.
  it('after a device loss, values only the GPU held are refused on wasm (reads, writes, kernels; ints too), never stale', async () => {
    const result = await suite.page.evaluate(async () => {
      const nt = window.webgpuSuite.neurite;
      await nt.setBackend('wasm');
      const wasmMade = nt.ones([40, 40]);
      const kept = nt.full([40, 40], 5); // synced before the loss: stays readable
      await nt.setBackend('webgpu');
      const gpuMade = nt.ones([30]).mul(7);
      const gpuInts = nt.argmax(nt.ones([4, 3]).mul(2), 1); // int64 indices, only on the GPU
      nt.noGrad(() => wasmMade.mul_(3));
      nt.noGrad(() => kept.mul_(2));
      await kept.data();
      // The page exposes no device: catch it in createBindGroup, which every dispatch calls.
      const devices: GPUDevice[] = [];
      const createBindGroup = GPUDevice.prototype.createBindGroup;
      GPUDevice.prototype.createBindGroup = function (this: GPUDevice, descriptor) {
        devices.push(this);
        return createBindGroup.call(this, descriptor);
      };
      await nt.ones([4]).mul(2).data();
      GPUDevice.prototype.createBindGroup = createBindGroup;
      devices[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await nt.setBackend('wasm');
      const hostOp = (t: ReturnType<typeof nt.ones>): string => {
        try {
          nt.noGrad(() => t.narrow(0, 0, 1).fill_(0));
          return '';
        } catch (error) {
          return String(error);
        }
      };
      const refused = (read: () => unknown): string => {
        try {
          read();
          return '';
        } catch (error) {
          return String(error);
        }
      };
      const onWasm = {
        wasmMadeRead: refused(() => wasmMade.dataSync()),
        gpuMadeRead: refused(() => gpuMade.dataSync()),
        gpuMadeAsyncRead: await gpuMade.data().then(
          () => '',
          (error: unknown) => String(error),
        ),
        // Kernels of the CPU backend ask the host gate about their operands once a device was lost.
        computed: refused(() => wasmMade.add(1)),
        intsComputed: refused(() => gpuInts.add(1)),
        // Under the refusal, a float host copy is NaN, never the stale values.
        hostCopy: Array.from(wasmMade.storage.slice(0, 2)),
        keptValues: Array.from(kept.dataSync().slice(0, 2)),
        wasmMadeWrite: hostOp(wasmMade),
        gpuMadeWrite: hostOp(gpuMade),
      };
      await nt.setBackend('webgpu'); // a new device: it refuses what the lost one held
      const onNewDevice = {
        wasmMade: hostOp(wasmMade),
        gpuMadeUse: ((): string => {
          try {
            gpuMade.add(1);
            return '';
          } catch (error) {
            return String(error);
          }
        })(),
        kept: Array.from((await kept.add(1).data()).slice(0, 2)),
      };
      await nt.setBackend('wasm');
      return { ...onWasm, onNewDevice };
    });
    expect(result.wasmMadeRead).toMatch(/dataSync.*device that was lost/);
    expect(result.gpuMadeRead).toMatch(/dataSync.*device that was lost/);
    expect(result.gpuMadeAsyncRead).toMatch(/data.*device that was lost/);
    expect(result.computed).toMatch(/binary.*device that was lost/);
    expect(result.intsComputed).toMatch(/device that was lost/);
    expect(result.hostCopy.every(Number.isNaN)).toBe(true);
    expect(result.keptValues).toEqual([10, 10]);
    expect(result.wasmMadeWrite).toMatch(/device that was lost/);
    expect(result.gpuMadeWrite).toMatch(/device that was lost/);
    expect(result.onNewDevice.wasmMade).toMatch(/device that was lost/);
    expect(result.onNewDevice.gpuMadeUse).toMatch(/device that was lost/);
    expect(result.onNewDevice.kept).toEqual([11, 11]);
  });
});
