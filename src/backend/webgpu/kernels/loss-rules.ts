// @file WGSL of the elementwise loss formulas (backend/js/loss.ts's RULES) for the pointwise loss kernels.

/**
 * Per loss kind, `<kind>_loss`, `<kind>_input_grad` and `<kind>_target_grad` of (x, y, w, p):
 * bce: l = −w·(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)), ∂x = w·(x − y)/max((1 − x)·x, 10⁻¹²),
 * ∂y = −w·log(x/(1 − x)); bceWithLogits: l = w·[(1 − y)·x + (1 + (p − 1)·y)·(−log σ(x))],
 * ∂x = w·((1 + (p − 1)·y)·σ(x) − p·y), ∂y = w·(−x + (p − 1)·(−log σ(x))).
 */
export const POINTWISE_RULES = /* wgsl */ `
// log(1 + u) to f32 accuracy for small u too: log(w)·u/(w − 1) with w = 1 + u rounded.
fn log_one_plus(u: f32) -> f32 {
  let w = 1.0 + u;
  if (w == 1.0) { return u; }
  return log(w) * u / (w - 1.0);
}
fn neg_log_sigmoid(v: f32) -> f32 { return max(-v, 0.0) + log_one_plus(exp(-abs(v))); }
// max(log v, −100), with log 0 = −∞ (WGSL leaves log(0) undefined, so 0 is tested first).
fn clamped_log(v: f32) -> f32 { return select(-100.0, max(log(v), -100.0), v > 0.0); }
fn sigmoid_of(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}
fn bce_loss(x: f32, y: f32, w: f32, p: f32) -> f32 {
  return -w * (y * clamped_log(x) + (1.0 - y) * clamped_log(1.0 - x));
}
fn bce_input_grad(x: f32, y: f32, w: f32, p: f32) -> f32 { return w * (x - y) / max((1.0 - x) * x, 1e-12); }
fn bce_target_grad(x: f32, y: f32, w: f32, p: f32) -> f32 { return -w * log(x / (1.0 - x)); }
fn bceWithLogits_loss(x: f32, y: f32, w: f32, p: f32) -> f32 {
  return w * ((1.0 - y) * x + (1.0 + (p - 1.0) * y) * neg_log_sigmoid(x));
}
fn bceWithLogits_input_grad(x: f32, y: f32, w: f32, p: f32) -> f32 {
  return w * ((1.0 + (p - 1.0) * y) * sigmoid_of(x) - p * y);
}
fn bceWithLogits_target_grad(x: f32, y: f32, w: f32, p: f32) -> f32 {
  return w * (-x + (p - 1.0) * neg_log_sigmoid(x));
}
`;
