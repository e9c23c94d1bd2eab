/**
 * The paper's experiments as cached runs: BIO pretraining (with memorization measured), QA
 * finetuning on P_train with evaluation on P_test (full or LoRA), each keyed by everything that
 * determines it (lib/runs/cache.ts). One code path for every preset.
 *
 * Seeds: one seed `s` fixes the people, their split, the templates, the model init and the data
 * order. Every bioS configuration with the same seed is about the same people (paper: one
 * population, 16 data formats).
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { type DeepPartial, getPreset, type Preset, presetWith } from "../config/presets.ts";
import type { PresetName } from "../config/preset.ts";
import { generateDataset } from "../data/dataset.ts";
import { parseBioConfig } from "../data/bios.ts";
import type { Dataset } from "../data/dataset.ts";
import type { BioEntry, QAPair } from "../data/types.ts";
import { initBackend } from "../model/backend.ts";
import { archOverrides, createGPT, type GPT, gptConfig } from "../model/gpt.ts";
import { createLoRA } from "../model/lora.ts";
import { countParams } from "../model/params.ts";
import { bioDocs, generalDocs, qaDocs, tokenizeBio, tokenizeQA } from "../tokenizer/docs.ts";
import type { GeneralTextSpec } from "../data/general_text.ts";
import type { Doc } from "../contracts.ts";
import { PackedBatches } from "../train/packing.ts";
import { MaskedLMBatches, wordStarts } from "../train/masked_lm.ts";
import type { BatchSource } from "../contracts.ts";
import { latestCheckpoint, loadCheckpoint } from "../train/checkpoint.ts";
import { type StepInfo, trainSteps } from "../train/loop.ts";
import type { CausalLM } from "../contracts.ts";
import {
  type AccuracyRow,
  maskedWordAccuracy,
  qaAccuracy,
  type QAEvalItem,
  qaSpanItems,
  type SpanEvalItem,
  teacherForcedAccuracy,
} from "../eval/metrics.ts";
import { cached } from "./cache.ts";
import { writeJsonAtomic } from "../util/fs.ts";
import { STAGE_VERSIONS } from "./versions.ts";

/** What a caller asks for: a preset (plus overrides), a bioS configuration and a seed. */
export interface RunRequest {
  preset: PresetName;
  /** bioS configuration, e.g. "single" or "multi5+permute". */
  config: string;
  seed: number;
  overrides?: DeepPartial<Preset>;
  /**
   * The paper's celebrity population (§6): `count` extra people under `config`, pretrained beside
   * the minority; QA finetuning then trains on the celebrities only and tests every minority
   * person. Absent for every other run (and then absent from the spec, so keys do not move).
   */
  celebrities?: CelebritySpec;
  /**
   * General English text pretrained beside the biographies (the paper's +wiki control, §6;
   * lib/data/general_text.ts). Absent for every other run, and then absent from the spec.
   */
  general?: GeneralTextSpec;
}

/** A celebrity population of a run request. */
export interface CelebritySpec {
  count: number;
  /** Configuration of the celebrities' biographies, e.g. "multi5+permute" or "bioR:multi5". */
  config: string;
}

/** The resolved preset of a request. */
export function resolvePreset(req: RunRequest): Preset {
  const p = getPreset(req.preset);
  return req.overrides ? presetWith(p, req.overrides) : p;
}

// ---------------------------------------------------------------------------------------------
// Data and documents

const datasets = new Map<string, Dataset>();
/** The dataset of a (config, N, seed), memoized in-process (generation takes well under a second at tiny). */
export function datasetFor(
  config: string,
  people: number,
  seed: number,
  extras: { celebrities?: CelebritySpec; general?: GeneralTextSpec } = {},
): Dataset {
  const { celebrities, general } = extras;
  const cel = celebrities ? `|cel${celebrities.count}:${celebrities.config}` : "";
  const gen = general ? `|gen${general.source}:${general.fraction}` : "";
  const key = `${config}|${people}|${seed}${cel}${gen}`;
  let ds = datasets.get(key);
  if (!ds) {
    ds = generateDataset({
      config,
      people,
      seed,
      ...(celebrities ? { celebrities } : {}),
      ...(general ? { general } : {}),
    });
    datasets.set(key, ds);
  }
  return ds;
}

