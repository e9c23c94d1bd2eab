/**
 * Shared plumbing of the findings: run the cached experiments a figure needs (missing ones in
 * parallel worker processes), then read every result from the cache.
 * @module
 */
import { join } from "node:path";
import { finishedRun, ROOT } from "../runs/cache.ts";
import { envFlag, envList, envPositiveInt } from "../config/env.ts";
import type { PresetName } from "../config/preset.ts";
import { rowOverrides } from "../config/presets.ts";
import {
  type FinetuneRequest,
  finetuneSpec,
  pretrain,
  pretrainSpec,
  qaFinetune,
  type RunRequest,
} from "../runs/experiments.ts";
import { runJobs } from "../runs/parallel.ts";
import { mixedSpec } from "../runs/mixed.ts";
import { probeSpec } from "../runs/probes.ts";
import type { RunKind } from "../runs/versions.ts";
import type { WorkerRequest } from "../runs/request.ts";
import { ATTRIBUTES } from "../data/types.ts";
import type { Dataset } from "../data/dataset.ts";

/** Options shared by the findings. */
export interface FindingRunOptions {
  /** Worker processes for missing runs (default: the preset's); 1 runs in this process. */
  workers?: number;
  /** Log lines of the workers (default console.log). */
  log?: (line: string) => void;
}

/** A short label of a request for logs. */
export function requestLabel(r: FinetuneRequest): string {
  const ft = r.finetune
    ? " " + Object.entries(r.finetune).map(([k, v]) => `${k}=${v}`).join(",")
    : "";
  return `${r.config} s${r.seed}${ft}`;
}

/** Where a worker request's result is cached: the run kind and its spec (no data is built). */
export function cacheEntry(req: WorkerRequest): { kind: RunKind; spec: unknown } {
  switch (req.kind) {
    case "pretrain":
      return { kind: "pretrain", spec: pretrainSpec(req) };
    case "qa":
      return { kind: "finetune", spec: finetuneSpec(req) };
    case "mixed":
      return { kind: "mixed", spec: mixedSpec(req) };
    case "pprobe":
    case "qprobe":
      return { kind: req.kind, spec: probeSpec(req.kind === "pprobe" ? "p" : "q", req, req.probe) };
  }
}

/** True when a worker request's result is finished (local cache or committed results). */
export async function isDone(req: WorkerRequest): Promise<boolean> {
  const e = cacheEntry(req);
  return (await finishedRun(e.kind, e.spec)) !== undefined;
}

/** True when the finetune result of a request is already cached. */
export function isCached(req: FinetuneRequest): Promise<boolean> {
  return isDone({ ...req, kind: "qa" });
}

/**
 * The run request of a bioS row at a preset and seed, with the overrides that row needs there
 * (`rowOverrides`: a wider window where its longest biography would not fit). Every finding builds
 * its requests from it, so one row has one pretrained model per seed across findings.
 */
export function rowRequest(preset: PresetName, config: string, seed: number): RunRequest {
  const overrides = rowOverrides(preset, config);
  return overrides ? { preset, config, seed, overrides } : { preset, config, seed };
}

/** True when the pretraining result of a request is already cached. */
export function isPretrained(req: RunRequest): Promise<boolean> {
  return isDone({ ...req, kind: "pretrain" });
}

/** Requests collected by {@linkcode planRuns}; undefined when not planning. */
let planning: WorkerRequest[] | undefined;

/** Thrown by `ensureRuns` while planning, to stop the finding once it named its runs. */
class PlanComplete extends Error {
  constructor() {
    super("plan complete");
  }
}

/**
 * The runs a finding needs, without running any of them: `compute` (the finding) is started with
 * `ensureRuns` replaced by a collector that stops it at its first batch of requests, which every
 * finding hands over before reading a result. Empty when the finding asks for no runs. A cluster
 * sweep (lib/cli/sweep.ts) submits what this returns.
 */
export async function planRuns(compute: () => Promise<unknown>): Promise<WorkerRequest[]> {
  if (planning) throw new Error("planRuns: already planning (plans do not nest)");
  const got: WorkerRequest[] = [];
  planning = got;
  try {
    await compute();
  } catch (e) {
    if (!(e instanceof PlanComplete)) throw e;
  } finally {
    planning = undefined;
  }
  return got;
}

/**
 * Runs the missing requests in worker processes (`workers` > 1; with one worker the caller
 * computes them in-process when it reads them). Requests on one pretrained model go to one worker,
 * in order, so the second reuses the first's pretraining instead of training it twice at once.
 */
