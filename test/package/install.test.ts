// @file The package as users get it: `npm pack` (which builds in prepack), installed into fresh ESM, CommonJS,
// TypeScript-CommonJS and Vite projects that import `neurite` and `neurite/node` and run. Slow: one build per run.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'neurite-package-'));
/** Files of the package that `npm pack` needs to build and pack it (a copy, so the checkout's dist/ is untouched). */
const PACKAGE_FILES = [
  'src',
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'tsconfig.json',
  'tsconfig.build.json',
];

let tarball = '';
let skipReason = '';

interface Run {
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Run {
  try {
    const stdout = execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    return { stdout, stderr: '' };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
    );
  }
}

/** Runs node; fails on a non-zero exit, and returns stderr too (it must stay free of warnings). */
function runNode(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** A fresh project directory with the packed neurite unpacked into node_modules (its dependency linked). */
function project(name: string, manifest: object, files: Record<string, string>): string {
  const dir = join(work, name);
  const installed = join(dir, 'node_modules', 'neurite');
  mkdirSync(installed, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], dir);
  for (const dependency of ['commander', '@types/node', 'undici-types']) {
    const target = join(dir, 'node_modules', dependency);
    mkdirSync(join(target, '..'), { recursive: true });
    if (existsSync(join(root, 'node_modules', dependency)))
      symlinkSync(join(root, 'node_modules', dependency), target);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...manifest }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function skipIfUnbuilt(context: TestContext): void {
  if (skipReason) context.skip();
}

/** What every consumer program prints: a matmul, the Node entry's io.save, a safetensors round trip. */
const EXPECTED = '[[3],[7]] function 0 [1,2]';

beforeAll(() => {
  try {
    const copy = join(work, 'source');
    mkdirSync(copy);
    for (const file of PACKAGE_FILES)
      if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], copy).stdout;
    const name = (JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string }[])[0]!.filename;
    tarball = join(work, name);
  } catch (error) {
    skipReason = (error as Error).message.split('\n')[0]!;
    console.warn(
      `test/package/install.test.ts: skipped, the package could not be built and packed: ${skipReason}`,
    );
  }
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds dist/, LICENSE and README; builds in prepack (no prepare for consumers); small type declarations', (context) => {
    skipIfUnbuilt(context);
    const dir = project('contents', {}, {});
    const installed = join(dir, 'node_modules', 'neurite');
    for (const file of [
      'LICENSE',
      'README.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/node/index.js',
      'dist/cli/main.js',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain(
      'Copyright (c) 2026 the neurite authors',
    );
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      sideEffects: boolean;
    };
    expect(manifest.scripts['prepare']).toBeUndefined();
    expect(manifest.scripts['prepack']).toBeDefined();
    expect(manifest.sideEffects).toBe(false);
    // The wasm kernels are a base64 string: typed `string`, not a 50 KB literal type in the declarations.
    expect(statSync(join(installed, 'dist/backend/wasm/kernels.generated.d.ts')).size).toBeLessThan(2000);
  });

  const program = (load: (id: string) => string) => `${load('neurite')}
${load('neurite/node')}
const y = neurite.tensor([[1, 2], [3, 4]]).matmul(neurite.tensor([[1], [1]]));
const bytes = node.io.serialize({ w: neurite.tensor([1, 2]) });
const back = node.io.deserialize(bytes).tensors.w;
console.log(JSON.stringify(y.toArray()), typeof node.io.save, bytes.length % 8, JSON.stringify(back.toArray()));
`;

  it('works in an ESM project: import from neurite and neurite/node', (context) => {
    skipIfUnbuilt(context);
    const source = program((id) => `import * as ${id === 'neurite' ? 'neurite' : 'node'} from '${id}';`);
    const dir = project('esm-app', { type: 'module' }, { 'main.js': source });
    expect(runNode(['main.js'], dir)).toEqual({ stdout: `${EXPECTED}\n`, stderr: '' });
  });

  it.skipIf(!process.features.require_module)(
    'works in a CommonJS project: require("neurite") on Node ≥ 20.19, with no flag',
    (context) => {
      skipIfUnbuilt(context);
      const source = program((id) => `const ${id === 'neurite' ? 'neurite' : 'node'} = require('${id}');`);
      const dir = project('cjs-app', {}, { 'main.js': source });
      expect(runNode(['main.js'], dir)).toEqual({ stdout: `${EXPECTED}\n`, stderr: '' });
    },
  );

  it.skipIf(!process.features.require_module)(
    'works in a TypeScript CommonJS project: tsc compiles (module commonjs and nodenext), node runs the output',
    (context) => {
      skipIfUnbuilt(context);
      const source = `import { tensor, type Tensor } from 'neurite';
import { io, data } from 'neurite/node';
const y: Tensor = tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]]));
const bytes: Uint8Array = io.serialize({ w: tensor([1, 2]) });
const back = io.deserialize(bytes).tensors['w']!;
const classes: readonly string[] = data.datasets.FashionMNIST.classes;
console.log(JSON.stringify(y.toArray()), typeof io.save, bytes.length % 8, JSON.stringify(back.toArray()), classes.length);
`;
      const options = (module: string, outDir: string) =>
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: module === 'commonjs' ? 'node10' : 'nodenext',
            target: 'ES2022',
            lib: ['ES2022'],
            types: ['node'],
            strict: true,
            skipLibCheck: true,
            outDir,
          },
          files: ['main.ts'],
        });
      const dir = project(
        'ts-cjs-app',
        {},
        {
          'main.ts': source,
          'tsconfig.json': options('commonjs', 'out'),
          'tsconfig.nodenext.json': options('nodenext', 'out-nodenext'),
        },
      );
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      for (const [config, out] of [
        ['tsconfig.json', 'out'],
        ['tsconfig.nodenext.json', 'out-nodenext'],
      ] as const) {
        run(process.execPath, [tsc, '-p', config], dir);
        expect(readFileSync(join(dir, out, 'main.js'), 'utf8')).toContain('require("neurite")');
        expect(runNode([join(out, 'main.js')], dir)).toEqual({ stdout: `${EXPECTED} 10\n`, stderr: '' });
      }
    },
  );

  it('installs a working neurite command (the bin in dist/)', (context) => {
    skipIfUnbuilt(context);
    const dir = project('bin-app', {}, {});
    const help = runNode(
      [join(dir, 'node_modules', 'neurite', 'dist', 'cli', 'main.js'), '--help'],
      dir,
    ).stdout;
    expect(help).toMatch(/^Usage: neurite /);
    expect(help).toContain('train');
  });

  it('bundles for the browser with Vite without a warning; `import { tensor }` tree-shakes', async (context) => {
    skipIfUnbuilt(context);
    const dir = project(
      'vite-app',
      { type: 'module' },
      {
        'index.html': '<!doctype html><script type="module" src="./main.js"></script>\n',
        'main.js':
          "import { tensor } from 'neurite';\ndocument.body.textContent = tensor([1, 2, 3]).sum().toString();\n",
      },
    );
    const warnings: string[] = [];
    const logger: Logger = {
      info: () => {},
      warn: (message) => void warnings.push(message),
      warnOnce: (message) => void warnings.push(message),
      error: (message) => void warnings.push(`error: ${message}`),
      clearScreen: () => {},
      hasErrorLogged: () => false,
      hasWarned: false,
    };
    const result = await build({
      root: dir,
      configFile: false,
      customLogger: logger,
      build: { write: false, target: 'es2022', chunkSizeWarningLimit: 1024 },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) =>
      'output' in r ? r.output : [],
    );
    const code = outputs.map((o) => (o.type === 'chunk' ? o.code : '')).join('');
    expect(warnings).toEqual([]);
    expect(code).not.toMatch(/__vite-browser-external|node:fs/);
    console.log(`vite bundle of \`import { tensor } from 'neurite'\`: ${code.length} bytes minified`);
  });
});
