/**
 * Q-probing (query-based probing, paper §5.2 and Appendix F): whether the frozen model's hidden
 * state after reading only a person's full name linearly encodes each attribute.
 *
 * Input: EOS + tokens of " " + fullName + EOS (EOS is the toolkit's document separator, so the
 * model has seen it before every biography); read-out: the last layer at the final EOS. Per task,
 * a rank-r embedding update, a BatchNorm (batch statistics in training, running statistics at
 * test) and a linear classifier.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import type { Attribute } from "../data/types.ts";
import type { Dataset } from "../data/dataset.ts";
import {
  majorityBaseline,
  paddedLength,
  PROBE_TASKS,
  type ProbeClassifier,
  ProbeHeads,
  type ProbeModel,
  type ProbeTarget,
  type ProbeTask,
  type ProbeTraining,
  readoutTables,
  stepsForEpochs,
  taskLabels,
  taskName,
  trainHeads,
  validateTasks,
  weightedCrossEntropy,
} from "./head.ts";

/** One query: EOS + name + EOS. */
export interface QProbeItem {
  personId: number;
  split: "P_train" | "P_test";
  ids: Int32Array;
}

/** The queries of every minority person. */
export function qProbeItems(ds: Dataset): QProbeItem[] {
  const eos = ds.vocab.eos;
  return ds.people.filter((p) => p.population === "minority").map((p) => {
    const name = ds.vocab.encode(" " + p.fullName);
    const ids = new Int32Array(name.length + 2);
    ids[0] = eos;
    ids.set(name, 1);
    ids[name.length + 1] = eos;
    return { personId: p.id, split: p.split, ids };
  });
}

/** Options of {@linkcode qProbe}. */
export interface QProbeOptions {
  /** Rank of the embedding update (paper: 16 for bioS, 64 in Figure 16b; 0 = none). */
  rank?: number;
  /** Optimizer steps; default `epochs` passes over the P_train people. */
  steps?: number;
  /** Passes over the training people when `steps` is not given (default 120: the paper's 30,000
   * steps of 200 over N/2 = 50,000 people). */
  epochs?: number;
  /** Default 200 (paper); capped at the number of training people. */
  batchSize?: number;
  /** Default 1e-3 (paper). */
  lr?: number;
  /** Default 0.3 (paper). */
  weightDecay?: number;
  /** Default 0. */
  seed?: number;
  /** Default {@link PROBE_TASKS}. */
  tasks?: readonly ProbeTask[];
  /** Dropout in the frozen network during training if `config.dropout` > 0 (default true). */
  dropout?: boolean;
  /** Queries per forward pass at evaluation (default 500). */
  evalBatchSize?: number;
  onStep?: (info: { step: number; loss: number; lr: number }) => void;
  /** The classifier (default "linear", the paper's; see {@linkcode ProbeClassifier}). */
  classifier?: ProbeClassifier;
}

/** Accuracy of one Q-probing task. */
export interface QProbeRow {
  task: string;
  attribute: Attribute;
  target: ProbeTarget;
  classes: number;
  /** % right on P_test people. */
  accuracy: number;
  /** % right on the P_train people the probe was trained on. */
  trainAccuracy: number;
  /** Majority-class baseline on P_test (%). */
  baseline: number;
  n: number;
}

/** Result of {@linkcode qProbe}. */
export interface QProbeResult {
  rows: QProbeRow[];
  rank: number;
  classifier: ProbeClassifier;
  trainableParams: number;
  dropout: boolean;
  nTrain: number;
  nTest: number;
  training: ProbeTraining;
  evalSeconds: number;
}

function batchOf(items: readonly QProbeItem[], eos: number, maxLen: number) {
  const T = paddedLength(items.reduce((m, it) => Math.max(m, it.ids.length), 0), maxLen);
  const ids = new Int32Array(items.length * T).fill(eos);
  const last = new Int32Array(items.length);
  items.forEach((it, r) => {
    if (it.ids.length > T) throw new Error(`Q-probing: query exceeds the context ${maxLen}`);
    ids.set(it.ids, r * T);
    // Right padding: causal attention keeps the padding out of the last real token's state.
    last[r] = r * T + it.ids.length - 1;
  });
  return { ids, T, last };
}

function lastStates(
  model: ProbeModel,
  b: ReturnType<typeof batchOf>,
  opts: Parameters<ProbeModel["hidden"]>[1],
): tf.Tensor2D {
  const B = b.last.length;
  const ids = tf.tensor2d(b.ids, [B, b.T], "int32");
  const h = tf.reshape(model.hidden(ids, opts), [B * b.T, model.config.dModel]);
  return tf.gather(h, tf.tensor1d(b.last, "int32")) as tf.Tensor2D;
}