/** The dataset of a run request: its people, celebrities and general text (cached). */
export function requestDataset(req: RunRequest, p: Preset = resolvePreset(req)): Dataset {
  return datasetFor(req.config, p.people, req.seed, {
    celebrities: req.celebrities,
    general: req.general,
  });
}

/**
 * A packer of documents into the preset's pretraining windows (BIO pretraining, and both streams
 * of mixed training): every window starts with EOS (prompts do too).
 */
export function pretrainPacker(docs: Doc[], ds: Dataset, p: Preset, seed: number): PackedBatches {
  return new PackedBatches(docs, {
    seqLen: p.model.seqLen,
    batchSize: p.pretrain.batchSize,
    eos: ds.vocab.eos,
    seed,
    leadingEos: true,
  });
}

/** The BIO pretraining packer of a dataset (all its biography entries). */
function bioPacker(ds: Dataset, p: Preset, seed: number): PackedBatches {
  const general = ds.general ? generalDocs(ds.general.passages, ds.vocab) : [];
  return pretrainPacker([...bioDocs(ds.bios, ds.vocab), ...general], ds, p, seed);
}

/**
 * The training-loop options of a pretraining-budget run (BIO pretraining and mixed training):
 * the preset's peak lr with linear warmup over `warmupFrac` and cosine decay to `minLrRatio`,
 * its weight decay, and a checkpoint every tenth of the run (at least 50 steps) in `dir`/ckpt.
 */
export function pretrainLoopOptions(p: Preset, steps: number, dir: string) {
  return {
    steps,
    lr: {
      peak: p.pretrain.lr,
      warmup: Math.max(1, Math.round(p.pretrain.warmupFrac * steps)),
      minRatio: p.pretrain.minLrRatio,
    },
    weightDecay: p.pretrain.weightDecay,
    checkpoint: { dir: join(dir, "ckpt"), every: Math.max(50, Math.ceil(steps / 10)), keep: 1 },
  };
}

/**
 * Pretraining steps of a preset. As in the paper, the step count is the same for every bioS
 * configuration (so a person is seen equally often whatever the augmentation): it is the number
 * of steps that gives `exposures` passes over the bioS *single* data of the same people. It is
 * derived when a run starts and recorded in its result, never part of a key (computing a key
 * builds no data).
 */
export function pretrainSteps(
  p: Preset,
  seed: number,
  req: { config?: string; celebrities?: CelebritySpec; general?: GeneralTextSpec } = {},
): number {
  if (p.pretrain.steps) return p.pretrain.steps;
  if (req.celebrities || req.general) {
    // Celebrity and general-text runs: `exposures` passes over every document (minority,
    // celebrities, general passages), so the minority sees its biographies as often as alone (the
    // paper keeps its step count and lets the added text dilute the minority; at tiny that would
    // starve it).
    const ds = datasetFor(req.config ?? "single", p.people, seed, req);
    return bioPacker(ds, p, seed).stepsForEpochs(p.pretrain.exposures);
  }
  // bioR-like rows count passes over bioR:single (the paper gives bioR more steps than bioS).
  const single = req.config && parseBioConfig(req.config).format === "bioR"
    ? "bioR:single"
    : "single";
  return bioPacker(datasetFor(single, p.people, seed), p, seed).stepsForExposures(
    p.pretrain.exposures,
  );
}

/** Prepends EOS to a token sequence (every document is preceded by EOS during training). */
function withEos(ids: ArrayLike<number>, eos: number): Int32Array {
  const out = new Int32Array(ids.length + 1);
  out[0] = eos;
  out.set(Array.from(ids), 1);
  return out;
}

