/**
 * Checkpoints: weights, optimizer moments, the step, the BatchSource state and RNG state, in one
 * directory per step (`<dir>/step-00000100/{meta.json, tensors.bin}`).
 *
 * Writes are atomic: everything goes to a temporary directory, each file and the directory are
 * fsynced, then the directory is renamed into place, so a crash never leaves a half-written
 * checkpoint under a real name. `tensors.bin` carries a SHA-256 in meta.json, and loading checks
 * it, the config hash and every shape, throwing a clear error on any mismatch.
 * @module
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";

/** Format version written into meta.json. */
export const CHECKPOINT_VERSION = 1;

/** A named float32 tensor as stored in a checkpoint. */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

/** Everything a checkpoint holds. */
export interface CheckpointData {
  /** Optimizer steps done. */
  step: number;
  /** Hash of the model config and trainable shapes (see {@linkcode configHash}). */
  configHash: string;
  /** Tensors by key (e.g. "param/wte", "adamw.m/0"). */
  tensors: Record<string, StoredTensor>;
  /** Any JSON-serializable state: BatchSource state, RNG state, optimizer step, history, ... */
  state: Record<string, unknown>;
}

/** A stable short hash of a JSON value (object keys sorted). */
export function configHash(value: unknown): string {
  const stable = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(stable);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash("sha256").update(JSON.stringify(stable(value))).digest("hex").slice(0, 16);
}

const STEP_DIR = /^step-(\d+)$/;

function stepDirName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await fs.open(file, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a checkpoint atomically under `dir` and returns its path. Keeps the newest `keep`
 * checkpoints (default 2) and removes older ones.
 */
export async function saveCheckpoint(
  dir: string,
  data: CheckpointData,
  opts: { keep?: number } = {},
): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const entries = Object.entries(data.tensors);
  const total = entries.reduce((n, [, t]) => n + t.data.length, 0);
  const bin = new Float32Array(total);
  const index: { key: string; shape: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [key, t] of entries) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new Error(
        `saveCheckpoint: tensor "${key}" has ${t.data.length} values for shape [${t.shape}]`,
      );
    }
    bin.set(t.data, offset);
    index.push({ key, shape: t.shape, offset, length: t.data.length });
    offset += t.data.length;
  }
  const bytes = new Uint8Array(bin.buffer);
  const meta = {
    version: CHECKPOINT_VERSION,
    step: data.step,
    configHash: data.configHash,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    bytes: bytes.length,
    tensors: index,
    state: data.state,
  };
  const final = path.join(dir, stepDirName(data.step));
  const tmp = path.join(dir, `.tmp-${stepDirName(data.step)}-${Deno.pid}-${Date.now()}`);
  await fs.mkdir(tmp);
  await writeSynced(path.join(tmp, "tensors.bin"), bytes);
  await writeSynced(path.join(tmp, "meta.json"), JSON.stringify(meta));
  await syncDir(tmp);
  if (await exists(final)) {
    // Re-saving a step: move the old one aside first (rename cannot replace a non-empty dir).
    const old = `${tmp}-old`;
    await fs.rename(final, old);
    await fs.rename(tmp, final);
    await fs.rm(old, { recursive: true, force: true });
  } else {
    await fs.rename(tmp, final);
  }
  await syncDir(dir);
  const keep = opts.keep ?? 2;
  const all = await listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) {
    await fs.rm(c.path, { recursive: true, force: true });
  }
  return final;
}

/** Checkpoints under `dir`, oldest first (an absent dir has none). */
export async function listCheckpoints(dir: string): Promise<{ step: number; path: string }[]> {
  const out: { step: number; path: string }[] = [];
  try {
    for await (const e of await fs.opendir(dir)) {
      const m = STEP_DIR.exec(e.name);
      if (e.isDirectory() && m) out.push({ step: Number(m[1]), path: path.join(dir, e.name) });
    }
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return [];
    throw e;
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The newest checkpoint's path under `dir`, or undefined. */
export async function latestCheckpoint(dir: string): Promise<string | undefined> {
  const all = await listCheckpoints(dir);
  return all.at(-1)?.path;
}

/** What {@linkcode loadCheckpoint} checks. */
export interface LoadCheckOptions {
  /** The hash the checkpoint must have been written with. */
  configHash?: string;
  /** Expected shapes by tensor key; each must be present with this shape. */
  shapes?: Record<string, number[]>;
}

/**
 * Reads a checkpoint directory, verifying its checksum, config hash and shapes. Throws an Error
 * that names the checkpoint and the problem when it is corrupted or does not match.
 */
export async function loadCheckpoint(
  checkpointPath: string,
  opts: LoadCheckOptions = {},
): Promise<CheckpointData> {
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${checkpointPath}: ${why}`);
  };
  let metaText: string;
  try {
    metaText = await fs.readFile(path.join(checkpointPath, "meta.json"), "utf8");
  } catch {
    return fail("meta.json is missing or unreadable (corrupted or not a checkpoint)");
  }
  // deno-lint-ignore no-explicit-any
  let meta: any;
  try {
    meta = JSON.parse(metaText);
  } catch {
    return fail("meta.json is not valid JSON (corrupted checkpoint)");
  }
  if (meta?.version !== CHECKPOINT_VERSION) {
    fail(`unsupported format version ${meta?.version} (expected ${CHECKPOINT_VERSION})`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path.join(checkpointPath, "tensors.bin"));
  } catch {
    return fail("tensors.bin is missing (corrupted checkpoint)");
  }
  if (bytes.length !== meta.bytes) {
    fail(
      `tensors.bin has ${bytes.length} bytes, meta.json says ${meta.bytes} (corrupted checkpoint)`,
    );
  }
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== meta.sha256) fail("tensors.bin checksum mismatch (corrupted checkpoint)");
  if (opts.configHash !== undefined && meta.configHash !== opts.configHash) {
    fail(
      `it was written for config hash ${meta.configHash}, but this model/trainable set has ${opts.configHash}`,
    );
  }
  // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
  const all = new Float32Array(new Uint8Array(bytes).buffer);
  const tensors: Record<string, StoredTensor> = {};
  for (
    const t of meta.tensors as { key: string; shape: number[]; offset: number; length: number }[]
  ) {
    tensors[t.key] = { shape: t.shape, data: all.slice(t.offset, t.offset + t.length) };
  }
  for (const [key, shape] of Object.entries(opts.shapes ?? {})) {
    const t = tensors[key];
    if (!t) fail(`tensor "${key}" is missing`);
    if (t.shape.join(",") !== shape.join(",")) {
      fail(`tensor "${key}" has shape [${t.shape}], expected [${shape}]`);
    }
  }
  return { step: meta.step, configHash: meta.configHash, tensors, state: meta.state ?? {} };
}
