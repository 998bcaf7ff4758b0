// @file Hostile ONNX files: seeded mutations, truncations, huge lengths and deep nesting import or fail with a NeuriteError, never hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, NeuriteError, io, tensor } from '../../../src/index.js';
import { ProtoWriter } from '../../../src/io/onnx/protobuf.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'onnx');
const FILES = ['mlp-opset13.onnx', 'cnn-opset17.onnx', 'flatcnn-opset13.onnx'];
const INPUTS: Record<string, number[]> = { mlp: [2, 6], cnn: [2, 1, 10, 10], flatcnn: [2, 2, 8, 8] };
/** Mutations per file in the suite; the issue's ≥ 20,000-mutation sweep: ONNX_FUZZ_RUNS=7000 npx vitest run test/io/onnx/fuzz.test.ts */
const RUNS = Number(process.env.ONNX_FUZZ_RUNS ?? 300);
const SEED = 20261213;

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mutation: flip bits, overwrite with edge bytes, truncate, duplicate or delete a run, insert a huge varint. */
function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(bytes);
  const at = () => Math.floor(random() * out.length);
  const edges = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x3a, 0x42];
  const count = 1 + Math.floor(random() * 4);
  for (let k = 0; k < count; k++) {
    const kind = Math.floor(random() * 6);
    const i = at();
    if (kind === 0) out[i] = out[i]! ^ (1 << Math.floor(random() * 8));
    else if (kind === 1) out[i] = edges[Math.floor(random() * edges.length)]!;
    else if (kind === 2) out.length = i;
    else if (kind === 3) out.splice(i, 0, ...out.slice(at(), at() + Math.floor(random() * 64)));
    else if (kind === 4) out.splice(i, Math.floor(random() * 32));
    else out.splice(i, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
  }
  return Uint8Array.from(out);
}

type Outcome = 'imported' | 'ran' | 'refused';

/** Imports `bytes` and, if that works, runs one forward pass: any failure must be a NeuriteError (import: a FormatError). */
function importAndRun(bytes: Uint8Array, inputShape: number[]): Outcome {
  let model: ReturnType<typeof io.importOnnx>;
  try {
    model = io.importOnnx(bytes);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return 'refused';
  }
  try {
    model
      .eval()
      .forward(tensor(new Array(inputShape.reduce((a, b) => a * b, 1)).fill(0.25)).reshape(inputShape));
    return 'ran';
  } catch (error) {
    if (!(error instanceof NeuriteError)) throw error;
    return 'imported';
  }
}

describe('importOnnx on hostile bytes', () => {
  it('every truncation of a model is a FormatError', () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, 'mlp-opset13.onnx')));
    for (let n = 0; n < bytes.length; n++) {
      expect(() => io.importOnnx(bytes.subarray(0, n)), `first ${n} bytes`).toThrow(FormatError);
    }
  });

  it('lengths past the end, huge tensors, deep nesting and wrong types are FormatErrors', () => {
    const huge = new ProtoWriter().int(1, 8).finish();
    const claim = Uint8Array.from([...huge, 0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => io.importOnnx(claim)).toThrow(/claims .* bytes but only 0 remain/);
    const bigTensor = new ProtoWriter()
      .message(7, (g) =>
        g.message(5, (t) =>
          t
            .int(1, 2 ** 40)
            .int(1, 2 ** 20)
            .int(2, 1)
            .string(8, 'w'),
        ),
      )
      .message(8, (o) => o.int(2, 17))
      .finish();
    expect(() => io.importOnnx(bigTensor)).toThrow(/initializer 'w': .* is too many/);
    let nested = new ProtoWriter().string(1, 'leaf').finish();
    for (let depth = 0; depth < 5000; depth++) nested = new ProtoWriter().bytes(6, nested).finish();
    const deep = new ProtoWriter()
      .message(7, (g) =>
        g.message(1, (n) =>
          n.string(4, 'If').message(5, (a) => a.string(1, 'then_branch').int(20, 5).bytes(6, nested)),
        ),
      )
      .message(8, (o) => o.int(2, 17))
      .finish();
    expect(() => io.importOnnx(deep)).toThrow(/graph attributes \(control flow\) are not supported/);
    const unknownDeep = new ProtoWriter().bytes(99, nested).finish();
    expect(() => io.importOnnx(unknownDeep)).toThrow(/no graph/);
    expect(() =>
      io.importOnnx(
        Uint8Array.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
      ),
    ).toThrow(/varint longer than 10 bytes/);
    expect(() => io.importOnnx('model.onnx' as unknown as Uint8Array)).toThrow(FormatError);
  });

  it(`${RUNS} seeded mutations of each fixture import and run or are NeuriteErrors`, () => {
    const random = generator(SEED);
    const tally: Record<Outcome, number> = { imported: 0, ran: 0, refused: 0 };
    for (const file of FILES) {
      const bytes = new Uint8Array(readFileSync(join(DIR, file)));
      const shape = INPUTS[file.split('-')[0]!]!;
      for (let run = 0; run < RUNS; run++) {
        const mutated = mutate(bytes, random);
        try {
          tally[importAndRun(mutated, shape)]++;
        } catch (error) {
          throw new Error(`${file}, mutation ${run}: ${String(error)}`, { cause: error });
        }
      }
    }
    if (process.env.ONNX_FUZZ_RUNS) console.log(`importOnnx fuzz: ${3 * RUNS} mutations`, tally);
    expect(tally.refused + tally.imported + tally.ran).toBe(FILES.length * RUNS);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
