// @file The PyTorch hand-off end to end: neurite train → export --format pytorch → train_ddp.py on 2 gloo processes → import-run → eval gives the accuracy PyTorch printed; before training PyTorch's forward equals neurite's.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../../src/autograd/grad-mode.js';
import { run } from '../../../src/cli/main.js';
import { loadRun } from '../../../src/cli/run.js';
import { save } from '../../../src/node/io.js';
import { Generator } from '../../../src/random/generator.js';

const PYTHON = '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const FASHION = '/usr/share/datasets/fashion-mnist';
const haveTorch =
  spawnSync(PYTHON, ['-c', 'import torch.distributed'], { cwd: tmpdir(), stdio: 'ignore', timeout: 60_000 })
    .status === 0;
if (!haveTorch) console.log(`skipping the PyTorch hand-off round trips: ${PYTHON} has no torch`);

const root = mkdtempSync(join(tmpdir(), 'neurite-pytorch-handoff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

/**
 * `validation loss 0.9619, accuracy 65.83%` lines → { validation: { loss, metric } }: accuracy in percent, MAE
 * (4 decimals) times 100, so that "within 0.1" means 0.1 point of accuracy or 0.001 of MAE.
 */
function scores(lines: readonly string[]): Record<string, { loss: number; metric: number }> {
  const out: Record<string, { loss: number; metric: number }> = {};
  for (const line of lines) {
    const m = /^(train|validation|test)\s+loss ([\d.]+), (accuracy|mae) ([\d.]+)%?$/.exec(line.trim());
    if (m) out[m[1]!] = { loss: Number(m[2]), metric: Number(m[4]) * (m[3] === 'mae' ? 100 : 1) };
  }
  return out;
}

/** A 3-class CSV with text labels and features on different scales (600 rows, seeded). */
function writeToyCsv(path: string): void {
  const g = new Generator(3);
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = ['a,b,c,d,species'];
  for (let i = 0; i < 600; i++) {
    const k = g.randint(0, 3);
    const values = [0, 1, 2, 3].map((j) => ((k * 1.5 + j * 0.3 + g.normal()) * (j + 1) + 10 * j).toFixed(3));
    rows.push(`${values.join(',')},${names[k]}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

/**
 * Runs /usr/bin/python3 without blocking the event loop (a synchronous wait of a minute starves vitest's worker
 * messages), killing it after 4 minutes.
 */
function python(args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: root, timeout: 240_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout, stderr, status }));
  });
}

/** train → export → forward check → train_ddp.py (2 processes, gloo) → import-run → eval, compared with PyTorch's scores. */
async function roundTrip(name: string, trainArgs: string[], optimizer = 'adam'): Promise<void> {
  const runDir = join(root, `${name}-run`);
  const exported = join(root, `${name}-export`);
  const trained = join(root, `${name}-pytorch`);
  const imported = join(root, `${name}-imported`);
  const train = await cli(
    'train',
    ...trainArgs,
    '--optimizer',
    optimizer,
    '--epochs',
    '1',
    '--seed',
    '1',
    '--quiet',
    '--out',
    runDir,
  );
  expect(train.err).toEqual([]);
  expect(train.code).toBe(0);

  const exportResult = await cli('export', runDir, '--format', 'pytorch', '--out', exported);
  expect(exportResult.err).toEqual([]);
  expect(exportResult.code).toBe(0);
  for (const file of ['model.py', 'model.safetensors', 'train_ddp.py', 'handoff.json'])
    expect(existsSync(join(exported, file)), file).toBe(true);

  // Before training: PyTorch's forward on a batch of the run's own encoded data equals neurite's.
  const { session } = loadRun(runDir);
  const batch = (session.data.val ?? session.data.train).x;
  const x = batch.narrow(0, 0, Math.min(32, batch.shape[0]!));
  session.model.eval();
  const y = noGrad(() => session.model.forward(x));
  const io = join(root, `${name}-batch.safetensors`);
  save({ x, y }, io);
  const casesPath = join(root, `${name}-cases.json`);
  writeFileSync(casesPath, JSON.stringify({ [name]: { dir: exported, io } }));
  const forward = await python([join(HERE, 'forward.py'), casesPath]);
  expect(forward.stderr).toBe('');
  const report = JSON.parse(forward.stdout) as Record<string, { maxAbs: number; keys: string[] }>;
  expect(report[name]!.keys).toEqual(Object.keys(session.model.stateDict()));
  expect(report[name]!.maxAbs).toBeLessThan(1e-5);

  // One short epoch on two processes (torch.multiprocessing.spawn, gloo on CPU).
  const ddp = await python([
    join(exported, 'train_ddp.py'),
    '--nproc',
    '2',
    '--epochs',
    '1',
    '--out',
    trained,
  ]);
  expect(ddp.status, ddp.stderr).toBe(0);
  expect(ddp.stdout).toMatch(/train_ddp: 2 process\(es\), gloo on cpu/);
  const printed = scores(ddp.stdout.split('\n'));
  expect(Object.keys(printed).length).toBeGreaterThan(0);

  const importResult = await cli('import-run', trained, '--out', imported);
  expect(importResult.err).toEqual([]);
  expect(importResult.code).toBe(0);
  const evalResult = await cli('eval', imported);
  expect(evalResult.code).toBe(0);
  const evaluated = scores(evalResult.out);
  expect(Object.keys(evaluated).sort()).toEqual(Object.keys(printed).sort());
  for (const [split, logs] of Object.entries(printed)) {
    expect(Math.abs(evaluated[split]!.metric - logs.metric), `${name} ${split}`).toBeLessThanOrEqual(0.1);
    expect(Math.abs(evaluated[split]!.loss - logs.loss), `${name} ${split} loss`).toBeLessThanOrEqual(2e-4);
  }
  // The history holds neurite's epoch then PyTorch's; the run can be resumed in neurite.
  const record = JSON.parse(readFileSync(join(imported, 'run.json'), 'utf8')) as {
    epochsDone: number;
    history: unknown[];
  };
  expect(record.epochsDone).toBe(2);
  expect(record.history).toHaveLength(2);
  // The optimizer's state went to PyTorch and came back: Adam's step count is neurite's steps plus PyTorch's
  // (batch 64 in neurite, 32 per process in PyTorch), so the moments were carried, not restarted.
  if (optimizer === 'adam') {
    expect(importResult.out).toContain('Optimizer: adam state from PyTorch (step, exp_avg, exp_avg_sq)');
    const samples = session.data.train.x.shape[0]!;
    const steps = Math.ceil(samples / 64) + Math.ceil(Math.ceil(samples / 2) / 32);
    const state = JSON.parse(readFileSync(join(imported, 'training-state.json'), 'utf8')) as {
      optimizer: { state: Record<string, { step: number }> };
    };
    expect(Object.values(state.optimizer.state).map((entry) => entry.step)).toEqual(
      session.model.parameters().map(() => steps),
    );
  } else {
    expect(importResult.out).toContain(`Optimizer: ${optimizer} state from PyTorch (momentum_buffer)`);
  }
}

describe.runIf(haveTorch)('neurite → PyTorch DistributedDataParallel → neurite', () => {
  it('a CSV with text labels (mlp, 3 classes, standardized features)', async () => {
    const csv = join(root, 'species.csv');
    writeToyCsv(csv);
    await roundTrip('csv', [`csv:${csv}`, '--model', 'mlp:16']);
    const resumed = await cli('resume', join(root, 'csv-imported'), '--epochs', '1', '--quiet');
    expect(resumed.err).toEqual([]);
    expect(resumed.code).toBe(0);
  }, 240_000);

  it('a regression CSV (MSE, MAE in target units; SGD with momentum and its buffers)', async () => {
    const csv = join(root, 'prices.csv');
    const g = new Generator(5);
    const rows = ['x1,x2,price'];
    for (let i = 0; i < 300; i++) {
      const a = 10 * g.uniform();
      const b = 10 * g.uniform() - 5;
      rows.push(`${a.toFixed(3)},${b.toFixed(3)},${(100 + 20 * a - 7 * b + 3 * g.normal()).toFixed(2)}`);
    }
    writeFileSync(csv, rows.join('\n') + '\n');
    await roundTrip('regression', [`csv:${csv}`, '--model', 'mlp:8'], 'momentum');
  }, 240_000);

  it.runIf(existsSync(FASHION))(
    'Fashion-MNIST IDX files (a CNN with batch norm, --limit 300)',
    async () => {
      await roundTrip('fashion', [
        'fashion-mnist',
        '--model',
        'conv:4x3,bn,pool:2,dense:16',
        '--limit',
        '300',
      ]);
    },
    240_000,
  );

  it('a generated set travels as tensors (moons: binary, one logit)', async () => {
    await roundTrip('moons', ['moons', '--model', 'mlp:8', '--n', '300']);
  }, 240_000);
});

describe('import-run refuses what train_ddp.py did not write', () => {
  it('a malformed result.json is one line naming the file and the field', async () => {
    const dir = join(root, 'bad-result');
    await cli('train', 'moons', '--epochs', '1', '--n', '50', '--quiet', '--out', join(dir, 'run'));
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ format: 'neurite-pytorch-result', version: 1 }));
    const result = await cli('import-run', dir, '--out', join(dir, 'imported'));
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(/result\.json.*epochs must be an integer/);
    expect(existsSync(join(dir, 'imported'))).toBe(false);
  });

  it('a directory of another run is refused by its format field', async () => {
    const dir = join(root, 'other');
    await cli('train', 'moons', '--epochs', '1', '--n', '50', '--quiet', '--out', dir);
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ format: 'something-else' }));
    const result = await cli('import-run', dir, '--out', join(root, 'other-imported'));
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/format must be "neurite-pytorch-result"/);
  });
});

describe('export --format pytorch', () => {
  it('refuses an --out that is a file', async () => {
    const runDir = join(root, 'file-out-run');
    expect((await cli('train', 'moons', '--epochs', '1', '--n', '50', '--quiet', '--out', runDir)).code).toBe(
      0,
    );
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const result = await cli('export', runDir, '--format', 'pytorch', '--out', file);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/a-file exists and is not a directory/);
  });
});
