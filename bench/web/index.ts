// @file `npm run bench:web`: the browser bench. Bundles bench/web/page.ts, serves it on 127.0.0.1, runs it in
// Debian's headless chromium with WebGPU (SwiftShader where there is no GPU), prints one table with ratios and
// the adapter, and writes bench/web/results.json.
// Options: --headed (a visible window, for a machine with a real GPU), --url URL (open that bench page instead
// of serving a fresh build, e.g. one served elsewhere), --budget MS (timing per contender and workload, default
// 1500), --workloads matmul,add,mlp,lenet, --contenders neurite-webgpu,neurite-wasm,tfjs-webgpu,jax-webgpu,
// --serve (build and serve only, print the URL, for opening it by hand), --out FILE.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchPage, removeBuild, runInChromium, serveDirectory } from './harness.js';
import { formatReport } from './report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}

const query = new URLSearchParams();
for (const key of ['budget', 'workloads', 'contenders', 'warmup', 'rounds']) {
  const value = option(key);
  if (value !== undefined) query.set(key, value);
}
const budget = Number(option('budget') ?? 1500);
const outFile = option('out') ?? join(HERE, 'results.json');

let dir: string | null = null;
let stop = (): void => {};
let url = option('url');
if (url === undefined) {
  console.log('bench:web: bundling the page…');
  dir = await buildBenchPage();
  const served = await serveDirectory(dir);
  stop = () => {
    served.server.close();
    if (dir) removeBuild(dir);
  };
  url = served.url;
}
const extra = query.toString();
const pageUrl = extra ? `${url}${url.includes('?') ? '&' : '?'}${extra}` : url;
if (flag('serve')) {
  console.log(`bench:web: serving ${pageUrl} (Ctrl+C to stop); open it in a browser with WebGPU`);
} else {
  try {
    console.log(`bench:web: running ${pageUrl} in chromium${flag('headed') ? ' (headed)' : ''}…`);
    const started = Date.now();
    const report = await runInChromium({
      url: pageUrl,
      headed: flag('headed'),
      timeoutMs: Math.max(300_000, budget * 200),
      onLog: (line) => console.log(`  ${line}`),
    });
    console.log(formatReport(report));
    console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s in the browser)`);
    writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2)}\n`);
    console.log(`bench:web: wrote ${outFile}`);
  } finally {
    stop();
  }
}
