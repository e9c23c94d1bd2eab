/**
 * The one probe-training scaffold. P-probing, Q-probing and the "where the knowledge sits" probes
 * (lib/findings/sites.ts) all do the same thing: take a frozen model's hidden states at some
 * read-out rows of each person's tokens, train one head per task on the P_train people (one class
 * label per row: the person's value), and predict the P_test people's rows. What differs is where
 * the rows are and which of them count, a {@linkcode ProbeReadout}.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/dataset.ts";
import type { ForwardOptions } from "../model/gpt.ts";
import {
  type HeadNorm,
  type ProbeClassifier,
  ProbeHeads,
  type ProbeModel,
  type ProbeTask,
  type ProbeTraining,
  readoutTables,
  stepsForEpochs,
  type TaskLabels,
  taskLabels,
  trainHeads,
  validateTasks,
  weightedCrossEntropy,
} from "./head.ts";

/** What every probed item names: its person and that person's split. */
export interface ProbeItem {
  personId: number;
  split: "P_train" | "P_test";
}

/** Where a probe reads: the rows of each item and how to compute their hidden states. */
export interface ProbeReadout<I extends ProbeItem> {
  /** Read-out rows per item (P-probing: the six special positions; Q-probing: one). */
  rowsPerItem: number;
  /**
   * Hidden states [items.length * rowsPerItem, d] of the items' rows, item-major, with the head's
   * forward options (its embedding update and dropout) applied to the model.
   */
  states(items: readonly I[], forward: ForwardOptions | undefined): tf.Tensor2D;
  /** 1 where row `row` of `item` counts for `task` (its loss and its score), else 0. Default 1. */
  weight?(item: I, row: number, task: ProbeTask): 0 | 1;
}

/** Options of {@linkcode fitProbe}: the head and its training (values: the presets' `probe`). */
export interface FitProbeOptions {
  tasks: readonly ProbeTask[];
  /** Embedding-update rank (0 = none: the frozen states are then computed once). */
  rank: number;
  norm: HeadNorm;
  classifier: ProbeClassifier;
  batchSize: number;
  /** Optimizer steps; default `epochs` passes over the training items. */
  steps?: number;
  epochs: number;
  lr: number;
  weightDecay: number;
  /** Seeds the heads, batch order and dropout. */
  seed: number;
  /** Dropout in the frozen network while training, if its `config.dropout` > 0 (default true). */
  dropout?: boolean;
  /**
   * A classifier per read-out row instead of one shared by the rows (the paper shares it across
   * P-probing's six positions); the embedding update stays per task. Default false.
   */
  classifierPerRow?: boolean;
  /** Items per forward pass when computing states outside training (default 100). */
  evalBatchSize?: number;
  onStep?: (info: { step: number; loss: number; lr: number }) => void;
}

/** A trained probe: its heads, labels and split, and a predictor. Dispose when done. */
export interface FittedProbe<I extends ProbeItem> {
  labels: TaskLabels[];
  train: I[];
  test: I[];
  training: ProbeTraining;
  trainableParams: number;
  /** Whether dropout was on while training. */
  dropout: boolean;
  /** The class label of an item's person for task `t`. */
  label(item: I, t: number): number;
  /** Predicted class of every row of `items` for task `t` (item-major), no dropout. */
  predict(items: readonly I[], t: number): Int32Array;
  dispose(): void;
}

/** Trains one head per task on `items`' P_train rows of the frozen `model`. */
export function fitProbe<I extends ProbeItem>(
  model: ProbeModel,
  ds: Dataset,
  items: readonly I[],
  readout: ProbeReadout<I>,
  opts: FitProbeOptions,
): FittedProbe<I> {
  const { tasks, rank, seed } = opts;
  validateTasks(tasks);
  const R = readout.rowsPerItem;
  const train = items.filter((it) => it.split === "P_train");
  const test = items.filter((it) => it.split === "P_test");
  if (!train.length || !test.length) {
    throw new Error(`probe: P_train has ${train.length} items, P_test ${test.length}; need both`);
  }
  const minority = ds.people.filter((p) => p.population === "minority");
  const labels = tasks.map((t) => taskLabels(minority, ds.vocab, t));
  const cfg = model.config;
  const dropout = (opts.dropout ?? true) && cfg.dropout > 0;
  const tables = readoutTables(model, labels, ds.vocab, opts.classifier);
  const heads = new ProbeHeads(labels.map((l) => l.classes.length), {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    rank,
    norm: opts.norm,
    seed,
    readout: tables,
    rows: opts.classifierPerRow ? R : 1,
  });
  tf.dispose(tables.filter((r) => r !== undefined));
  const evalBatch = opts.evalBatchSize ?? 100;
  const label = (it: I, t: number) => labels[t].labelOf.get(it.personId)!;
  const indexOf = new Map(items.map((it, i) => [it, i]));
  // Rank 0 and no dropout: the frozen states depend on neither the task nor the step, so they are
  // computed once (one forward per item instead of one per task and step).
  let frozen: tf.Tensor2D | undefined;
  const states = (batch: readonly I[], t: number, dropoutSeed?: number) => {
    if (!frozen) return readout.states(batch, heads.forward(t, dropoutSeed));
    const rows = new Int32Array(batch.length * R);
    batch.forEach((it, b) => {
      for (let i = 0; i < R; i++) rows[b * R + i] = indexOf.get(it)! * R + i;
    });
    return tf.gather(frozen, rows) as tf.Tensor2D;
  };
  try {
    if (rank === 0 && !dropout) {
      const parts: tf.Tensor2D[] = [];
      for (let at = 0; at < items.length; at += evalBatch) {
        parts.push(tf.tidy(() => states(items.slice(at, at + evalBatch), 0)));
      }
      frozen = tf.concat(parts) as tf.Tensor2D;
      tf.dispose(parts);
    }
    const training = trainHeads(heads, train.length, {
      steps: opts.steps ?? stepsForEpochs(train.length, opts.batchSize, opts.epochs),
      batchSize: opts.batchSize,
      lr: opts.lr,
      weightDecay: opts.weightDecay,
      seed,
      onStep: opts.onStep,
      loss: (rows, step, t) => {
        const batch = rows.map((r) => train[r]);
        // Distinct dropout masks per step and task, a function of (seed, step, task) only.
        const dropoutSeed = dropout ? (seed * 1_000_003 + step) * 31 + t : undefined;
        const x = states(batch, t, dropoutSeed);
        const y = new Int32Array(batch.length * R);
        const w = new Float32Array(batch.length * R);
        batch.forEach((it, b) => {
          for (let i = 0; i < R; i++) {
            y[b * R + i] = label(it, t);
            w[b * R + i] = readout.weight ? readout.weight(it, i, tasks[t]) : 1;
          }
        });
        return weightedCrossEntropy(heads.logits(t, x, true), y, w);
      },
    });
    const fitted: FittedProbe<I> = {
      labels,
      train,
      test,
      training,
      trainableParams: tasks.reduce((n, _, t) => n + heads.numParams(t), 0),
      dropout,
      label,
      predict: (batch, t) => {
        const out = new Int32Array(batch.length * R);
        for (let at = 0; at < batch.length; at += evalBatch) {
          const chunk = batch.slice(at, at + evalBatch);
          const pred = tf.tidy(() =>
            tf.argMax(heads.logits(t, states(chunk, t), false), -1).dataSync()
          );
          out.set(pred, at * R);
        }
        return out;
      },
      dispose: () => {
        frozen?.dispose();
        heads.dispose();
      },
    };
    return fitted;
  } catch (e) {
    frozen?.dispose();
    heads.dispose();
    throw e;
  }
}
