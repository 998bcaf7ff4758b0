// @file The character language model examples (char-lstm.ts, transformer.ts) run as written and learn fortunes-min.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
/** Debian's fortunes-min, the examples' default text (CI installs it; the test fails without it). */
const FORTUNES = '/usr/share/games/fortunes/fortunes';

function runExample(name: string): string {
  return execFileSync(tsx, ['--tsconfig', join(root, 'tsconfig.json'), join(root, 'examples', name)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, EXAMPLE_QUICK: '1' },
  });
}

describe.each(['char-lstm.ts', 'transformer.ts'])('%s', (name) => {
  it('lowers the validation loss well below ln(vocabulary) and samples 300 characters of the text', () => {
    expect(existsSync(FORTUNES), `${FORTUNES} is missing: apt-get install -y fortunes-min`).toBe(true);
    const out = runExample(name);
    const text = readFileSync(FORTUNES, 'utf8');
    const vocabulary = new Set(text);
    expect(out).toContain(`${text.length} characters, ${vocabulary.size} distinct`);
    const losses = [...out.matchAll(/val loss ([\d.]+) \(perplexity ([\d.]+)\)/g)].map((m) => ({
      loss: Number(m[1]),
      perplexity: Number(m[2]),
    }));
    expect(losses.length).toBeGreaterThanOrEqual(2);
    const [first, last] = [losses[0]!, losses[losses.length - 1]!];
    // An untrained model is near a uniform guess (ln 80 ≈ 4.38); a few dozen steps learn the letter frequencies
    // and more (the add-one unigram model of this text scores ≈ 3.17 nats per character).
    expect(first.loss).toBeGreaterThan(Math.log(vocabulary.size) - 0.5);
    expect(last.loss).toBeLessThan(3.0);
    expect(last.perplexity).toBeCloseTo(Math.exp(last.loss), 1);
    const sample = out.split('sample:\n')[1]!.replace(/\n$/, '');
    expect(sample.startsWith('The ')).toBe(true);
    expect(Array.from(sample)).toHaveLength(4 + 300);
    expect(Array.from(sample).every((c) => vocabulary.has(c))).toBe(true);
  });
});
