/**
 * P-probing (position-based probing, paper §5.1 and Appendix E): how early in a biography entry
 * the frozen model's last hidden layer linearly encodes each attribute.
 *
 * Positions i = 0..5 are the tokens right before each of the six values, in order of appearance in
 * the entry; cell (i, f) exists only where f's value comes at or after position i (f not yet
 * seen). Per task, one head (rank-r embedding update, LayerNorm, linear classifier) is shared by
 * the six positions: one forward of the frozen model with that task's update gives all six hidden
 * states, and all defined cells of a batch are trained together.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { Dataset } from "../data/dataset.ts";
import { tokenizeBio } from "../tokenizer/docs.ts";
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

/** The six special positions. */
export const P_POSITIONS = 6;

/** One probed entry: the EOS-prefixed tokens up to the last special position. */
export interface PProbeItem {
  personId: number;
  split: "P_train" | "P_test";
  /** EOS + entry tokens, cut after the last special position (later tokens cannot matter). */
  ids: Int32Array;
  /** Attributes in order of appearance in the entry. */
  order: Attribute[];
  /** Index in `ids` of special position i (the token right before the i-th value). */
  positions: number[];
}

/**
 * Each minority person's entry number `entry` (default 0, the first), tokenized as in pretraining
 * (every training document is preceded by EOS).
 */
export function pProbeItems(ds: Dataset, opts: { entry?: number } = {}): PProbeItem[] {
  const entry = opts.entry ?? 0;
  const people = new Map(ds.people.map((p) => [p.id, p]));
  const items: PProbeItem[] = [];
  for (const b of ds.bios) {
    const p = people.get(b.personId);
    if (b.entryIndex !== entry || p?.population !== "minority") continue;
    const t = tokenizeBio(b, ds.vocab);
    if (t.valueTokens.length !== P_POSITIONS) {
      throw new Error(
        `P-probing: entry of person ${b.personId} has ${t.valueTokens.length} values`,
      );
    }
    // In the EOS-prefixed sequence the token before the value (original start - 1) is at start.
    const positions = t.valueTokens.map((v) => v.start);
    if (positions.some((x) => x < 1)) {
      throw new Error(`P-probing: entry of person ${b.personId} starts with a value`);
    }
    const len = positions[P_POSITIONS - 1] + 1;
    const ids = new Int32Array(len);
    ids[0] = ds.vocab.eos;
    ids.set(t.ids.subarray(0, len - 1), 1);
    items.push({
      personId: b.personId,
      split: p.split,
      ids,
      order: t.valueTokens.map((v) => v.attribute),
      positions,
    });
  }
  if (items.length === 0) throw new Error(`P-probing: no minority person has an entry ${entry}`);
  return items;
}

/** Whether cell (position i, attribute f) exists for an entry: f is not seen before position i. */
export function cellDefined(
  order: readonly Attribute[],
  position: number,
  attribute: Attribute,
): boolean {
  const k = order.indexOf(attribute);
  if (k < 0) throw new Error(`P-probing: attribute ${attribute} is not in the entry order`);
  return k >= position;
}

/** The attributes whose values come before special position i (all seen there). */
export function seenBefore(order: readonly Attribute[], position: number): Attribute[] {
  return order.slice(0, position);
}

/** Options of {@linkcode pProbe}. */
export interface PProbeOptions {
  /** Rank of the embedding update (paper: 2; Figure 13b/d: 4; 0 = none). */
  rank?: number;
  /** Optimizer steps; default `epochs` passes over the P_train entries. */
  steps?: number;
  /** Passes over the training entries when `steps` is not given (default 30: the paper's 30,000
   * steps of 50 over N/2 = 50,000 people). */
  epochs?: number;
  /** Default 50 (paper). */
  batchSize?: number;
  /** Default 1e-3 (paper). */
  lr?: number;
  /** Default 0.3 (paper). */
  weightDecay?: number;
  /** Seeds the heads, batch order and dropout (default 0). */
  seed?: number;
  /** Which entry of each person is probed (default 0). */
  entry?: number;
  /** Default {@link PROBE_TASKS} (all 11). */
  tasks?: readonly ProbeTask[];
  /**
   * Dropout in the frozen network during training (paper: on). Default true; it only has an
   * effect if the model's `config.dropout` > 0 (the toolkit's presets train with dropout 0).
   */
  dropout?: boolean;
  /** Test entries per forward pass at evaluation (default 100). */
  evalBatchSize?: number;
  onStep?: (info: { step: number; loss: number; lr: number }) => void;
  /** The classifier (default "linear", the paper's; see {@linkcode ProbeClassifier}). */
  classifier?: ProbeClassifier;
  /**
   * A classifier per (task, position) instead of one per task shared by the six positions (the
   * paper's); the embedding update stays per task. Default false.
   */
  classifierPerPosition?: boolean;
}

