/**
 * The training loop: batches from a BatchSource, AdamW with a warmup-cosine schedule, gradient
 * clipping, callbacks, periodic evaluation, resumable checkpoints and a progress line.
 *
 * A resumed run ends bit-identical to an uninterrupted one: the checkpoint restores the weights,
 * the AdamW moments and step, the BatchSource position and the RNG, and the learning rate and
 * dropout seeds are functions of the step alone.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Batch, BatchSource } from "../contracts.ts";
import type { ForwardOptions } from "../model/gpt.ts";
import type { Rng, RngState } from "../util/rng.ts";
import { AdamW, type AdamWOptions, type AdamWState } from "./optimizer.ts";
import { lrAt, type ScheduleOptions, validateSchedule } from "./schedule.ts";
import {
  type CheckpointData,
  configHash,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { createProgress, type ProgressOptions } from "./progress.ts";

/** What the loop needs from a model (GPT implements it). */
export interface TrainableModel {
  readonly config: object;
  /** All model weights by name (saved in checkpoints). */
  readonly params: Record<string, tf.Variable>;
  /** Masked mean loss of a batch, differentiable. */
  loss(batch: Batch, opts?: ForwardOptions): tf.Scalar;
}

/** One step's record. */
export interface StepInfo {
  /** Steps done after this one (1-based). */
  step: number;
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Tokens in the batch (batchSize * seqLen, padding included). */
  tokens: number;
  /** Tokens that count in the loss (sum of the mask). */
  targetTokens: number;
  /** tokens / step wall time. */
  tokensPerSec: number;
  /** Step wall time, ms. */
  ms: number;
}

/** Options of {@linkcode trainSteps}. */
export interface TrainOptions {
  /** Total optimizer steps of the run (a resumed run continues up to this). */
  steps: number;
  /** Learning-rate schedule; `total` defaults to `steps`. */
  lr: Omit<ScheduleOptions, "total"> & { total?: number };
  /** Decoupled weight decay (default 0.1). */
  weightDecay?: number;
  /** Global-norm gradient clip (default 1.0). */
  clip?: number;
  /** Other AdamW settings (betas, eps, which variables decay). */
  adamw?: Omit<AdamWOptions, "weightDecay" | "clip">;
  /** Variables to train (default: all model params). A record gives checkpoint names. */
  trainable?: tf.Variable[] | Record<string, tf.Variable>;
  /** Forward options (LoRA, embedding update). `dropoutSeed` is offset by the step. */
  forward?: ForwardOptions;
  /** Called after each step. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Run `onEval` every this many steps (and after the last step). */
  evalEvery?: number;
  onEval?: (step: number) => unknown | Promise<unknown>;
  /** Save to `dir` every `every` steps and at the end; resume from the newest there. */
  checkpoint?: { dir: string; every: number; keep?: number; resume?: boolean };
  /** Stops after the current step (and saves a checkpoint if configured). */
  signal?: AbortSignal;
  /** An RNG whose state is checkpointed with the run (for callers' randomness). */
  rng?: Rng;
  /** Progress line; false turns it off. */
  progress?: boolean | Omit<ProgressOptions, "total">;
}

/** What {@linkcode trainSteps} returns. */
export interface TrainResult {
  /** One record per step of the whole run (a resumed run includes the steps before it). */
  history: StepInfo[];
  /** Values returned by `onEval`, with their step. */
  evals: { step: number; value: unknown }[];
  /** Steps done. */
  step: number;
  /** True if stopped by the signal before `steps`. */
  aborted: boolean;
}

function stripPrefix(name: string): string {
  const i = name.indexOf("/");
  return i < 0 ? name : name.slice(i + 1);
}

/**
 * Trains `model` on batches from `source` for `opts.steps` optimizer steps (continuing from the
 * newest checkpoint in `opts.checkpoint.dir` if there is one).
 */