export async function ensureRuns(
  reqs: WorkerRequest[],
  opts: FindingRunOptions & { defaultWorkers: number },
): Promise<void> {
  if (planning) {
    // Planning a sweep: the finding has said what it needs; stop before it runs or reads anything.
    planning.push(...reqs);
    throw new PlanComplete();
  }
  const missing: WorkerRequest[] = [];
  for (const r of reqs) if (!(await isDone(r))) missing.push(r);
  const workers = opts.workers ?? opts.defaultWorkers;
  if (!missing.length || workers <= 1) return;
  const groups = new Map<string, WorkerRequest[]>();
  for (const r of missing) {
    // Mixed training pretrains nothing it could share.
    const k = r.kind === "mixed" ? JSON.stringify(mixedSpec(r)) : JSON.stringify(pretrainSpec(r));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  await runJobs(
    [...groups.values()].map((g) => ({
      label: `${g[0].kind} ${requestLabel(g[0])}` + (g.length > 1 ? ` (+${g.length - 1})` : ""),
      request: g,
    })),
    { workers, log: opts.log },
  );
}

/** Makes sure every request's pretraining result exists (missing ones in workers), then reads them. */
export async function ensurePretrained(
  reqs: RunRequest[],
  opts: FindingRunOptions & { defaultWorkers: number },
) {
  await ensureRuns(reqs.map((r) => ({ ...r, kind: "pretrain" })), opts);
  const out = [];
  for (const r of reqs) out.push({ request: r, result: await pretrain(r) });
  return out;
}

/** Makes sure every request's QA-finetune result exists (see {@linkcode ensureRuns}), then reads them. */
export async function ensureQA(
  reqs: FinetuneRequest[],
  opts: FindingRunOptions & { defaultWorkers: number },
) {
  await ensureRuns(reqs.map((r) => ({ ...r, kind: "qa" })), opts);
  const out = [];
  for (const r of reqs) out.push({ request: r, result: await qaFinetune(r) });
  return out;
}

/**
 * Majority-guess accuracy (%) per attribute on P_test: always answer the most common value among
 * P_train people (the paper's "baseline" row).
 */
export function majorityBaseline(ds: Dataset): Record<string, number> {
  const out: Record<string, number> = {};
  const train = ds.people.filter((p) => p.split === "P_train" && p.population === "minority");
  const test = ds.people.filter((p) => p.split === "P_test" && p.population === "minority");
  for (const a of ATTRIBUTES) {
    const counts = new Map<string, number>();
    for (const p of train) counts.set(p.values[a], (counts.get(p.values[a]) ?? 0) + 1);
    let best = "", bestN = -1;
    for (const [v, n] of counts) if (n > bestN || (n === bestN && v < best)) [best, bestN] = [v, n];
    out[a] = 100 * test.filter((p) => p.values[a] === best).length / Math.max(1, test.length);
  }
  out.mean = ATTRIBUTES.reduce((s, a) => s + out[a], 0) / ATTRIBUTES.length;
  return out;
}

/**
 * Where a preset's figures go: `figures/` for real runs, `out/figures-smoke/` for the smoke preset
 * (so CI never overwrites the committed figures). Absolute, so a notebook's cwd does not matter.
 */
export function figuresDir(preset: PresetName): string {
  return preset === "smoke" ? join(ROOT, "out", "figures-smoke") : join(ROOT, "figures");
}

/**
 * Rows a notebook runs: `PLM_ROWS` (comma-separated) if set, else `fallback`. Lets a reader rerun
 * a notebook on a subset ("PLM_ROWS=single,multi5+permute") without editing it.
 */
export function rowsFromEnv(fallback: readonly string[]): string[] {
  return envList("PLM_ROWS") ?? [...fallback];
}

/** Seeds per row from `PLM_SEEDS` (a positive integer), else undefined (the preset's default). */
export function seedsFromEnv(): number | undefined {
  return envPositiveInt("PLM_SEEDS");
}

/**
 * `PLM_ONLY_CACHED=1`: a notebook draws what the cache already holds instead of running what is
 * missing (e.g. to redraw a figure from a partial sweep); every figure records its seeds per row.
 */
export function onlyCachedFromEnv(): boolean {
  return envFlag("PLM_ONLY_CACHED");
}

/**
 * Keeps the requests whose results are cached (finetune results, or those of `kind`), so a figure
 * can be drawn from a partial sweep. Rows left with no run are dropped with a warning naming them
 * (the figure's JSON lists the rows and seeds it holds); throws when nothing at all is cached.
 */
export async function cachedOnly<R extends FinetuneRequest>(
  reqs: R[],
  kind: WorkerRequest["kind"] = "qa",
): Promise<R[]> {
  const kept: R[] = [];
  for (const r of reqs) if (await isDone({ ...r, kind } as WorkerRequest)) kept.push(r);
  const rows = [...new Set(reqs.map((r) => r.config))];
  const missing = rows.filter((row) => !kept.some((r) => r.config === row));
  if (reqs.length && !kept.length) {
    throw new Error(
      `no cached ${kind} run for any of the rows ${rows.join(", ")} (only cached runs were ` +
        `asked for, PLM_ONLY_CACHED / --only-cached): run them first`,
    );
  }
  if (missing.length) {
    console.warn(
      `only cached runs: left out rows without a cached ${kind} run: ${missing.join(", ")}`,
    );
  }
  return kept;
}
