// @file Only the LSTM training row, quickly: `npx tsx bench/lstm.ts [--budget=MS] [--backends=wasm-simd,js] [--no-pytorch]`.
// neurite on one thread (each backend given) and PyTorch on one thread (pytorch_bench.py), interleaved for 3 rounds;
// prints ms per step and tokens/s. `npm run bench -- LSTM` runs the same row inside the full comparison.
import { setBackend, setNumThreads } from '../src/index.js';
import { registerWasmBuilds } from './fma.js';
import { LSTM_BATCH, LSTM_SEQ, neuriteLstm } from './lstm-workload.js';
import { PyTorchProcess } from './pytorch.js';
import { localContender, race, type Contender } from './race.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const budgetMs = Number(option('budget') ?? 3000);
  const backends = (option('backends') ?? 'wasm-simd').split(',');
  registerWasmBuilds();
  setNumThreads(1);
  const pytorch = args.includes('--no-pytorch') ? null : await PyTorchProcess.start();
  const entries: [string, () => Promise<Contender>][] = backends.map((name) => [
    name,
    async () => {
      setBackend(name);
      return localContender(async () => setBackend(name), neuriteLstm());
    },
  ]);
  if (pytorch instanceof PyTorchProcess) entries.push(['pytorch', async () => pytorch.contender('lstm')]);
  else if (pytorch) console.log(`PyTorch unavailable: ${pytorch.unavailable}`);
  const outcomes = await race(entries, { rounds: 3, warmupMs: 500, budgetMs });
  const tokens = LSTM_BATCH * LSTM_SEQ;
  const rates: Record<string, number> = {};
  for (const [name, outcome] of outcomes) {
    if ('error' in outcome) {
      console.log(`${name}: ${outcome.error}`);
      continue;
    }
    rates[name] = (tokens * 1000) / outcome.bestMs;
    console.log(
      `${name.padEnd(10)} best ${outcome.bestMs.toFixed(1)} ms/step, median ${outcome.medianMs.toFixed(1)} ms, ` +
        `${rates[name].toFixed(0)} tokens/s`,
    );
  }
  if (rates['pytorch']) {
    for (const name of backends) {
      if (rates[name]) console.log(`${name} ÷ pytorch: ${(rates[name] / rates['pytorch']).toFixed(2)}×`);
    }
  }
  if (pytorch instanceof PyTorchProcess) pytorch.close();
}

void main();
