// @file Guards the import cycle tensor ↔ ops ↔ autograd: every module of src/ must load when it is imported first.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Imports `module` first in a fresh module graph (a worker thread has its own ESM cache) and resolves with the
 * error's first line, or null when it loaded.
 */
function importAlone(module: string): Promise<string | null> {
  const code = `import(${JSON.stringify(module)}).then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(1); });`;
  return new Promise((resolve) => {
    const worker = new Worker(code, { eval: true, stderr: true, stdout: true });
    let stderr = '';
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    worker.on('error', (e) => resolve(String(e)));
    worker.on('exit', (code) => resolve(code === 0 ? null : stderr.split('\n')[0] || `exit code ${code}`));
  });
}

describe('import order', () => {
  // Plain ESM like the published package (the test runner's module loader would hide temporal-dead-zone errors);
  // inside the repository so that node_modules resolves.
  const out = mkdtempSync(join(ROOT, 'node_modules', '.import-order-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('every module of src/ loads when it is the first one imported', { timeout: 240_000 }, async () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    await build({
      entryPoints: files,
      outdir: join(out, 'src'),
      outbase: SRC,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'error',
    });
    const failures: string[] = [];
    const queue = [...files];
    const lane = async (): Promise<void> => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        const compiled = join(out, 'src', relative(SRC, file)).replace(/\.ts$/, '.js');
        const error = await importAlone(compiled);
        if (error !== null) failures.push(`${relative(ROOT, file)}: ${error}`);
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    expect(failures).toEqual([]);
  });

  it('detects a module that reads a binding of the cycle before it is initialized', async () => {
    // The failure this test exists for: a top-level call into a module whose import is still being evaluated.
    await build({
      stdin: {
        contents: `import { b } from './b.js'; export const a = () => 1; export const fromB = b;`,
        resolveDir: out,
        sourcefile: 'a.ts',
        loader: 'ts',
      },
      outfile: join(out, 'cycle', 'a.js'),
      format: 'esm',
      logLevel: 'error',
    });
    await build({
      stdin: { contents: `import { a } from './a.js'; export const b = a();`, resolveDir: out, loader: 'ts' },
      outfile: join(out, 'cycle', 'b.js'),
      format: 'esm',
      logLevel: 'error',
    });
    expect(await importAlone(join(out, 'cycle', 'a.js'))).toMatch(/before initialization/);
  });
});
