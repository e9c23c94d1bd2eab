/**
 * Versions of the engine's stages. A run's cache key is its canonical spec plus the versions of
 * the stages it depends on plus the pinned versions of the packages that compute it (see
 * `runKey` in cache.ts), not a hash of source text: a refactor, a comment or a faster kernel keeps
 * every finished run, and a change of the numbers re-keys exactly the runs it touches.
 *
 * What keeps the versions honest are the golden traces (golden.ts): each records the exact numbers
 * of one stage on a fixed input and the versions it was recorded at, and `golden_test.ts` fails
 * when a trace moves while its versions stay. So: change numerics, bump the stage here, run
 * `deno task golden --update`, commit both.
 * @module
 */

/**
 * One version per stage; what each covers (a change of numbers in any of these files bumps it):
 * - `data`: people, attribute pools, bioS templates and augmentations, QA pairs, the split, the
 *   random generator (lib/data, lib/util/rng.ts).
 * - `tokenizer`: GPT-2 BPE, the compact vocabulary, documents and value spans (lib/tokenizer).
 * - `model`: the GPT (rotary, init), LoRA, the backend's math (lib/model; kernels are tested
 *   against the CPU backend, so a faster kernel is not a new version).
 * - `train`: packing, the optimizer and schedule, the training loop, checkpoints, and how
 *   pretraining and QA finetuning call them (lib/train, lib/runs/experiments.ts).
 * - `eval`: QA generation and teacher-forced accuracy (lib/eval) and which metrics a run reports.
 * - `probe`: P- and Q-probing heads and their training (lib/probe, lib/runs/probes.ts).
 * - `mixed`: mixed training's batches and run (MixedBatches, lib/runs/mixed.ts).
 */
export const STAGE_VERSIONS = {
  data: 1,
  tokenizer: 1,
  model: 1,
  train: 1,
  eval: 1,
  // 2: readout heads read the model's state without a second normalization; P-probing can have a
  // classifier per position (presets' pClassifierPerPosition).
  probe: 2,
  mixed: 1,
} as const;

/** One stage of the engine. */
export type Stage = keyof typeof STAGE_VERSIONS;

/** The kinds of cached runs. */
export const RUN_KINDS = ["pretrain", "finetune", "mixed", "pprobe", "qprobe"] as const;
/** One kind of cached run (the folder under the cache and the archive). */
export type RunKind = typeof RUN_KINDS[number];

/**
 * The stages each kind of run depends on. A pretraining run is keyed by the stages that make its
 * weights; its measurements (BIO memorization) record the `eval` version they were taken with and
 * are taken again from the kept weights when it moves (lib/runs/experiments.ts), so fixing a
 * metric never retrains. Finetuned and mixed models are not kept, so their keys include `eval`.
 * Probes read a pretrained model through their own code only.
 */
export const KIND_STAGES: Readonly<Record<RunKind, readonly Stage[]>> = {
  pretrain: ["data", "tokenizer", "model", "train"],
  finetune: ["data", "tokenizer", "model", "train", "eval"],
  mixed: ["data", "tokenizer", "model", "train", "eval", "mixed"],
  pprobe: ["data", "tokenizer", "model", "train", "probe"],
  qprobe: ["data", "tokenizer", "model", "train", "probe"],
};

/** The versions a kind of run is keyed with; an unknown kind throws naming the allowed ones. */
export function kindVersions(kind: RunKind): Partial<Record<Stage, number>> {
  const stages = KIND_STAGES[kind];
  if (!stages) throw new Error(`unknown run kind "${kind}"; allowed: ${RUN_KINDS.join(", ")}`);
  return Object.fromEntries(stages.map((s) => [s, STAGE_VERSIONS[s]]));
}
