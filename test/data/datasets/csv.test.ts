// @file CSV from text: RFC 4180 records with line numbers, the strict number grammar, target inference and errors.
import { describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../../../src/errors.js';
import { csv, parseCsv, parseCsvRecords, parseNumber, MAX_CLASSES } from '../../../src/data/datasets/csv.js';

describe('parseNumber', () => {
  it('reads decimal numbers only', () => {
    expect(['12', '-0.5', '+3', '1e-3', '.5', '5.', ' 7 ', '1E+2', '0'].map(parseNumber)).toEqual([
      12, -0.5, 3, 0.001, 0.5, 5, 7, 100, 0,
    ]);
    for (const text of [
      '',
      ' ',
      'NA',
      'NaN',
      'nan',
      'Infinity',
      '-Infinity',
      '0x10',
      '0b1',
      '0o7',
      '1_000',
      '1,5',
      '1e',
      'e5',
      '.',
      '--1',
      '1 2',
    ])
      expect(parseNumber(text), text).toBeNull();
  });

  it('refuses values that overflow float32', () => {
    expect(parseNumber('3.4028234663852886e38')).toBe(3.4028234663852886e38);
    expect(parseNumber('3.5e38')).toBeNull();
    expect(parseNumber('-1e39')).toBeNull();
    expect(parseNumber('1e400')).toBeNull();
    expect(parseNumber('1e-400')).toBe(0); // underflow is a representable zero
  });
});

describe('parseCsvRecords', () => {
  it('parses quotes, escaped quotes, CRLF and embedded newlines, and gives each record its first line', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(parseCsvRecords('a,b\n\n"1\n2",3\r\n4,5').map((r) => r.line)).toEqual([1, 3, 5]);
    expect(parseCsv('\uFEFFa;b\n1;2', { delimiter: ';' })).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('names the source and line of an unterminated quote', () => {
    expect(() => parseCsvRecords('a,b\n1,2\n"open,3\n4,5', { source: 'data.csv' })).toThrow(
      'data.csv line 3: quoted field is never closed',
    );
    expect(() => parseCsv('"open')).toThrow(FormatError);
  });
});

describe('csv', () => {
  it('reads features and a label target', () => {
    const labels = csv('h,w,kind\n1,2,cat\n3,4,dog\n5,6,cat\n');
    expect(labels.task).toBe('classification');
    expect(labels.classNames).toEqual(['cat', 'dog']);
    expect(labels.tensors[1].toArray()).toEqual([0, 1, 0]);
    expect(labels.tensors[0].toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const reg = csv('price,size,rooms\n1.5,2,3\n2.25,4,5\n', { target: 'price' });
    expect(reg.task).toBe('regression');
    expect(reg.featureNames).toEqual(['size', 'rooms']);
    expect(reg.tensors[0].toArray()).toEqual([
      [2, 3],
      [4, 5],
    ]);
    expect(reg.tensors[1].toArray()).toEqual([[1.5], [2.25]]);
    expect(csv('a,y\n1,0\n2,1\n', { task: 'regression' }).task).toBe('regression');
  });

  it('picks feature columns by name, in the given order', () => {
    const ds = csv('c,y,a,b\n1,0,2,3\n4,1,5,6\n', { target: 'y', features: ['b', 'a'] });
    expect(ds.tensors[0].toArray()).toEqual([
      [3, 2],
      [6, 5],
    ]);
    expect(() => csv('a,y\n1,0\n', { features: ['z'] })).toThrow("has no feature column 'z'");
  });

  it('compares numeric labels as numbers: 1, 1.0 and +1 are one class', () => {
    const ds = csv('x,y\n1,1\n2,1.0\n3,+1\n4,2\n5,10\n6,2.00\n');
    expect(ds.task).toBe('classification');
    expect(ds.classNames).toEqual(['1', '2', '10']);
    expect(ds.tensors[1].toArray()).toEqual([0, 0, 0, 1, 2, 1]);
  });

  it('infers regression for many distinct or fractional numbers, classification for few integers', () => {
    const many = ['x,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i}`)].join('\n');
    expect(csv(many).task).toBe('regression');
    expect(csv('x,y\n1,0.5\n2,1.5\n').task).toBe('regression');
    expect(csv('x,y\n1,3\n2,7\n').task).toBe('classification');
  });

  it('an NA, NaN or empty target among numbers is an error naming the file, line and column', () => {
    const rows = ['size,price', ...Array.from({ length: 200 }, (_, i) => `${i},${1000 + i * 7.5}`)];
    rows[58] = '57,NA';
    expect(() => csv(rows.join('\n'), { source: 'houses.csv' })).toThrow(
      "houses.csv line 59, column 'price': 'NA' is not a number; the other values are numbers",
    );
    rows[58] = '57,NaN';
    expect(() => csv(rows.join('\n'), { source: 'houses.csv' })).toThrow(/line 59, column 'price': 'NaN'/);
    rows[58] = '57,';
    expect(() => csv(rows.join('\n'), { source: 'houses.csv' })).toThrow(
      "houses.csv line 59, column 'price': is empty: a missing target value",
    );
    rows[58] = '57,0x10';
    expect(() => csv(rows.join('\n'), { source: 'houses.csv' })).toThrow(/'0x10' is not a number/);
    expect(() => csv(rows.join('\n'), { task: 'regression' })).toThrow(FormatError);
  });

  it('a non-numeric or overflowing feature is an error naming the line and column', () => {
    expect(() => csv('a,b,y\n1,2,0\n3,x,1\n', { source: 'f.csv' })).toThrow(
      "f.csv line 3, column 'b': 'x' is not a number",
    );
    expect(() => csv('a,b,y\n1,2,0\n3,0x10,1\n')).toThrow("column 'b': '0x10' is not a number");
    expect(() => csv('a,b,y\n1,2,0\n3,1e39,1\n')).toThrow(
      /'1e39' is not a number \(outside the float32 range/,
    );
    expect(() => csv('a,b,y\n1,,0\n')).toThrow("line 2, column 'b': is empty");
  });

  it('caps the number of classes', () => {
    const ids = ['x,name', ...Array.from({ length: 200 }, (_, i) => `${i},id${i}`)].join('\n');
    expect(() => csv(ids)).toThrow(/200 distinct labels in 200 rows; more than 100 is not inferred/);
    expect(csv(ids, { task: 'classification' }).classNames).toHaveLength(200);
    const huge = ['x,name', ...Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `${i},id${i}`)].join('\n');
    expect(() => csv(huge, { task: 'classification' })).toThrow(/at most 1000 classes are supported/);
    expect(() => csv('x,y\n1,a\n2,a\n')).toThrow(/single class 'a'/);
  });

  it('maps labels onto given classes', () => {
    const ds = csv('x,y\n1,dog\n2,dog\n', { classNames: ['cat', 'dog'] });
    expect(ds.tensors[1].toArray()).toEqual([1, 1]);
    expect(() => csv('x,y\n1,cow\n', { classNames: ['cat', 'dog'] })).toThrow(
      "line 2, column 'y': label 'cow' is not one of the classes cat, dog",
    );
  });

  it('checks the header and record widths', () => {
    expect(() => csv('')).toThrow(FormatError);
    expect(() => csv('a,y\n')).toThrow(/has a header but no data rows/);
    expect(() => csv('a,a\n1,2\n')).toThrow(/column name 'a' appears twice/);
    expect(() => csv('a,y\n1\n', { source: 's.csv' })).toThrow('s.csv line 2 has 1 fields, the header has 2');
    expect(() => csv('a,y\n1,0\n', { target: 'z' })).toThrow(ValueError);
    expect(() => csv('y\n1\n2\n')).toThrow(/needs at least one feature column/);
  });
});
