/**
 * One-time migration of the committed results (`data/results/`) from source-hash keys to
 * stage-version keys (lib/runs/versions.ts), with no recompute:
 *
 *   deno run -A tools/rekey_archive.ts [--commit 3cee91a] [--dry-run]
 *
 * Before stage versions, a run's key hashed its spec with the sha256 of the engine's source text
 * (`codeVersion` in lib/runs/cache.ts at `--commit`). For every archived run this script first
 * proves that it was produced by the engine of that commit: the code hash stored in its spec.json
 * equals the hash of that commit's source (recomputed here from git, by the old rule), and its
 * folder name is the old key of its spec. The golden traces (lib/runs/golden/) were recorded at
 * that commit and pass on the code that reads the new keys, so those runs are what today's engine
 * computes. Then it rewrites each run under its new key:
 *
 * - the spec loses what is derived from data (the pretraining step count; mixed runs state their
 *   `stepsFactor` instead), after checking that today's code derives the same count;
 * - spec.json records the stage versions and packages of the new key, and keeps the old code hash
 *   as provenance;
 * - result.json gets the new spec, the derived `steps`, `measured` (the eval version of pretraining
 *   runs' memorization), and references to other runs (`dir`, `pretrainKey`) under their new keys.
 *
 * Runs that fail a check are reported and left as they are; nothing is written with `--dry-run`.
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { presetWith, rowOverrides } from "../lib/config/presets.ts";
import { getPreset } from "../lib/config/presets.ts";
import { presetOfSpec } from "../lib/runs/archive.ts";
import { canonicalJson, ROOT, runKey, storedSpec } from "../lib/runs/cache.ts";
import { pretrainSteps } from "../lib/runs/experiments.ts";
import { STAGE_VERSIONS } from "../lib/runs/versions.ts";
import type { RunKind } from "../lib/runs/versions.ts";
import { writeJsonAtomic } from "../lib/util/fs.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    commit: { type: "string", default: "3cee91a" },
    results: { type: "string", default: join(ROOT, "data", "results") },
    "dry-run": { type: "boolean", default: false },
  },
});

// ---------------------------------------------------------------------------------------------
// The old rule, as lib/runs/cache.ts stated it at the commit (read from git, not from disk).

const OLD_ENGINE_FOLDERS = ["data", "tokenizer", "model", "train", "eval"];
const OLD_EXCLUDES = ["model/kernels/", "model/backend.ts", "model/wasm_threads.ts"];
const OLD_EXTRAS: Record<RunKind, string[]> = {
  pretrain: ["runs/experiments.ts"],
  finetune: ["runs/experiments.ts"],
  mixed: ["runs/experiments.ts", "runs/mixed.ts"],
  pprobe: ["runs/experiments.ts", "runs/probes.ts", "probe"],
  qprobe: ["runs/experiments.ts", "runs/probes.ts", "probe"],
};

function git(...a: string[]): Uint8Array {
  const out = new Deno.Command("git", { args: a, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .outputSync();
  if (!out.success) throw new Error(`git ${a.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return out.stdout;
}

const libFiles = new TextDecoder().decode(git("ls-tree", "-r", "--name-only", args.commit!, "lib/"))
  .split("\n").filter(Boolean).map((f) => f.slice("lib/".length));

/** sha256 (16 hex) over the engine source at the commit plus `extra`, by the old rule. */
function oldCodeVersion(extra: string[]): string {
  const files = new Set<string>();
  for (const f of [...OLD_ENGINE_FOLDERS, ...extra]) {
    if (f.endsWith(".ts")) {
      files.add(f);
      continue;
    }
    for (const p of libFiles) {
      if (
        p.startsWith(f + "/") && p.endsWith(".ts") && !p.endsWith("_test.ts") &&
        !OLD_EXCLUDES.some((x) => p.startsWith(x))
      ) files.add(p);
    }
  }
  const h = createHash("sha256");
  for (const f of [...files].sort()) {
    h.update(f);
    h.update("\0");
    h.update(git("show", `${args.commit}:lib/${f}`));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

function oldRunKey(spec: unknown, code: string): string {
  const h = createHash("sha256");
  h.update(canonicalJson(spec));
  h.update("\0");
  h.update(code);
  return h.digest("hex").slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// The new specs.

type Spec = Record<string, unknown> & { pretrain: Record<string, unknown> };

/** The step count today's code derives for a pretraining spec (from its preset and seed). */
function derivedSteps(spec: Spec): number {
  const preset = presetOfSpec(spec);
  if (!preset) throw new Error("no preset has this spec's people and model");
  const own = rowOverrides(preset, spec.config as string);
  const p = own ? presetWith(getPreset(preset), own) : getPreset(preset);
  return pretrainSteps(p, spec.seed as number);
}

/** A pretraining spec without its derived step count; checks today's code derives the same. */
function newPretrainSpec(old: Spec): { spec: Spec; steps: number } {
  const steps = old.pretrain.steps as number;
  const preset = presetOfSpec(old)!;
  if (getPreset(preset).pretrain.steps !== undefined) return { spec: old, steps };
  const derived = derivedSteps(old);
  if (derived !== steps) throw new Error(`steps ${steps} but today's code derives ${derived}`);
  const { steps: _s, ...pretrain } = old.pretrain;
  return { spec: { ...old, pretrain }, steps };
}

function newSpec(kind: RunKind, old: Spec): { spec: Spec; steps?: number } {
  switch (kind) {
    case "pretrain":
      return newPretrainSpec(old);
    case "finetune":
    case "pprobe":
    case "qprobe":
      return { spec: { ...old, pretrain: newPretrainSpec(old.pretrain as Spec).spec } };
    case "mixed": {
      const { QAr, curvePoints, eval: ev, ...base } = old;
      const steps = old.pretrain.steps as number;
      const stepsFactor = steps / derivedSteps(base as Spec);
      const preset = presetOfSpec(old)!;
      if (![1, ...getPreset(preset).mixed.stepsFactors].includes(stepsFactor)) {
        throw new Error(`mixed steps ${steps} are no step factor of the preset (${stepsFactor})`);
      }
      const base1 = { ...base, pretrain: { ...old.pretrain, steps: derivedSteps(base as Spec) } };
      const { spec } = newPretrainSpec(base1 as Spec);
      return { spec: { ...spec, stepsFactor, QAr, curvePoints, eval: ev }, steps };
    }
  }
}

// ---------------------------------------------------------------------------------------------

const KINDS: RunKind[] = ["pretrain", "finetune", "mixed", "pprobe", "qprobe"];
const oldCodes = Object.fromEntries(KINDS.map((k) => [k, oldCodeVersion(OLD_EXTRAS[k])]));
console.log(`engine source hashes at ${args.commit}:`, oldCodes);

const moves = new Map<string, string>(); // "kind/oldKey" -> newKey
const plans: { kind: RunKind; key: string; newKey: string; write: () => Promise<void> }[] = [];
let failed = 0;
for (const kind of KINDS) {
  const dir = join(args.results!, kind);
  const keys: string[] = [];
  try {
    for (const e of Deno.readDirSync(dir)) if (e.isDirectory) keys.push(e.name);
  } catch { /* no runs of this kind */ }
  for (const key of keys.sort()) {
    const src = join(dir, key);
    const stored = JSON.parse(Deno.readTextFileSync(join(src, "spec.json")));
    const result = JSON.parse(Deno.readTextFileSync(join(src, "result.json")));
    try {
      if (stored.versions) throw new Error("already keyed by stage versions");
      if (stored.code !== oldCodes[kind]) {
        throw new Error(`its code ${stored.code} is not the engine at ${args.commit}`);
      }
      if (oldRunKey(stored.spec, stored.code) !== key) throw new Error("its folder is not its key");
      const { spec, steps } = newSpec(kind, stored.spec);
      const newKey = runKey(kind, spec);
      moves.set(`${kind}/${key}`, newKey);
      plans.push({
        kind,
        key,
        newKey,
        write: async () => {
          const dst = join(dir, newKey);
          await Deno.rename(src, dst);
          await writeJsonAtomic(join(dst, "spec.json"), {
            ...storedSpec(kind, spec),
            code: stored.code,
          });
          const out = { ...result, spec };
          if (steps !== undefined) out.steps = steps;
          if (kind === "pretrain") out.measured = { eval: STAGE_VERSIONS.eval };
          if (typeof result.dir === "string") out.dir = join("data", "results", kind, newKey);
          if (typeof result.pretrainKey === "string") {
            const p = moves.get(`pretrain/${result.pretrainKey}`);
            if (!p) throw new Error(`${kind}/${key}: its pretraining run is not in the archive`);
            out.pretrainKey = p;
          }
          await writeJsonAtomic(join(dst, "result.json"), out);
        },
      });
    } catch (e) {
      failed++;
      console.error(`${kind}/${key}: left as it is: ${(e as Error).message}`);
    }
  }
}
const byKind = Object.fromEntries(KINDS.map((k) => [k, plans.filter((p) => p.kind === k).length]));
console.log(`proven and re-keyed: ${plans.length} runs`, byKind, `; failed: ${failed}`);
if (!args["dry-run"]) { for (const p of plans) await p.write(); }
Deno.exit(failed ? 1 : 0);
