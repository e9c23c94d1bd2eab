/**
 * Golden traces: the exact numbers each stage of the engine computes on a fixed, tiny input, on
 * the CPU backend (plain JavaScript, so the same bytes on every machine of the project's kind).
 * They pin the stage versions of `versions.ts`: a run's cache key names the versions of the stages
 * it depends on instead of hashing their source text, so a refactor that leaves every trace as it
 * is keeps every finished run, and a change that moves a trace fails `golden_test.ts` until the
 * stage's version is bumped (which re-keys exactly the runs that depend on it).
 *
 * Each case runs the same public function a finding runs (`pretrain`, `qaFinetune`, `mixedTrain`,
 * `pProbe`, `qProbe`) at `smoke` size with a handful of steps, in a throwaway cache. Traces keep
 * the numbers (losses, accuracies, a checksum of the final weights) and drop what varies between
 * machines (timings, folders, backend names) or is not a computed number (specs, cache keys).
 *
 * `deno task golden` compares; `deno task golden --update` re-records every case (after a bump).
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BIO_CONFIGS } from "../data/bios.ts";
import { generateDataset } from "../data/dataset.ts";
import { initBackend } from "../model/backend.ts";
import { bioDocs, qaDocs, tokenizeBio } from "../tokenizer/docs.ts";
import { latestCheckpoint, loadCheckpoint } from "../train/checkpoint.ts";
import { qaAccuracy, qaSpanItems, teacherForcedAccuracy } from "../eval/metrics.ts";
import { canonicalJson, setResultsDir, setRunsDir } from "./cache.ts";
import {
  bioEvalItems,
  buildModel,
  datasetFor,
  type FinetuneRequest,
  loadPretrained,
  pretrain,
  qaEvalItems,
  qaFinetune,
  resolvePreset,
  type RunRequest,
} from "./experiments.ts";
import { mixedTrain } from "./mixed.ts";
import { pProbe, qProbe } from "./probes.ts";
import { type Stage, STAGE_VERSIONS } from "./versions.ts";

/** Where the recorded traces live: one JSON file per case. */
export const GOLDEN_DIR: string = join(dirname(fileURLToPath(import.meta.url)), "golden");

/** One golden case: what it computes and the stages whose numerics it pins. */
export interface GoldenCase {
  name: string;
  /** Every stage whose code the trace runs through; a change of the trace needs a bump of one. */
  stages: readonly Stage[];
  /** Computes the trace (run in the order of {@linkcode GOLDEN_CASES}: later cases reuse runs). */
  compute: () => Promise<unknown>;
}

/** A recorded trace: the case, the versions it was recorded at, the numbers. */
export interface GoldenRecord {
  case: string;
  versions: Partial<Record<Stage, number>>;
  trace: unknown;
}

/** sha256 (16 hex) of bytes or of a value's canonical JSON. */
function sha(value: Uint8Array | unknown): string {
  const h = createHash("sha256");
  h.update(value instanceof Uint8Array ? value : canonicalJson(value));
  return h.digest("hex").slice(0, 16);
}

/** The small population the data and tokenizer traces are taken on. */
const DATA = { people: 40, seed: 3 };

/** The `smoke` run every training case starts from: about 20 pretraining steps. */
const RUN: RunRequest = {
  preset: "smoke",
  config: "multi2+permute",
  seed: 1,
  overrides: { pretrain: { exposures: 7, batchSize: 4 } },
};

