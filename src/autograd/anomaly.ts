// @file Anomaly mode: backward passes check every gradient and name the op whose gradient became NaN or Inf.

let anomalyEnabled = false;

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/**
 * Runs `fn` with anomaly detection (torch.autograd.detect_anomaly): during any backward pass inside it, a
 * gradient containing NaN or ±Inf throws a NeuriteError naming the op that produced it. Slow; for debugging.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}