/** Accuracy of one (task, position) cell on P_test. */
export interface PProbeCell {
  task: string;
  attribute: Attribute;
  target: ProbeTarget;
  position: number;
  /** % of defined test entries predicted right; null if n = 0 (JSON-safe, unlike NaN). */
  accuracy: number | null;
  /** Test entries where the cell is defined. */
  n: number;
}

/** One test entry's outcome, for breakdowns (e.g. the Venn diagrams of Figures 6/15). */
export interface PProbeTestItem {
  personId: number;
  order: Attribute[];
  /** By task name, per position: 1 = right, 0 = wrong, null = cell not defined. */
  correct: Record<string, (0 | 1 | null)[]>;
}

/** Result of {@linkcode pProbe}. */
export interface PProbeResult {
  tasks: {
    task: string;
    attribute: Attribute;
    target: ProbeTarget;
    classes: number;
    baseline: number;
  }[];
  /** Every (task, position) cell, n = 0 where no test entry defines it. */
  cells: PProbeCell[];
  items: PProbeTestItem[];
  rank: number;
  classifier: ProbeClassifier;
  /** Trainable scalars per task head, summed over tasks. */
  trainableParams: number;
  dropout: boolean;
  nTrain: number;
  nTest: number;
  training: ProbeTraining;
  evalSeconds: number;
}

/** A padded batch of items: ids [B, T], flat indices of the special positions [B*6]. */
function batchOf(items: readonly PProbeItem[], eos: number, maxLen: number) {
  const T = paddedLength(items.reduce((m, it) => Math.max(m, it.ids.length), 0), maxLen);
  const ids = new Int32Array(items.length * T).fill(eos);
  const flatPos = new Int32Array(items.length * P_POSITIONS);
  items.forEach((it, r) => {
    if (it.ids.length > T) {
      throw new Error(`P-probing: entry of ${it.ids.length} tokens exceeds the context ${maxLen}`);
    }
    ids.set(it.ids, r * T);
    it.positions.forEach((p, i) => flatPos[r * P_POSITIONS + i] = r * T + p);
  });
  return { ids, T, flatPos };
}

/** Hidden states at the six special positions of a batch: [B*6, d]. */
function positionStates(
  model: ProbeModel,
  ids: tf.Tensor2D,
  flatPos: tf.Tensor1D,
  opts: Parameters<ProbeModel["hidden"]>[1],
): tf.Tensor2D {
  const [B, T] = ids.shape;
  const h = tf.reshape(model.hidden(ids, opts), [B * T, model.config.dModel]) as tf.Tensor2D;
  return tf.gather(h, flatPos) as tf.Tensor2D;
}

/**
 * Trains P-probes on the frozen `model` over the first entries of `ds`'s P_train people and
 * reports per-cell accuracy on P_test people (the paper implies training on N/2 people and testing
 * on the rest). The model's weights are never changed.
 */
