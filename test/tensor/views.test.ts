// @file Views against PyTorch (test/fixtures/views.json): layout (shape, stride, offset, contiguity), values, storage sharing, in-place writes through views, and the version counter, on both backends.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { noGrad, randn, tensor, zeros, type Slice, type Tensor } from '../../src/index.js';
import { decode, expectClose, type Encoded } from '../helpers/golden.js';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';

type IndexJson = number | null | Slice;
type Op = [string, ...unknown[]];
interface LayoutCase {
  name: string;
  input: Encoded;
  ops: Op[];
  shape: number[];
  stride: number[];
  storageOffset: number;
  isContiguous: boolean;
  sharesStorage: boolean;
  values: Encoded;
  inplace?: [string, ...(number | Encoded)[]];
  baseAfter?: Encoded;
  version?: number;
}
interface VersionCase {
  name: string;
  error: string | null;
  versions?: number[];
  values?: Encoded;
  grad?: Encoded;
}

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'views.json'), 'utf8'),
) as { layouts: LayoutCase[]; versions: VersionCase[] };

const ints = (args: unknown[]): number[] => args as number[];

/** Applies one view op of the fixture's chain, with PyTorch's method names. */
function apply(x: Tensor, [name, ...args]: Op): Tensor {
  switch (name) {
    case 'T':
      return x.T;
    case 'mT':
      return x.mT;
    case 'index':
      return x.index(...(args[0] as IndexJson[]));
    case 'split':
      return x.split(args[0] as number, args[1] as number)[args[2] as number]!;
    case 'chunk':
      return x.chunk(args[0] as number, args[1] as number)[args[2] as number]!;
    case 'unbind':
      return x.unbind(args[0] as number)[args[1] as number]!;
    case 'expandAs':
      return x.expandAs(zeros(args[0] as number[]));
    case 'view':
      return x.view(ints(args));
    case 'reshape':
      return x.reshape(ints(args));
    case 'permute':
      return x.permute(ints(args));
    case 'expand':
      return x.expand(ints(args));
    case 'transpose':
      return x.transpose(args[0] as number, args[1] as number);
    case 'narrow':
      return x.narrow(args[0] as number, args[1] as number, args[2] as number);
    case 'select':
      return x.select(args[0] as number, args[1] as number);
    case 'squeeze':
      return x.squeeze(args[0] as number | undefined);
    case 'unsqueeze':
      return x.unsqueeze(args[0] as number);
    case 'flatten':
      return x.flatten(args[0] as number | undefined, args[1] as number | undefined);
    case 'diagonal':
      return x.diagonal(...(args as [number?, number?, number?]));
    case 'unfold':
      return x.unfold(args[0] as number, args[1] as number, args[2] as number);
    case 'contiguous':
      return x.contiguous();
  }
  throw new Error(`views.test: no runner for op ${name}`);
}

/** Runs an in-place op of the fixture on `target`. */
function applyInPlace(target: Tensor, [name, ...args]: [string, ...(number | Encoded)[]]): void {
  const arg = (i: number): number => args[i] as number;
  switch (name) {
    case 'add_':
      target.add_(arg(0));
      return;
    case 'sub_':
      target.sub_(arg(0));
      return;
    case 'mul_':
      target.mul_(arg(0));
      return;
    case 'div_':
      target.div_(arg(0));
      return;
    case 'fill_':
      target.fill_(arg(0));
      return;
    case 'zero_':
      target.zero_();
      return;
    case 'clamp_':
      target.clamp_(arg(0), arg(1));
      return;
    case 'copy_':
      target.copy_(decode(args[0] as Encoded));
      return;
  }
  throw new Error(`views.test: no runner for in-place op ${name}`);
}

for (const backend of BACKENDS) {
  describe(`views match PyTorch's layout, values and sharing (${backend})`, () => {
    for (const c of fixture.layouts) {
      it(c.name, () =>
        withBackend(backend, () => {
          const base = decode(c.input);
          const result = c.ops.reduce(apply, base);
          expect(result.shape, 'shape').toEqual(c.shape);
          expect(result.stride(), 'stride').toEqual(c.stride);
          expect(result.storageOffset(), 'storage offset').toBe(c.storageOffset);
          expect(result.isContiguous(), 'isContiguous').toBe(c.isContiguous);
          if (result.numel() > 0)
            expect(result.storageBase === base.storageBase, 'shares storage').toBe(c.sharesStorage);
          expectClose(result, c.values, 'values');
          if (c.inplace) {
            applyInPlace(result, c.inplace);
            expectClose(base, c.baseAfter!, 'base after the in-place op');
            expect(base._version, 'base version').toBe(c.version);
            expect(result._version, 'view version').toBe(c.version);
          }
        }),
      );
    }
  });
}

