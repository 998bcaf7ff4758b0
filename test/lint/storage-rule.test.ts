// @file The ESLint rule that keeps raw tensor storage inside backend/, ops/, io/ and tensor/ (issue 11).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const SOURCE = [
  "import type { Tensor } from '../tensor/tensor.js';",
  'export const first = (t: Tensor): number => t.storage[0]!;',
  'export const all = ({ storage }: Tensor): number => storage.length;',
  'export const read = (t: Tensor): number => t.dataSync()[0]!;',
  '',
].join('\n');

/** The storage-rule messages ESLint reports for SOURCE as if it lived at `path`. */
async function storageErrors(path: string): Promise<{ line: number; message: string }[]> {
  const [result] = await eslint.lintText(SOURCE, { filePath: path });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-syntax')
    .map(({ line, message }) => ({ line, message }));
}

describe('no raw .storage outside the storage owners', () => {
  it('reports member access and destructuring in layers above ops, naming what to use', async () => {
    for (const path of ['src/train/example.ts', 'src/nn/functional/example.ts', 'src/data/example.ts']) {
      const errors = await storageErrors(path);
      expect(errors.map((e) => e.line)).toEqual([2, 3]);
      expect(errors[0]!.message).toMatch(/t\.dataSync\(\).*await t\.data\(\).*copy_/);
    }
  });

  it('allows backends, ops, serializers and the tensor class', async () => {
    for (const path of ['src/backend/js/x.ts', 'src/ops/x.ts', 'src/io/x.ts', 'src/tensor/x.ts'])
      expect(await storageErrors(path)).toEqual([]);
  });
});
