// @file What the WGSL kernel files share beyond context.ts: the one-thread-per-element entry and special floats.
import { UniformWords, WGSL_FLAT_INDEX, workgroupsFor, type GpuBinding } from '../context.js';

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WORKGROUP = 256;

/** The workgroups of a one-thread-per-element kernel over `count` elements (skip the dispatch when 0). */
export function elementGrid(count: number): [number, number] {
  return workgroupsFor(count, WORKGROUP);
}

/**
 * The head of a one-thread-per-element entry point: `index` is the thread's flat index, which may pass the
 * element count (the caller's body must check it).
 */
export const ELEMENT_ENTRY = /* wgsl */ `${WGSL_FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let index = flat_index(wid, nwg, lid, ${WORKGROUP}u);`;

/**
 * IEEE special values in WGSL: a compiler may assume that arithmetic comparisons see no NaN, so NaN is tested
 * on the bits; −∞ is made from bits held in a private variable (a constant expression must be finite).
 */
export const SPECIAL_FLOATS = /* wgsl */ `
var<private> NEG_INF_BITS: u32 = 0xff800000u;
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn neg_inf() -> f32 { return bitcast<f32>(NEG_INF_BITS); }
`;

/** Uniform words, ready to pack: the kernels' scalars (16-byte aligned on finish). */
export function uniforms(): UniformWords {
  return new UniformWords();
}

/** The finished words of `words`, padded to a 16-byte multiple as a uniform buffer binding expects. */
export function pack(words: UniformWords): Uint32Array {
  return words.align4().finish();
}

/**
 * The storage bindings of one dispatch with their WGSL declarations, numbered in the order added; the uniform
 * struct `Params`, when the kernel has one, follows as `pm` at the next binding (as GpuContext.dispatch binds it).
 */
export class ShaderBindings {
  readonly list: GpuBinding[] = [];
  private readonly lines: string[] = [];

  /** Adds `binding` as `var<storage, access> name: array<type>` (atomic elements need read_write). */
  add(
    name: string,
    binding: GpuBinding,
    type: 'f32' | 'i32' | 'u32' | 'atomic<u32>',
    access: 'read' | 'read_write',
  ): this {
    this.lines.push(
      `@group(0) @binding(${this.list.length}) var<storage, ${access}> ${name}: array<${type}>;`,
    );
    this.list.push(binding);
    return this;
  }

  /** The declarations, with `struct Params { fields }` bound as `pm` after the storage arrays. */
  declarations(fields: string): string {
    return `struct Params { ${fields} }
${this.lines.join('\n')}
@group(0) @binding(${this.list.length}) var<uniform> pm: Params;`;
  }
}
