// @file The CLI's rule for failures: one line naming the file/option/value and exit 1; internal errors exit 2 with "please report".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFailure, run } from '../../src/cli/main.js';
import { FormatError, ValueError } from '../../src/errors.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

function report(error: unknown, debug = false): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = reportFailure(error, (l) => lines.push(l), debug);
  return { code, lines };
}

describe('reportFailure', () => {
  it('a NeuriteError is one line, exit 1, without a doubled prefix', async () => {
    expect(report(new ValueError('neurite', 'x is wrong'))).toEqual({
      code: 1,
      lines: ['neurite: x is wrong'],
    });
    expect(report(new FormatError('csv', 'a.csv line 3: bad\nsecond line'))).toEqual({
      code: 1,
      lines: ['neurite: csv: a.csv line 3: bad second line'],
    });
  });

  it("a system error on the user's file is one line naming it, exit 1", async () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'x.csv'"), {
      code: 'ENOENT',
      syscall: 'open',
    });
    expect(report(error)).toEqual({
      code: 1,
      lines: ["neurite: ENOENT: no such file or directory, open 'x.csv'"],
    });
  });

  it('an internal error is one line with "please report" and exit 2; the stack only with --debug', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'shape')");
    const plain = report(bug);
    expect(plain.code).toBe(2);
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toMatch(
      /^neurite: internal error: TypeError: Cannot read properties of undefined \(reading 'shape'\) — please report it at https:\/\/\S+ \(run with --debug for the stack trace\)$/,
    );
    const debug = report(bug, true);
    expect(debug.code).toBe(2);
    expect(debug.lines[0]).toMatch(/please report/);
    expect(debug.lines[1]).toMatch(/^TypeError: .*\n\s+at /);
    expect(report('thrown string').code).toBe(2);
  });
});

describe('every CLI failure is one line and exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-cli-errors-'));
  const csv = join(dir, 'd.csv');
  writeFileSync(csv, 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n');
  it.each([
    [
      ['train', 'circle', '--lr', '-1'],
      /^neurite: option '--lr <rate>' argument '-1' is invalid\. .* \(see neurite train --help\)$/,
    ],
    [['frobnicate'], /^neurite: unknown command 'frobnicate' \(see neurite --help\)$/],
    [['train', 'circle', '--bogus'], /^neurite: unknown option '--bogus' \(see neurite train --help\)$/],
    [['train', 'nope', '--quiet'], /^neurite: dataset: unknown dataset 'nope'/],
    [['eval', join(dir, 'missing')], /^neurite: .*missing.*is not a neurite run directory/],
    [
      ['train', `csv:${join(dir, 'none.csv')}`, '--quiet'],
      /^neurite: ENOENT: no such file or directory, stat '.*none\.csv'$/,
    ],
    [['train', `csv:${csv}`, '--target', 'z', '--quiet'], /has no target column 'z' \(columns: a, b, y\)$/],
    [['predict', dir], /^neurite: predict: give the inputs with either --input/],
  ])('%s', async (argv, message) => {
    const { code, err } = await cli(...(argv as string[]));
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message as RegExp);
  });

  it('--debug is accepted anywhere on the line', async () => {
    const { code, err } = await cli('train', 'nope', '--quiet', '--debug');
    expect(code).toBe(1);
    expect(err[0]).toMatch(/unknown dataset 'nope'/);
  });
});
