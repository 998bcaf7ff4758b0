// @file Run directories as one unit: crashes at every commit step leave a whole run, locks exclude a second writer, --out is checked first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../../src/errors.js';
import { readRunDirectory, RunDirectoryWriter, type CommitStep } from '../../src/cli/run-directory.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-rundir-'));
const runFiles = ['a.txt', 'b.txt'] as const;

/** Writes a run whose two files both carry `label`, so a mixed directory is visible in its contents. */
function writeRun(target: string, label: string): void {
  const writer = RunDirectoryWriter.open(target, { runFiles });
  try {
    writer.commit(runFiles.map((name) => ({ name, contents: `${label}:${name}` })));
  } finally {
    writer.release();
  }
}

/** The label of the run in `target`, read through the manifest; throws if the files disagree. */
function labelOf(target: string): string {
  const { files } = readRunDirectory(target, runFiles);
  const labels = [...files.values()].map((bytes) => new TextDecoder().decode(bytes).split(':')[0]!);
  expect(new Set(labels).size, `mixed run: ${labels.join(', ')}`).toBe(1);
  return labels[0]!;
}

/** A pid that no process has any more (a child that has exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/** Runs a writer of the run `label` in a child process that SIGKILLs itself right after `step`. */
function crashingWrite(target: string, label: string, step: CommitStep): void {
  const script = `
    import { RunDirectoryWriter } from ${JSON.stringify(join(root, 'src/cli/run-directory.ts'))};
    const files = ['a.txt', 'b.txt'];
    const writer = RunDirectoryWriter.open(process.env.TARGET, {
      runFiles: files,
      afterStep: (step) => { if (step === process.env.CRASH_AT) process.kill(process.pid, 'SIGKILL'); },
    });
    writer.commit(files.map((name) => ({ name, contents: process.env.LABEL + ':' + name })));
    writer.release();`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TARGET: target, LABEL: label, CRASH_AT: step },
  });
  expect(child.signal, child.stderr).toBe('SIGKILL');
}

describe('a crash at any commit step leaves the old or the new run whole', () => {
  const expected: [CommitStep, string][] = [
    ['staged', 'old'], // the new run was complete but not committed: the old one stays
    ['old-moved-away', 'new'], // between the two renames: the reader rolls forward to the complete new run
    ['new-moved-in', 'new'],
    ['old-removed', 'new'],
  ];
  it.each(expected)('killed after %s → the %s run, and the next writer cleans up', (step, label) => {
    const parent = tmp();
    const target = join(parent, 'run');
    writeRun(target, 'old');
    crashingWrite(target, 'new', step);
    // The killed writer left its lock (a dead pid) and, depending on the step, staging or moved-away directories.
    expect(readdirSync(parent)).toContain('.run.neurite-lock');
    expect(labelOf(target)).toBe(label);
    expect(labelOf(target)).toBe(label); // stable once recovered
    writeRun(target, 'next'); // takes over the stale lock and removes every leftover
    expect(labelOf(target)).toBe('next');
    expect(readdirSync(parent).sort()).toEqual(['run']);
  });

  it('a first write killed before its commit leaves no run, and the reader says so', () => {
    const parent = tmp();
    const target = join(parent, 'run');
    crashingWrite(target, 'new', 'staged');
    expect(() => readRunDirectory(target, runFiles)).toThrow(/run: is not a neurite run directory/);
    expect(existsSync(target)).toBe(false);
    writeRun(target, 'next');
    expect(readdirSync(parent).sort()).toEqual(['run']);
  });
});

