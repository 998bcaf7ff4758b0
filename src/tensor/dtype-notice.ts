// @file A backend's hook on new float64 tensors (webgpu: warn once that they compute as float32 there).

/** Called with nothing on each new float64 Tensor while a backend has installed it; null: none installed. */
export let float64Notice: (() => void) | null = null;

/** Installs (or with null removes) the hook; the webgpu backend installs one when it is created. */
export function setFloat64Notice(notice: (() => void) | null): void {
  float64Notice = notice;
}
