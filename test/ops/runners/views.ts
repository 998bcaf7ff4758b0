// @file Runners of the view golden fixtures (test/fixtures/views.json): shared by the Node suites and the WebGPU page.
import type { Params, Runner } from '../../helpers/golden.js';

const num = (p: Params, key: string): number => p[key] as number;

export const VIEWS_RUNNERS: Record<string, Runner> = {
  transpose: ([x], p) => x!.transpose(num(p, 'dim0'), num(p, 'dim1')).mul(1),
  permute: ([x], p) => x!.permute(p.dims as number[]),
  expand: ([x], p) => x!.expand(p.sizes as number[]),
  narrow: ([x], p) => x!.narrow(num(p, 'dim'), num(p, 'start'), num(p, 'length')),
  select: ([x], p) => x!.select(num(p, 'dim'), num(p, 'index')),
  diagonal: ([x], p) => x!.diagonal(num(p, 'offset'), num(p, 'dim1'), num(p, 'dim2')),
  unfold: ([x], p) => x!.unfold(num(p, 'dim'), num(p, 'size'), num(p, 'step')),
  unbind: ([x], p) => x!.unbind(num(p, 'dim'))[num(p, 'index')]!,
  contiguous: ([x]) => x!.transpose(0, 1).contiguous(),
  reshape: ([x]) => x!.transpose(0, 1).reshape([12]),
  matmul: ([x, w]) => x!.matmul(w!.T),
  mul: ([x, w]) => x!.T.mul(w!.narrow(0, 1, 4)),
};
