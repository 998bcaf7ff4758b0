// @file The TypeScript face of the kernel module: the functions assembly/*.ts exports, as runtime.ts calls them.

/** The functions that assembly/*.ts exports; pointers are byte addresses, sizes element counts. */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    m: number,
    k: number,
    n: number,
    scratch: number,
  ): void;
  binary(op: number, a: number, b: number, out: number, ...dimsThenStrides: number[]): void;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  unaryGrad(op: number, g: number, saved: number, out: number, n: number): void;
  sumMiddle(x: number, outer: number, size: number, inner: number, acc: number, out: number): void;
  sumOuterInner(x: number, before: number, kept: number, after: number, acc: number, out: number): void;
  softmax(x: number, out: number, outer: number, size: number, inner: number, log: boolean): void;
  /** 1 if x[0..n) holds a NaN, else 0. */
  hasNaN(x: number, n: number): number;
  // `window` is Window2d's twelve fields in order (inH … dilationW).
  im2col(x: number, images: number, channels: number, cols: number, ...window: number[]): void;
  col2im(cols: number, images: number, channels: number, out: number, ...window: number[]): void;
  maxPool2d(x: number, planes: number, out: number, indices: number, ...window: number[]): void;
  /** conv2dInputGrad and conv2dWeightGrad (assembly/convolution.ts) share this signature; conv2dForward takes a bias. */
  conv2dForward: ConvForwardKernel;
  conv2dInputGrad: ConvKernel;
  conv2dWeightGrad: ConvKernel;
  batchNorm(
    x: number,
    outer: number,
    channels: number,
    inner: number,
    weight: number,
    bias: number,
    eps: number,
    out: number,
    stats: number,
  ): void;
  channelAffineMap(
    x: number,
    outer: number,
    channels: number,
    inner: number,
    coefficients: number,
    out: number,
  ): void;
  batchNormBackward(
    gradOut: number,
    x: number,
    outer: number,
    channels: number,
    inner: number,
    weight: number,
    stats: number,
    gradInput: number,
    gradWeight: number,
    gradBias: number,
  ): void;
  /** assembly/optim.ts: one optimizer step of family `kind` with its scalars at `block` (see src/backend/wasm/optim.ts). */
  optimizerStep(
    kind: number,
    flags: number,
    block: number,
    n: number,
    p: number,
    g: number,
    s0: number,
    s1: number,
    s2: number,
  ): void;
  /** assembly/recurrent.ts: the LSTM's forward loop over a whole sequence (see src/backend/wasm/recurrent.ts). */
  lstmSequenceForward(
    x: number,
    w: number,
    bias: number,
    h0: number,
    c0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    hs: number,
    cs: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: backpropagation through time for lstmSequenceForward. */
  lstmSequenceBackward(
    g: number,
    w: number,
    gates: number,
    cs: number,
    c0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    dGates: number,
    dh: number,
    dc: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: the GRU's forward loop over a whole sequence (see src/backend/wasm/recurrent-gru.ts). */
  gruSequenceForward(
    x: number,
    w: number,
    biasIh: number,
    biasHh: number,
    h0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    hs: number,
    saved: number,
    hg: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: backpropagation through time for gruSequenceForward. */
  gruSequenceBackward(
    g: number,
    w: number,
    saved: number,
    hs: number,
    h0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    dX: number,
    dHg: number,
    dh: number,
    packed: number,
    scratch: number,
  ): void;
}

/**
 * A whole convolution map over images [n0, n1): inputs at `a` and `b`, result at `out`; `cols` holds one image's
 * columns and `scratch` the gemm's scratch; then Window2d's twelve fields.
 */
export type ConvKernel = (
  a: number,
  b: number,
  out: number,
  n0: number,
  n1: number,
  channels: number,
  outChannels: number,
  groups: number,
  cols: number,
  scratch: number,
  ...window: number[]
) => void;

/** ConvKernel with a bias pointer (0: none) after `scratch`. */
export type ConvForwardKernel = (
  x: number,
  w: number,
  out: number,
  n0: number,
  n1: number,
  channels: number,
  outChannels: number,
  groups: number,
  cols: number,
  scratch: number,
  bias: number,
  ...window: number[]
) => void;
