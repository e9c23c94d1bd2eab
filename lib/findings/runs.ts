/**
 * Shared plumbing of the findings: run the cached experiments a figure needs (missing ones in
 * parallel worker processes), then read every result from the cache.
 * @module
 */
import { join } from "node:path";
import { ROOT, runDir } from "../runs/cache.ts";
import type { PresetName } from "../config/preset.ts";
import {
  experimentsCode,
  type FinetuneRequest,
  finetuneSpec,
  pretrain,
  pretrainSpec,
  qaFinetune,
  type RunRequest,
} from "../runs/experiments.ts";
import { runJobs } from "../runs/parallel.ts";
import type { WorkerRequest } from "../cli/run.ts";
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

/** True when the finetune result of a request is already cached. */
export async function isCached(req: FinetuneRequest): Promise<boolean> {
  try {
    await Deno.stat(runDir("finetune", finetuneSpec(req), { code: experimentsCode() }).resultPath);
    return true;
  } catch {
    return false;
  }
}

/** True when the pretraining result of a request is already cached. */
export async function isPretrained(req: RunRequest): Promise<boolean> {
  try {
    await Deno.stat(runDir("pretrain", pretrainSpec(req), { code: experimentsCode() }).resultPath);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure every request's pretraining result exists (missing ones in workers), then reads them. */
export async function ensurePretrained(
  reqs: RunRequest[],
  opts: FindingRunOptions & { defaultWorkers: number },
) {
  const missing: RunRequest[] = [];
  for (const r of reqs) if (!(await isPretrained(r))) missing.push(r);
  const workers = opts.workers ?? opts.defaultWorkers;
  if (missing.length && workers > 1) {
    await runJobs(
      missing.map((r) => ({ label: requestLabel(r), request: { ...r, kind: "pretrain" } })),
      { workers, log: opts.log },
    );
  }
  const out = [];
  for (const r of reqs) out.push({ request: r, result: await pretrain(r) });
  return out;
}

/**
 * Makes sure every request's QA-finetune result exists. Missing runs go to worker processes
 * (`workers` > 1), grouped so that requests sharing a pretrained model run in one process one after
 * the other (the second reuses the first's pretraining from the cache). Then returns all results.
 */
export async function ensureQA(
  reqs: FinetuneRequest[],
  opts: FindingRunOptions & { defaultWorkers: number },
) {
  const missing: FinetuneRequest[] = [];
  for (const r of reqs) if (!(await isCached(r))) missing.push(r);
  const workers = opts.workers ?? opts.defaultWorkers;
  if (missing.length && workers > 1) {
    // Requests of one pretrained model go to one worker, in order.
    const groups = new Map<string, FinetuneRequest[]>();
    for (const r of missing) {
      const k = JSON.stringify(pretrainSpec(r));
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    await runJobs(
      [...groups.values()].map((g) => ({
        label: requestLabel(g[0]) + (g.length > 1 ? ` (+${g.length - 1})` : ""),
        request: g.map((r): WorkerRequest => ({ ...r, kind: "qa" })),
      })),
      { workers, log: opts.log },
    );
  }
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

/** Mean and sample standard deviation. */
export function meanStd(xs: number[]): { mean: number; std: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
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
  const v = Deno.env.get("PLM_ROWS")?.trim();
  return v ? v.split(",").map((s) => s.trim()).filter(Boolean) : [...fallback];
}

/** Seeds per row from `PLM_SEEDS` (a positive integer), else undefined (the preset's default). */
export function seedsFromEnv(): number | undefined {
  const v = Deno.env.get("PLM_SEEDS")?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`PLM_SEEDS must be a positive integer, got "${v}"`);
  }
  return n;
}

/**
 * `PLM_ONLY_CACHED=1`: a notebook draws what the cache already holds instead of running what is
 * missing (e.g. to redraw a figure from a partial sweep); every figure records its seeds per row.
 */
export function onlyCachedFromEnv(): boolean {
  const v = Deno.env.get("PLM_ONLY_CACHED")?.trim();
  return v === "1" || v === "true";
}

/** Keeps the requests whose finetune results are cached; throws if a row has none left. */
export async function cachedOnly<R extends FinetuneRequest>(reqs: R[]): Promise<R[]> {
  const kept: R[] = [];
  for (const r of reqs) if (await isCached(r)) kept.push(r);
  for (const row of new Set(reqs.map((r) => r.config))) {
    if (!kept.some((r) => r.config === row)) {
      throw new Error(`no cached run for row "${row}" (PLM_ONLY_CACHED is set): run it first`);
    }
  }
  return kept;
}
