/**
 * The results cache. A run is a plain JSON spec; its key is a hash of that spec plus the versions
 * of the engine stages it depends on (versions.ts), so rerunning a notebook reuses finished runs,
 * an interrupted sweep continues where it stopped (checkpoints live in the run's folder), changing
 * any setting never reuses a stale result, and a refactor of the engine keeps them all.
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic } from "../util/fs.ts";
import { envString } from "../config/env.ts";
import { kindVersions, type RunKind, type Stage } from "./versions.ts";

const LIB = dirname(dirname(fileURLToPath(import.meta.url)));
/** Repository root (parent of lib/). */
export const ROOT: string = dirname(LIB);
let runsDirOverride: string | undefined;

/**
 * Sets (or with undefined clears) the cache folder for this module instance, e.g. a temp folder in
 * a test. Unlike the PLM_RUNS_DIR environment variable this is not shared with test files that run
 * in parallel in the same process.
 */
export function setRunsDir(dir: string | undefined): void {
  runsDirOverride = dir;
}

/** Where runs are cached (ignored by git): `setRunsDir`, else PLM_RUNS_DIR, else data/runs. */
export function runsDir(): string {
  return runsDirOverride ?? envString("PLM_RUNS_DIR") ?? join(ROOT, "data", "runs");
}

let resultsDirOverride: string | null | undefined;
/**
 * Sets the committed results folder for this module instance (a path, `null` for none, or
 * undefined to go back to the default), e.g. in a test.
 */
export function setResultsDir(dir: string | null | undefined): void {
  resultsDirOverride = dir;
}

/**
 * The committed results (`data/results/`, tracked by git): finished runs copied there by
 * `deno task archive`, with the final weights of pretraining runs, so that a fresh clone draws
 * every figure without retraining and a sweep longer than one sitting grows across machines.
 * They are looked up after the local cache, under the same keys (so a changed engine never reuses
 * them). `PLM_RESULTS=off` ignores them: every run is recomputed from scratch; `PLM_RESULTS=DIR`
 * reads another folder.
 */
export function resultsDir(): string | undefined {
  if (resultsDirOverride !== undefined) return resultsDirOverride ?? undefined;
  const v = envString("PLM_RESULTS");
  if (v === "off" || v === "0" || v === "false") return undefined;
  return v || join(ROOT, "data", "results");
}

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]));
    }
    return v;
  });
}

/**
 * The packages that compute a run (the tensor library and the tokenizer), read from the exact
 * versions `deno.json` imports (`deno.lock` pins their contents): a new version of any of them
 * re-keys every run, since its numbers may differ.
 */
export const COMPUTE_PACKAGES = [
  "@tensorflow/tfjs",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "gpt-tokenizer",
] as const;

let packagesMemo: Record<string, string> | undefined;
/** The pinned versions of {@linkcode COMPUTE_PACKAGES}, from deno.json's `imports`. */
export function packageVersions(): Record<string, string> {
  if (packagesMemo) return packagesMemo;
  const path = join(ROOT, "deno.json");
  const imports = (JSON.parse(Deno.readTextFileSync(path)).imports ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const name of COMPUTE_PACKAGES) {
    const m = /^npm:.+@(\d[^@]*)$/.exec(imports[name] ?? "");
    if (!m) {
      throw new Error(
        `${path}: imports["${name}"] must pin an exact npm version ("npm:${name}@x.y.z"), ` +
          `got ${JSON.stringify(imports[name])}`,
      );
    }
    out[name] = m[1];
  }
  return packagesMemo = out;
}

/**
 * The cache key of a run: sha256 (16 hex) of its canonical spec, the versions of the stages its
 * kind depends on (`KIND_STAGES` in versions.ts) and the pinned packages. No source text is
 * hashed: a refactor keeps every finished run; the golden traces (golden.ts) make sure that a
 * change of numbers comes with a version bump, which re-keys exactly the runs downstream of it.
 */
export function runKey(kind: RunKind, spec: unknown): string {
  const h = createHash("sha256");
  h.update(canonicalJson({ spec, versions: kindVersions(kind), packages: packageVersions() }));
  return h.digest("hex").slice(0, 16);
}

/** What a run folder's spec.json holds: everything its key was computed from. */
export interface StoredSpec {
  kind: RunKind;
  versions: Partial<Record<Stage, number>>;
  packages: Record<string, string>;
  spec: Record<string, unknown>;
  /** Runs keyed before stage versions existed: the hash of the engine source they ran with. */
  code?: string;
}

/** The spec.json of a run (its key is `runKey(kind, spec)`). */
export function storedSpec(kind: RunKind, spec: unknown): StoredSpec {
  return {
    kind,
    versions: kindVersions(kind),
    packages: packageVersions(),
    spec: spec as Record<string, unknown>,
  };
}

/** Reads JSON, or undefined when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** A cached run's folder: spec.json, result.json (when finished) and any checkpoints. */
export interface RunDir {
  key: string;
  dir: string;
  resultPath: string;
}

/** The folder of a run of `kind` with `spec` (in `root`, default the local cache). */
export function runDir(kind: RunKind, spec: unknown, opts: { root?: string } = {}): RunDir {
  const key = runKey(kind, spec);
  const dir = join(opts.root ?? runsDir(), kind, key);
  return { key, dir, resultPath: join(dir, "result.json") };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The folder holding the finished result of a spec: the local cache first, then the committed
 * results; undefined when neither has it.
 */
export async function finishedRun(kind: RunKind, spec: unknown): Promise<RunDir | undefined> {
  for (const root of [runsDir(), resultsDir()]) {
    if (root === undefined) continue;
    const rd = runDir(kind, spec, { root });
    if (await exists(rd.resultPath)) return rd;
  }
  return undefined;
}

/**
 * Returns the cached result of a spec, computing it with `compute(dir)` when absent. `compute`
 * may leave checkpoints in `dir` so that a killed run resumes there; the result is written last,
 * atomically, so its presence means "finished".
 */
export async function cached<R>(
  kind: RunKind,
  spec: unknown,
  compute: (dir: RunDir) => Promise<R>,
): Promise<R & { cacheKey: string; cached: boolean }> {
  const done = await finishedRun(kind, spec);
  if (done) {
    const hit = await readJsonIfExists<R>(done.resultPath);
    if (hit !== undefined) {
      // A result that names its own folder (weights live there) is read wherever the folder is
      // now: the local cache, the committed results, or a clone at another path.
      const dir = (hit as { dir?: unknown }).dir;
      const moved = typeof dir === "string" ? { dir: done.dir } : {};
      return { ...hit, ...moved, cacheKey: done.key, cached: true };
    }
  }
  const rd = runDir(kind, spec);
  await Deno.mkdir(rd.dir, { recursive: true });
  await writeJsonAtomic(join(rd.dir, "spec.json"), storedSpec(kind, spec));
  const result = await compute(rd);
  await writeJsonAtomic(rd.resultPath, result);
  return { ...result, cacheKey: rd.key, cached: false };
}
