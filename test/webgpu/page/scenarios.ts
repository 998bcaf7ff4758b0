// @file Behaviours of the webgpu backend beyond golden values: stale-read protection, fallbacks, dispose, views at odd offsets, large grids, switching away, device loss.
import * as nt from '../../../src/index.js';
import { backend, getBackend, setBackend } from '../../../src/backend/index.js';
import { UniformWords, WGSL_FLAT_INDEX, workgroupsFor } from '../../../src/backend/webgpu/context.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { hostFallback } from '../../../src/backend/webgpu/fallback.js';
import type { WebGpuBackend } from '../../../src/backend/webgpu/index.js';
import { NeuriteError, type Tensor } from '../../../src/index.js';
import { lstmTrainsLikeJs } from './recurrent-scenario.js';

export interface ScenarioResult {
  ok: boolean;
  detail: string;
}

const gpu = (): WebGpuBackend => backend() as WebGpuBackend;

/** Collects failed expectations; a scenario passes when none failed. */
class Checks {
  readonly failures: string[] = [];

  that(condition: boolean, what: string): void {
    if (!condition) this.failures.push(what);
  }

  /** Passes when `run` throws a NeuriteError whose message matches `pattern`. */
  throws(run: () => unknown, pattern: RegExp, what: string): void {
    try {
      run();
      this.failures.push(`${what}: did not throw`);
    } catch (error) {
      const ok = error instanceof NeuriteError && pattern.test(error.message);
      if (!ok) this.failures.push(`${what}: threw ${String(error)}`);
    }
  }

  close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-5): void {
    if (actual.length !== expected.length) {
      this.failures.push(`${what}: ${actual.length} values, expected ${expected.length}`);
      return;
    }
    for (let i = 0; i < expected.length; i++) {
      const a = actual[i]!;
      const e = expected[i]!;
      if (!(Math.abs(a - e) <= tolerance * (1 + Math.abs(e)))) {
        this.failures.push(`${what}[${i}]: expected ${e}, got ${a}`);
        return;
      }
    }
  }

  result(): ScenarioResult {
    return { ok: this.failures.length === 0, detail: this.failures.join('; ') };
  }
}

const values = (n: number, f: (i: number) => number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => f(i));
const onHost = (t: Tensor): Float32Array => Float32Array.from(t.storage);

