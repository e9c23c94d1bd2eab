/**
 * P-probing and Q-probing (paper §5) as cached runs on top of a cached BIO pretraining run: the
 * pretrained weights are loaded, frozen, and probed; the result is keyed by the pretraining spec
 * plus the probe settings and the `probe` stage version, so probe changes never discard
 * pretraining runs.
 * @module
 */
import { initBackend } from "../model/backend.ts";
import type { GPT } from "../model/gpt.ts";
import { pProbe as runPProbe, type PProbeResult } from "../probe/p_probe.ts";
import { qProbe as runQProbe, type QProbeResult } from "../probe/q_probe.ts";
import type { ProbeClassifier } from "../probe/head.ts";
import { cached } from "./cache.ts";
import {
  buildModel,
  datasetFor,
  loadPretrained,
  pretrain,
  pretrainSpec,
  requestDataset,
  resolvePreset,
  type RunOptions,
  type RunRequest,
} from "./experiments.ts";

/** Probe settings of a run (defaults: the preset's `probe`, steps by epochs over its P_train). */
export interface ProbeRunSettings {
  /** Embedding-update rank (default: the preset's; paper P 2, Q 16). */
  rank?: number;
  /** The classifier (default: the preset's; see ProbeClassifier in lib/probe/head.ts). */
  classifier?: ProbeClassifier;
  /** Optimizer steps (default: 30 epochs for P, 120 for Q over the P_train people). */
  steps?: number;
  /** Probe seed (default: the request's seed). */
  seed?: number;
}

/** The cache spec of a probe run. */
export function probeSpec(kind: "p" | "q", req: RunRequest, settings: ProbeRunSettings = {}) {
  const pp = resolvePreset(req).probe;
  return {
    pretrain: pretrainSpec(req),
    probe: {
      kind,
      rank: settings.rank ?? (kind === "p" ? pp.pRank : pp.qRank),
      classifier: settings.classifier ?? pp.classifier,
      steps: settings.steps ?? null,
      seed: settings.seed ?? req.seed,
      batchSize: kind === "p" ? pp.pBatchSize : pp.qBatchSize,
      lr: pp.lr,
      weightDecay: pp.weightDecay,
      epochs: kind === "p" ? pp.pEpochs : pp.qEpochs,
      // P-probing only: Q-probing reads one row.
      ...(kind === "p" ? { classifierPerPosition: pp.pClassifierPerPosition } : {}),
    },
  };
}

/** The training options both probes take, as the spec fixes them. */
interface ProbeTrainOptions {
  rank: number;
  classifier: ProbeClassifier;
  steps?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  seed: number;
  classifierPerPosition?: boolean;
}

async function probeRun<R>(
  kind: "p" | "q",
  req: RunRequest,
  settings: ProbeRunSettings,
  opts: RunOptions,
  run: (model: GPT, ds: ReturnType<typeof datasetFor>, opts: ProbeTrainOptions) => R,
) {
  const pre = await pretrain(req, opts);
  const spec = probeSpec(kind, req, settings);
  return await cached(`${kind}probe`, spec, async () => {
    const info = await initBackend({ quiet: true });
    const p = resolvePreset(req);
    const ds = requestDataset(req, p);
    const model = buildModel(p, ds, req.seed);
    try {
      await loadPretrained(model, pre.dir);
      const { rank, classifier, steps, epochs, batchSize, lr, weightDecay, seed } = spec.probe;
      const perPosition = (spec.probe as { classifierPerPosition?: boolean }).classifierPerPosition;
      const result = run(model, ds, {
        ...(perPosition === undefined ? {} : { classifierPerPosition: perPosition }),
        rank,
        classifier,
        steps: steps ?? undefined,
        epochs,
        batchSize,
        lr,
        weightDecay,
        seed,
      });
      return { spec, backend: info.name, pretrainKey: pre.cacheKey, ...result };
    } finally {
      model.dispose();
    }
  });
}

/** P-probing (Figures 5/6/13/15) of the pretrained model of `req`, cached. */
export async function pProbe(
  req: RunRequest,
  settings: ProbeRunSettings = {},
  opts: RunOptions = {},
): Promise<
  PProbeResult & { spec: ReturnType<typeof probeSpec>; backend: string; pretrainKey: string } & {
    cacheKey: string;
    cached: boolean;
  }
> {
  return await probeRun("p", req, settings, opts, runPProbe);
}

/** Q-probing (Figures 7/16) of the pretrained model of `req`, cached. */
export async function qProbe(
  req: RunRequest,
  settings: ProbeRunSettings = {},
  opts: RunOptions = {},
): Promise<
  QProbeResult & { spec: ReturnType<typeof probeSpec>; backend: string; pretrainKey: string } & {
    cacheKey: string;
    cached: boolean;
  }
> {
  return await probeRun("q", req, settings, opts, runQProbe);
}
