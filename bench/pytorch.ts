// @file PyTorch for the benchmarks: bench/pytorch_bench.py in a child process (one thread), driven over stdin/stdout
// so that its rounds interleave with neurite's and TensorFlow.js's. Used only where `import torch` works.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Contender } from './race.js';
import type { Timing } from './timing.js';

/** NEURITE_BENCH_PYTHON picks another interpreter, e.g. a virtual environment with a pip PyTorch wheel. */
const PYTHON = process.env['NEURITE_BENCH_PYTHON'] || '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('pytorch_bench.py', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** What the Python side reports about itself at start-up. */
export interface PyTorchInfo {
  torch: string;
  python: string;
  threads: number;
  interop_threads: number;
  /** BLAS_INFO from torch's build configuration, e.g. 'mkl', 'open', 'generic'. */
  blas_info: string;
  /** The BLAS shared libraries loaded in the process (resolved paths). */
  blas_libraries: string[];
  /** The kernel set OpenBLAS chose (openblas_get_corename, e.g. 'SkylakeX', 'Haswell'); null without OpenBLAS. */
  openblas_core: string | null;
}

type Reply = Record<string, unknown>;

/** One long-lived `pytorch_bench.py --serve`; requests are answered in order, one JSON line each. */
export class PyTorchProcess {
  private readonly pending: ((reply: Reply) => void)[] = [];
  private exited: string | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly info: PyTorchInfo,
  ) {}

  /** Starts the server, or says why PyTorch is unavailable (no python3, no torch, failed start). */
  static async start(): Promise<PyTorchProcess | { unavailable: string }> {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    if (probe.error || probe.status !== 0) {
      const why = probe.error?.message ?? probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`;
      return { unavailable: `${PYTHON} -c "import torch" failed: ${why}` };
    }
    // PyTorch at its best (REFERENCE §9): our machines set OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for old OpenBLAS
    // builds, which halves Debian's OpenBLAS matmul; the anchor runs without them (this subprocess only).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OMP_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
    };
    delete env['OPENBLAS_CORETYPE'];
    delete env['OPENBLAS_L2_SIZE'];
    const child = spawn(PYTHON, [SCRIPT, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 60 s')), START_TIMEOUT_MS);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Reply);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr.trim()}`)));
    });
    try {
      const { ready: _ready, ...info } = await ready;
      const server = new PyTorchProcess(child, info as unknown as PyTorchInfo);
      lines.on('line', (line) => server.pending.shift()?.(JSON.parse(line) as Reply));
      child.on('exit', (code) => {
        server.exited = `PyTorch process exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`;
        for (const resolve of server.pending.splice(0)) resolve({ error: server.exited });
      });
      return server;
    } catch (error) {
      child.kill();
      return { unavailable: `${SCRIPT} --serve: ${(error as Error).message}` };
    }
  }

  private request(body: Reply): Promise<Reply> {
    if (this.exited !== null) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.pending.push((reply) =>
        typeof reply['error'] === 'string' ? reject(new Error(reply['error'])) : resolve(reply),
      );
      this.child.stdin.write(`${JSON.stringify(body)}\n`);
    });
  }

  /** The workload `id` ('matmul', 'mlp', 'lenet', 'tiny') on the Python side, built on first use. */
  contender(id: string): Contender {
    return {
      warmUp: async (ms) => void (await this.request({ case: id, warmup_ms: ms })),
      time: async (budgetMs) => {
        const reply = await this.request({ case: id, budget_ms: budgetMs });
        return {
          bestMs: reply['best_ms'] as number,
          medianMs: reply['median_ms'] as number,
          calls: reply['calls'] as number,
        } satisfies Timing;
      },
      dispose: async () => {},
    };
  }

  /** Ends the child process (closing stdin ends its request loop). */
  close(): void {
    this.child.stdin.end();
  }
}
