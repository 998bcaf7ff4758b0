// @file Runners of the shape golden fixtures (test/fixtures/shape.json): shared by the Node suites and the WebGPU page.
import * as nt from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

const num = (p: Params, key: string): number => p[key] as number;
const nums = (p: Params, key: string): number[] => p[key] as number[];
const sizeOrSections = (p: Params): number | number[] => p.splitSizeOrSections as number | number[];
export const rejoin = (pieces: Tensor[], dim: number): Tensor =>
  nt.cat(
    pieces.map((piece, k) => piece.mul(k + 1)),
    dim,
  );

export const SHAPE_RUNNERS: Record<string, Runner> = {
  reshape: ([x], p) => nt.reshape(x!, nums(p, 'shape')),
  view: ([x], p) => nt.view(x!, nums(p, 'shape')),
  flatten: ([x], p) => nt.flatten(x!, num(p, 'startDim'), num(p, 'endDim')),
  squeeze: ([x], p) => nt.squeeze(x!, (p.dim as number | null) ?? undefined),
  unsqueeze: ([x], p) => nt.unsqueeze(x!, num(p, 'dim')),
  permute: ([x], p) => nt.permute(x!, nums(p, 'dims')),
  transpose: ([x], p) => nt.transpose(x!, num(p, 'dim0'), num(p, 'dim1')),
  expand: ([x], p) => nt.expand(x!, nums(p, 'sizes')),
  cat: (xs, p) => nt.cat(xs, num(p, 'dim')),
  stack: (xs, p) => nt.stack(xs, num(p, 'dim')),
  split: ([x], p) => nt.split(x!, sizeOrSections(p), num(p, 'dim')),
  splitRejoin: ([x], p) => rejoin(nt.split(x!, sizeOrSections(p), num(p, 'dim')), num(p, 'dim')),
  chunk: ([x], p) => nt.chunk(x!, num(p, 'chunks'), num(p, 'dim')),
  chunkRejoin: ([x], p) => rejoin(nt.chunk(x!, num(p, 'chunks'), num(p, 'dim')), num(p, 'dim')),
  narrow: ([x], p) => nt.narrow(x!, num(p, 'dim'), num(p, 'start'), num(p, 'length')),
  flip: ([x], p) => nt.flip(x!, nums(p, 'dims')),
  repeat: ([x], p) => nt.repeat(x!, nums(p, 'sizes')),
  pad: ([x], p) => nt.pad(x!, nums(p, 'padding'), p.mode as nt.PadMode, (p.value as number | undefined) ?? 0),
};
