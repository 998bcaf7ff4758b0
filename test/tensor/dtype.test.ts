// @file Type promotion (torch.result_type's three tiers) against PyTorch's own table in test/fixtures/elementwise.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mul, ones, tensor, type DType } from '../../src/index.js';
import { resultType } from '../../src/tensor/dtype.js';

type Row = { a: [DType, number]; b: [DType, number] | number | boolean; result: DType };
const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'elementwise.json');
const rows = (JSON.parse(readFileSync(path, 'utf8')) as { resultTypes: Row[] }).resultTypes;

const describeOperand = (o: Row['a'] | Row['b']): string =>
  Array.isArray(o) ? `${o[0]}${o[1] === 0 ? ' 0-d' : ' [2]'}` : JSON.stringify(o);
const make = ([dtype, ndim]: [DType, number]) => (ndim === 0 ? tensor(1, { dtype }) : ones([2], { dtype }));

describe('resultType matches torch.result_type', () => {
  it('covers every pair of dtypes and ranks, and tensors with booleans, integers and fractions', () => {
    expect(rows.length).toBe(88);
  });
  for (const row of rows) {
    it(`${describeOperand(row.a)} with ${describeOperand(row.b)} → ${row.result}`, () => {
      const a = make(row.a);
      const b = Array.isArray(row.b) ? make(row.b) : row.b;
      expect(resultType(a, b)).toBe(row.result);
      // Arithmetic never computes in bool: mul gives int32 where the promoted type is bool.
      expect(mul(a, b).dtype).toBe(row.result === 'bool' ? 'int32' : row.result);
    });
  }
});
