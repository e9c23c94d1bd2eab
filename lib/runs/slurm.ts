/**
 * A sweep as Slurm job arrays: the runs a finding needs, grouped in stages (pretraining and mixed
 * training first, then the finetunes and probes that start from a pretrained model), one array
 * task per run key, each task running the same worker entry as the local pool
 * (`deno run -A lib/cli/run.ts <request>`) with `PLM_RUNS_DIR` set to the shared results folder.
 * The cache writes every result atomically under its key and keeps checkpoints beside it, so a
 * preempted task that Slurm requeues resumes, and two tasks never corrupt one result.
 *
 * This module only writes text and reads folders; lib/cli/sweep.ts plans, submits and reports.
 * @module
 */
import { join } from "node:path";
import type { PresetName } from "../config/preset.ts";
import type { RunKind } from "./versions.ts";
import type { WorkerRequest } from "./request.ts";

/** What one array task asks Slurm for. */
export interface SlurmResources {
  /** `--cpus-per-task`. */
  cpus: number;
  /** `--mem`, e.g. "4G". */
  mem: string;
  /** `--time`, e.g. "04:00:00". */
  time: string;
  /** GPUs per task (`--gres=gpu:N`); 0 for none. */
  gpus: number;
  /** `--partition`; the cluster's default when unset. */
  partition?: string;
}

/**
 * Per-task resources of each preset: smoke and tiny runs are single-threaded WASM processes;
 * small wants a few BLAS threads; paper (GPT2-124M, 80k steps) is a GPU run.
 */
export const PRESET_RESOURCES: Record<PresetName, SlurmResources> = {
  smoke: { cpus: 1, mem: "2G", time: "00:15:00", gpus: 0 },
  tiny: { cpus: 1, mem: "4G", time: "06:00:00", gpus: 0 },
  small: { cpus: 4, mem: "16G", time: "2-00:00:00", gpus: 0 },
  paper: { cpus: 8, mem: "64G", time: "4-00:00:00", gpus: 1 },
};

/** One array task: one run, named by its cache key. */
export interface SweepTask {
  /** The run's cache key (its folder `<results>/<kind>/<key>`). */
  key: string;
  kind: RunKind;
  /** A short label for logs and status. */
  label: string;
  request: WorkerRequest;
}

/** One job array; `after` names the stages whose every task must succeed first. */
export interface SweepStage {
  name: "pretrain" | "finetune";
  after: string[];
  tasks: SweepTask[];
}

/** Where a request's result goes: its kind and key (lib/findings/runs.ts's cacheEntry + runKey). */
export type KeyOf = (req: WorkerRequest) => { kind: RunKind; key: string };

/**
 * The pretraining run a finetune or probe request starts from: the request without what only the
 * later stage reads (so fields that shape the pretraining, e.g. overrides, all stay).
 */
export function pretrainOf(req: WorkerRequest): WorkerRequest {
  const { kind: _kind, finetune: _finetune, probe: _probe, ...rest } = req as WorkerRequest & {
    finetune?: unknown;
    probe?: unknown;
  };
  return { ...rest, kind: "pretrain" } as WorkerRequest;
}

const label = (r: WorkerRequest) => `${r.kind} ${r.config} s${r.seed}`;

/**
 * Groups requests into stages, one task per distinct key: "pretrain" holds every pretraining
 * (those asked for and those the others start from) and the mixed runs (which pretrain nothing
 * they share); "finetune" holds QA finetunes and probes, after "pretrain". Empty stages are left
 * out. Tasks keep the order the finding asked for them.
 */
export function sweepStages(reqs: readonly WorkerRequest[], keyOf: KeyOf): SweepStage[] {
  const first = new Map<string, SweepTask>();
  const second = new Map<string, SweepTask>();
  const add = (into: Map<string, SweepTask>, request: WorkerRequest) => {
    const { kind, key } = keyOf(request);
    if (!into.has(key)) into.set(key, { key, kind, label: label(request), request });
  };
  for (const r of reqs) {
    if (r.kind === "pretrain" || r.kind === "mixed") add(first, r);
    else {
      add(first, pretrainOf(r));
      add(second, r);
    }
  }
  const stages: SweepStage[] = [];
  if (first.size) stages.push({ name: "pretrain", after: [], tasks: [...first.values()] });
  if (second.size) {
    stages.push({
      name: "finetune",
      after: first.size ? ["pretrain"] : [],
      tasks: [...second.values()],
    });
  }
  return stages;
}

/** A sweep as written to disk: enough to submit it again and to report on it. */
export interface SweepManifest {
  version: 1;
  /** The sweep's name (its folder under `<results>/sweeps/`). */
  name: string;
  finding: string;
  preset: PresetName;
  rows?: string[];
  seeds?: number;
  /** The results folder every task writes into (PLM_RUNS_DIR), absolute. */
  results: string;
  /** The repository the tasks run in, absolute. */
  root: string;
  /** The Deno binary the tasks run (overridable at run time by `DENO`). */
  deno: string;
  resources: SlurmResources;
  created: string;
  stages: SweepStage[];
}

/** The folder of a sweep's scripts, manifest and logs. */
export function sweepDir(results: string, name: string): string {
  return join(results, "sweeps", name);
}