/**
 * Trains Q-probes on the frozen `model` with `ds`'s P_train people and reports accuracy on P_test
 * (and on P_train) per task. The model's weights are never changed.
 */
export function qProbe(model: ProbeModel, ds: Dataset, opts: QProbeOptions = {}): QProbeResult {
  const tasks = opts.tasks ?? PROBE_TASKS;
  validateTasks(tasks);
  const rank = opts.rank ?? 16;
  const seed = opts.seed ?? 0;
  const all = qProbeItems(ds);
  const train = all.filter((it) => it.split === "P_train");
  const test = all.filter((it) => it.split === "P_test");
  if (test.length === 0) throw new Error("Q-probing: no P_test person to evaluate on");
  const batchSize = Math.min(opts.batchSize ?? 200, train.length);
  const steps = opts.steps ?? stepsForEpochs(train.length, batchSize, opts.epochs ?? 120);
  const minority = ds.people.filter((p) => p.population === "minority");
  const labels = tasks.map((t) => taskLabels(minority, ds.vocab, t));
  const eos = ds.vocab.eos;
  const cfg = model.config;
  const dropout = (opts.dropout ?? true) && cfg.dropout > 0;
  const classifier = opts.classifier ?? "linear";
  const readout = readoutTables(model, labels, ds.vocab, classifier);
  const heads = new ProbeHeads(labels.map((l) => l.classes.length), {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    rank,
    norm: "batchnorm",
    seed,
    readout,
  });
  tf.dispose(readout.filter((r) => r !== undefined));
  const labelsOf = (items: readonly QProbeItem[], t: number) =>
    Int32Array.from(items, (it) => labels[t].labelOf.get(it.personId)!);
  const evalBatch = opts.evalBatchSize ?? 500;
  const indexOf = new Map(all.map((it, i) => [it, i]));
  // Rank 0 and no dropout: the frozen features depend on neither the task nor the step, so they
  // are computed once.
  let frozen: tf.Tensor2D | undefined;
  const states = (items: readonly QProbeItem[], t: number, dropoutSeed?: number) => {
    if (frozen) {
      return tf.gather(frozen, Int32Array.from(items, (it) => indexOf.get(it)!)) as tf.Tensor2D;
    }
    return lastStates(model, batchOf(items, eos, cfg.seqLen), heads.forward(t, dropoutSeed));
  };
  try {
    if (rank === 0 && !dropout) {
      const parts: tf.Tensor2D[] = [];
      for (let at = 0; at < all.length; at += evalBatch) {
        parts.push(tf.tidy(() => states(all.slice(at, at + evalBatch), 0)));
      }
      frozen = tf.concat(parts) as tf.Tensor2D;
      tf.dispose(parts);
    }
    const training = trainHeads(heads, train.length, {
      steps,
      batchSize,
      lr: opts.lr ?? 1e-3,
      weightDecay: opts.weightDecay ?? 0.3,
      seed,
      onStep: opts.onStep,
      loss: (rows, step, t) => {
        const items = rows.map((r) => train[r]);
        const dropoutSeed = dropout ? (seed * 1_000_003 + step) * 31 + t : undefined;
        const x = states(items, t, dropoutSeed);
        const ones = new Float32Array(items.length).fill(1);
        return weightedCrossEntropy(heads.logits(t, x, true), labelsOf(items, t), ones);
      },
    });
    const t0 = performance.now();
    const accuracy = (items: QProbeItem[], t: number) => {
      let right = 0;
      for (let at = 0; at < items.length; at += evalBatch) {
        const chunk = items.slice(at, at + evalBatch);
        const pred = tf.tidy(() =>
          tf.argMax(heads.logits(t, states(chunk, t), false), -1).dataSync()
        );
        const y = labelsOf(chunk, t);
        for (let i = 0; i < chunk.length; i++) right += pred[i] === y[i] ? 1 : 0;
      }
      return (100 * right) / items.length;
    };
    const rows = tasks.map((task, t): QProbeRow => ({
      task: taskName(task),
      ...task,
      classes: labels[t].classes.length,
      accuracy: accuracy(test, t),
      trainAccuracy: accuracy(train, t),
      baseline: majorityBaseline([...labelsOf(train, t)], [...labelsOf(test, t)]),
      n: test.length,
    }));
    return {
      rows,
      rank,
      classifier,
      trainableParams: tasks.reduce((n, _, t) => n + heads.numParams(t), 0),
      dropout,
      nTrain: train.length,
      nTest: test.length,
      training,
      evalSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    frozen?.dispose();
    heads.dispose();
  }
}