/** sha256 of the final parameters of a pretraining run, in name order. */
async function weightsHash(dir: string): Promise<string> {
  const path = await latestCheckpoint(join(dir, "ckpt"));
  if (!path) throw new Error(`golden: pretraining run ${dir} has no checkpoint`);
  const ck = await loadCheckpoint(path);
  const h = createHash("sha256");
  for (const key of Object.keys(ck.tensors).filter((k) => k.startsWith("param/")).sort()) {
    const t = ck.tensors[key];
    h.update(key);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest("hex").slice(0, 16);
}

/** The numbers of a training summary (the curve's losses, the final loss), without timings. */
function trainingTrace(t: { steps: number; finalLoss: number; curve: { loss: number }[] }) {
  return { steps: t.steps, finalLoss: t.finalLoss, losses: t.curve.map((c) => c.loss) };
}

/** The cases, in the order they run. */
export const GOLDEN_CASES: readonly GoldenCase[] = [
  {
    name: "data",
    stages: ["data"],
    compute: () => {
      const out: Record<string, string> = {};
      for (const config of BIO_CONFIGS) {
        const ds = generateDataset({ config, ...DATA });
        out[config] = sha({ people: ds.people, bios: ds.bios, qa: ds.qa });
      }
      const cel = generateDataset({ config: "single", ...DATA, celebrities: { count: 10 } });
      out["single+celebrities10"] = sha({ people: cel.people, bios: cel.bios, qa: cel.qa });
      return Promise.resolve(out);
    },
  },
  {
    name: "tokenizer",
    stages: ["data", "tokenizer"],
    compute: () => {
      const out: Record<string, unknown> = {};
      for (const config of ["single", "multi5+permute+fullname", "couple2"]) {
        const ds = generateDataset({ config, ...DATA });
        const ids = (docs: { ids: Int32Array; targets?: ArrayLike<number> }[]) =>
          docs.map((d) => [Array.from(d.ids), d.targets ? Array.from(d.targets) : null]);
        out[config] = {
          vocabSize: ds.vocab.size,
          tokens: ds.tokenStats.minority.total,
          bio: sha(ids(bioDocs(ds.bios, ds.vocab))),
          qa: sha(ids(qaDocs(ds.qa, ds.vocab))),
          spans: sha(ds.bios.map((b) => tokenizeBio(b, ds.vocab).valueTokens)),
        };
      }
      return Promise.resolve(out);
    },
  },
  {
    name: "pretrain",
    stages: ["data", "tokenizer", "model", "train"],
    compute: async () => {
      const r = await pretrain(RUN, { progress: false });
      return { ...trainingTrace(r.training), weights: await weightsHash(r.dir) };
    },
  },
  {
    name: "eval",
    stages: ["data", "tokenizer", "model", "train", "eval"],
    compute: async () => {
      const r = await pretrain(RUN, { progress: false });
      const p = resolvePreset(RUN);
      const ds = datasetFor(RUN.config, p.people, RUN.seed);
      const model = buildModel(p, ds, RUN.seed);
      try {
        await loadPretrained(model, r.dir);
        const qa = qaEvalItems(ds).slice(0, 24);
        return {
          memorization: r.memorization,
          bioFirstEntry1: await teacherForcedAccuracy(model, bioEvalItems(ds, { entry: 1 }), {
            mode: "first",
          }),
          qaWhole: await teacherForcedAccuracy(model, qaSpanItems(qa), { mode: "whole" }),
          greedy: await qaAccuracy(model, qa, { decoding: "greedy" }),
          beam: await qaAccuracy(model, qa, { decoding: "beam", beams: 3 }),
        };
      } finally {
        model.dispose();
      }
    },
  },
  {
    name: "finetune",
    stages: ["data", "tokenizer", "model", "train", "eval"],
    compute: async () => {
      const out: Record<string, unknown> = {};
      for (const method of ["lora", "full"] as const) {
        const req: FinetuneRequest = { ...RUN, finetune: { method, epochs: 2 } };
        const r = await qaFinetune(req, { progress: false });
        out[method] = {
          training: trainingTrace(r.training),
          trainableParams: r.trainableParams,
          qa: r.qa,
          curve: r.curve,
        };
      }
      return out;
    },
  },
  {
    name: "mixed",
    stages: ["data", "tokenizer", "model", "train", "eval", "mixed"],
    compute: async () => {
      const r = await mixedTrain({ ...RUN, QAr: 0.5, stepsFactor: 0.5, curvePoints: 2 }, {
        progress: false,
      });
      return { finalLoss: r.finalLoss, qa: r.qa, memorization: r.memorization, curve: r.curve };
    },
  },
  {
    name: "probe",
    stages: ["data", "tokenizer", "model", "train", "probe"],
    compute: async () => {
      const out: Record<string, unknown> = {};
      const strip = (
        t: { steps: number; batchSize: number; firstLoss: number; finalLoss: number },
      ) => ({
        steps: t.steps,
        batchSize: t.batchSize,
        firstLoss: t.firstLoss,
        finalLoss: t.finalLoss,
      });
      // Each probe with both classifiers, with and without the embedding update.
      const settings = [["readout", 0], ["linear", 2]] as const;
      for (const [classifier, rank] of settings) {
        const p = await pProbe(RUN, { classifier, rank, steps: 3 }, { progress: false });
        out[`p/${classifier}/r${rank}`] = {
          training: strip(p.training),
          tasks: p.tasks,
          cells: p.cells,
          trainableParams: p.trainableParams,
        };
      }
      for (const [classifier, rank] of settings) {
        const q = await qProbe(RUN, { classifier, rank: 2 - rank, steps: 3 }, { progress: false });
        out[`q/${classifier}/r${2 - rank}`] = {
          training: strip(q.training),
          rows: q.rows,
          trainableParams: q.trainableParams,
        };
      }
      return out;
    },
  },
];

/** The versions a case depends on, as `versions.ts` states them now. */
export function caseVersions(c: GoldenCase): Partial<Record<Stage, number>> {
  return Object.fromEntries(c.stages.map((s) => [s, STAGE_VERSIONS[s]]));
}

/** The recorded file of a case. */
export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, `${name}.json`);
}

