// @file The main entry is browser-safe (DESIGN decision 9): no `node:` import anywhere in its import graph, and a
// Vite build of a small app that imports it prints no warning. The Node entry is where the file system lives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { build, type Logger } from 'vite';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const BUILTINS = new Set(builtinModules);

/** The runtime imports of a TypeScript file (type-only imports and exports are erased, so they are skipped). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes =
        named !== undefined &&
        ts.isNamedImports(named) &&
        node.importClause?.name === undefined &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      const named = node.exportClause;
      const allTypes =
        named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!allTypes) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every file reachable from `entry` through runtime imports, with the modules each one imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const imports = runtimeImports(file);
    graph.set(file, imports);
    for (const specifier of imports) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return graph;
}

function nodeImports(entry: string): string[] {
  const offenders: string[] = [];
  for (const [file, imports] of importGraph(entry)) {
    for (const specifier of imports) {
      if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!))
        offenders.push(`${relative(root, file)} imports ${specifier}`);
    }
  }
  return offenders;
}

describe('browser-safe main entry', () => {
  it('src/index.ts reaches no node: module through runtime imports', () => {
    const graph = importGraph(join(root, 'src', 'index.ts'));
    expect(graph.size).toBeGreaterThan(50); // the walk really follows the barrels
    expect(nodeImports(join(root, 'src', 'index.ts'))).toEqual([]);
  });

  it('the walk does find the node: imports of the Node entry (so the check above can fail)', () => {
    const found = nodeImports(join(root, 'src', 'node', 'index.ts'));
    expect(found).toContain('src/io/files.ts imports node:fs');
    expect(found).toContain('src/data/datasets/idx-file.ts imports node:zlib');
  });

  it('a Vite build of an app importing neurite and using tensors, nn, io and datasets prints no warning', async () => {
    const app = mkdtempSync(join(tmpdir(), 'neurite-vite-'));
    try {
      writeFileSync(
        join(app, 'index.html'),
        '<!doctype html><script type="module" src="./main.ts"></script>\n',
      );
      writeFileSync(
        join(app, 'main.ts'),
        [
          "import { tensor, nn, io, data } from 'neurite';",
          'const model = new nn.Linear(2, 1);',
          'const bytes = io.serialize(model.stateDict());',
          'const x = data.transforms.toTensor()({ data: new Uint8Array(4), width: 2, height: 2 });',
          'document.body.textContent = `${tensor([1, 2]).sum().item()} ${bytes.length} ${x.shape} ${data.datasets.FASHION_MNIST_CLASSES[0]}`;',
        ].join('\n'),
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
        root: app,
        configFile: false,
        customLogger: logger,
        resolve: { alias: [{ find: /^neurite$/, replacement: join(root, 'src', 'index.ts') }] },
        build: { write: false, target: 'es2022', chunkSizeWarningLimit: 1024 },
      });
      const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) =>
        'output' in r ? r.output : [],
      );
      const code = outputs.map((o) => (o.type === 'chunk' ? o.code : '')).join('');
      expect(warnings).toEqual([]);
      expect(code).not.toMatch(/__vite-browser-external/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
