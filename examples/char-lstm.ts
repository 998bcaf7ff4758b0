// @file A character-level LSTM language model, written as a PyTorch user would: Embedding → LSTM → Linear, Adam, clipGradNorm_, sampling with carried state.
// Run: npx tsx examples/char-lstm.ts [TEXT_FILE]   (default: /usr/share/games/fortunes/fortunes from Debian's
// fortunes-min). EXAMPLE_QUICK=1 trains a small model for 40 steps, as the examples test does.
import { readFileSync } from 'node:fs';
import { Generator, Tensor, manualSeed, nn, noGrad, optim, train } from 'neurite';

manualSeed(0);
const path = process.argv[2] ?? '/usr/share/games/fortunes/fortunes';
const quick = process.env['EXAMPLE_QUICK'] === '1';
const [steps, batchSize, blockSize, hiddenSize, numLayers] = quick
  ? [40, 16, 32, 64, 1]
  : [2000, 32, 64, 128, 2];

// The vocabulary: every distinct character of the text, sorted; stoi/itos map characters to ids and back.
const text = readFileSync(path, 'utf8');
const chars = [...new Set(text)].sort();
const vocabSize = chars.length;
const stoi = new Map(chars.map((c, i) => [c, i]));
const encode = (s: string): number[] => Array.from(s, (c) => stoi.get(c)!);
const decode = (ids: Iterable<number>): string => Array.from(ids, (i) => chars[i]!).join('');
const ids = Int32Array.from(encode(text));
// The first 90% trains, the last 10% validates.
const n = Math.floor(0.9 * ids.length);
const splits = { train: ids.subarray(0, n), val: ids.subarray(n) };
console.log(`${text.length} characters, ${vocabSize} distinct; ${n} for training`);

// A batch: random windows x = ids[i, i+T) and their targets y = ids[i+1, i+T+1) (the next characters).
const batchGenerator = new Generator(1);
function getBatch(split: 'train' | 'val'): [Tensor, Tensor] {
  const source = splits[split];
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    const i = batchGenerator.randint(0, source.length - blockSize - 1);
    x.set(source.subarray(i, i + blockSize), b * blockSize);
    y.set(source.subarray(i + 1, i + blockSize + 1), b * blockSize);
  }
  return [new Tensor(x, [batchSize, blockSize], 'int32'), new Tensor(y, [batchSize, blockSize], 'int32')];
}

type State = [Tensor, Tensor];

class CharLSTM extends nn.Module<[Tensor, (State | null)?], [Tensor, State]> {
  embedding: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;

  constructor(vocabSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.embedding = new nn.Embedding(vocabSize, hiddenSize);
    this.lstm = new nn.LSTM(hiddenSize, hiddenSize, { numLayers, batchFirst: true });
    this.head = new nn.Linear(hiddenSize, vocabSize);
  }

  /** Logits [N, T, vocabSize] and the final (h, c) for ids [N, T], starting from `state` (zeros when null). */
  forward(x: Tensor, state: State | null = null): [Tensor, State] {
    const [output, next] = this.lstm.forward(this.embedding.forward(x), state);
    return [this.head.forward(output), next];
  }
}

const model = new CharLSTM(vocabSize, hiddenSize, numLayers);
const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
const lossOf = (logits: Tensor, y: Tensor): Tensor =>
  nn.functional.crossEntropy(logits.reshape([-1, vocabSize]), y.reshape([-1]));

/** Mean loss over a few batches of each split, without gradients. */
function estimateLoss(): { train: number; val: number } {
  model.eval();
  const out = noGrad(() => {
    const mean = (split: 'train' | 'val'): number => {
      let sum = 0;
      for (let k = 0; k < 5; k++) {
        const [x, y] = getBatch(split);
        sum += lossOf(model.forward(x)[0], y).item();
      }
      return sum / 5;
    };
    return { train: mean('train'), val: mean('val') };
  });
  model.train();
  return out;
}

const report = (step: number): void => {
  const { train, val } = estimateLoss();
  console.log(
    `step ${step}: train loss ${train.toFixed(4)}, val loss ${val.toFixed(4)} (perplexity ${Math.exp(val).toFixed(2)})`,
  );
};

const started = performance.now();
for (let step = 0; step < steps; step++) {
  if (step % Math.max(1, Math.floor(steps / 4)) === 0) report(step);
  const [x, y] = getBatch('train');
  const [logits] = model.forward(x);
  const loss = lossOf(logits, y);
  optimizer.zeroGrad();
  loss.backward();
  nn.utils.clipGradNorm_(model.parameters(), 1.0);
  optimizer.step();
  // Now and then let the event loop turn: the wasm backend then gets dead tensors' memory back (fit() does this).
  await train.yieldToEventLoop();
}
report(steps);
console.log(`trained ${steps} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`);

/**
 * Samples `length` characters after `prompt`: the LSTM reads the prompt once, then one character at a time,
 * carrying (h, c); each character is drawn from softmax(logits / temperature).
 */
function sample(prompt: string, length: number, temperature = 0.8): string {
  const generator = new Generator(42);
  model.eval();
  return noGrad(() => {
    const context = encode(prompt);
    let [logits, state] = model.forward(new Tensor(Int32Array.from(context), [1, context.length], 'int32'));
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      const last = logits.select(1, logits.shape[1]! - 1).reshape([vocabSize]);
      const next = last.div(temperature).softmax(0).multinomial(1, { generator }).item();
      out.push(next);
      [logits, state] = model.forward(new Tensor(Int32Array.from([next]), [1, 1], 'int32'), state);
    }
    return decode(out);
  });
}

console.log(`sample:\nThe ${sample('The ', 300)}`);
