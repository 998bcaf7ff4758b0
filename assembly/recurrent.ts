// @file The LSTM's and GRU's whole-sequence loops in AssemblyScript: W_hh packed once, per step one product with it
// and the fused f32x4 gate kernel, forward and backward through time. `hidden` must be a multiple of 4 (the host
// checks); pointers are byte addresses, sizes element counts. See src/backend/wasm/recurrent.ts for the layout.

import { KC, MC, PACK_A_BYTES, packA, packB } from './gemm-pack';
import { NR, multiplyTile, panelRows } from './gemm-tiles';
import { sigmoidVec, tanhVec } from './simd-math';

// Blocking as gemm.ts's: its scratch starts with a packed block of op(A), then (here) the edge tile.

/** The depth of gemm's k slabs: equal slabs of at most KC. */
function slabDepth(k: i32): i32 {
  const slabs = (k + KC - 1) / KC;
  return (k + slabs - 1) / slabs;
}

/**
 * Packs all of op(B) (k×n, element (p, j) at b + (p·brs + j·bcs)·4) once, slab by slab, into NR-column
 * micro-panels (slab from depth p0 at p0·n′ floats, n′ = n rounded up to NR), so that every step's product
 * reuses it instead of packing the weight again (the host reserves k·n′ floats at `dst`).
 */
function packWeights(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  const padded = ((n + NR - 1) / NR) * NR;
  const kStep = slabDepth(k);
  for (let p0 = 0; p0 < k; p0 += kStep) {
    packB(
      b + ((<usize>p0 * <usize>brs) << 2),
      brs,
      bcs,
      min(kStep, k - p0),
      n,
      dst + ((<usize>p0 * <usize>padded) << 2),
    );
  }
}

/**
 * C (m×n at `c`) = op(A)·B, or C += op(A)·B when `accumulateC`, with B packed by packWeights: gemm's loops
 * without the packing of B. `scratch` is gemm's.
 */
function gemmPacked(
  a: usize,
  ars: i32,
  acs: i32,
  packed: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  scratch: usize,
  accumulateC: bool,
): void {
  const padded = ((n + NR - 1) / NR) * NR;
  const kStep = slabDepth(k);
  const packedA = scratch;
  const tile = scratch + PACK_A_BYTES;
  const ldc = (<usize>n) << 2;
  for (let p0 = 0; p0 < k; p0 += kStep) {
    const kc = min(kStep, k - p0);
    const accumulate = accumulateC || p0 > 0;
    const slab = packed + ((<usize>p0 * <usize>padded) << 2);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = min(MC, m - i0);
      packA(a + ((<usize>i0 * <usize>ars + <usize>p0 * <usize>acs) << 2), ars, acs, mc, kc, packedA);
      for (let jr = 0; jr < n; jr += NR) {
        const pb = slab + ((<usize>(jr * kc)) << 2);
        const cols = min(NR, n - jr);
        let pa = packedA;
        for (let ir = 0; ir < mc;) {
          const height = panelRows(mc - ir);
          const rows = min(height, mc - ir);
          const ct = c + <usize>(i0 + ir) * ldc + ((<usize>jr) << 2);
          inline.always(multiplyTile(height, rows, cols, pa, pb, kc, ct, ldc, accumulate, tile));
          pa += (<usize>(height * kc)) << 2;
          ir += rows;
        }
      }
    }
  }
}

/**
 * One row of LSTM pre-activations a (+ `bias`, 0: none) activated in place: σ on i and f, tanh on g, σ on o.
 * One loop per function rather than all four gates per vector: a loop body with five inlined exps spills.
 */
function activateRow(row: usize, bias: usize, gateBytes: usize): void {
  const twoGates = gateBytes << 1;
  if (bias) {
    for (let j: usize = 0; j < twoGates; j += 16)
      v128.store(row + j, inline.always(sigmoidVec(f32x4.add(v128.load(row + j), v128.load(bias + j)))));
    for (let j: usize = twoGates; j < twoGates + gateBytes; j += 16)
      v128.store(row + j, inline.always(tanhVec(f32x4.add(v128.load(row + j), v128.load(bias + j)))));
    for (let j: usize = twoGates + gateBytes; j < twoGates << 1; j += 16)
      v128.store(row + j, inline.always(sigmoidVec(f32x4.add(v128.load(row + j), v128.load(bias + j)))));
  } else {
    for (let j: usize = 0; j < twoGates; j += 16)
      v128.store(row + j, inline.always(sigmoidVec(v128.load(row + j))));
    for (let j: usize = twoGates; j < twoGates + gateBytes; j += 16)
      v128.store(row + j, inline.always(tanhVec(v128.load(row + j))));
    for (let j: usize = twoGates + gateBytes; j < twoGates << 1; j += 16)
      v128.store(row + j, inline.always(sigmoidVec(v128.load(row + j))));
  }
}

