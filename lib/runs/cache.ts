/**
 * The results cache. A run is a plain JSON spec; its key is a hash of that spec plus the engine's
 * code version, so rerunning a notebook reuses finished runs, an interrupted sweep continues where
 * it stopped (checkpoints live in the run's folder), and changing any setting or any engine source
 * file never reuses a stale result.
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic } from "../util/fs.ts";

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
  return runsDirOverride ?? Deno.env.get("PLM_RUNS_DIR") ?? join(ROOT, "data", "runs");
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
  const v = Deno.env.get("PLM_RESULTS")?.trim();
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
 * Folders (under lib/) whose source decides every run's result; a change to any of them
 * invalidates the cache. A kind of run adds its own files (see `cached`'s `code` option), so new
 * kinds of runs (probes, mixed training) do not discard finished ones.
 */
export const ENGINE_FOLDERS = ["data", "tokenizer", "model", "train", "eval"];

/**
 * Files left out of the code version: the backend layer computes the same functions whatever its
 * kernels (each is tested against the CPU backend), so a speed-up must not discard finished runs.
 * Every result records the backend it ran on.
 */
export const CODE_VERSION_EXCLUDES = [
  "model/kernels/",
  "model/backend.ts",
  "model/wasm_threads.ts",
];

const codeVersionMemo = new Map<string, string>();
/**
 * sha256 (16 hex) over the engine's source files (tests excluded) plus `extra` paths under lib/
 * (files or folders), in sorted path order.
 */
export function codeVersion(extra: readonly string[] = []): string {
  const memoKey = extra.join("|");
  const memo = codeVersionMemo.get(memoKey);
  if (memo) return memo;
  const h = createHash("sha256");
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory) walk(p);
      else if (
        e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") &&
        !CODE_VERSION_EXCLUDES.some((x) => relative(LIB, p).startsWith(x))
      ) files.push(p);
    }
  };
  for (const f of [...ENGINE_FOLDERS, ...extra]) {
    const p = join(LIB, f);
    if (f.endsWith(".ts")) files.push(p);
    else walk(p);
  }
  files.sort();
  for (const f of files) {
    h.update(relative(LIB, f));
    h.update("\0");
    h.update(Deno.readFileSync(f));
    h.update("\0");
  }
  const version = h.digest("hex").slice(0, 16);
  codeVersionMemo.set(memoKey, version);
  return version;
}

/** The cache key of a spec: sha256 (16 hex) of its canonical JSON and the code version. */
export function runKey(spec: unknown, opts: { code?: string } = {}): string {
  const h = createHash("sha256");
  h.update(canonicalJson(spec));
  h.update("\0");
  h.update(opts.code ?? codeVersion());
  return h.digest("hex").slice(0, 16);
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

/** The folder of a spec (kind = "pretrain", "finetune", ...); `code` as in {@linkcode runKey}. */
export function runDir(
  kind: string,
  spec: unknown,
  opts: { code?: string; root?: string } = {},
): RunDir {
  const key = runKey(spec, opts);
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
export async function finishedRun(
  kind: string,
  spec: unknown,
  opts: { code?: string } = {},
): Promise<RunDir | undefined> {
  for (const root of [runsDir(), resultsDir()]) {
    if (root === undefined) continue;
    const rd = runDir(kind, spec, { ...opts, root });
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
  kind: string,
  spec: unknown,
  compute: (dir: RunDir) => Promise<R>,
  opts: { code?: string } = {},
): Promise<R & { cacheKey: string; cached: boolean }> {
  const done = await finishedRun(kind, spec, opts);
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
  const rd = runDir(kind, spec, opts);
  await Deno.mkdir(rd.dir, { recursive: true });
  await writeJsonAtomic(join(rd.dir, "spec.json"), {
    kind,
    code: opts.code ?? codeVersion(),
    spec,
  });
  const result = await compute(rd);
  await writeJsonAtomic(rd.resultPath, result);
  return { ...result, cacheKey: rd.key, cached: false };
}
