// @file A perceptually uniform sequential colour map (viridis) as a 256-entry lookup table, and the mild log
// scale the loss surface is coloured with.

/** viridis at 0, 1/8, …, 1 (matplotlib's values); the table interpolates linearly between them. */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** 256 RGB triples (r, g, b, r, g, b, …): entry i is viridis(i / 255). */
export const VIRIDIS_LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  const last = VIRIDIS_STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * last;
    const k = Math.min(last - 1, Math.floor(position));
    const t = position - k;
    const a = VIRIDIS_STOPS[k]!;
    const b = VIRIDIS_STOPS[k + 1]!;
    for (let c = 0; c < 3; c++) lut[3 * i + c] = Math.round(a[c]! + (b[c]! - a[c]!) * t);
  }
  return lut;
})();

/**
 * Maps loss values in [min, max] to [0, 1] so that the median value gets the middle colour:
 * t = log(1 + (v − min)/s) / log(1 + (max − min)/s), with s = m²/(R − 2m) for m = median − min and R = max − min
 * (solving t(median) = ½). Skewed surfaces (a valley whose floor is 10⁴ times lower than its walls) get a strong
 * log scale, gentle ones a mild one, and a surface whose median is above the middle a linear one.
 */
export class LogScale {
  /** Infinity: linear. */
  private readonly s: number;
  private readonly span: number;
  private readonly denominator: number;

  constructor(
    readonly min: number,
    readonly max: number,
    median: number,
  ) {
    this.span = max > min ? max - min : 1;
    const m = Math.max(0, median - min);
    this.s = this.span > 2 * m && m > 0 ? (m * m) / (this.span - 2 * m) : Infinity;
    this.denominator = Number.isFinite(this.s) ? Math.log1p(this.span / this.s) : 1;
  }

  /** v → [0, 1] (clamped). */
  toUnit(v: number): number {
    const d = Math.max(0, v - this.min);
    const t = Number.isFinite(this.s) ? Math.log1p(d / this.s) / this.denominator : d / this.span;
    return t > 1 ? 1 : t;
  }

  /** [0, 1] → v, for the colour bar's tick labels. */
  fromUnit(t: number): number {
    return Number.isFinite(this.s)
      ? this.min + this.s * Math.expm1(t * this.denominator)
      : this.min + t * this.span;
  }

  /** True when the scale is logarithmic (the surface is skewed towards its minimum). */
  get logarithmic(): boolean {
    return Number.isFinite(this.s);
  }
}
