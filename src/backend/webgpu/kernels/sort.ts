// @file Stable sort along the middle axis on WebGPU (sort, argsort, topk): a bottom-up merge sort per line.
import type { TypedArray } from '../../../tensor/dtype.js';
import { wgslElementType, type GpuContext } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';

/**
 * Backend.sort: each line x[o, :, k] sorted ascending or descending, stable, NaN counted larger than every
 * number (last ascending, first descending), with each value's source index. One thread per line: NaNs are set
 * apart, then a bottom-up merge sort of source indices runs in `indices` and a scratch line, comparing the
 * values in their own type (exact: no arithmetic). O(size·log size) per thread, so fit for the many short
 * lines of topk and argsort rather than one huge line.
 */
export function sort(
  ctx: GpuContext,
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  descending: boolean,
  values: TypedArray,
  indices: Int32Array,
): void {
  const lines = outer * inner;
  if (lines === 0 || size === 0) return;
  const type = wgslElementType(x);
  const b = new ShaderBindings()
    .add('x', ctx.input(x), type, 'read')
    .add('sortedValues', ctx.output(values), wgslElementType(values), 'read_write')
    .add('order', ctx.output(indices), 'i32', 'read_write')
    .add('spare', ctx.scratch(x.length * 4), 'i32', 'read_write');
  const nan = type === 'f32' ? '(bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u' : 'false';
  // "b before a" for the merge: strictly smaller ascending (larger descending), so ties keep source order.
  const before = descending ? '>' : '<';
  const source = (): string => /* wgsl */ `
${b.declarations('lines: u32, size: u32, inner: u32')}
fn is_nan_at(at: u32) -> bool { let v = x[at]; return ${nan}; }
fn line_at(start: u32, i: u32) -> u32 { return start + i * pm.inner; }
${ELEMENT_ENTRY}
  if (index >= pm.lines) { return; }
  let start = (index / pm.inner) * pm.size * pm.inner + index % pm.inner;
  // Numbers' source indices to the front of order, in source order; NaNs' to spare.
  var count = 0u;
  var nans = 0u;
  for (var i = 0u; i < pm.size; i++) {
    if (is_nan_at(line_at(start, i))) { spare[line_at(start, nans)] = i32(i); nans++; }
    else { order[line_at(start, count)] = i32(i); count++; }
  }
  // NaNs go after the numbers (ascending) or before them (descending): park them at the line's end for now.
  for (var i = 0u; i < nans; i++) { order[line_at(start, count + i)] = spare[line_at(start, i)]; }
  var inOrder = true;
  for (var width = 1u; width < count; width *= 2u) {
    for (var lo = 0u; lo < count; lo += 2u * width) {
      let mid = min(lo + width, count);
      let hi = min(lo + 2u * width, count);
      var i = lo;
      var j = mid;
      for (var k = lo; k < hi; k++) {
        var takeRight = false;
        if (i >= mid) { takeRight = true; }
        else if (j < hi) {
          let left = from_line(inOrder, start, i);
          let right = from_line(inOrder, start, j);
          takeRight = x[line_at(start, u32(right))] ${before} x[line_at(start, u32(left))];
        }
        var picked: i32;
        if (takeRight) { picked = from_line(inOrder, start, j); j++; } else { picked = from_line(inOrder, start, i); i++; }
        if (inOrder) { spare[line_at(start, k)] = picked; } else { order[line_at(start, k)] = picked; }
      }
    }
    inOrder = !inOrder;
  }
  // Final layout: ascending numbers then NaNs; descending NaNs then numbers.
  let numbersAt = ${descending ? 'nans' : '0u'};
  let nansAt = ${descending ? '0u' : 'count'};
  for (var i = 0u; i < count; i++) { spare[line_at(start, i)] = from_line(inOrder, start, i); }
  for (var i = 0u; i < nans; i++) { spare[line_at(start, count + i)] = order[line_at(start, count + i)]; }
  for (var i = 0u; i < count; i++) { order[line_at(start, numbersAt + i)] = spare[line_at(start, i)]; }
  for (var i = 0u; i < nans; i++) { order[line_at(start, nansAt + i)] = spare[line_at(start, count + i)]; }
  for (var i = 0u; i < pm.size; i++) {
    let at = line_at(start, i);
    sortedValues[at] = ${wgslElementType(values)}(x[line_at(start, u32(order[at]))]);
  }
}
fn from_line(inOrder: bool, start: u32, i: u32) -> i32 {
  if (inOrder) { return order[line_at(start, i)]; }
  return spare[line_at(start, i)];
}`;
  const key = `sort:${type}:${wgslElementType(values)}:${descending ? 'desc' : 'asc'}`;
  ctx.dispatch(key, source, b.list, pack(uniforms().u32(lines).u32(size).u32(inner)), elementGrid(lines));
}