/** Single-quotes a word for bash. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The sbatch script of one stage: a job array over the lines of `<stage>.jsonl`. */
export function sbatchScript(m: SweepManifest, stage: SweepStage): string {
  const dir = sweepDir(m.results, m.name);
  const r = m.resources;
  const opts = [
    `--job-name=plm-${m.name}-${stage.name}`,
    `--array=0-${stage.tasks.length - 1}`,
    `--cpus-per-task=${r.cpus}`,
    `--mem=${r.mem}`,
    `--time=${r.time}`,
    ...(r.gpus > 0 ? [`--gres=gpu:${r.gpus}`] : []),
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    // A preempted task goes back to the queue and resumes from the checkpoints in its run folder.
    "--requeue",
    // One log per task, kept across requeues.
    "--open-mode=append",
    `--output=${join(dir, "logs", `${stage.name}_%a.out`)}`,
  ];
  return [
    "#!/bin/bash",
    `# ${m.finding} at ${m.preset}: stage ${stage.name}, ${stage.tasks.length} runs ` +
    `(written by deno task sweep; tasks in ${stage.name}.jsonl, one request a line)`,
    ...opts.map((o) => `#SBATCH ${o}`),
    "set -euo pipefail",
    `cd ${shellQuote(m.root)}`,
    `req=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(join(dir, `${stage.name}.jsonl`))})`,
    `echo "[$(date -u +%FT%TZ)] task $SLURM_ARRAY_TASK_ID on $(hostname): $req"`,
    `export PLM_RUNS_DIR=${shellQuote(m.results)}`,
    `export PLM_CHILD=1 NO_COLOR=1 PLM_BLAS_THREADS="\${SLURM_CPUS_PER_TASK:-1}"`,
    `exec "\${DENO:-${m.deno}}" run -A lib/cli/run.ts "$req"`,
    "",
  ].join("\n");
}

/** The requests file of one stage: one JSON request a line, line i+1 for array index i. */
export function stageRequests(stage: SweepStage): string {
  return stage.tasks.map((t) => JSON.stringify(t.request)).join("\n") + "\n";
}

/**
 * The script that submits the stages in order, each after the ones it depends on
 * (`afterok`: every task of the earlier array succeeded; a failed pretraining cancels what
 * depends on it instead of leaving it pending). Prints "<stage> <job id>" per stage and writes
 * the ids by stage to jobs.json.
 */
export function submitScript(m: SweepManifest): string {
  const lines = [
    "#!/bin/bash",
    `# Submits the sweep ${m.name} (${m.finding} at ${m.preset}); written by deno task sweep.`,
    "set -euo pipefail",
    'cd "$(dirname "$0")"',
    "mkdir -p logs",
  ];
  for (const s of m.stages) {
    const dep = s.after.length
      ? ` --kill-on-invalid-dep=yes --dependency=afterok:${
        s.after.map((a) => `\${${a}_job}`).join(":")
      }`
      : "";
    lines.push(`${s.name}_job=$(sbatch --parsable${dep} ${s.name}.sbatch | cut -d';' -f1)`);
    lines.push(`echo "${s.name} \${${s.name}_job}"`);
  }
  // The job ids, for `deno task sweep --status`.
  const fmt = m.stages.map((s) => `"${s.name}": "%s"`).join(", ");
  const args = m.stages.map((s) => `"\${${s.name}_job}"`).join(" ");
  lines.push(`printf '{${fmt}}\\n' ${args} > jobs.json`);
  return lines.join("\n") + "\n";
}

/** What `--status` says of one run. */
export type TaskState = "done" | "running" | "pending" | "failed" | "not submitted";

/** Slurm's word for an array task's state ("RUNNING", "FAILED", ...), by "<job>_<index>". */
export type QueueStates = Map<string, string>;

/**
 * Parses `squeue -h -r -t all -o "%i|%T"` (or `sacct -n -P -X -o JobID,State`) lines into
 * states by "<job>_<index>"; a still-pending array shows up as "<job>_[0-3]" and is expanded.
 */
export function parseQueue(out: string): QueueStates {
  const states: QueueStates = new Map();
  for (const line of out.split("\n")) {
    const [id, state] = line.trim().split("|");
    if (!id || !state) continue;
    const word = state.split(" ")[0]; // sacct: "CANCELLED by 0"
    const m = /^(\d+)_\[([^\]]+)\]$/.exec(id);
    if (!m) {
      states.set(id, word);
      continue;
    }
    for (const part of m[2].split("%")[0].split(",")) {
      const [a, b] = part.split("-").map(Number);
      for (let i = a; i <= (b ?? a); i++) states.set(`${m[1]}_${i}`, word);
    }
  }
  return states;
}

/**
 * The state of one task: done when its result is in the results folder; else what Slurm says of
 * it; else (submitted, no result, no longer known to Slurm) failed.
 */
export function taskState(
  opts: { done: boolean; job?: string; index: number; queue: QueueStates },
): TaskState {
  if (opts.done) return "done";
  if (!opts.job) return "not submitted";
  const s = opts.queue.get(`${opts.job}_${opts.index}`);
  if (s === undefined) return "failed";
  if (["RUNNING", "CONFIGURING", "COMPLETING", "STAGE_OUT"].includes(s)) return "running";
  if (["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "PREEMPTED", "RESIZING"].includes(s)) {
    return "pending";
  }
  // COMPLETED without a result, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...
  return "failed";
}
