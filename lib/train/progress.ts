/**
 * A training progress line: step, loss, tokens/s and ETA. In a terminal it redraws one line with
 * "\r"; in a Jupyter notebook (or a log file) it prints a new line at most every few seconds, so
 * long runs never flood a notebook's output.
 * @module
 */

/** True inside the Deno Jupyter kernel (Deno.jupyter throws elsewhere). */
export function inJupyter(): boolean {
  try {
    // deno-lint-ignore no-explicit-any
    return typeof (Deno as any).jupyter?.display === "function";
  } catch {
    return false;
  }
}

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Total steps (for the bar and the ETA). */
  total: number;
  /** Text before the bar. */
  label?: string;
  /** "auto" (default): terminal if stderr is a TTY, else lines; "silent" prints nothing. */
  mode?: "auto" | "terminal" | "lines" | "silent";
  /** Minimum time between printed lines in "lines" mode (default 10 s; 0.2 s in a terminal). */
  intervalMs?: number;
  /** Where lines go (default: stderr for the terminal, console.log otherwise). For tests. */
  write?: (text: string) => void;
}

/** What the training loop reports after each step. */
export interface ProgressUpdate {
  loss?: number;
  tokensPerSec?: number;
  /** Extra "key value" fields shown after the standard ones. */
  extra?: Record<string, number | string>;
}

/** A progress reporter; `done()` prints the final line. */
export interface Progress {
  update(step: number, info?: ProgressUpdate): void;
  done(): void;
}

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
    ? `${m}m${String(r).padStart(2, "0")}s`
    : `${r}s`;
}

/** Creates a progress reporter. `step` passed to `update` is the number of steps done. */
export function createProgress(opts: ProgressOptions): Progress {
  const total = opts.total;
  let mode = opts.mode ?? "auto";
  if (mode === "auto") {
    let tty = false;
    try {
      tty = !inJupyter() && Deno.stderr.isTerminal();
    } catch {
      tty = false;
    }
    mode = tty ? "terminal" : "lines";
  }
  const encoder = new TextEncoder();
  const write = opts.write ??
    (mode === "terminal"
      ? (text: string) => Deno.stderr.writeSync(encoder.encode(text))
      : (text: string) => console.log(text));
  const interval = opts.intervalMs ?? (mode === "terminal" ? 200 : 10_000);
  const start = performance.now();
  let firstStep: number | undefined;
  let last = -Infinity;
  let lastLine = "";
  let pending = false; // lastLine not yet shown

  const line = (step: number, info: ProgressUpdate = {}) => {
    const elapsed = (performance.now() - start) / 1000;
    const done = firstStep === undefined ? 0 : step - firstStep;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - step) / rate : Infinity;
    const width = 20;
    const filled = Math.min(width, Math.round((step / Math.max(total, 1)) * width));
    const parts = [
      `${opts.label ?? "train"} [${"#".repeat(filled)}${".".repeat(width - filled)}]`,
      `${step}/${total}`,
    ];
    if (info.loss !== undefined) parts.push(`loss ${info.loss.toFixed(4)}`);
    if (info.tokensPerSec !== undefined) parts.push(`${Math.round(info.tokensPerSec)} tok/s`);
    for (const [k, v] of Object.entries(info.extra ?? {})) {
      parts.push(`${k} ${typeof v === "number" ? Number(v.toPrecision(4)) : v}`);
    }
    parts.push(`elapsed ${formatDuration(elapsed)}`, `eta ${formatDuration(eta)}`);
    return parts.join(" | ");
  };

  return {
    update(step, info) {
      if (mode === "silent") return;
      firstStep ??= step - 1;
      const now = performance.now();
      lastLine = line(step, info);
      pending = true;
      if (now - last < interval) return;
      last = now;
      pending = false;
      write(mode === "terminal" ? `\r${lastLine}\x1b[K` : lastLine);
    },
    done() {
      if (mode === "terminal" && lastLine) write(`\r${lastLine}\x1b[K\n`);
      else if (mode === "lines" && pending) write(lastLine);
      pending = false;
    },
  };
}