describe('the manifest', () => {
  it('refuses a file from another run, naming it', () => {
    const parent = tmp();
    writeRun(join(parent, 'one'), 'one');
    writeRun(join(parent, 'two'), 'two');
    writeFileSync(join(parent, 'one', 'b.txt'), readFileSync(join(parent, 'two', 'b.txt')));
    let caught: unknown;
    try {
      readRunDirectory(join(parent, 'one'), runFiles);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FormatError);
    expect((caught as Error).message).toMatch(
      /one\/b\.txt: does not match manifest\.json \(9 bytes, SHA-256 differs\): it does not belong to run [0-9a-z]+-[0-9a-f]{12}/,
    );
  });

  it('refuses a missing, unlisted, grown or special file, and a directory without a manifest', () => {
    const parent = tmp();
    const target = join(parent, 'run');
    writeRun(target, 'x');
    expect(() => readRunDirectory(target, ['a.txt', 'c.txt'])).toThrow(
      /c\.txt: is not listed in manifest\.json/,
    );
    writeFileSync(join(target, 'a.txt'), 'x:a.txt and more');
    expect(() => readRunDirectory(target, runFiles)).toThrow(
      /a\.txt: is 16 bytes but manifest\.json records 7/,
    );
    spawnSync('rm', [join(target, 'a.txt')]);
    spawnSync('mkfifo', [join(target, 'a.txt')]);
    expect(() => readRunDirectory(target, runFiles)).toThrow(/a\.txt: not a regular file but a FIFO/);
    spawnSync('rm', [join(target, 'a.txt')]);
    expect(() => readRunDirectory(target, runFiles)).toThrow(
      /a\.txt: is missing, but manifest\.json lists it/,
    );
    spawnSync('rm', [join(target, 'manifest.json')]);
    writeFileSync(join(target, 'run.json'), '{}');
    expect(() => readRunDirectory(target, runFiles)).toThrow(
      /manifest\.json: is missing: the run was written by an older neurite or not completely/,
    );
  });
});

describe('the lock', () => {
  it('a second writer of the same directory fails with one line while the first holds it', () => {
    const target = join(tmp(), 'run');
    const first = RunDirectoryWriter.open(target, { runFiles });
    expect(() => RunDirectoryWriter.open(target, { runFiles })).toThrow(ValueError);
    expect(() => RunDirectoryWriter.open(target, { runFiles })).toThrow(
      new RegExp(`--out: .*run is being written by another neurite process \\(pid ${process.pid} on `),
    );
    first.release();
    const second = RunDirectoryWriter.open(target, { runFiles });
    second.release();
  });

  it('a lock left by a dead process is taken over', () => {
    const parent = tmp();
    const lock = { pid: deadPid(), host: hostname(), token: 'stale', since: '2026-01-01T00:00:00Z' };
    writeFileSync(join(parent, '.run.neurite-lock'), JSON.stringify(lock));
    writeRun(join(parent, 'run'), 'x');
    expect(labelOf(join(parent, 'run'))).toBe('x');
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('a train in another process fails at once, with one line, while this process writes the directory', () => {
    const target = join(tmp(), 'run');
    const holder = RunDirectoryWriter.open(target, { runFiles: ['model.safetensors'] });
    try {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'train', 'circle', '--quiet', '--out', target],
        { cwd: root, encoding: 'utf8' },
      );
      expect(child.status).toBe(1);
      expect(child.stdout).toBe(''); // refused before loading data or training
      expect(child.stderr.trim().split('\n')).toHaveLength(1);
      expect(child.stderr).toMatch(
        new RegExp(
          `^neurite: --out: .*run is being written by another neurite process \\(pid ${process.pid}`,
        ),
      );
    } finally {
      holder.release();
    }
  });
});

describe('the output location is checked before anything is trained', () => {
  it('refuses a file, a directory of other files, a path under a file and /proc', () => {
    const parent = tmp();
    writeFileSync(join(parent, 'file'), 'x');
    mkdirSync(join(parent, 'mine'));
    writeFileSync(join(parent, 'mine', 'notes.txt'), 'keep me');
    const cases: [string, RegExp][] = [
      [join(parent, 'file'), /file exists and is not a directory/],
      [join(parent, 'mine'), /mine holds files that are not part of a neurite run \(notes\.txt\)/],
      [join(parent, 'file', 'run'), /cannot use .*file\/run: ENOTDIR: not a directory/],
      ['/proc/neurite-run', /cannot write next to \/proc\/neurite-run: .*ENOENT/],
      ['/proc/neurite/run', /cannot create \/proc\/neurite for \/proc\/neurite\/run: .*ENOENT/],
    ];
    for (const [out, message] of cases) {
      expect(() => RunDirectoryWriter.open(out, { runFiles }), out).toThrow(message);
    }
    expect(readFileSync(join(parent, 'mine', 'notes.txt'), 'utf8')).toBe('keep me');
    expect(() => RunDirectoryWriter.open('.', { runFiles: ['package.json'] })).toThrow(
      /is \(or contains\) the working directory/,
    );
  });

  it('creates missing parents one level at a time, and release without commit leaves nothing', () => {
    const parent = tmp();
    const writer = RunDirectoryWriter.open(join(parent, 'a', 'b', 'run'), { runFiles });
    expect(readdirSync(join(parent, 'a', 'b')).length).toBe(2); // the lock and the staging directory
    writer.release();
    expect(readdirSync(join(parent, 'a', 'b'))).toEqual([]);
  });
});
