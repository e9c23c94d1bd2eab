/**
 * Runs independent jobs in parallel worker processes. The WASM backend trains on one thread per
 * process, so on a 2-core laptop two processes side by side use both cores (tfjs-speed.md: two
 * single-thread processes beat one two-thread process).
 * @module
 */
import { join } from "node:path";
import { ROOT, runsDir } from "./cache.ts";

/** One job: a label for the log and the JSON request handed to `lib/cli/run.ts`. */
export interface Job {
  label: string;
  request: unknown;
}

/** Outcome of one job. */
export interface JobOutcome {
  label: string;
  ok: boolean;
  code: number;
  seconds: number;
  /** The last lines the worker printed (for error messages). */
  tail: string[];
}

/**
 * Runs jobs in at most `workers` concurrent `deno run -A lib/cli/run.ts` processes, prefixing each
 * output line with the job's label. Resolves when all are done; throws naming every failed job.
 */
export async function runJobs(
  jobs: Job[],
  opts: { workers?: number; log?: (line: string) => void } = {},
): Promise<JobOutcome[]> {
  const workers = Math.max(1, opts.workers ?? 2);
  const log = opts.log ?? ((l: string) => console.log(l));
  const outcomes: JobOutcome[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      outcomes[i] = await runOne(jobs[i], log);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) {
    throw new Error(
      `${failed.length} of ${jobs.length} runs failed: ` +
        failed.map((f) => `${f.label} (exit ${f.code}): ${failureLine(f.tail)}`).join("; "),
    );
  }
  return outcomes;
}

/**
 * The line of a failed worker's output that says what went wrong: the last one that is not a stack
 * frame (the worker prints "run failed: <error>" before its stack), else the last line.
 */
export function failureLine(tail: readonly string[]): string {
  const said = tail.filter((l) => !/^\s*at\s/.test(l));
  return said.at(-1) ?? tail.at(-1) ?? "(no output)";
}

async function runOne(job: Job, log: (line: string) => void): Promise<JobOutcome> {
  const t0 = performance.now();
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "lib", "cli", "run.ts"), JSON.stringify(job.request)],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    // One OpenBLAS thread per worker: the workers already fill the cores.
    // The cache folder as this process sees it (setRunsDir, e.g. finding --results, included).
    env: { PLM_CHILD: "1", NO_COLOR: "1", PLM_BLAS_THREADS: "1", PLM_RUNS_DIR: runsDir() },
  });
  const child = cmd.spawn();
  const tail: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let buf = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      const parts = buf.split(/\r?\n|\r/);
      buf = parts.pop() ?? "";
      for (const line of parts) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(`[${job.label}] ${line}`);
      }
    }
    if (buf.trim()) {
      tail.push(buf);
      log(`[${job.label}] ${buf}`);
    }
  };
  const [status] = await Promise.all([child.status, pump(child.stdout), pump(child.stderr)]);
  return {
    label: job.label,
    ok: status.success,
    code: status.code,
    seconds: (performance.now() - t0) / 1000,
    tail,
  };
}
