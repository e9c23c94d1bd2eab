/**
 * A finding's runs as a Slurm sweep:
 *
 *   deno task sweep fig3 --preset small --emit slurm --results /scratch/plm [--submit]
 *   deno task sweep fig3 --preset small --status --results /scratch/plm
 *   deno task finding fig3 --preset small --results /scratch/plm --only-cached
 *
 * The first plans the finding (the exact requests `deno task finding` would run, nothing is
 * computed) and writes `<results>/sweeps/<name>/`: manifest.json, one sbatch script and requests
 * file per stage, and submit.sh (run by `--submit`). The second says which runs are done, running,
 * pending or failed, from the results folder and squeue (or sacct). The third draws the figure
 * from what the cluster produced. Without Slurm, `deno task finding` runs locally as before.
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { parsePreset, type PresetName, PRESETS } from "../config/preset.ts";
import { cacheEntry, planRuns } from "../findings/runs.ts";
import { canonicalJson, resultsDir, ROOT, runKey } from "../runs/cache.ts";
import type { WorkerRequest } from "../runs/request.ts";
import {
  parseQueue,
  PRESET_RESOURCES,
  pretrainOf,
  type QueueStates,
  sbatchScript,
  type SlurmResources,
  stageRequests,
  submitScript,
  sweepDir,
  type SweepManifest,
  sweepStages,
  type TaskState,
  taskState,
} from "../runs/slurm.ts";
import { writeJsonAtomic } from "../util/fs.ts";
import { FINDINGS } from "./finding.ts";

/** The formats `--emit` writes. */
export const EMITTERS = ["slurm"] as const;

const USAGE = `usage: deno task sweep <${Object.keys(FINDINGS).join("|")}> --results DIR ` +
  `[--preset ${PRESETS.join("|")}] [--rows a,b] [--seeds N] [--mix] [--depth N] [--name NAME]\n` +
  `  (--emit ${EMITTERS.join("|")} [--submit] [--cpus N] [--mem 4G] [--gpus N] [--time T] ` +
  `[--partition P] | --status)`;

/** Where a request's result lands: its run kind and cache key. */
export function keyOf(req: WorkerRequest) {
  const e = cacheEntry(req);
  return { kind: e.kind, key: runKey(e.kind, e.spec) };
}

/**
 * Throws unless the pretraining a finetune or probe starts from is the run its first-stage task
 * trains (so the afterok dependency waits for the right run, not one with another key).
 */
export function checkPretrainOf(
  req: WorkerRequest,
  opts: { derive?: (r: WorkerRequest) => WorkerRequest } = {},
): void {
  // Pretraining and mixed runs start from nothing another task trains.
  if (req.kind === "pretrain" || req.kind === "mixed") return;
  const own = (cacheEntry(req).spec as { pretrain?: unknown }).pretrain;
  const derived = cacheEntry((opts.derive ?? pretrainOf)(req)).spec;
  if (own !== undefined && canonicalJson(own) !== canonicalJson(derived)) {
    throw new Error(
      `the ${req.kind} request ${JSON.stringify(req)} starts from a pretraining that ` +
        `pretrainOf (lib/runs/slurm.ts) does not reproduce: a field shaping the pretraining is dropped`,
    );
  }
}

/** What to plan: a finding and the arguments `deno task finding` would get. */
export interface PlanArgs {
  preset: PresetName;
  rows?: string[];
  seeds?: number;
  mix?: boolean;
  depth?: number;
}

/** The requests a finding would run (nothing is computed); throws for one that runs nothing. */
export async function planFinding(finding: string, args: PlanArgs): Promise<WorkerRequest[]> {
  const f = FINDINGS[finding];
  if (!f) {
    throw new Error(
      `unknown finding "${finding}"; allowed: ${Object.keys(FINDINGS).join(", ")}`,
    );
  }
  const reqs = await planRuns(() =>
    f.run({ ...args, mix: args.mix ?? false, onlyCached: false }, join(ROOT, "out", "plan"))
  );
  if (!reqs.length) throw new Error(`finding ${finding} runs nothing to sweep`);
  return reqs;
}

/** Writes a sweep's folder (scripts, requests, manifest); returns the manifest. */
export async function writeSweep(
  manifest: SweepManifest,
): Promise<{ dir: string; manifest: SweepManifest }> {
  const dir = sweepDir(manifest.results, manifest.name);
  await Deno.mkdir(join(dir, "logs"), { recursive: true });
  for (const s of manifest.stages) {
    await Deno.writeTextFile(join(dir, `${s.name}.jsonl`), stageRequests(s));
    await Deno.writeTextFile(join(dir, `${s.name}.sbatch`), sbatchScript(manifest, s));
  }
  await Deno.writeTextFile(join(dir, "submit.sh"), submitScript(manifest), { mode: 0o755 });
  await writeJsonAtomic(join(dir, "manifest.json"), manifest);
  return { dir, manifest };
}

const dec = new TextDecoder();

async function exec(cmd: string, args: string[], cwd?: string) {
  try {
    const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
      .output();
    return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, out: "", err: `${cmd}: not found` };
    throw e;
  }
}

/** Runs a sweep's submit.sh; returns the job ids by stage (it writes them to jobs.json). */
export async function submitSweep(dir: string): Promise<Record<string, string>> {
  const r = await exec("bash", [join(dir, "submit.sh")], dir);
  if (!r.ok) throw new Error(`submit.sh failed: ${(r.err || r.out).trim()}`);
  return JSON.parse(await Deno.readTextFile(join(dir, "jobs.json")));
}