/** Byte address of time position t's row block in an array of [T, batch, width] float32s. */
function at(base: usize, t: i32, batch: i32, width: i32): usize {
  return base + ((<usize>t * <usize>batch * <usize>width) << 2);
}

/**
 * The forward recurrence. `x` [T, B, 4H] holds x·W_ihᵀ on entry and the activated gates i, f, g, o on return;
 * `w` is W_hh [4H, H], `bias` b_ih + b_hh [4H] (0: none), `h0` and `c0` [B, H]. Writes h_t to `hs` and c_t to
 * `cs` ([T, B, H], by time position; steps run from T − 1 down to 0 when `reverse`).
 */
export function lstmSequenceForward(
  x: usize,
  w: usize,
  bias: usize,
  h0: usize,
  c0: usize,
  steps: i32,
  batch: i32,
  hidden: i32,
  reverse: bool,
  hs: usize,
  cs: usize,
  packed: usize,
  scratch: usize,
): void {
  const width = hidden << 2;
  packWeights(w, 1, hidden, hidden, width, packed); // op(B)[p][j] = W_hh[j][p]
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const hPrev = previous < 0 ? h0 : at(hs, previous, batch, hidden);
    const cPrev = previous < 0 ? c0 : at(cs, previous, batch, hidden);
    const gates = at(x, t, batch, width);
    // gates += h_{t−1}·W_hhᵀ.
    gemmPacked(hPrev, hidden, 1, packed, gates, batch, hidden, width, scratch, true);
    const hOut = at(hs, t, batch, hidden);
    const cOut = at(cs, t, batch, hidden);
    const gateBytes = (<usize>hidden) << 2;
    for (let b = 0; b < batch; b++) {
      const row = gates + ((<usize>b * <usize>width) << 2);
      const state = (<usize>b * <usize>hidden) << 2;
      activateRow(row, bias, gateBytes);
      const g = row + 2 * gateBytes;
      const o = row + 3 * gateBytes;
      for (let j: usize = 0; j < gateBytes; j += 16) {
        const i = v128.load(row + j);
        const f = v128.load(row + gateBytes + j);
        const c = f32x4.add(f32x4.mul(f, v128.load(cPrev + state + j)), f32x4.mul(i, v128.load(g + j)));
        v128.store(cOut + state + j, c);
        v128.store(hOut + state + j, f32x4.mul(v128.load(o + j), inline.always(tanhVec(c))));
      }
    }
    previous = t;
  }
}

/**
 * Backpropagation through time for lstmSequenceForward. `g` [T + 2, B, H] is ∂L/∂(h_0 … h_{T−1}, h_final,
 * c_final); `gates`, `hs`… as the forward pass left them, `w` W_hh, `c0` the initial cell state. Writes the
 * pre-activation gradients to `dGates` [T, B, 4H] and ∂h0, ∂c0 to `dh`, `dc` [B, H].
 */