export const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  /** dataSync/item/toArray refuse on webgpu, naming the async read; await data() reads the GPU's values. */
  async syncReadsRefused() {
    const check = new Checks();
    const x = nt.tensor(values(300, (i) => i / 7 - 20));
    const y = x.mul(2).add(1);
    check.throws(() => y.dataSync(), /await t\.data\(\)/, 'dataSync');
    check.throws(() => y.sum().item(), /await t\.data\(\)/, 'item');
    check.throws(() => y.toArray(), /await t\.data\(\)/, 'toArray');
    check.that(gpu().context.storage.residence(y.storage) === 'device', 'the result lives on the GPU');
    check.close(
      await y.data(),
      values(300, (i) => (i / 7 - 20) * 2 + 1),
      'await data()',
    );
    check.that(gpu().context.storage.residence(y.storage) === 'synced', 'a read leaves the array synced');
    return check.result();
  },

  /** A host read of an array whose newest values are on the GPU throws, naming the op and await t.data(). */
  async hostReadOfDeviceValues() {
    const check = new Checks();
    const x = nt.tensor(
      values(12, (i) => (i * 5) % 12),
      { shape: [3, 4] },
    );
    const picks = nt.argmax(x, 1); // computed on the GPU: the host copy is stale
    check.throws(() => nt.indexSelect(x, 1, picks), /indexSelect.*await t\.data\(\)/, 'index validation');
    check.throws(() => nt.multinomial(x.abs().add(1), 1), /multinomial.*await t\.data\(\)/, 'multinomial');
    const rows = [0, 1, 2].map((r) => Array.from({ length: 4 }, (_, c) => ((r * 4 + c) * 5) % 12));
    const expected = rows.map((row) => row.indexOf(Math.max(...row)));
    check.close(Array.from(await picks.data()), expected, 'argmax');
    // After the read the host copy is current, so the same op now runs.
    const selected = nt.indexSelect(x, 1, picks);
    const expectedSelection = rows.flatMap((row) => expected.map((c) => row[c]!));
    check.close(await selected.data(), expectedSelection, 'indexSelect after the read');
    return check.result();
  },

  /**
   * A kernel without a GPU version runs the js reference on current host copies, and refuses operands whose
   * newest values are on the GPU (hostFallback around js's sort, so the test holds whichever kernels exist).
   */
  async fallbackRule() {
    const check = new Checks();
    const storage = gpu().context.storage;
    const sort = hostFallback('sort', jsBackend.sort, storage);
    const data = [3, -1, 2, 8, 0.5];
    const sorted = [...data].sort((a, b) => a - b);
    const run = (x: Float32Array): Float32Array => {
      const values = new Float32Array(5);
      sort(x, 1, 5, 1, false, values, new Int32Array(5));
      return values;
    };
    check.close(run(Float32Array.from(data)), sorted, 'sort of a host-made array');
    const onDevice = nt.tensor(data).add(0);
    check.throws(
      () => run(onDevice.storage as Float32Array),
      /webgpu: no GPU kernel yet for sort/,
      'GPU values',
    );
    await onDevice.data();
    check.close(run(onDevice.storage as Float32Array), sorted, 'sort after await data()');
    check.that(
      storage.residence(onDevice.storage) === 'host',
      'operands of a fallback count as host-newer after it',
    );
    // The fallback's host output feeds later GPU kernels, which upload it.
    check.close(
      await nt
        .tensor(run(Float32Array.from(data)))
        .mul(2)
        .data(),
      sorted.map((v) => v * 2),
      'GPU op after',
    );
    return check.result();
  },

  /** dispose() hands the GPU buffer back at once; the tensor is unusable afterwards. */
  async dispose() {
    const check = new Checks();
    const y = nt.tensor(values(4096, (i) => i)).mul(3);
    const handle = y.storage;
    check.that(gpu().context.storage.residence(handle) === 'device', 'before dispose: on the GPU');
    y.dispose();
    check.that(gpu().context.storage.residence(handle) === 'host', 'after dispose: no GPU copy');
    check.throws(() => y.add(1), /dispose/, 'use after dispose');
    const z = nt.tensor(values(4096, (i) => i)).mul(3); // may reuse the pooled buffer
    check.close(
      await z.data(),
      values(4096, (i) => 3 * i),
      'a new tensor of the same size',
    );
    return check.result();
  },

  /** Views at element offsets that are not storage-offset aligned go through scratch copies, in and out. */
  async misalignedViews() {
    const check = new Checks();
    const base = nt.tensor(values(1000, (i) => i)).add(0); // on the GPU
    const view = nt.narrow(base, 0, 3, 500); // a subarray at byte offset 12
    check.close(
      await view.mul(2).data(),
      values(500, (i) => 2 * (i + 3)),
      'read through a misaligned view',
    );
    nt.noGrad(() => view.add_(1));
    const expected = values(1000, (i) => (i >= 3 && i < 503 ? i + 1 : i));
    const strided = nt.transpose(nt.reshape(base, [20, 50]), 0, 1);
    const gathered = strided.contiguous(); // gathered on the GPU: base's newest values are there
    check.that(gpu().context.storage.residence(gathered.storage) === 'device', 'a GPU gather');
    check.close(await base.data(), expected, 'write through a misaligned view');
    const expectedT = values(1000, (k) => expected[(k % 20) * 50 + Math.floor(k / 20)]!);
    check.close(await gathered.data(), expectedT, 'strided gather');
    // base is synced now: a view of it gathers on the host and reads synchronously.
    check.close(strided.contiguous().dataSync(), expectedT, 'host gather of a synced base');
    nt.noGrad(() => strided.mul_(2)); // the product is on the GPU, so it is scattered back there
    check.close(
      await base.data(),
      expected.map((v) => 2 * v),
      'strided scatter',
    );
    // Two host-made operands at odd offsets: uploading the second submits the batch, which must not hand the
    // first one's scratch copy to the second (it once did, giving b + b).
    const a = nt.tensor(values(65, (i) => i));
    const b = nt.tensor(values(65, (i) => 1000 * i));
    check.close(
      await nt
        .narrow(a, 0, 1, 64)
        .add(nt.narrow(b, 0, 1, 64))
        .data(),
      values(64, (i) => 1001 * (i + 1)),
      'two misaligned host-made operands',
    );
    return check.result();
  },

  /**
   * More than 65535 workgroups: workgroupsFor makes the grid two-dimensional and WGSL_FLAT_INDEX recovers each
   * invocation's index (one-invocation workgroups, so the test stays small); a reduction with as many
   * outputs stays right too.
   */
  async largeGrid() {
    const check = new Checks();
    const count = 70_000;
    const ctx = gpu().context;
    const out = new Int32Array(count);
    ctx.beginOp('largeGrid');
    const wgsl = () => `${WGSL_FLAT_INDEX}
@group(0) @binding(0) var<storage, read_write> Y: array<i32>;
@group(0) @binding(1) var<uniform> n: vec4u;
@compute @workgroup_size(1)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_index(wid, nwg, lid, 1u);
  if (i < n.x) { Y[i] = i32(i) * 3; }
}`;
    const grid = workgroupsFor(count, 1);
    check.that(grid[1] === 2, `a 2-D grid (${grid.join(' × ')})`);
    ctx.dispatch(
      'test:largeGrid',
      wgsl,
      [ctx.output(out)],
      new UniformWords().u32(count).align4().finish(),
      grid,
    );
    ctx.finishOp();
    const written = await ctx.storage.download(out, 'largeGrid');
    check.close(
      written,
      Int32Array.from({ length: count }, (_, i) => 3 * i),
      'every index written once',
    );
    const rows = 70_000;
    const x = nt.tensor(
      values(rows * 2, (k) => (k >> 1) % 7),
      { shape: [rows, 2] },
    );
    check.close(
      await nt.sum(x, 1).data(),
      values(rows, (i) => 2 * (i % 7)),
      'row sums of 70000 rows',
    );
    return check.result();
  },

  /** float64 computes in f32 and comes back as Float64Array; bool results come back as 0/1 bytes. */
  async dtypesRoundTrip() {
    const check = new Checks();
    const x = nt.tensor([0.1, 2.5, -3.25], { dtype: 'float64' });
    const y = x.mul(2);
    const data = await y.data();
    check.that(data instanceof Float64Array, 'float64 reads as Float64Array');
    check.close(data, [0.2, 5, -6.5], 'float64 values (f32 accurate)', 1e-6);
    const flags = await nt.gt(x, 0).data();
    check.that(flags instanceof Uint8Array, 'bool reads as Uint8Array');
    check.close(flags, [1, 1, 0], 'bool values');
    // IEEE division by zero, which a GPU computing a·(1/b) may get wrong: ±∞ by the signs, NaN for 0/0.
    const quotients = await nt.div(nt.tensor([1, -1, 0, 1, 2]), nt.tensor([0, 0, 0, -0, 4])).data();
    const expectedQuotients = [Infinity, -Infinity, NaN, -Infinity, 0.5];
    check.that(
      expectedQuotients.every((e, i) => Object.is(quotients[i], e)),
      `division by zero: ${Array.from(quotients).join(', ')}`,
    );
    const ints = await nt.tensor([7, -3, 2], { dtype: 'int32' }).mul(3).data();
    check.close(ints, [21, -9, 6], 'int32 values');
    return check.result();
  },

  /**
   * Leaving webgpu downloads the arrays whose newest values are on the GPU before the next backend takes over;
   * coming back re-uploads what the CPU backend changed.
   */
  async switchAway() {
    const check = new Checks();
    const y = nt.tensor(values(2000, (i) => i % 13)).mul(3);
    const leaving = setBackend('wasm');
    check.that(getBackend() === 'webgpu', 'ops stay on webgpu until the download is done');
    await leaving;
    check.that(getBackend() === 'wasm', 'then wasm is active');
    check.close(
      y.dataSync(),
      values(2000, (i) => 3 * (i % 13)),
      'values on wasm',
    );
    nt.noGrad(() => y.add_(1)); // changes the host copy behind the GPU's back
    await setBackend('webgpu');
    check.close(
      await y.mul(2).data(),
      values(2000, (i) => 2 * (3 * (i % 13) + 1)),
      'back on webgpu',
    );
    check.close(onHost(nt.tensor([1, 2])), [1, 2], 'host-made tensors stay readable');
    return check.result();
  },

  /**
   * Training steps of a small MLP (Linear, ReLU, log-softmax cross-entropy, Adam) give the same losses and weights on
   * webgpu as on the js reference, with the losses read once at the end.
   */
  async trainsLikeJs() {
    const check = new Checks();
    const train = async (name: 'js' | 'webgpu'): Promise<{ losses: number[]; weight: Float32Array }> => {
      await setBackend(name);
      nt.manualSeed(7);
      const model = new nt.nn.Sequential(new nt.nn.Linear(8, 16), new nt.nn.ReLU(), new nt.nn.Linear(16, 3));
      const optimizer = new nt.optim.Adam(model.parameters(), { lr: 0.01 });
      const x = nt.randn([32, 8]);
      // Cross-entropy from ops (log-softmax against one-hot targets), so only core kernels, matmul and softmax run.
      const labels = Array.from({ length: 32 }, (_, i) => (i * 7) % 3);
      const oneHot = nt.tensor(
        Float32Array.from({ length: 96 }, (_, k) => (labels[Math.floor(k / 3)] === k % 3 ? 1 : 0)),
        { shape: [32, 3] },
      );
      const losses: Tensor[] = [];
      for (let step = 0; step < 6; step++) {
        optimizer.zeroGrad();
        const loss = nt.logSoftmax(model.forward(x), 1).mul(oneHot).sum(1).mean().neg();
        loss.backward();
        optimizer.step();
        losses.push(loss.detach());
      }
      const read = await Promise.all(losses.map((l) => l.data()));
      const weight = (await model.parameters()[0]!.data()) as Float32Array;
      return { losses: read.map((d) => d[0]!), weight };
    };
    const reference = await train('js');
    const onGpu = await train('webgpu');
    check.close(onGpu.losses, reference.losses, 'losses', 1e-4);
    check.close(onGpu.weight, reference.weight, 'first weight after 6 Adam steps', 1e-4);
    check.that(reference.losses[5]! < reference.losses[0]!, 'the loss falls');
    return check.result();
  },

  /**
   * fit() on webgpu reads the losses once per epoch (no item() per batch) and logs the same history as on js
   * (loss and validation loss, onBatchEnd seen for every batch); evaluateAsync gives the same loss as on js.
   */
  async fitLikeJs() {
    const check = new Checks();
    const run = async (name: 'js' | 'webgpu') => {
      await setBackend(name);
      nt.manualSeed(3);
      const x = nt.randn([48, 4]);
      const labels = nt.tensor(
        Int32Array.from({ length: 48 }, (_, i) => i % 3),
        { dtype: 'int32' },
      );
      const oneHot = nt.tensor(
        Float32Array.from({ length: 144 }, (_, k) => (Math.floor(k / 3) % 3 === k % 3 ? 1 : 0)),
        {
          shape: [48, 3],
        },
      );
      const model = new nt.nn.Sequential(new nt.nn.Linear(4, 8), new nt.nn.Tanh(), new nt.nn.Linear(8, 3));
      const batches: Tensor[][] = [];
      for (let start = 0; start < 48; start += 16) {
        batches.push([
          nt.narrow(x, 0, start, 16),
          nt.narrow(oneHot, 0, start, 16),
          nt.narrow(labels, 0, start, 16),
        ]);
      }
      const crossEntropy = (out: Tensor, target: Tensor): Tensor =>
        nt.logSoftmax(out, 1).mul(target).sum(1).mean().neg();
      let batchEnds = 0;
      const history = await nt.train.fit(model, {
        train: batches,
        val: batches.slice(0, 1),
        epochs: 3,
        optimizer: new nt.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
        loss: crossEntropy,
        callbacks: [{ onBatchEnd: () => void batchEnds++ }],
        verbose: false,
      });
      const evaluated = await nt.train.evaluateAsync(model, batches, { loss: crossEntropy });
      return { logs: { ...history.history, evaluated: [evaluated.loss!] }, batchEnds };
    };
    const reference = await run('js');
    const onGpu = await run('webgpu');
    check.that(
      onGpu.batchEnds === reference.batchEnds && onGpu.batchEnds === 9,
      `onBatchEnd ${onGpu.batchEnds}×`,
    );
    for (const key of ['loss', 'valLoss', 'evaluated']) {
      const expected = (reference.logs as Record<string, number[]>)[key] ?? [];
      const actual = (onGpu.logs as Record<string, number[]>)[key] ?? [];
      check.that(expected.length === (key === 'evaluated' ? 1 : 3), `${key} logged on js`);
      check.close(actual, expected, key, 1e-4);
    }
    return check.result();
  },

  /**
   * The fused losses reduce on the device (mean = Σ/Σw by a kernel, the gradient divided by Σw there) and give
   * the js reference's values, here with the loss kernels' outputs written on the host (js fallback on host-made
   * inputs) or on the GPU (when kernels/ binds them).
   */
  async fusedLossReduction() {
    const check = new Checks();
    const run = async (name: 'js' | 'webgpu') => {
      await setBackend(name);
      const scores = Float32Array.from({ length: 15 }, (_, k) => Math.sin(k * 1.7) * 2);
      const x = nt.tensor(scores, { shape: [5, 3], requiresGrad: true });
      const target = nt.tensor(Int32Array.from([0, 2, 1, 2, 0]), { dtype: 'int32' });
      const weight = nt.tensor([0.5, 2, 1]);
      const results: number[] = [];
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        x.grad = null;
        const loss = nt.nn.functional.crossEntropy(x, target, { weight, reduction });
        loss.backward(reduction === 'none' ? nt.ones([5]) : undefined); // host-made upstream gradient
        results.push(...(await loss.data()), ...(await x.grad!.data()));
      }
      return results;
    };
    const reference = await run('js');
    check.close(await run('webgpu'), reference, 'losses and gradients', 1e-5);
    return check.result();
  },

  /**
   * BatchNorm2d on the GPU: three training steps update the running statistics on the device (the batch
   * statistics are the kernel's output, copied by a kernel), and eval mode then normalizes with them, as on js.
   */
  async batchNormRunningStats() {
    const check = new Checks();
    const run = async (name: 'js' | 'webgpu') => {
      await setBackend(name);
      nt.manualSeed(3);
      const bn = new nt.nn.BatchNorm2d(4);
      for (let step = 0; step < 3; step++)
        bn.forward(
          nt
            .randn([6, 4, 5, 5])
            .mul(step + 1)
            .add(step),
        );
      bn.eval();
      const y = bn.forward(nt.randn([2, 4, 5, 5]));
      return [...(await bn.running_mean!.data()), ...(await bn.running_var!.data()), ...(await y.data())];
    };
    const reference = await run('js');
    check.close(
      await run('webgpu'),
      reference,
      'running mean, running variance and the eval-mode output',
      1e-5,
    );
    return check.result();
  },

  lstmTrainsLikeJs,

  /**
   * After the device is lost, pending reads reject and later ops throw; setBackend('webgpu') gets a new device,
   * which refuses the tensors whose newest values were lost.
   */
  async deviceLoss() {
    const check = new Checks();
    const y = nt.tensor(values(1000, (i) => i)).mul(2);
    const pending = y.data();
    gpu().context.device.destroy();
    try {
      await pending;
      check.that(false, 'a read pending at the loss rejects');
    } catch (error) {
      check.that(
        error instanceof NeuriteError,
        `the pending read rejects with a NeuriteError (${String(error)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    check.throws(() => nt.tensor([1, 2]).add(1), /device was lost/, 'an op after the loss');
    await setBackend('webgpu');
    check.close(await nt.tensor([1, 2]).add(1).data(), [2, 3], 'a new device works');
    check.throws(
      () => y.add(1),
      /device that was lost/,
      'a tensor whose values were lost, on the new device',
    );
    check.throws(() => y.dataSync(), /await t\.data\(\)/, 'its sync read');
    return check.result();
  },
};
