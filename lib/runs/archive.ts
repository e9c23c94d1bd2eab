/**
 * Archiving finished runs into the committed results (`data/results/`, see `resultsDir` in
 * cache.ts). A tiny sweep is longer than one sitting on a laptop, and the local cache is not kept
 * across machines; the archive is what a fresh clone reuses, under the same keys as the cache.
 *
 * What is kept: each run's `spec.json` and `result.json`; for pretraining runs also the final
 * weights (a checkpoint without optimizer moments, ~3 MB at `tiny`), since finetuning, probing and
 * the finetuning grid start from them. Only runs whose key matches the current stage versions are
 * archived: a run of an older engine could never be looked up again.
 * @module
 */
import { join } from "node:path";
import { PRESET_CONFIGS, presetWith, rowOverrides } from "../config/presets.ts";
import type { PresetName } from "../config/preset.ts";
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from "../train/checkpoint.ts";
import { readJsonIfExists, resultsDir, runKey, runsDir, type StoredSpec } from "./cache.ts";
import { RUN_KINDS } from "./versions.ts";
import { writeJsonAtomic } from "../util/fs.ts";

/**
 * The preset a cached spec was run at, from its people count and model shape (the pretraining
 * part of the spec: at the top level or under `pretrain`), the row's own overrides allowed (a wider
 * window, `rowOverrides`) and any architecture (`model.arch`); undefined when none matches.
 *
 * A run that changes only the scale levers of a preset (people, layers, heads, width, passes and
 * peak lr: the points of lib/findings/scale.ts) belongs to the preset whose window, vocabulary and
 * batch it keeps; an exact match is looked for first.
 */
export function presetOfSpec(spec: Record<string, unknown>): PresetName | undefined {
  const base = (spec.pretrain as Record<string, unknown> | undefined)?.model
    ? spec.pretrain as Record<string, unknown>
    : spec;
  // The architecture (model.arch, absent for the GPT) is not part of a preset's shape.
  const { arch: _arch, ...shape } = (base.model ?? {}) as Record<string, unknown>;
  const model = JSON.stringify(shape);
  const expectedModel = (name: string, p: (typeof PRESET_CONFIGS)[PresetName]) => {
    const celebrities = (base.celebrities as { config?: unknown } | undefined)?.config;
    const own = typeof base.config === "string"
      ? rowOverrides(name as PresetName, base.config, {
        celebrities: typeof celebrities === "string" ? celebrities : undefined,
      })
      : undefined;
    return own ? presetWith(p, own).model : p.model;
  };
  for (const [name, p] of Object.entries(PRESET_CONFIGS)) {
    if (base.people === p.people && model === JSON.stringify(expectedModel(name, p))) {
      return name as PresetName;
    }
  }
  const train = (base.pretrain ?? {}) as Record<string, unknown>;
  for (const [name, p] of Object.entries(PRESET_CONFIGS)) {
    const m = expectedModel(name, p);
    if (
      shape.seqLen === m.seqLen && shape.vocab === m.vocab &&
      train.batchSize === p.pretrain.batchSize && train.warmupFrac === p.pretrain.warmupFrac &&
      train.weightDecay === p.pretrain.weightDecay
    ) return name as PresetName;
  }
  return undefined;
}

/** One archived run. */
export interface ArchivedRun {
  kind: string;
  key: string;
  /** Bytes written (spec, result and weights). */
  bytes: number;
  /** False when it was already in the archive. */
  added: boolean;
}

/** Options of {@linkcode archiveRuns}. */
export interface ArchiveOptions {
  /** The local cache to read (default: `runsDir()`). */
  from?: string;
  /** The archive to write (default: `resultsDir()`, i.e. data/results). */
  to?: string;
}

/**
 * Copies every finished run of `preset` from the local cache into the archive (runs already there
 * are left as they are) and returns what it holds for that preset now.
 */
export async function archiveRuns(
  preset: PresetName,
  opts: ArchiveOptions = {},
): Promise<ArchivedRun[]> {
  const from = opts.from ?? runsDir();
  const to = opts.to ?? resultsDir();
  if (!to) throw new Error("no results folder: PLM_RESULTS is off; set it to a folder");
  const out: ArchivedRun[] = [];
  for (const kind of RUN_KINDS) {
    for (const key of await listDirs(join(from, kind))) {
      const src = join(from, kind, key);
      const stored = await readJsonIfExists<StoredSpec>(join(src, "spec.json"));
      const result = await readJsonIfExists<Record<string, unknown>>(join(src, "result.json"));
      if (!stored || !result) continue; // unfinished
      if (presetOfSpec(stored.spec) !== preset) continue;
      if (runKey(kind, stored.spec) !== key) continue; // a run of older stage versions
      const dst = join(to, kind, key);
      if (await readJsonIfExists(join(dst, "result.json"))) {
        out.push({ kind, key, bytes: 0, added: false });
        continue;
      }
      let bytes = 0;
      if (kind === "pretrain") {
        bytes += await copyFinalWeights(join(src, "ckpt"), join(dst, "ckpt"));
      }
      // The result is written last, as in the cache: its presence means "complete".
      await writeJsonAtomic(join(dst, "spec.json"), stored);
      const moved = typeof result.dir === "string"
        ? { dir: join("data", "results", kind, key) }
        : {};
      await writeJsonAtomic(join(dst, "result.json"), { ...result, ...moved });
      for (const f of ["spec.json", "result.json"]) bytes += (await Deno.stat(join(dst, f))).size;
      out.push({ kind, key, bytes, added: true });
    }
  }
  return out;
}

/** Writes the parameters of the newest checkpoint in `src` as a checkpoint in `dst`; bytes. */
async function copyFinalWeights(src: string, dst: string): Promise<number> {
  const path = await latestCheckpoint(src);
  if (!path) throw new Error(`finished pretraining run without a checkpoint: ${src}`);
  const ck = await loadCheckpoint(path);
  const params = Object.fromEntries(
    Object.entries(ck.tensors).filter(([k]) => k.startsWith("param/")),
  );
  if (!Object.keys(params).length) throw new Error(`checkpoint ${path} holds no parameters`);
  const written = await saveCheckpoint(dst, {
    step: ck.step,
    configHash: ck.configHash,
    tensors: params,
    state: {},
  }, { keep: 1 });
  let bytes = 0;
  for await (const e of Deno.readDir(written)) {
    bytes += (await Deno.stat(join(written, e.name))).size;
  }
  return bytes;
}

async function listDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

/** One archived run that no key of today's engine reaches (see {@linkcode pruneArchive}). */
export interface StaleRun {
  kind: string;
  key: string;
  /** The stage versions it was keyed with. */
  versions: unknown;
}

/**
 * Removes from the archive every run whose folder is not the key of its spec under today's stage
 * versions: after a version bump those runs can never be looked up again (their successors are
 * computed under new keys). With `dryRun` it only lists them.
 */
export async function pruneArchive(
  opts: { dir?: string; dryRun?: boolean } = {},
): Promise<StaleRun[]> {
  const root = opts.dir ?? resultsDir();
  if (!root) throw new Error("no results folder: PLM_RESULTS is off; set it to a folder");
  const stale: StaleRun[] = [];
  for (const kind of RUN_KINDS) {
    for (const key of await listDirs(join(root, kind))) {
      const stored = await readJsonIfExists<StoredSpec>(join(root, kind, key, "spec.json"));
      if (stored && runKey(kind, stored.spec) === key) continue;
      stale.push({ kind, key, versions: stored?.versions ?? null });
      if (!opts.dryRun) await Deno.remove(join(root, kind, key), { recursive: true });
    }
  }
  return stale;
}
