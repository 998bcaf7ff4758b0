// @file Builds the playground once for the whole browser suite (web/vitest.e2e.config.ts globalSetup) into a
// temporary folder that e2e-harness.ts serves, instead of one build per test file; removed at the end.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

// As in e2e-harness.ts, which this file cannot import: it runs in Vitest's main process, without test state.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built playground's folder ('' when chromium is missing and nothing was built). */
    playgroundDist: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(CHROMIUM)) {
    project.provide('playgroundDist', '');
    return () => {};
  }
  const work = mkdtempSync(join(tmpdir(), 'neurite-e2e-build-'));
  const outDir = join(work, 'dist');
  await build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('playgroundDist', outDir);
  return () => rmSync(work, { recursive: true, force: true });
}
