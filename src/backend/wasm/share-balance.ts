// @file How much of a split job the calling thread keeps: learned per job kind from how long it then waits for its helpers.

/** The caller's share never drops below this fraction of an even split, nor rises above MAX_OWN of the job. */
const MIN_OWN_OF_EVEN = 0.5;
const MAX_OWN = 0.9;
/** How far one job moves the estimate towards what it measured (an exponential moving average). */
const STEP = 0.25;
/** Below this many milliseconds of waiting, the helpers count as having finished first. */
const NO_WAIT_MS = 0.02;
/** When the helpers finished first (the caller was the slow side), its fraction shrinks by this much of itself. */
const NUDGE = 0.03;

/**
 * The fraction of a split job's units (rows, columns, images) the calling thread computes itself, per job kind.
 * An even split leaves the caller waiting: each helper also copies its share into and out of its own memory and
 * may have to be woken first. After each job the caller reports how long its own share took and how long it then
 * waited; from the two rates the fraction that would have made both finish together is estimated, and the kept
 * fraction moves a quarter of the way towards it. When the helpers finish first (no wait) their time is unknown
 * and the caller's fraction only creeps down, so the estimate settles where the caller waits a little. Which thread computes which rows,
 * columns or images never changes a result: each output, and each partial sum of a convolution's weight
 * gradient, is computed whole by one thread, in the same order.
 */
export class ShareBalance {
  private readonly fractions = new Map<string, number>();
  /** For tests: a fraction every kind uses instead of the learned one (null: learn). */
  fixed: number | null = null;

  /**
   * The caller's units of a job of `extent` units on `shares` threads (the caller included), a multiple of
   * `granule` (so that no share but the last ends in a padded register tile); at least one unit stays for the
   * helpers. The caller of a split job has at least two granules of extent.
   */
  ownCount(kind: string, extent: number, shares: number, granule: number): number {
    const fraction = this.fixed ?? this.fractions.get(kind) ?? 1 / shares;
    const most = Math.floor((extent - 1) / granule) * granule;
    const own = Math.round((extent * fraction) / granule) * granule;
    return Math.max(Math.min(granule, most), Math.min(own, most));
  }

  /**
   * Records a finished job: the caller computed `own` of `extent` units in `ownMs` and then waited `waitMs` for
   * `helpers` helpers, which had started with it and shared the rest equally.
   */
  record(kind: string, extent: number, own: number, helpers: number, ownMs: number, waitMs: number): void {
    const shares = helpers + 1;
    const current = this.fractions.get(kind) ?? 1 / shares;
    if (ownMs <= 0 || own <= 0 || own >= extent) return;
    let target: number;
    if (waitMs < NO_WAIT_MS) {
      target = current * (1 - NUDGE);
    } else {
      const callerRate = own / ownMs;
      const helperRate = (extent - own) / helpers / (ownMs + waitMs);
      target = callerRate / (callerRate + helpers * helperRate);
    }
    const next = current + STEP * (target - current);
    this.fractions.set(kind, Math.min(MAX_OWN, Math.max(MIN_OWN_OF_EVEN / shares, next)));
  }

  /** The kept fraction for `kind` (undefined before its first job), for tests and diagnostics. */
  fraction(kind: string): number | undefined {
    return this.fractions.get(kind);
  }
}