export function lstmSequenceBackward(
  g: usize,
  w: usize,
  gates: usize,
  cs: usize,
  c0: usize,
  steps: i32,
  batch: i32,
  hidden: i32,
  reverse: bool,
  dGates: usize,
  dh: usize,
  dc: usize,
  packed: usize,
  scratch: usize,
): void {
  const width = hidden << 2;
  const stateBytes = (<usize>batch * <usize>hidden) << 2;
  memory.copy(dh, at(g, steps, batch, hidden), stateBytes);
  memory.copy(dc, at(g, steps + 1, batch, hidden), stateBytes);
  packWeights(w, hidden, 1, width, hidden, packed); // op(B) = W_hh
  const one = f32x4.splat(1);
  const gateBytes = (<usize>hidden) << 2;
  for (let s = steps - 1; s >= 0; s--) {
    const t = reverse ? steps - 1 - s : s;
    const before = reverse ? t + 1 : t - 1; // the time position step t started from
    const cPrev = s == 0 ? c0 : at(cs, before, batch, hidden);
    const cNow = at(cs, t, batch, hidden);
    const gOut = at(g, t, batch, hidden);
    const saved = at(gates, t, batch, width);
    const dOut = at(dGates, t, batch, width);
    for (let b = 0; b < batch; b++) {
      const row = (<usize>b * <usize>width) << 2;
      const state = (<usize>b * <usize>hidden) << 2;
      // tanh(c_t) first, parked in the row's o slot of dOut (overwritten below).
      const parked = dOut + row + 3 * gateBytes;
      for (let j: usize = 0; j < gateBytes; j += 16) {
        v128.store(parked + j, inline.always(tanhVec(v128.load(cNow + state + j))));
      }
      for (let j: usize = 0; j < gateBytes; j += 16) {
        const i = v128.load(saved + row + j);
        const f = v128.load(saved + row + gateBytes + j);
        const gg = v128.load(saved + row + 2 * gateBytes + j);
        const o = v128.load(saved + row + 3 * gateBytes + j);
        const tc = v128.load(parked + j);
        const dH = f32x4.add(v128.load(dh + state + j), v128.load(gOut + state + j));
        const dC = f32x4.add(
          v128.load(dc + state + j),
          f32x4.mul(f32x4.mul(dH, o), f32x4.sub(one, f32x4.mul(tc, tc))),
        );
        v128.store(dOut + row + j, f32x4.mul(f32x4.mul(dC, gg), f32x4.mul(i, f32x4.sub(one, i))));
        const dF = f32x4.mul(dC, v128.load(cPrev + state + j));
        v128.store(dOut + row + gateBytes + j, f32x4.mul(dF, f32x4.mul(f, f32x4.sub(one, f))));
        v128.store(
          dOut + row + 2 * gateBytes + j,
          f32x4.mul(f32x4.mul(dC, i), f32x4.sub(one, f32x4.mul(gg, gg))),
        );
        v128.store(
          dOut + row + 3 * gateBytes + j,
          f32x4.mul(f32x4.mul(dH, tc), f32x4.mul(o, f32x4.sub(one, o))),
        );
        v128.store(dc + state + j, f32x4.mul(dC, f));
      }
    }
    // ∂h_{t−1} = ∂a_t·W_hh.
    gemmPacked(dOut, width, 1, packed, dh, batch, width, hidden, scratch, false);
  }
}

/**
 * The GRU's forward recurrence. `x` [T, B, 3H] holds x·W_ihᵀ (b_ih is added here), `w` W_hh [3H, H], `biasIh`
 * and `biasHh` [3H] (0: none), `h0` [B, H]; `hg` is [B, 3H] of scratch. Per step: hg = h_{t−1}·W_hhᵀ, then
 * r, z = σ(x̃ + hg + b_hh), hn = hg_n + b_hn, n = tanh(x̃_n + r⊙hn), h_t = (1 − z)⊙n + z⊙h_{t−1}. Writes h_t to
 * `hs` [T, B, H] and r, z, n, hn to `saved` [T, B, 4H].
 */
