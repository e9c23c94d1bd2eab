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
  type ProbeModel,
  type ProbeTarget,
  type ProbeTask,
  type ProbeTraining,
  taskName,
} from "./head.ts";
import { fitProbe, type ProbeReadout } from "./fit.ts";
import { PAPER_PROBE } from "../config/presets.ts";

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

/** The longest query, padded (see `batchOf`'s `fixedT`). */
const longest = (items: readonly QProbeItem[], maxLen: number) =>
  paddedLength(items.reduce((m, it) => Math.max(m, it.ids.length), 0), maxLen);

/**
 * A batch of queries, right-padded with EOS to the batch's longest (or to `fixedT`). A causal
 * model never sees the padding from the last real token; a bidirectional one (GBERT) does, so it
 * gets one length for every batch (`fixedT`), and a person's state never depends on who shares
 * the batch. EOS is the padding GBERT's own QA items get (lib/eval), as its documents end in it.
 */
function batchOf(items: readonly QProbeItem[], eos: number, maxLen: number, fixedT?: number) {
  const T = fixedT ?? longest(items, maxLen);
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
 * How Q-probing reads `items`: the last layer at each query's final EOS. A bidirectional model
 * gets every batch padded to the longest of `items`, so a state never depends on the batch.
 */
export function qProbeReadout(
  model: ProbeModel,
  items: readonly QProbeItem[],
  eos: number,
): ProbeReadout<QProbeItem> {
  const maxLen = model.config.seqLen;
  const fixedT = model.config.causal === false ? longest(items, maxLen) : undefined;
  return {
    rowsPerItem: 1,
    states: (batch, forward) => lastStates(model, batchOf(batch, eos, maxLen, fixedT), forward),
  };
}

/**
 * Trains Q-probes on the frozen `model` with `ds`'s P_train people and reports accuracy on P_test
 * (and on P_train) per task. The model's weights are never changed.
 */
export function qProbe(model: ProbeModel, ds: Dataset, opts: QProbeOptions = {}): QProbeResult {
  const tasks = opts.tasks ?? PROBE_TASKS;
  const eos = ds.vocab.eos;
  const items = qProbeItems(ds);
  const nTrain = items.filter((it) => it.split === "P_train").length;
  const readout = qProbeReadout(model, items, eos);
  const probe = fitProbe(model, ds, items, readout, {
    tasks,
    rank: opts.rank ?? PAPER_PROBE.qRank,
    norm: "batchnorm",
    classifier: opts.classifier ?? PAPER_PROBE.classifier,
    batchSize: Math.min(opts.batchSize ?? PAPER_PROBE.qBatchSize, nTrain),
    steps: opts.steps,
    epochs: opts.epochs ?? PAPER_PROBE.qEpochs,
    lr: opts.lr ?? PAPER_PROBE.lr,
    weightDecay: opts.weightDecay ?? PAPER_PROBE.weightDecay,
    seed: opts.seed ?? 0,
    dropout: opts.dropout,
    evalBatchSize: opts.evalBatchSize ?? 500,
    onStep: opts.onStep,
  });
  try {
    const { test, train } = probe;
    const t0 = performance.now();
    const labelsOf = (batch: readonly QProbeItem[], t: number) =>
      Int32Array.from(batch, (it) => probe.label(it, t));
    const accuracy = (batch: QProbeItem[], t: number) => {
      const pred = probe.predict(batch, t);
      const y = labelsOf(batch, t);
      let right = 0;
      for (let i = 0; i < batch.length; i++) right += pred[i] === y[i] ? 1 : 0;
      return (100 * right) / batch.length;
    };
    const rows = tasks.map((task, t): QProbeRow => ({
      task: taskName(task),
      ...task,
      classes: probe.labels[t].classes.length,
      accuracy: accuracy(test, t),
      trainAccuracy: accuracy(train, t),
      baseline: majorityBaseline([...labelsOf(train, t)], [...labelsOf(test, t)]),
      n: test.length,
    }));
    return {
      rows,
      rank: opts.rank ?? PAPER_PROBE.qRank,
      classifier: opts.classifier ?? PAPER_PROBE.classifier,
      trainableParams: probe.trainableParams,
      dropout: probe.dropout,
      nTrain: train.length,
      nTest: test.length,
      training: probe.training,
      evalSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    probe.dispose();
  }
}