export function pProbe(model: ProbeModel, ds: Dataset, opts: PProbeOptions = {}): PProbeResult {
  const tasks = opts.tasks ?? PROBE_TASKS;
  const eos = ds.vocab.eos;
  const maxLen = model.config.seqLen;
  const readout: ProbeReadout<PProbeItem> = {
    rowsPerItem: P_POSITIONS,
    states: (items, forward) => {
      const b = batchOf(items, eos, maxLen);
      const ids = tf.tensor2d(b.ids, [items.length, b.T], "int32");
      return positionStates(model, ids, tf.tensor1d(b.flatPos, "int32"), forward);
    },
    // A position counts for an attribute only where its value has not been seen yet.
    weight: (it, i, task) => cellDefined(it.order, i, task.attribute) ? 1 : 0,
  };
  const probe = fitProbe(model, ds, pProbeItems(ds, { entry: opts.entry }), readout, {
    tasks,
    rank: opts.rank ?? PAPER_PROBE.pRank,
    norm: "layernorm",
    classifier: opts.classifier ?? PAPER_PROBE.classifier,
    batchSize: opts.batchSize ?? PAPER_PROBE.pBatchSize,
    steps: opts.steps,
    epochs: opts.epochs ?? PAPER_PROBE.pEpochs,
    lr: opts.lr ?? PAPER_PROBE.lr,
    weightDecay: opts.weightDecay ?? PAPER_PROBE.weightDecay,
    seed: opts.seed ?? 0,
    dropout: opts.dropout,
    evalBatchSize: opts.evalBatchSize ?? 100,
    classifierPerRow: opts.classifierPerPosition ?? false,
    onStep: opts.onStep,
  });
  try {
    const { test, train } = probe;
    // Evaluation on P_test: no dropout.
    const t0 = performance.now();
    const results: PProbeTestItem[] = test.map((it) => ({
      personId: it.personId,
      order: it.order,
      correct: {},
    }));
    tasks.forEach((task, t) => {
      const pred = probe.predict(test, t);
      test.forEach((it, r) => {
        const label = probe.label(it, t);
        results[r].correct[taskName(task)] = [...Array(P_POSITIONS).keys()].map((i) =>
          cellDefined(it.order, i, task.attribute)
            ? (pred[r * P_POSITIONS + i] === label ? 1 : 0)
            : null
        );
      });
    });
    const cells: PProbeCell[] = [];
    for (const task of tasks) {
      for (let i = 0; i < P_POSITIONS; i++) {
        let n = 0;
        let right = 0;
        for (const r of results) {
          const c = r.correct[taskName(task)][i];
          if (c !== null) [n, right] = [n + 1, right + c];
        }
        cells.push({
          task: taskName(task),
          ...task,
          position: i,
          accuracy: n ? (100 * right) / n : null,
          n,
        });
      }
    }
    return {
      tasks: tasks.map((task, t) => ({
        task: taskName(task),
        ...task,
        classes: probe.labels[t].classes.length,
        baseline: majorityBaseline(
          train.map((it) => probe.label(it, t)),
          test.map((it) => probe.label(it, t)),
        ),
      })),
      cells,
      items: results,
      rank: opts.rank ?? PAPER_PROBE.pRank,
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

/** One region of a Venn breakdown: the other attributes seen before the probed position. */
export interface VennRegion {
  /** Subset of the other five attributes already seen, in {@link ATTRIBUTES} order. */
  seen: Attribute[];
  accuracy: number;
  n: number;
}

/**
 * The closer P-probing breakdown of Figures 6/15: accuracy of predicting `attribute` (task
 * `target`, default first-token) over every defined position of every test entry, grouped by
 * which of the other five attributes had already been seen. Regions without entries are left out.
 */
export function vennBreakdown(
  result: PProbeResult,
  attribute: Attribute,
  opts: { target?: ProbeTarget } = {},
): VennRegion[] {
  const name = taskName({ attribute, target: opts.target ?? "first_token" });
  if (!result.tasks.some((t) => t.task === name)) {
    throw new Error(`vennBreakdown: the result has no task ${name}`);
  }
  const groups = new Map<string, { seen: Attribute[]; n: number; right: number }>();
  for (const item of result.items) {
    item.correct[name].forEach((c, i) => {
      if (c === null) return;
      const seen = ATTRIBUTES.filter((a) => seenBefore(item.order, i).includes(a));
      const key = seen.join(",");
      const g = groups.get(key) ?? { seen, n: 0, right: 0 };
      g.n++;
      g.right += c;
      groups.set(key, g);
    });
  }
  return [...groups.values()]
    .sort((a, b) => a.seen.length - b.seen.length || a.seen.join().localeCompare(b.seen.join()))
    .map((g) => ({ seen: g.seen, accuracy: (100 * g.right) / g.n, n: g.n }));
}