/**
 * Computes every case's trace on the CPU backend, in a throwaway cache (nothing is read from or
 * written to the user's runs or the committed results). The process must not have chosen another
 * backend before.
 */
export async function computeTraces(
  opts: { only?: readonly string[] } = {},
): Promise<Map<string, unknown>> {
  const info = await initBackend({ backend: "cpu", quiet: true });
  if (info.name !== "cpu") throw new Error(`golden traces need the cpu backend, got ${info.name}`);
  const dir = await Deno.makeTempDir({ prefix: "plm-golden-" });
  setRunsDir(dir);
  setResultsDir(null);
  const out = new Map<string, unknown>();
  try {
    for (const c of GOLDEN_CASES) {
      if (opts.only && !opts.only.includes(c.name)) continue;
      out.set(c.name, await c.compute());
    }
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
  return out;
}

/** The first path at which two JSON values differ, e.g. `finetune.lora.qa[3].accuracy`. */
export function firstDifference(a: unknown, b: unknown, path = ""): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path || "(root)"}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      sub,
    );
    if (d) return d;
  }
  return undefined;
}

/**
 * Checks a computed trace against its record. Returns undefined when they agree, else the reason,
 * worded as what to do: bump a version (the numbers moved and the versions did not), or re-record
 * (the versions moved, so the record is stale).
 */
export function checkTrace(
  c: GoldenCase,
  record: GoldenRecord | undefined,
  trace: unknown,
): string | undefined {
  const now = caseVersions(c);
  if (!record) return `no record of golden case "${c.name}": run \`deno task golden --update\``;
  // A trace written to JSON and read back compares as the record does (no undefined, no -0).
  const computed = JSON.parse(JSON.stringify(trace));
  const diff = firstDifference(record.trace, computed);
  const bumped = canonicalJson(record.versions) !== canonicalJson(now);
  if (diff && !bumped) {
    return `golden case "${c.name}" changed without a version bump (${diff}). If the change is ` +
      `intended, bump the version of the stage it touches in lib/runs/versions.ts (one of ` +
      `${c.stages.join(", ")}) and run \`deno task golden --update\`; otherwise a refactor moved ` +
      `the numbers.`;
  }
  if (bumped) {
    return `golden case "${c.name}" was recorded at ${canonicalJson(record.versions)}, the code ` +
      `says ${canonicalJson(now)}: run \`deno task golden --update\`` +
      (diff ? ` (the trace moved too: ${diff})` : "");
  }
  return undefined;
}

/** Reads a case's record, or undefined when it is missing. */
export async function readRecord(name: string): Promise<GoldenRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(goldenPath(name))) as GoldenRecord;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
