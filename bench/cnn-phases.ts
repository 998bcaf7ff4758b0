// @file Per-phase times of `neurite train fashion-mnist --model cnn` (the CLI's own functions, one process): data
// loading, training steps, per-epoch validation, final scoring, the run directory's plots, with the wasm arena's
// fallbacks to plain arrays per phase.
//
// Usage: npx tsx bench/cnn-phases.ts [--epochs=1] [--limit=N] [--threads=N]
// --limit keeps the first N training and N test images (the CLI's --limit); --threads sets setNumThreads.
// Times are wall clock: on a loaded machine compare phases of one run, or runs taken side by side.
import { getNumThreads, residentStorageStats, setNumThreads } from '../src/backend/index.js';
import { finalScores } from '../src/cli/commands/train.js';
import { renderPlots } from '../src/cli/run-plots.js';
import { createSession, trainSession } from '../src/cli/run.js';
import type { ScoredOutputs } from '../src/cli/scoring.js';
import { configFrom } from '../src/cli/train-config.js';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const epochs = Number(arg('epochs') ?? 1);
const limit = arg('limit');
const threads = arg('threads');
if (threads !== undefined) setNumThreads(Number(threads));

const rows: [string, number, number, number, string][] = [];
const MiB = 2 ** 20;
function arenaNow(): string {
  const s = residentStorageStats();
  return s ? `${(s.bytesInUse / MiB).toFixed(0)} MiB in ${s.liveBlocks} blocks` : 'no arena';
}
let fallbacks = residentStorageStats()?.fallbacks ?? 0;
async function phase<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const { user, system } = process.cpuUsage(cpu);
  const now = residentStorageStats()?.fallbacks ?? 0;
  rows.push([name, performance.now() - start, (user + system) / 1000, now - fallbacks, arenaNow()]);
  fallbacks = now;
  return result;
}

const config = configFrom('fashion-mnist', {
  model: 'cnn',
  activation: 'relu',
  optimizer: 'adam',
  batchSize: 64,
  epochs,
  dropout: 0,
  weightDecay: 0,
  scheduler: 'none',
  seed: 0,
  out: '',
  ...(limit !== undefined ? { limit: Number(limit) } : {}),
});
const session = await phase('createSession (IDX, split, encode)', () => createSession(config));
const result = await phase(`train ${epochs} epoch(s) incl. validation`, () =>
  trainSession(session, 0, epochs, { verbose: false }),
);
const outputs: ScoredOutputs = new Map();
const final = await phase('finalScores (train, validation, test)', () => finalScores(session, outputs));
await phase('renderPlots', () =>
  renderPlots(session, { history: result.logs, stoppedEpoch: null, bestEpoch: null }, outputs),
);

console.log(`threads ${getNumThreads()}, ${session.data.train.x.shape[0]} training images`);
console.log('| phase | wall ms | CPU ms (all threads) | arena fallbacks | arena after |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const [name, ms, cpu, count, arena] of rows)
  console.log(`| ${name} | ${ms.toFixed(0)} | ${cpu.toFixed(0)} | ${count} | ${arena} |`);
for (const [split, logs] of Object.entries(final))
  console.log(
    split,
    Object.entries(logs)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(', '),
  );