/** BIO evaluation items: each person's first entry with its six value spans. */
export function bioEvalItems(ds: Dataset, opts: { entry?: number } = {}): SpanEvalItem[] {
  const split = new Map(ds.people.map((q) => [q.id, q.split]));
  const entry = opts.entry ?? 0;
  return ds.bios.filter((b: BioEntry) => b.entryIndex === entry).map((b) => {
    const t = tokenizeBio(b, ds.vocab);
    return {
      ids: withEos(t.ids, ds.vocab.eos),
      spans: t.valueTokens.map((v) => ({
        attribute: v.attribute,
        start: v.start + 1,
        end: v.end + 1,
      })),
      split: split.get(b.personId),
    };
  });
}

/** QA evaluation items (prompt starts with EOS, target = " value."). */
export function qaEvalItems(
  ds: Dataset,
  opts: { split?: "P_train" | "P_test" } = {},
): QAEvalItem[] {
  return ds.qa.filter((q: QAPair) => !opts.split || q.split === opts.split).map((q) => {
    const t = tokenizeQA(q, ds.vocab);
    return {
      prompt: withEos(t.prompt, ds.vocab.eos),
      target: t.target,
      attribute: q.attribute,
      split: q.split,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Models

/** Builds the model of a preset for a dataset's vocabulary (its `model.arch`, GPT by default). */
export function buildModel(p: Preset, ds: Dataset, seed: number): GPT {
  if (p.model.vocab !== "compact") {
    throw new Error(`model.vocab "${p.model.vocab}" is not supported yet; allowed: "compact"`);
  }
  const arch = archOverrides(p.model.arch ?? "gpt");
  return createGPT(
    gptConfig("tiny", {
      // A bidirectional model (GBERT) has one more id, its mask token (the last).
      vocabSize: ds.vocab.size + (arch.causal === false ? 1 : 0),
      seqLen: p.model.seqLen,
      nLayer: p.model.nLayer,
      nHead: p.model.nHead,
      dModel: p.model.dModel,
      ...arch,
    }),
    { seed },
  );
}

/**
 * The batches a model trains on: `source` itself for a causal model; for a bidirectional one
 * (GBERT, paper §7), its whole-word masked-LM version, QA rows asked with masked answers
 * (lib/train/masked_lm.ts).
 */
export function objectiveSource(
  model: GPT,
  source: BatchSource,
  opts: { ds: Dataset; seed: number },
): BatchSource {
  if (model.config.causal) return source;
  const v = opts.ds.vocab;
  return new MaskedLMBatches(source, {
    maskId: model.config.vocabSize - 1,
    wordStart: wordStarts((id) => v.decode([id]), v.size),
    eos: v.eos,
    seed: opts.seed,
  });
}

/**
 * Loads the final weights of a pretraining run (its folder, `PretrainResult.dir`) into `model`;
 * every parameter must be there. The one loader of pretrained weights: finetuning, probes and the
 * findings that read a pretrained model all come through here.
 */
export async function loadPretrained(model: GPT, dir: string): Promise<void> {
  const path = await latestCheckpoint(join(dir, "ckpt"));
  if (!path) throw new Error(`pretraining run ${dir} has no checkpoint`);
  const ck = await loadCheckpoint(path);
  tf.tidy(() => {
    for (const [name, v] of Object.entries(model.params)) {
      const t = ck.tensors[`param/${name}`];
      if (!t) throw new Error(`checkpoint ${path} lacks parameter "${name}"`);
      v.assign(tf.tensor(t.data, v.shape));
    }
  });
}

/** The loss curve (at most `points` points), final loss and speed of a training history. */
export function summarizeHistory(h: StepInfo[], points = 100) {
  const every = Math.max(1, Math.floor(h.length / points));
  const tail = h.slice(-Math.min(50, h.length));
  // Skip the first steps (compilation, warm caches) when measuring speed.
  const timed = h.slice(Math.min(5, h.length - 1));
  const ms = timed.reduce((a, s) => a + s.ms, 0);
  const tokens = timed.reduce((a, s) => a + s.tokens, 0);
  const target = timed.reduce((a, s) => a + s.targetTokens, 0);
  return {
    steps: h.length,
    finalLoss: tail.reduce((a, s) => a + s.loss, 0) / Math.max(1, tail.length),
    tokensPerSec: tokens / (ms / 1000),
    targetTokensPerSec: target / (ms / 1000),
    curve: h.filter((_, i) => i % every === 0 || i === h.length - 1).map((s) => ({
      step: s.step,
      loss: +s.loss.toFixed(5),
      lr: s.lr,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// BIO pretraining

/**
 * The cache spec of a pretraining run: everything that determines it, as asked (the step count
 * when the preset gives `exposures` is derived from the data when the run starts).
 */
export function pretrainSpec(req: RunRequest) {
  const p = resolvePreset(req);
  return {
    people: p.people,
    config: req.config,
    seed: req.seed,
    model: p.model,
    pretrain: { ...p.pretrain },
    packing: { leadingEos: true },
    ...(req.celebrities ? { celebrities: req.celebrities } : {}),
    ...(req.general ? { general: req.general } : {}),
  };
}

/**
 * BIO first-token and whole-attribute accuracy on the first entry of every person; for a
 * bidirectional model (GBERT) also the masked-word accuracy its objective trains for
 * ("bioMaskedWord": each word of a value masked alone, lib/eval/metrics.ts), since masking the
 * whole value hides the neighbouring words a masked-LM model ties each word to (paper §7).
 */
export async function memorization(model: CausalLM, ds: Dataset): Promise<AccuracyRow[]> {
  const items = bioEvalItems(ds);
  const v = ds.vocab;
  return [
    ...await teacherForcedAccuracy(model, items, { mode: "first", metric: "bioFirstToken" }),
    ...await teacherForcedAccuracy(model, items, { mode: "whole", metric: "bioWholeAttribute" }),
    ...(isBidirectional(model)
      ? await maskedWordAccuracy(model, items, {
        wordStart: wordStarts((id) => v.decode([id]), v.size),
      })
      : []),
  ];
}

const isBidirectional = (model: CausalLM) =>
  (model.config as { causal?: boolean }).causal === false;

/**
 * Whether a finished pretraining's memorization is current: measured with this `eval` version
 * and, for a bidirectional model, holding the masked-word rows (added after the first GBERT runs
 * were archived; they are measured from the weights, never retrained).
 */
function memorizationCurrent(run: PretrainResult, req: RunRequest): boolean {
  if (run.measured?.eval !== STAGE_VERSIONS.eval) return false;
  const arch = resolvePreset(req).model.arch ?? "gpt";
  return archOverrides(arch).causal !== false ||
    run.memorization.some((m) => m.metric === "bioMaskedWord");
}

/** Result of a pretraining run. */
export interface PretrainResult {
  spec: ReturnType<typeof pretrainSpec>;
  /** Optimizer steps (derived from `exposures` unless the preset fixes them). */
  steps: number;
  params: number;
  vocabSize: number;
  backend: string;
  wallSeconds: number;
  training: ReturnType<typeof summarizeHistory>;
  /** BIO first-token and whole-attribute accuracy on the first entry of every person. */
  memorization: AccuracyRow[];
  /** The `eval` version the memorization was measured with (measured again when it moves). */
  measured: { eval: number };
  /** Where the weights are. */
  dir: string;
}

/** Options of the run functions. */
export interface RunOptions {
  /** Progress output (default: a progress line). */
  progress?: boolean;
  /** Stop early (the run resumes from its checkpoint next time). */
  signal?: AbortSignal;
}

/**
 * BIO pretraining of one (preset, config, seed), cached; resumes from its checkpoints. A finished
 * run whose memorization was measured with another `eval` version is measured again from its
 * weights (and its result rewritten), never retrained.
 */
export async function pretrain(
  req: RunRequest,
  opts: RunOptions = {},
): Promise<PretrainResult & { cacheKey: string; cached: boolean }> {
  const spec = pretrainSpec(req);
  const run = await cached("pretrain", spec, async (rd) => {
    const info = await initBackend({ quiet: true });
    const p = resolvePreset(req);
    const ds = requestDataset(req, p);
    const model = buildModel(p, ds, req.seed);
    const source = objectiveSource(model, bioPacker(ds, p, req.seed), { ds, seed: req.seed });
    const t0 = performance.now();
    const steps = pretrainSteps(p, req.seed, req);
    try {
      const res = await trainSteps(model, source, {
        ...pretrainLoopOptions(p, steps, rd.dir),
        signal: opts.signal,
        progress: opts.progress === false
          ? false
          : { label: `pretrain ${req.config} s${req.seed}` },
      });
      if (res.aborted) throw new Error("pretraining aborted; it resumes from its checkpoint");
      return {
        spec,
        steps,
        params: countParams(model.config),
        vocabSize: ds.vocab.size,
        backend: info.name,
        wallSeconds: (performance.now() - t0) / 1000,
        training: summarizeHistory(res.history),
        memorization: await memorization(model, ds),
        measured: { eval: STAGE_VERSIONS.eval },
        dir: rd.dir,
      };
    } finally {
      model.dispose();
    }
  });
  if (memorizationCurrent(run, req)) return run;
  await initBackend({ quiet: true });
  const p = resolvePreset(req);
  const ds = requestDataset(req, p);
  const model = buildModel(p, ds, req.seed);
  try {
    await loadPretrained(model, run.dir);
    const { cacheKey: _k, cached: _c, ...result } = run;
    const measured = {
      ...result,
      memorization: await memorization(model, ds),
      measured: { eval: STAGE_VERSIONS.eval },
    };
    await writeJsonAtomic(join(run.dir, "result.json"), measured);
    return { ...measured, cacheKey: run.cacheKey, cached: true };
  } finally {
    model.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// QA finetuning

/** A finetuning request: a pretraining request plus finetune overrides (e.g. a LoRA grid cell). */
export interface FinetuneRequest extends RunRequest {
  finetune?: Partial<Preset["finetune"]>;
}

/** The cache spec of a finetuning run. */
export function finetuneSpec(req: FinetuneRequest) {
  const p = resolvePreset(req);
  return {
    pretrain: pretrainSpec(req),
    finetune: { ...p.finetune, ...req.finetune },
    eval: evalSpec(p),
  };
}

/**
 * The evaluation part of a run's key: the preset's `eval`, and for a bidirectional model the
 * version of the masked evaluation (lib/eval/metrics.ts). Version 2 reads a masked span with the
 * data's EOS after the item, as in training; version 1 put padding there. A causal model's key
 * carries no such field, so its runs keep their keys.
 */
export function evalSpec(p: Preset) {
  return archOverrides(p.model.arch ?? "gpt").causal === false ? { ...p.eval, masked: 2 } : p.eval;
}

/** Result of a QA finetuning run. */
export interface FinetuneResult {
  spec: ReturnType<typeof finetuneSpec>;
  trainableParams: number;
  wallSeconds: number;
  training: ReturnType<typeof summarizeHistory>;
  /** QA accuracy (%) on P_train and P_test: generation exact match and first-token. */
  qa: AccuracyRow[];
  /** P_test mean generation accuracy after each evaluation point during finetuning. */
  curve: { step: number; epoch: number; inDist: number; outDist: number }[];
  pretrainKey: string;
}

/**
 * QA finetuning on P_train of a pretrained model (cached; pretrains first when needed), then
 * evaluation on P_train (in-distribution) and P_test (out-of-distribution).
 */
export async function qaFinetune(
  req: FinetuneRequest,
  opts: RunOptions = {},
): Promise<FinetuneResult & { cacheKey: string; cached: boolean }> {
  const pre = await pretrain(req, opts);
  const spec = finetuneSpec(req);
  return await cached("finetune", spec, async () => {
    await initBackend({ quiet: true });
    const p = resolvePreset(req);
    const ft = spec.finetune;
    const ds = celebrityView(requestDataset(req, p));
    const model = buildModel(p, ds, req.seed);
    await loadPretrained(model, pre.dir);
    const lora = ft.method === "lora"
      ? createLoRA(model, { r: ft.r, rEmbedding: ft.rEmbedding, seed: req.seed })
      : undefined;
    const docs = qaDocs(ds.qa.filter((q) => q.split === "P_train"), ds.vocab);
    const longest = docs.reduce((m, d) => Math.max(m, d.ids.length), 0);
    // One QA pair per row (rows just long enough): batchSize counts QA pairs, as in the paper.
    const packed = new PackedBatches(docs, {
      seqLen: longest + 1,
      batchSize: ft.batchSize,
      eos: ds.vocab.eos,
      seed: req.seed + 1,
      leadingEos: true,
    });
    const source = objectiveSource(model, packed, { ds, seed: req.seed + 1 });
    const steps = packed.stepsForEpochs(ft.epochs);
    const testItems = qaEvalItems(ds, { split: "P_test" });
    const trainItems = qaEvalItems(ds, { split: "P_train" });
    const meanOf = (rows: AccuracyRow[]) => rows.find((r) => r.attribute === "mean")?.accuracy ?? 0;
    const evalPoints = 5;
    const t0 = performance.now();
    try {
      const res = await trainSteps(model, source, {
        steps,
        // Paper: no warmup, cosine decay to 10% of the initial lr.
        lr: { peak: ft.method === "lora" ? ft.loraLr : ft.lr, warmup: 0, minRatio: 0.1 },
        weightDecay: ft.weightDecay,
        trainable: lora ? lora.variables : undefined,
        forward: lora?.forward,
        evalEvery: Math.max(1, Math.floor(steps / evalPoints)),
        onEval: async () => {
          const f = lora?.forward;
          const [i, o] = await Promise.all([
            teacherForcedAccuracy(wrap(model, f), qaSpanItems(trainItems), { mode: "whole" }),
            teacherForcedAccuracy(wrap(model, f), qaSpanItems(testItems), { mode: "whole" }),
          ]);
          return { inDist: meanOf(i), outDist: meanOf(o) };
        },
        signal: opts.signal,
        progress: opts.progress === false
          ? false
          : { label: `finetune ${req.config} s${req.seed}` },
      });
      if (res.aborted) throw new Error("finetuning aborted");
      const m = wrap(model, lora?.forward);
      const items = [...trainItems, ...testItems];
      const qa = [
        ...(p.eval.decoding === "beam"
          ? await qaAccuracy(m, items, { decoding: "beam", beams: p.eval.beams })
          : await teacherForcedAccuracy(m, qaSpanItems(items), {
            mode: "whole",
            metric: "qaGenerationGreedy",
          })),
        ...await teacherForcedAccuracy(m, qaSpanItems(items), {
          mode: "first",
          metric: "qaFirstToken",
        }),
      ];
      const stepsPerEpoch = steps / ft.epochs;
      return {
        spec,
        trainableParams: lora ? lora.numParams() : countParams(model.config),
        wallSeconds: (performance.now() - t0) / 1000,
        training: summarizeHistory(res.history),
        qa,
        curve: res.evals.map((e) => ({
          step: e.step,
          epoch: +(e.step / stepsPerEpoch).toFixed(2),
          ...(e.value as { inDist: number; outDist: number }),
        })),
        pretrainKey: pre.cacheKey,
      };
    } finally {
      lora?.dispose();
      model.dispose();
    }
  });
}

/**
 * The QA splits of a celebrity run (paper §6): finetune on every celebrity ("P_train"), test on
 * every minority person ("P_test"). Datasets without celebrities are returned as they are.
 */
export function celebrityView(ds: Dataset): Dataset {
  if (!ds.celebrities) return ds;
  const population = new Map(ds.people.map((q) => [q.id, q.population]));
  return {
    ...ds,
    qa: ds.qa.map((q) => ({
      ...q,
      split: population.get(q.personId) === "celebrity" ? "P_train" : "P_test",
    })),
  };
}

/** The model seen through forward options (LoRA adapters), as a CausalLM for evaluation. */
function wrap(model: GPT, forward: Parameters<GPT["logits"]>[1] | undefined) {
  if (!forward) return model;
  return {
    config: model.config,
    logits: (ids: tf.Tensor2D) => model.logits(ids, forward),
    hidden: (ids: tf.Tensor2D) => model.hidden(ids, forward),
  };
}
