/**
 * Learning-rate schedules (paper Appendix C/D/E): linear warmup, then cosine (pretraining and QA
 * finetuning, down to 10% of the peak) or linear (probes, down to 0) decay.
 * @module
 */

/** Options of {@linkcode lrAt}. */
export interface ScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  peak: number;
  /** Warmup steps (0 = start at the peak). */
  warmup?: number;
  /** Total optimizer steps; the decay ends here. */
  total: number;
  /** Final lr as a fraction of the peak (default 0.1: the paper's 1e-3 -> 1e-4). */
  minRatio?: number;
  /** Shape of the decay after warmup (default "cosine"). */
  decay?: "cosine" | "linear" | "constant";
}

/** Throws a clear Error if the schedule options are invalid. */
export function validateSchedule(opts: ScheduleOptions): void {
  const { peak, warmup = 0, total, minRatio = 0.1, decay = "cosine" } = opts;
  if (!(peak >= 0 && Number.isFinite(peak))) {
    throw new Error(`schedule.peak must be a finite number >= 0, got ${peak}`);
  }
  if (!Number.isInteger(total) || total <= 0) {
    throw new Error(`schedule.total must be a positive integer, got ${total}`);
  }
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > total) {
    throw new Error(`schedule.warmup must be an integer in [0, total=${total}], got ${warmup}`);
  }
  if (!(minRatio >= 0 && minRatio <= 1)) {
    throw new Error(`schedule.minRatio must be in [0, 1], got ${minRatio}`);
  }
  if (!["cosine", "linear", "constant"].includes(decay)) {
    throw new Error(`schedule.decay must be "cosine", "linear" or "constant", got "${decay}"`);
  }
}

/**
 * The learning rate of optimizer step `step` (0-based), nanoGPT's get_lr with three branches:
 * 1) linear warmup: peak * (step + 1) / warmup, so the last warmup step is at the peak;
 * 2) after `total` steps: the minimum;
 * 3) in between: cosine (or linear) from the peak to peak * minRatio.
 */
export function lrAt(step: number, opts: ScheduleOptions): number {
  const { peak, warmup = 0, total, minRatio = 0.1, decay = "cosine" } = opts;
  const min = peak * minRatio;
  if (step < warmup) return (peak * (step + 1)) / warmup;
  if (decay === "constant") return peak;
  if (step >= total) return min;
  const progress = total === warmup ? 1 : (step - warmup) / (total - warmup);
  const coeff = decay === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return min + coeff * (peak - min);
}