export async function trainSteps(
  model: TrainableModel,
  source: BatchSource,
  opts: TrainOptions,
): Promise<TrainResult> {
  if (!Number.isInteger(opts.steps) || opts.steps <= 0) {
    throw new Error(`trainSteps: steps must be a positive integer, got ${opts.steps}`);
  }
  const schedule: ScheduleOptions = { ...opts.lr, total: opts.lr.total ?? opts.steps };
  validateSchedule(schedule);
  if (opts.checkpoint && !(Number.isInteger(opts.checkpoint.every) && opts.checkpoint.every > 0)) {
    throw new Error(
      `trainSteps: checkpoint.every must be a positive integer, got ${opts.checkpoint.every}`,
    );
  }

  // Named variables: model params by their names, extra trainables (LoRA, probes) by theirs.
  const named: Record<string, tf.Variable> = {};
  const modelNameOf = new Map<tf.Variable, string>();
  for (const [k, v] of Object.entries(model.params)) {
    named[`param/${k}`] = v;
    modelNameOf.set(v, `param/${k}`);
  }
  const trainableEntries: [string, tf.Variable][] = !opts.trainable
    ? Object.entries(model.params).map(([k, v]) => [`param/${k}`, v])
    : Array.isArray(opts.trainable)
    ? opts.trainable.map((v) => [modelNameOf.get(v) ?? `extra/${stripPrefix(v.name)}`, v])
    : Object.entries(opts.trainable).map(([k, v]) => [modelNameOf.get(v) ?? `extra/${k}`, v]);
  for (const [k, v] of trainableEntries) named[k] = v;
  const trainable = trainableEntries.map(([, v]) => v);
  const optimizer = new AdamW(trainable, {
    ...opts.adamw,
    weightDecay: opts.weightDecay ?? 0.1,
    clip: opts.clip ?? 1.0,
  });
  const hash = configHash({
    config: model.config,
    trainable: trainableEntries.map(([k, v]) => [k, v.shape]),
  });

  let step = 0;
  let history: StepInfo[] = [];
  let evals: { step: number; value: unknown }[] = [];

  const save = async () => {
    if (!opts.checkpoint) return;
    const tensors: CheckpointData["tensors"] = {};
    for (const [k, v] of Object.entries(named)) {
      tensors[k] = { shape: [...v.shape], data: (await v.data()) as Float32Array };
    }
    const os = optimizer.getState();
    os.slots.forEach((s, i) => {
      tensors[`adamw.m/${i}`] = { shape: s.shape, data: s.m };
      tensors[`adamw.v/${i}`] = { shape: s.shape, data: s.v };
    });
    await saveCheckpoint(opts.checkpoint.dir, {
      step,
      configHash: hash,
      tensors,
      state: {
        optimizerStep: os.step,
        source: source.getState(),
        rng: opts.rng?.getState(),
        history,
        evals,
      },
    }, { keep: opts.checkpoint.keep });
  };

  if (opts.checkpoint && opts.checkpoint.resume !== false) {
    const latest = await latestCheckpoint(opts.checkpoint.dir);
    if (latest) {
      const shapes: Record<string, number[]> = {};
      for (const [k, v] of Object.entries(named)) shapes[k] = [...v.shape];
      const ck = await loadCheckpoint(latest, { configHash: hash, shapes });
      tf.tidy(() => {
        for (const [k, v] of Object.entries(named)) {
          v.assign(tf.tensor(ck.tensors[k].data, v.shape));
        }
      });
      const st: AdamWState = {
        step: ck.state.optimizerStep as number,
        slots: trainable.map((v, i) => ({
          name: v.name,
          shape: [...v.shape],
          m: ck.tensors[`adamw.m/${i}`].data,
          v: ck.tensors[`adamw.v/${i}`].data,
        })),
      };
      optimizer.setState(st);
      source.setState(ck.state.source);
      if (opts.rng && ck.state.rng) opts.rng.setState(ck.state.rng as RngState);
      step = ck.step;
      history = (ck.state.history as StepInfo[]) ?? [];
      evals = (ck.state.evals as { step: number; value: unknown }[]) ?? [];
    }
  }

  const progress = opts.progress === false ? undefined : createProgress({
    ...(typeof opts.progress === "object" ? opts.progress : {}),
    total: opts.steps,
  });
  let aborted = false;
  let lastSaved = step;
  try {
    while (step < opts.steps) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      const t0 = performance.now();
      const batch = source.next();
      const lr = lrAt(step, schedule);
      const forward: ForwardOptions = opts.forward?.dropoutSeed === undefined
        ? opts.forward ?? {}
        : { ...opts.forward, dropoutSeed: opts.forward.dropoutSeed + step };
      const [lossT, normT] = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => model.loss(batch, forward), trainable);
        return [value, optimizer.apply(grads, lr)];
      });
      const [loss] = await lossT.data();
      const [gradNorm] = await normT.data();
      tf.dispose([lossT, normT]);
      step++;
      const ms = performance.now() - t0;
      const tokens = batch.batchSize * batch.seqLen;
      let targetTokens = 0;
      for (let i = 0; i < batch.mask.length; i++) targetTokens += batch.mask[i];
      const info: StepInfo = {
        step,
        loss,
        lr,
        gradNorm,
        tokens,
        targetTokens,
        tokensPerSec: tokens / (ms / 1000),
        ms,
      };
      history.push(info);
      progress?.update(step, { loss, tokensPerSec: info.tokensPerSec });
      await opts.onStep?.(info);
      if (opts.onEval && opts.evalEvery && (step % opts.evalEvery === 0 || step === opts.steps)) {
        evals.push({ step, value: await opts.onEval(step) });
      }
      if (opts.checkpoint && step % opts.checkpoint.every === 0) {
        await save();
        lastSaved = step;
      }
      // Let timers, the abort signal and notebook output run between steps.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (opts.checkpoint && step !== lastSaved) await save();
  } finally {
    progress?.done();
    optimizer.dispose();
  }
  return { history, evals, step, aborted };
}