export function gruSequenceForward(
  x: usize,
  w: usize,
  biasIh: usize,
  biasHh: usize,
  h0: usize,
  steps: i32,
  batch: i32,
  hidden: i32,
  reverse: bool,
  hs: usize,
  saved: usize,
  hg: usize,
  packed: usize,
  scratch: usize,
): void {
  const width = hidden * 3;
  const gateBytes = (<usize>hidden) << 2;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  packWeights(w, 1, hidden, hidden, width, packed);
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const hPrev = previous < 0 ? h0 : at(hs, previous, batch, hidden);
    gemmPacked(hPrev, hidden, 1, packed, hg, batch, hidden, width, scratch, false);
    const xt = at(x, t, batch, width);
    const st = at(saved, t, batch, hidden << 2);
    const hOut = at(hs, t, batch, hidden);
    for (let b = 0; b < batch; b++) {
      const row = (<usize>b * <usize>width) << 2;
      const keep = st + ((<usize>b * <usize>(hidden << 2)) << 2);
      const state = (<usize>b * <usize>hidden) << 2;
      // r and z (the row's first two gates, contiguous), then n, hn and h_t: one inlined exp per loop body.
      for (let j: usize = 0; j < gateBytes << 1; j += 16) {
        const bi = biasIh ? v128.load(biasIh + j) : zero;
        const bh = biasHh ? v128.load(biasHh + j) : zero;
        const a = f32x4.add(f32x4.add(v128.load(xt + row + j), bi), f32x4.add(v128.load(hg + row + j), bh));
        v128.store(keep + j, inline.always(sigmoidVec(a)));
      }
      const nOffset = 2 * gateBytes;
      for (let j: usize = 0; j < gateBytes; j += 16) {
        const inn = biasIh ? v128.load(biasIh + nOffset + j) : zero;
        const hnb = biasHh ? v128.load(biasHh + nOffset + j) : zero;
        const r = v128.load(keep + j);
        const z = v128.load(keep + gateBytes + j);
        const hn = f32x4.add(v128.load(hg + row + nOffset + j), hnb);
        const n = inline.always(
          tanhVec(f32x4.add(f32x4.add(v128.load(xt + row + nOffset + j), inn), f32x4.mul(r, hn))),
        );
        v128.store(keep + nOffset + j, n);
        v128.store(keep + 3 * gateBytes + j, hn);
        const h = f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, v128.load(hPrev + state + j)));
        v128.store(hOut + state + j, h);
      }
    }
    previous = t;
  }
}

/**
 * Backpropagation through time for gruSequenceForward. `g` [T + 1, B, H] is ∂L/∂(h_0 … h_{T−1}, h_final);
 * `saved`, `hs` and `h0` as the forward pass left them. Writes ∂x̃ to `dX` and the gradient of h·W_hhᵀ + b_hh to
 * `dHg` (both [T, B, 3H]), and ∂h0 to `dh` [B, H].
 */
export function gruSequenceBackward(
  g: usize,
  w: usize,
  saved: usize,
  hs: usize,
  h0: usize,
  steps: i32,
  batch: i32,
  hidden: i32,
  reverse: bool,
  dX: usize,
  dHg: usize,
  dh: usize,
  packed: usize,
  scratch: usize,
): void {
  const width = hidden * 3;
  const gateBytes = (<usize>hidden) << 2;
  const one = f32x4.splat(1);
  memory.copy(dh, at(g, steps, batch, hidden), (<usize>batch * <usize>hidden) << 2);
  packWeights(w, hidden, 1, width, hidden, packed);
  for (let s = steps - 1; s >= 0; s--) {
    const t = reverse ? steps - 1 - s : s;
    const before = reverse ? t + 1 : t - 1;
    const hPrev = s == 0 ? h0 : at(hs, before, batch, hidden);
    const gOut = at(g, t, batch, hidden);
    const st = at(saved, t, batch, hidden << 2);
    const dXt = at(dX, t, batch, width);
    const dHt = at(dHg, t, batch, width);
    for (let b = 0; b < batch; b++) {
      const row = (<usize>b * <usize>width) << 2;
      const keep = st + ((<usize>b * <usize>(hidden << 2)) << 2);
      const state = (<usize>b * <usize>hidden) << 2;
      for (let j: usize = 0; j < gateBytes; j += 16) {
        const r = v128.load(keep + j);
        const z = v128.load(keep + gateBytes + j);
        const n = v128.load(keep + 2 * gateBytes + j);
        const hn = v128.load(keep + 3 * gateBytes + j);
        const dH = f32x4.add(v128.load(dh + state + j), v128.load(gOut + state + j));
        const dn = f32x4.mul(f32x4.mul(dH, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
        const dz = f32x4.mul(
          f32x4.mul(dH, f32x4.sub(v128.load(hPrev + state + j), n)),
          f32x4.mul(z, f32x4.sub(one, z)),
        );
        const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
        v128.store(dXt + row + j, dr);
        v128.store(dXt + row + gateBytes + j, dz);
        v128.store(dXt + row + 2 * gateBytes + j, dn);
        v128.store(dHt + row + j, dr);
        v128.store(dHt + row + gateBytes + j, dz);
        v128.store(dHt + row + 2 * gateBytes + j, f32x4.mul(dn, r));
        v128.store(dh + state + j, f32x4.mul(dH, z));
      }
    }
    // ∂h_{t−1} = ∂h⊙z + ∂hg_t·W_hh.
    gemmPacked(dHt, width, 1, packed, dh, batch, width, hidden, scratch, true);
  }
}
