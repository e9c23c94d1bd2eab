import { assert, assertEquals } from "../util/assert.ts";
import {
  parseQueue,
  PRESET_RESOURCES,
  pretrainOf,
  sbatchScript,
  stageRequests,
  submitScript,
  type SweepManifest,
  sweepStages,
  taskState,
} from "./slurm.ts";
import type { WorkerRequest } from "./request.ts";

// A key that tells requests apart the way the cache does (kind + what the run is).
const keyOf = (r: WorkerRequest) => {
  const kind = r.kind === "qa" ? "finetune" as const : r.kind;
  const { kind: _k, ...rest } = r;
  return { kind, key: `${kind}:${JSON.stringify(rest)}` };
};

const assertStringIncludes = (text: string, part: string) =>
  assert(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
const assertMatch = (text: string, re: RegExp) =>
  assert(re.test(text), `expected ${re} in:\n${text}`);

const qa = (config: string, seed: number): WorkerRequest => ({
  kind: "qa",
  preset: "smoke",
  config,
  seed,
});

Deno.test("sweepStages: pretrainings (asked or implied) and mixed first, finetunes and probes after", () => {
  const reqs: WorkerRequest[] = [
    qa("single", 0),
    qa("multi5", 0),
    { kind: "pprobe", preset: "smoke", config: "single", seed: 0, probe: { rank: 2 } },
    { kind: "pretrain", preset: "smoke", config: "single", seed: 1 },
    { kind: "mixed", preset: "smoke", config: "single", seed: 0, QAr: 0.8 },
    qa("single", 0), // asked twice: one task
  ];
  const stages = sweepStages(reqs, keyOf);
  assertEquals(stages.map((s) => [s.name, s.after, s.tasks.length]), [
    ["pretrain", [], 4], // single s0, multi5 s0 (implied), single s1 (asked), mixed
    ["finetune", ["pretrain"], 3],
  ]);
  assertEquals(
    stages[0].tasks.map((t) => t.label),
    ["pretrain single s0", "pretrain multi5 s0", "pretrain single s1", "mixed single s0"],
  );
  assertEquals(stages[1].tasks.map((t) => t.kind), ["finetune", "finetune", "pprobe"]);
  // Keys are distinct within a stage.
  for (const s of stages) assertEquals(new Set(s.tasks.map((t) => t.key)).size, s.tasks.length);
});

Deno.test("sweepStages: a finding of pretrainings only is one stage without dependencies", () => {
  const stages = sweepStages(
    [{ kind: "pretrain", preset: "tiny", config: "single", seed: 0 }],
    keyOf,
  );
  assertEquals(stages.map((s) => [s.name, s.after]), [["pretrain", []]]);
});

Deno.test("pretrainOf keeps what the pretraining spec reads and drops the finetune", () => {
  const r: WorkerRequest = {
    kind: "qa",
    preset: "tiny",
    config: "single",
    seed: 2,
    overrides: { model: { seqLen: 256 } },
    finetune: { r: 8 },
  };
  assertEquals(pretrainOf(r), {
    kind: "pretrain",
    preset: "tiny",
    config: "single",
    seed: 2,
    overrides: { model: { seqLen: 256 } },
  });
});

const manifest = (preset: "smoke" | "paper", stages = sweepStages([qa("single", 0)], keyOf)) =>
  ({
    version: 1,
    name: `fig3-${preset}`,
    finding: "fig3",
    preset,
    results: "/scratch/it's here",
    root: "/repo",
    deno: "/usr/bin/deno",
    resources: PRESET_RESOURCES[preset],
    created: "2026-01-01T00:00:00Z",
    stages,
  }) satisfies SweepManifest;

Deno.test("sbatchScript: one array task per run, the preset's resources, requeue, the worker entry", () => {
  const m = manifest("smoke");
  const text = sbatchScript(m, m.stages[1]);
  assertStringIncludes(text, "#SBATCH --array=0-0\n");
  assertStringIncludes(text, "#SBATCH --cpus-per-task=1\n");
  assertStringIncludes(text, "#SBATCH --mem=2G\n");
  assertStringIncludes(text, "#SBATCH --requeue\n");
  assert(!text.includes("--gres"), "smoke asks for no GPU");
  // The results folder is quoted for bash (it holds a quote here).
  assertStringIncludes(text, `export PLM_RUNS_DIR='/scratch/it'\\''s here'`);
  assertStringIncludes(text, `run -A lib/cli/run.ts "$req"`);
  assertStringIncludes(text, "SLURM_ARRAY_TASK_ID + 1");
  assertStringIncludes(text, "finetune.jsonl");
  const paper = manifest("paper");
  assertStringIncludes(sbatchScript(paper, paper.stages[0]), "#SBATCH --gres=gpu:1\n");
});

Deno.test("stageRequests: line i+1 is array task i's JSON request", () => {
  const m = manifest("smoke", sweepStages([qa("single", 0), qa("multi5", 1)], keyOf));
  const lines = stageRequests(m.stages[1]).trimEnd().split("\n");
  assertEquals(lines.map((l) => JSON.parse(l)), [qa("single", 0), qa("multi5", 1)]);
});

Deno.test("submitScript: later stages afterok on the earlier array; job ids to jobs.json", () => {
  const text = submitScript(manifest("smoke"));
  assertMatch(text, /pretrain_job=\$\(sbatch --parsable pretrain\.sbatch/);
  assertMatch(
    text,
    /finetune_job=\$\(sbatch --parsable --kill-on-invalid-dep=yes --dependency=afterok:\$\{pretrain_job\} finetune\.sbatch/,
  );
  assertStringIncludes(text, "> jobs.json");
});

Deno.test("parseQueue: squeue and sacct lines, pending arrays expanded", () => {
  const q = parseQueue("12_[2-4,7%2]|PENDING\n12_0|RUNNING\n12_1|COMPLETED\n13_0|CANCELLED by 0\n");
  assertEquals(
    [...q],
    [
      ["12_2", "PENDING"],
      ["12_3", "PENDING"],
      ["12_4", "PENDING"],
      ["12_7", "PENDING"],
      ["12_0", "RUNNING"],
      ["12_1", "COMPLETED"],
      ["13_0", "CANCELLED"],
    ],
  );
});

Deno.test("taskState: the result decides done; else Slurm's word; else failed", () => {
  const queue = parseQueue("5_0|RUNNING\n5_1|PENDING\n5_2|FAILED\n5_3|COMPLETED\n");
  const st = (index: number, done = false, job: string | undefined = "5") =>
    taskState({ done, job, index, queue });
  assertEquals(st(0, true), "done");
  assertEquals(st(0), "running");
  assertEquals(st(1), "pending");
  assertEquals(st(2), "failed");
  assertEquals(st(3), "failed"); // completed but left no result
  assertEquals(st(9), "failed"); // gone from the queue without a result
  assertEquals(taskState({ done: false, index: 0, queue }), "not submitted");
});