/** One run's line of `--status`. */
export interface RunStatus {
  stage: string;
  index: number;
  key: string;
  label: string;
  state: TaskState;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** What Slurm knows of the jobs: squeue (every state it still holds), then sacct. */
async function queueStates(jobs: string[]): Promise<QueueStates> {
  if (!jobs.length) return new Map();
  const ids = jobs.join(",");
  const q = await exec("squeue", ["-h", "-r", "-t", "all", "-j", ids, "-o", "%i|%T"]);
  const states = q.ok ? parseQueue(q.out) : new Map();
  // Finished jobs leave squeue after a few minutes; sacct remembers them where accounting is on.
  const a = await exec("sacct", ["-n", "-P", "-X", "-j", ids, "-o", "JobID,State"]);
  if (a.ok) { for (const [k, v] of parseQueue(a.out)) if (!states.has(k)) states.set(k, v); }
  return states;
}

/**
 * The state of every run of a sweep, from its results folder (and the committed results, which
 * the tasks read instead of recomputing) and what Slurm says.
 */
export async function sweepStatus(dir: string): Promise<RunStatus[]> {
  const m = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json"))) as SweepManifest;
  let jobs: Record<string, string> = {};
  try {
    jobs = JSON.parse(await Deno.readTextFile(join(dir, "jobs.json")));
  } catch { /* not submitted through --submit */ }
  const queue = await queueStates(Object.values(jobs));
  const committed = resultsDir();
  const out: RunStatus[] = [];
  for (const s of m.stages) {
    for (const [index, t] of s.tasks.entries()) {
      // A run the committed results already hold is read from there, not written again.
      const done = await exists(join(m.results, t.kind, t.key, "result.json")) ||
        (committed !== undefined && await exists(join(committed, t.kind, t.key, "result.json")));
      out.push({
        stage: s.name,
        index,
        key: t.key,
        label: t.label,
        state: taskState({ done, job: jobs[s.name], index, queue }),
      });
    }
  }
  return out;
}

/** Parses the arguments and emits, submits or reports a sweep; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        preset: { type: "string" },
        rows: { type: "string" },
        seeds: { type: "string" },
        mix: { type: "boolean" },
        depth: { type: "string" },
        emit: { type: "string" },
        results: { type: "string" },
        name: { type: "string" },
        submit: { type: "boolean" },
        status: { type: "boolean" },
        cpus: { type: "string" },
        mem: { type: "string" },
        gpus: { type: "string" },
        time: { type: "string" },
        partition: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`sweep: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const finding = positionals[0];
  const fail = (msg: string) => {
    console.error(`sweep: ${msg}\n${USAGE}`);
    return 2;
  };
  if (!finding || !(finding in FINDINGS)) {
    return fail(
      `unknown finding "${finding ?? ""}"; allowed: ${Object.keys(FINDINGS).join(", ")}`,
    );
  }
  if (!v.results) return fail("--results DIR is required (the folder every task writes into)");
  if (!v.status && v.emit === undefined) return fail("give --emit slurm or --status");
  if (v.emit !== undefined && !(EMITTERS as readonly string[]).includes(v.emit)) {
    return fail(`--emit "${v.emit}" is not supported; allowed: ${EMITTERS.join(", ")}`);
  }
  const int = (flag: string, s: string | undefined, min = 1): number | undefined => {
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${flag} must be an integer >= ${min}, got "${s}"`);
    }
    return n;
  };
  try {
    const preset = parsePreset(v.preset ?? "tiny", { source: "--preset" });
    const rows = v.rows?.split(",").map((s) => s.trim()).filter(Boolean);
    const seeds = int("seeds", v.seeds);
    const name = v.name ?? `${finding}-${preset}`;
    if (!/^[\w.+-]+$/.test(name)) {
      throw new Error(`--name "${name}" must be letters, digits, "_", ".", "+" or "-"`);
    }
    const results = resolve(v.results);
    const dir = sweepDir(results, name);
    if (v.status) {
      const st = await sweepStatus(dir);
      const counts = new Map<TaskState, number>();
      for (const s of st) {
        counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
        console.log(`${s.state.padEnd(13)} ${s.stage}[${s.index}] ${s.key} ${s.label}`);
      }
      console.log(
        `${name}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")} (of ${st.length})`,
      );
      return st.some((s) => s.state === "failed") ? 1 : 0;
    }
    const base = PRESET_RESOURCES[preset];
    const resources: SlurmResources = {
      cpus: int("cpus", v.cpus) ?? base.cpus,
      mem: v.mem ?? base.mem,
      time: v.time ?? base.time,
      gpus: int("gpus", v.gpus, 0) ?? base.gpus,
      ...(v.partition ? { partition: v.partition } : {}),
    };
    const reqs = await planFinding(finding, {
      preset,
      rows,
      seeds,
      mix: v.mix,
      depth: int("depth", v.depth),
    });
    const manifest: SweepManifest = {
      version: 1,
      name,
      finding,
      preset,
      ...(rows ? { rows } : {}),
      ...(seeds ? { seeds } : {}),
      results,
      root: ROOT,
      deno: Deno.execPath(),
      resources,
      created: new Date().toISOString(),
      stages: sweepStages(reqs, keyOf),
    };
    for (const r of reqs) checkPretrainOf(r);
    await writeSweep(manifest);
    for (const s of manifest.stages) {
      console.log(
        `${s.name}: ${s.tasks.length} runs${s.after.length ? ` after ${s.after.join(", ")}` : ""}`,
      );
    }
    console.log(`wrote ${dir}/ (submit.sh, manifest.json)`);
    if (v.submit) {
      const jobs = await submitSweep(dir);
      console.log(`submitted: ${Object.entries(jobs).map(([s, id]) => `${s} ${id}`).join(", ")}`);
    } else console.log(`submit with: bash ${join(dir, "submit.sh")} (or --submit)`);
    return 0;
  } catch (e) {
    console.error(`sweep ${finding} failed: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
