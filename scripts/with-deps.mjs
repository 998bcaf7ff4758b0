#!/usr/bin/env node
// @file Runs a dev tool after installing the project's dependencies when they are missing (fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const [tool, ...args] = process.argv.slice(2);
if (!tool) {
  console.error('usage: node scripts/with-deps.mjs TOOL [ARGS...]');
  process.exit(2);
}
if (!existsSync(join(root, 'node_modules', '.bin', tool))) {
  console.log(`neurite: installing dependencies (npm ci) because ${tool} is missing...`);
  const status = run(npm, ['ci', '--no-audit', '--no-fund']);
  if (status !== 0) process.exit(status);
}
process.exit(run(join(root, 'node_modules', '.bin', tool), args));
