// @file Runners of the indexing golden fixtures: shared by the Node suite and the WebGPU kernel page.
import * as nt from '../../../src/index.js';
import type { IndexSpec, Tensor } from '../../../src/index.js';
import type { Params, Runner } from '../../helpers/golden.js';

const num = (p: Params, key: string): number => p[key] as number;

type EncodedSpec = number | null | { tensor: number } | { start?: number; end?: number; step?: number };

/** Rebuilds index specs from a fixture: {tensor: k} stands for the k-th input. */
function decodeSpecs(inputs: Tensor[], p: Params): IndexSpec[] {
  return (p.specs as EncodedSpec[]).map((s) =>
    s !== null && typeof s === 'object' && 'tensor' in s ? inputs[s.tensor]! : s,
  );
}

export const INDEXING_RUNNERS: Record<string, Runner> = {
  select: ([x], p) => nt.select(x!, num(p, 'dim'), num(p, 'index')),
  index: (inputs, p) => nt.index(inputs[0]!, ...decodeSpecs(inputs, p)),
  gather: ([x, i], p) => nt.gather(x!, num(p, 'dim'), i!),
  scatter: ([x, i, s], p) => nt.scatter(x!, num(p, 'dim'), i!, s ?? num(p, 'value')),
  scatterAdd: ([x, i, s], p) => nt.scatterAdd(x!, num(p, 'dim'), i!, s!),
  indexSelect: ([x, i], p) => nt.indexSelect(x!, num(p, 'dim'), i!),
  maskedFill: ([x, m, v], p) => nt.maskedFill(x!, m!, v ?? num(p, 'value')),
  maskedFill_: ([x, m, v], p) => nt.maskedFill_(x!, m!, v ?? num(p, 'value')),
  oneHot: ([x], p) => nt.oneHot(x!, num(p, 'numClasses')),
};
