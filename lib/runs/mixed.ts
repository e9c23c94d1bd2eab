/**
 * Mixed training (paper §2.1, Result 1): one run on all BIO entries plus the QA pairs of P_train,
 * each training row entirely BIO or entirely QA, QA with probability QAr; then QA accuracy on
 * P_test people, whose QAs were never seen. Learning curves (Figure 1b) are recorded on the way:
 * BIO and QA first-token accuracy in- and out-of-distribution, and P_test generation accuracy.
 * @module
 */
import { initBackend } from "../model/backend.ts";
import { countParams } from "../model/params.ts";
import { bioDocs, qaDocs } from "../tokenizer/docs.ts";
import { MixedBatches } from "../train/packing.ts";
import { trainSteps } from "../train/loop.ts";
import { type AccuracyRow, qaSpanItems, teacherForcedAccuracy } from "../eval/metrics.ts";
import { cached } from "./cache.ts";
import {
  bioEvalItems,
  buildModel,
  datasetFor,
  evalSpec,
  memorization,
  objectiveSource,
  pretrainLoopOptions,
  pretrainPacker,
  pretrainSpec,
  pretrainSteps,
  qaEvalItems,
  resolvePreset,
  type RunRequest,
  summarizeHistory,
} from "./experiments.ts";

/** A mixed-training request: a run request plus QAr and the step budget. */
export interface MixedRequest extends RunRequest {
  /** Fraction of QA rows (default: the preset's, the paper's 0.8). */
  QAr?: number;
  /**
   * Steps as a multiple of the pretraining steps (default 1: the paper uses the same budget for
   * BIO pretraining and mixed training, so BIO gets only (1 - QAr) of it).
   */
  stepsFactor?: number;
  /** Learning-curve points (default 10). */
  curvePoints?: number;
}

/**
 * The cache spec of a mixed-training run: the pretraining spec (whose step count it scales by
 * `stepsFactor`, derived when the run starts), QAr, curve points and evaluation.
 */
export function mixedSpec(req: MixedRequest) {
  const p = resolvePreset(req);
  const QAr = req.QAr ?? p.mixed.QAr;
  if (!(QAr > 0 && QAr < 1)) throw new Error(`QAr must be in (0, 1), got ${QAr}`);
  const stepsFactor = req.stepsFactor ?? 1;
  if (!(stepsFactor > 0)) throw new Error(`stepsFactor must be positive, got ${stepsFactor}`);
  return {
    ...pretrainSpec(req),
    stepsFactor,
    QAr,
    curvePoints: req.curvePoints ?? 10,
    eval: evalSpec(p),
  };
}

/** One point of the Figure 1b learning curves (accuracies in %). */
export interface MixedCurvePoint {
  step: number;
  bioFirstInDist: number;
  bioFirstOutDist: number;
  qaFirstInDist: number;
  qaFirstOutDist: number;
  qaGenerationOutDist: number;
}

/** Result of a mixed-training run. */
export interface MixedResult {
  spec: ReturnType<typeof mixedSpec>;
  /** Optimizer steps: the pretraining steps times `stepsFactor`, rounded. */
  steps: number;
  params: number;
  backend: string;
  wallSeconds: number;
  finalLoss: number;
  tokensPerSec: number;
  /** QA accuracy (generation = greedy exact match, and first-token) on P_train and P_test. */
  qa: AccuracyRow[];
  /** BIO first-token and whole-attribute accuracy at the end. */
  memorization: AccuracyRow[];
  curve: MixedCurvePoint[];
}

const meanOf = (rows: AccuracyRow[], split: string) =>
  rows.find((r) => r.attribute === "mean" && r.split === split)?.accuracy ?? NaN;

/** Runs (or reads from the cache) one mixed-training run. */
export async function mixedTrain(
  req: MixedRequest,
  opts: { progress?: boolean; signal?: AbortSignal } = {},
): Promise<MixedResult & { cacheKey: string; cached: boolean }> {
  const spec = mixedSpec(req);
  return await cached("mixed", spec, async (rd) => {
    const info = await initBackend({ quiet: true });
    const p = resolvePreset(req);
    if (req.celebrities || req.general) {
      // Their specs would key a run this loop does not train: refuse rather than mislabel it.
      throw new Error(
        "mixed training takes no celebrities or general text (paper §6 uses QA only)",
      );
    }
    const ds = datasetFor(req.config, p.people, req.seed);
    const model = buildModel(p, ds, req.seed);
    const bio = pretrainPacker(bioDocs(ds.bios, ds.vocab), ds, p, req.seed);
    const trainQA = ds.qa.filter((q) => q.split === "P_train");
    const qa = pretrainPacker(qaDocs(trainQA, ds.vocab), ds, p, req.seed + 1);
    const mixed = new MixedBatches(bio, qa, { qaRatio: spec.QAr, seed: req.seed + 2 });
    const source = objectiveSource(model, mixed, { ds, seed: req.seed + 2 });
    const bioItems = bioEvalItems(ds);
    const qaItems = qaEvalItems(ds);
    const steps = Math.round(pretrainSteps(p, req.seed, req) * spec.stepsFactor);
    const t0 = performance.now();
    try {
      const res = await trainSteps(model, source, {
        ...pretrainLoopOptions(p, steps, rd.dir),
        evalEvery: Math.max(1, Math.floor(steps / spec.curvePoints)),
        onEval: async (step): Promise<MixedCurvePoint> => {
          const bioFirst = await teacherForcedAccuracy(model, bioItems, { mode: "first" });
          const qaSpans = qaSpanItems(qaItems);
          const qaFirst = await teacherForcedAccuracy(model, qaSpans, { mode: "first" });
          const qaGen = await teacherForcedAccuracy(model, qaSpans, { mode: "whole" });
          return {
            step,
            bioFirstInDist: meanOf(bioFirst, "P_train"),
            bioFirstOutDist: meanOf(bioFirst, "P_test"),
            qaFirstInDist: meanOf(qaFirst, "P_train"),
            qaFirstOutDist: meanOf(qaFirst, "P_test"),
            qaGenerationOutDist: meanOf(qaGen, "P_test"),
          };
        },
        signal: opts.signal,
        progress: opts.progress === false
          ? false
          : { label: `mixed ${req.config} QAr=${spec.QAr} s${req.seed}` },
      });
      if (res.aborted) throw new Error("mixed training aborted; it resumes from its checkpoint");
      const spans = qaSpanItems(qaItems);
      const qaRows = [
        ...await teacherForcedAccuracy(model, spans, {
          mode: "whole",
          metric: "qaGenerationGreedy",
        }),
        ...await teacherForcedAccuracy(model, spans, { mode: "first", metric: "qaFirstToken" }),
      ];
      const summary = summarizeHistory(res.history);
      return {
        spec,
        steps,
        params: countParams(model.config),
        backend: info.name,
        wallSeconds: (performance.now() - t0) / 1000,
        finalLoss: summary.finalLoss,
        tokensPerSec: summary.tokensPerSec,
        qa: qaRows,
        memorization: await memorization(model, ds),
        curve: res.evals.map((e) => e.value as MixedCurvePoint),
      };
    } finally {
      model.dispose();
    }
  });
}
