// @file A small character-level Transformer (GPT-style decoder-only), written as a PyTorch user would: token + position embeddings, causal TransformerEncoder, AdamW, clipGradNorm_, top-k sampling.
// Run: npx tsx examples/transformer.ts [TEXT_FILE]   (default: /usr/share/games/fortunes/fortunes from Debian's
// fortunes-min). EXAMPLE_QUICK=1 trains a small model for 30 steps, as the examples test does.
import { readFileSync } from 'node:fs';
import { Generator, Tensor, arange, manualSeed, nn, noGrad, optim, train } from 'neurite';

manualSeed(0);
const path = process.argv[2] ?? '/usr/share/games/fortunes/fortunes';
const quick = process.env['EXAMPLE_QUICK'] === '1';
const [steps, batchSize, blockSize, dModel, numLayers] = quick ? [30, 16, 32, 64, 1] : [1500, 32, 64, 128, 4];
const nhead = dModel / 32;

// Characters ↔ ids over the sorted distinct characters of the text; 90% trains, the last 10% validates.
const text = readFileSync(path, 'utf8');
const chars = [...new Set(text)].sort();
const vocabSize = chars.length;
const stoi = new Map(chars.map((c, i) => [c, i]));
const encode = (s: string): number[] => Array.from(s, (c) => stoi.get(c)!);
const decode = (ids: Iterable<number>): string => Array.from(ids, (i) => chars[i]!).join('');
const ids = Int32Array.from(encode(text));
const n = Math.floor(0.9 * ids.length);
const splits = { train: ids.subarray(0, n), val: ids.subarray(n) };
console.log(`${text.length} characters, ${vocabSize} distinct; ${n} for training`);

const batchGenerator = new Generator(1);
/** Random windows x = ids[i, i+T) and their next characters y = ids[i+1, i+T+1). */
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

class CharTransformer extends nn.Module {
  tokenEmbedding: nn.Embedding;
  positionEmbedding: nn.Embedding;
  encoder: nn.TransformerEncoder;
  head: nn.Linear;

  constructor() {
    super();
    this.tokenEmbedding = new nn.Embedding(vocabSize, dModel);
    this.positionEmbedding = new nn.Embedding(blockSize, dModel);
    // Pre-norm layers (normFirst) with a final LayerNorm train stably without a warm-up.
    const layer = new nn.TransformerEncoderLayer(dModel, nhead, {
      dimFeedforward: 4 * dModel,
      dropout: 0.1,
      activation: 'gelu',
      batchFirst: true,
      normFirst: true,
    });
    this.encoder = new nn.TransformerEncoder(layer, numLayers, { norm: new nn.LayerNorm(dModel) });
    this.head = new nn.Linear(dModel, vocabSize);
  }

  /** Logits [N, T, vocabSize] for ids [N, T] (T ≤ blockSize); position t attends to positions 0…t only. */
  forward(x: Tensor): Tensor {
    const t = x.shape[1]!;
    const positions = arange(0, t, 1, { dtype: 'int32' });
    const h = this.tokenEmbedding.forward(x).add(this.positionEmbedding.forward(positions));
    const mask = nn.Transformer.generateSquareSubsequentMask(t);
    return this.head.forward(this.encoder.forward(h, { mask, isCausal: true }));
  }
}

const model = new CharTransformer();
console.log(`${model.numParameters()} parameters`);
const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
const lossOf = (logits: Tensor, y: Tensor): Tensor =>
  nn.functional.crossEntropy(logits.reshape([-1, vocabSize]), y.reshape([-1]));

function estimateLoss(): { train: number; val: number } {
  model.eval();
  const out = noGrad(() => {
    const mean = (split: 'train' | 'val'): number => {
      let sum = 0;
      for (let k = 0; k < 5; k++) {
        const [x, y] = getBatch(split);
        sum += lossOf(model.forward(x), y).item();
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
  if (step % Math.max(1, Math.floor(steps / 3)) === 0) report(step);
  const [x, y] = getBatch('train');
  const loss = lossOf(model.forward(x), y);
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
 * Samples `length` characters after `prompt`: the model reads the last blockSize characters each step; logits
 * are divided by the temperature, all but the topK largest are set to −∞, and softmax gives the distribution.
 */
function sample(prompt: string, length: number, temperature = 0.8, topK = 10): string {
  const generator = new Generator(42);
  const context = encode(prompt);
  model.eval();
  noGrad(() => {
    for (let i = 0; i < length; i++) {
      const window = context.slice(-blockSize);
      const logits = model.forward(new Tensor(Int32Array.from(window), [1, window.length], 'int32'));
      const last = logits
        .select(1, window.length - 1)
        .reshape([vocabSize])
        .div(temperature);
      const kth = last.topk(Math.min(topK, vocabSize)).values.min();
      const probs = last.maskedFill(last.lt(kth), -Infinity).softmax(0);
      context.push(probs.multinomial(1, { generator }).item());
    }
  });
  return decode(context);
}

console.log(`sample:\n${sample('The ', 300)}`);
