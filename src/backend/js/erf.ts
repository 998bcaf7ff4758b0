// @file erf to float64 accuracy (under 1 ulp): the rational approximations of Sun's fdlibm (W. J. Cody's method).

// erf(x) = x + x·P(x²)/Q(x²) on |x| < 0.84375.
const P0 = 1.28379167095512558561e-1;
const P1 = -3.2504210724700149937e-1;
const P2 = -2.84817495755985104766e-2;
const P3 = -5.77027029648944159157e-3;
const P4 = -2.37630166566501626084e-5;
const Q1 = 3.97917223959155352819e-1;
const Q2 = 6.50222499887672944485e-2;
const Q3 = 5.08130628187576562776e-3;
const Q4 = 1.32494738004321644526e-4;
const Q5 = -3.9602282787753681232e-6;

// erf(1 + s) = ERX + A(s)/B(s) on 0.84375 ≤ |x| < 1.25; ERX is erf(1) rounded to float32.
const ERX = 8.45062911510467529297e-1;
const A0 = -2.36211856075265944077e-3;
const A1 = 4.14856118683748331666e-1;
const A2 = -3.72207876035701323847e-1;
const A3 = 3.18346619901161753674e-1;
const A4 = -1.10894694282396677476e-1;
const A5 = 3.54783043256182359371e-2;
const A6 = -2.166375594868790843e-3;
const B1 = 1.06420880400844228286e-1;
const B2 = 5.40397917702171048937e-1;
const B3 = 7.18286544141962662868e-2;
const B4 = 1.26171219808761642112e-1;
const B5 = 1.36370839120290507362e-2;
const B6 = 1.1984499846799107417e-2;

// erfc(x) = exp(−x² − 0.5625 + R(1/x²)/S(1/x²))/x: R, S on 1.25 ≤ x < 1/0.35, RB, SB on 1/0.35 ≤ x < 6.
const R0 = -9.86494403484714822705e-3;
const R1 = -6.93858572707181764372e-1;
const R2 = -1.05586262253232909814e1;
const R3 = -6.23753324503260060396e1;
const R4 = -1.62396669462573470355e2;
const R5 = -1.84605092906711035994e2;
const R6 = -8.12874355063065934246e1;
const R7 = -9.81432934416914548592;
const S1 = 1.96512716674392571292e1;
const S2 = 1.376577541435190426e2;
const S3 = 4.34565877475229228821e2;
const S4 = 6.45387271733267880336e2;
const S5 = 4.29008140027567833386e2;
const S6 = 1.08635005541779435134e2;
const S7 = 6.57024977031928170135;
const S8 = -6.04244152148580987438e-2;
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

/** erfc(z) for 1.25 ≤ z < 6, as e^{−z²}/z times a rational correction. */
function erfcTail(z: number): number {
  const t = 1 / (z * z);
  let r: number;
  let s: number;
  if (z < 1 / 0.35) {
    r = R0 + t * (R1 + t * (R2 + t * (R3 + t * (R4 + t * (R5 + t * (R6 + t * R7))))));
    s = 1 + t * (S1 + t * (S2 + t * (S3 + t * (S4 + t * (S5 + t * (S6 + t * (S7 + t * S8)))))));
  } else {
    r = RB0 + t * (RB1 + t * (RB2 + t * (RB3 + t * (RB4 + t * (RB5 + t * RB6)))));
    s = 1 + t * (SB1 + t * (SB2 + t * (SB3 + t * (SB4 + t * (SB5 + t * (SB6 + t * SB7))))));
  }
  // −z² = −h² + (h − z)(h + z) with h = z rounded to float32, whose square is exact in float64.
  const h = Math.fround(z);
  return (Math.exp(-h * h - 0.5625) * Math.exp((h - z) * (h + z) + r / s)) / z;
}

/**
 * The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt, within one float64 ulp (std::erf's accuracy, which PyTorch
 * uses for float64 GELU). NaN stays NaN; erf(±∞) = ±1.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const z = Math.abs(x);
  let y: number;
  if (z < 0.84375) {
    const t = z * z;
    const p = P0 + t * (P1 + t * (P2 + t * (P3 + t * P4)));
    const q = 1 + t * (Q1 + t * (Q2 + t * (Q3 + t * (Q4 + t * Q5))));
    return x + x * (p / q); // odd, keeps the sign (and −0)
  } else if (z < 1.25) {
    const s = z - 1;
    const a = A0 + s * (A1 + s * (A2 + s * (A3 + s * (A4 + s * (A5 + s * A6)))));
    const b = 1 + s * (B1 + s * (B2 + s * (B3 + s * (B4 + s * (B5 + s * B6)))));
    y = ERX + a / b;
  } else if (z < 6) {
    y = 1 - erfcTail(z);
  } else {
    y = 1;
  }
  return x < 0 ? -y : y;
}
