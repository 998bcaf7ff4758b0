// @file Shared set-up of the playground's browser tests: a private build served by scripts/playground.mjs on a
// free port of 127.0.0.1 (so parallel test runs never share web/dist), and Debian's chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';

/** Debian's chromium; CHROMIUM_PATH points elsewhere (never a browser downloaded by playwright). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(
    `playground e2e: skipped because ${CHROMIUM} is missing. Install Debian's browser with ` +
      '`apt-get update && apt-get install -y chromium` to run these tests.',
  );
}

/** A folder under test-artifacts/ (which ignores itself in git), emptied first. */
export function artifactsDir(name: string): string {
  const dir = join(ROOT, 'test-artifacts', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(ROOT, 'test-artifacts', '.gitignore'), '*\n');
  return dir;
}

export interface Playground {
  baseUrl: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Serves the suite's build (e2e-global-setup.ts), or builds the app into a temporary folder when the file runs
 * without that setup, and launches chromium at `viewport`.
 */
export async function startPlayground(viewport = { width: 1440, height: 900 }): Promise<Playground> {
  const work = mkdtempSync(join(tmpdir(), 'neurite-e2e-'));
  const shared = inject('playgroundDist');
  const { url, child } = await startServer(shared || join(work, 'dist'), Boolean(shared));
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    acceptDownloads: true,
  });
  return {
    baseUrl: url,
    context,
    async close() {
      await context.close();
      child.kill('SIGTERM');
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Starts `node scripts/playground.mjs --port 0 --out DIR [--no-build]` and resolves with the URL it prints. */
function startServer(outDir: string, built: boolean): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const args = [join(ROOT, 'scripts', 'playground.mjs'), '--port', '0', '--out', outDir];
    if (built) args.push('--no-build');
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /neurite playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1]!, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`playground server exited (${code}):\n${output}`)));
  });
}