/** The programs of scripts/fixtures/views.py versions(), in neurite. */
const programs: Record<string, () => { versions?: number[]; values?: Tensor; grad?: Tensor }> = {
  counts_shared_by_views: () => {
    const x = zeros([3, 4]);
    const v = x.T;
    const seen = [x._version];
    v.add_(1);
    seen.push(x._version, v._version);
    x.index(0).fill_(2);
    seen.push(x._version, v._version);
    const d = x.detach();
    d.zero_();
    seen.push(x._version, d._version);
    return { versions: seen, values: x };
  },
  ...savedProgram(
    'mul_saved_modified',
    (x, w) => x.mul(w),
    (w) => w.add_(1),
  ),
  ...savedProgram(
    'mul_saved_view_modified',
    (x, w) => x.mul(w),
    (w) => w.index(0).fill_(0),
  ),
  ...savedProgram(
    'mul_saved_transpose_modified',
    (x, w) => x.mul(w),
    (w) => w.T.mul_(2),
  ),
  ...savedProgram(
    'div_saved_modified',
    (x, w) => x.div(w),
    (w) => w.add_(1),
  ),
  ...savedProgram(
    'matmul_saved_modified',
    (x, w) => x.matmul(w.T),
    (w) => w.narrow(1, 0, 1).zero_(),
  ),
  ...savedProgram(
    'add_not_saved',
    (x, w) => x.add(w),
    (w) => w.add_(1),
  ),
  ...savedProgram(
    'sub_not_saved_view',
    (x, w) => x.sub(w),
    (w) => w.T.fill_(3),
  ),
  mul_modified_after_backward: () => {
    const x = randn([2, 3], { requiresGrad: true });
    const w = randn([2, 3]);
    x.mul(w).sum().backward();
    w.add_(1);
    return { grad: x.grad!, versions: [w._version] };
  },
  exp_output_modified: () => {
    const x = randn([4], { requiresGrad: true });
    const y = x.exp();
    noGrad(() => y.add_(1));
    y.sum().backward();
    return { grad: x.grad! };
  },
  sigmoid_output_view_modified: () => {
    const x = randn([2, 2], { requiresGrad: true });
    const y = x.sigmoid();
    noGrad(() => y.T.index(0).zero_());
    y.sum().backward();
    return { grad: x.grad! };
  },
};

function savedProgram(
  name: string,
  op: (x: Tensor, w: Tensor) => Tensor,
  modify: (w: Tensor) => void,
): Record<string, () => { grad: Tensor }> {
  return {
    [name]: () => {
      const x = tensor([
        [0.5, -1, 2],
        [1.5, 3, -0.25],
      ]).requiresGrad_();
      const w = tensor([
        [2, 4, -1],
        [0.5, 1, 8],
      ]);
      const y = op(x, w);
      modify(w);
      y.sum().backward();
      return { grad: x.grad! };
    },
  };
}

/** `is at version 1; expected version 0 instead` and the tensor's shape, from PyTorch's message. */
function versionClause(message: string): { clause: string; shape: string; maker: string | null } {
  const clause = /is at version \d+; expected version \d+ instead/.exec(message)![0];
  const shape = /\[torch\.\w+ (\[[\d, ]*\])\]/.exec(message)![1]!;
  const maker = /which is output 0 of (\w+?)Backward0/.exec(message)?.[1] ?? null;
  return { clause, shape, maker };
}

for (const backend of BACKENDS) {
  describe(`the version counter follows PyTorch (${backend})`, () => {
    it('has a program for every fixture case', () =>
      expect(fixture.versions.map((c) => c.name).filter((n) => !(n in programs))).toEqual([]));
    for (const c of fixture.versions) {
      it(c.name, () =>
        withBackend(backend, () => {
          const run = programs[c.name]!;
          if (c.error !== null) {
            const { clause, shape, maker } = versionClause(c.error);
            let message = '';
            try {
              run();
            } catch (error) {
              message = (error as Error).message;
            }
            expect(message).toContain('has been modified by an inplace operation');
            expect(message).toContain(clause);
            expect(message).toContain(shape);
            if (maker) expect(message).toContain(`which is output 0 of ${maker}Backward`);
            return;
          }
          const result = run();
          if (c.versions) expect(result.versions).toEqual(c.versions);
          if (c.values) expectClose(result.values!, c.values, 'values');
          if (c.grad && c.name !== 'mul_modified_after_backward') expectClose(result.grad!, c.grad, 'grad');
        }),
      );
    }
  });
}
