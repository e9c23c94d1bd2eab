/**
 * What P-probing and Q-probing share (paper §5, Appendices E/F): the 11 prediction tasks and their
 * labels, the per-task trainable head (a rank-r update of the frozen model's input embedding, a
 * normalization layer and a linear classifier) and the probe training loop (AdamW, linear decay
 * to 0, no warmup).
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { type Attribute, ATTRIBUTES, type Person } from "../data/types.ts";
import type { ForwardOptions, GPTConfig } from "../model/gpt.ts";
import type { CompactVocab } from "../tokenizer/vocab.ts";
import { AdamW } from "../train/optimizer.ts";
import { lrAt } from "../train/schedule.ts";
import { Rng } from "../util/rng.ts";

/** What a probe needs from the frozen model (GPT implements it). */
export interface ProbeModel {
  readonly config: GPTConfig;
  /** [B, T] ids -> [B, T, d] last-layer hidden states (after the final norm). */
  hidden(ids: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor3D;
  /** The weights; `wte` [V, d] (the tied output embedding) is read by the readout classifier. */
  readonly params?: Readonly<Record<string, tf.Variable>>;
}

/**
 * The classifier on top of the normalized hidden state.
 * - "linear": the paper's, a fresh linear layer over the task's classes.
 * - "readout": for first-token tasks, the class vectors are the frozen model's own output
 *   embedding rows of the classes' tokens, composed with a trainable d x d map that starts at the
 *   identity (logits = y (I + D) E_cls^T + b, weight decay pulling D to 0). Still a linear
 *   classifier of the hidden state, but one that knows every class before seeing it: with a few
 *   hundred training people (N = 500) most of a 200-value attribute's classes occur once or never
 *   in the probe's training half, and a fresh linear layer cannot learn them. Whole-attribute
 *   tasks (classes are values, not tokens) keep the linear layer.
 */
export type ProbeClassifier = "linear" | "readout";

/** The allowed classifiers. */
export const PROBE_CLASSIFIERS: readonly ProbeClassifier[] = ["linear", "readout"];

/**
 * Per task, the readout class matrix [d, M] (column c = the output embedding of class c's
 * token: the value's first token, the month's for b_date), or undefined for a linear head (the
 * "linear" classifier, and whole-attribute tasks). Call inside a tidy or keep the result.
 */
export function readoutTables(
  model: ProbeModel,
  labels: readonly TaskLabels[],
  vocab: CompactVocab,
  classifier: ProbeClassifier,
): (tf.Tensor2D | undefined)[] {
  if (!PROBE_CLASSIFIERS.includes(classifier)) {
    throw new Error(
      `probe: unknown classifier "${classifier}"; allowed: ${PROBE_CLASSIFIERS.join(", ")}`,
    );
  }
  if (classifier === "linear") return labels.map(() => undefined);
  const wte = model.params?.wte;
  if (!wte) throw new Error('probe: the "readout" classifier needs the model\'s params.wte');
  return labels.map((l) => {
    if (l.task.target !== "first_token") return undefined;
    const tokens = l.classes.map((k) =>
      l.task.attribute === "b_date" ? vocab.encode(" " + k)[0] : Number(k)
    );
    return tf.tidy(() => tf.transpose(tf.gather(wte, tf.tensor1d(tokens, "int32")))) as tf.Tensor2D;
  });
}

/** First token of the value (birth month for b_date) or the whole value. */
export type ProbeTarget = "first_token" | "whole_attribute";

/** One prediction task: an attribute and what of it is predicted. */
export interface ProbeTask {
  attribute: Attribute;
  target: ProbeTarget;
}

/**
 * The paper's 11 tasks: first-token of the six attributes (b_date -> birth month, 12 classes), then
 * whole-attribute of the five others (the whole birth date has more values than people).
 */
export const PROBE_TASKS: readonly ProbeTask[] = [
  ...ATTRIBUTES.map((attribute) => ({ attribute, target: "first_token" as const })),
  ...ATTRIBUTES.filter((a) => a !== "b_date").map((attribute) => ({
    attribute,
    target: "whole_attribute" as const,
  })),
];

/** "first_token/b_city", "whole_attribute/univ", ... */
export function taskName(task: ProbeTask): string {
  return `${task.target}/${task.attribute}`;
}

/** Throws on an unknown or impossible task (the whole birth date is not a classification task). */
export function validateTasks(tasks: readonly ProbeTask[]): void {
  if (tasks.length === 0) throw new Error("probe: tasks must not be empty");
  const seen = new Set<string>();
  for (const t of tasks) {
    if (!(ATTRIBUTES as readonly string[]).includes(t.attribute)) {
      throw new Error(
        `probe: unknown attribute "${t.attribute}"; allowed: ${ATTRIBUTES.join(", ")}`,
      );
    }
    if (t.target !== "first_token" && t.target !== "whole_attribute") {
      throw new Error(
        `probe: target must be "first_token" or "whole_attribute", got "${t.target}"`,
      );
    }
    if (t.target === "whole_attribute" && t.attribute === "b_date") {
      throw new Error("probe: whole_attribute/b_date is not a task (more dates than people)");
    }
    if (seen.has(taskName(t))) throw new Error(`probe: duplicate task ${taskName(t)}`);
    seen.add(taskName(t));
  }
}

/** The classes of a task and each person's class. */
export interface TaskLabels {
  task: ProbeTask;
  /** Class keys: month names, token ids (as strings) of the value's first token, or values. */
  classes: string[];
  /** Class index by person id. */
  labelOf: Map<number, number>;
}

/** The class key of one person for a task. */
function classKey(p: Person, task: ProbeTask, vocab: CompactVocab): string {
  if (task.target === "whole_attribute") return p.values[task.attribute];
  if (task.attribute === "b_date") return p.birthMonth;
  // A value is always tokenized as " " + value (tokenizer/docs.ts), so this is its first token.
  return String(vocab.encode(" " + p.values[task.attribute])[0]);
}

/** Classes over all `people` (train and test), in order of first appearance. */
export function taskLabels(
  people: readonly Person[],
  vocab: CompactVocab,
  task: ProbeTask,
): TaskLabels {
  const index = new Map<string, number>();
  const labelOf = new Map<number, number>();
  for (const p of people) {
    const k = classKey(p, task, vocab);
    let c = index.get(k);
    if (c === undefined) index.set(k, c = index.size);
    labelOf.set(p.id, c);
  }
  return { task, classes: [...index.keys()], labelOf };
}

/**
 * The majority-class baseline (%): the share, among `test` labels, of the most frequent `train`
 * label (the accuracy of a probe that learned nothing but the prior). Ties: the smallest class.
 */
export function majorityBaseline(train: readonly number[], test: readonly number[]): number {
  if (test.length === 0) return NaN;
  const counts = new Map<number, number>();
  for (const y of train) counts.set(y, (counts.get(y) ?? 0) + 1);
  let best = -1;
  let bestCount = -1;
  for (const [y, c] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (c > bestCount) [best, bestCount] = [y, c];
  }
  return (100 * test.filter((y) => y === best).length) / test.length;
}

// ---------------------------------------------------------------------------------------------
// Heads

/** Normalization before the classifier: LayerNorm (P-probing) or BatchNorm (Q-probing). */
export type HeadNorm = "layernorm" | "batchnorm";

type Head = {
  A?: tf.Variable;
  B?: tf.Variable;
  /** The normalization's affine map; absent in readout heads, which are not normalized. */
  gamma?: tf.Variable;
  beta?: tf.Variable;
  /** The linear classifier [d, M], or (readout) the trainable map D [d, d] and the frozen R. */
  W?: tf.Variable;
  D?: tf.Variable;
  R?: tf.Tensor2D;
  b: tf.Variable;
  runMean?: tf.Variable;
  runVar?: tf.Variable;
};

const NORM_EPS = 1e-5;
/** PyTorch BatchNorm's default running-statistics momentum. */
const BN_MOMENTUM = 0.1;
let nextHeadsId = 0;

/**
 * One trainable head per task. The embedding update starts at zero (A = 0, B ~ N(0, 1/r), as the
 * toolkit's LoRA embedding update), so a probe starts by reading the frozen model unchanged.
 */
export class ProbeHeads {
  readonly heads: Head[];
  readonly norm: HeadNorm;
  readonly rank: number;
  /** Read-out rows per item, each with its own classifier (1 = shared). */
  readonly rows: number;
  /** Batch statistics of the last training forward, applied by `commitStats` (BatchNorm only). */
  #pending: ({ mean: tf.Tensor; variance: tf.Tensor; n: number } | undefined)[];

  constructor(
    numClasses: readonly number[],
    opts: {
      vocabSize: number;
      dModel: number;
      rank: number;
      norm: HeadNorm;
      seed: number;
      /** Per task, a readout class matrix [d, M] (see {@linkcode readoutTables}); it is kept. */
      readout?: readonly (tf.Tensor2D | undefined)[];
      /**
       * Read-out rows per item with a classifier each (its norm's affine map, its linear layer or
       * readout map, its bias): `logits` then takes rows item-major, `rows` per item. Default 1:
       * one classifier shared by every row (the paper's P-probe shares it across positions). The
       * embedding update is per task either way.
       */
      rows?: number;
    },
  ) {
    const { vocabSize: V, dModel: d, rank: r, norm, seed } = opts;
    const K = opts.rows ?? 1;
    if (!Number.isInteger(K) || K < 1) throw new Error(`probe: rows must be >= 1, got ${K}`);
    if (K > 1 && norm === "batchnorm") {
      throw new Error("probe: a classifier per row is supported with layernorm only");
    }
    this.rows = K;
    // Per-row parameters get a leading [K] axis; shared ones keep their plain shapes.
    const per = (shape: number[]) => K > 1 ? [K, ...shape] : shape;
    if (!Number.isInteger(r) || r < 0) {
      throw new Error(`probe: rank must be an integer >= 0, got ${r}`);
    }
    this.norm = norm;
    this.rank = r;
    const prefix = `probe${nextHeadsId++}`;
    const rng = new Rng(seed, 0x9e0be);
    const normal = (shape: [number, number], std: number) => {
      const data = new Float32Array(shape[0] * shape[1]);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
      return tf.tensor2d(data, shape);
    };
    const uniform = (shape: number[], bound: number) => {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.next() - 1) * bound;
      return tf.tensor(data, shape);
    };
    this.heads = numClasses.map((M, t) =>
      tf.tidy(() => {
        if (!(Number.isInteger(M) && M >= 1)) throw new Error(`probe: task ${t} has ${M} classes`);
        const v = (x: tf.Tensor, name: string, trainable = true) =>
          tf.variable(x, trainable, `${prefix}/t${t}/${name}`);
        // PyTorch nn.Linear's default init, U(-1/sqrt(d), 1/sqrt(d)).
        const R = opts.readout?.[t];
        if (R && (R.shape[0] !== d || R.shape[1] !== M)) {
          throw new Error(`probe: readout of task ${t} is [${R.shape}], expected [${d}, ${M}]`);
        }
        // A readout head reads the state as the model's own tied head does: after the model's
        // final norm, with no second normalization (which would re-center and re-scale it and
        // move the logits away from the model's own prediction).
        const h: Head = R
          ? {
            D: v(tf.zeros(per([d, d])), "D"),
            R: tf.keep(R.clone()),
            b: v(tf.zeros(per([M])), "b"),
          }
          : {
            gamma: v(tf.ones(per([d])), "gamma"),
            beta: v(tf.zeros(per([d])), "beta"),
            W: v(uniform(per([d, M]), 1 / Math.sqrt(d)), "W"),
            b: v(uniform(per([M]), 1 / Math.sqrt(d)), "b"),
          };
        if (r > 0) {
          h.A = v(tf.zeros([V, r]), "A");
          h.B = v(normal([r, d], 1 / Math.sqrt(r)), "B");
        }
        if (norm === "batchnorm" && !R) {
          h.runMean = v(tf.zeros([d]), "runMean", false);
          h.runVar = v(tf.ones([d]), "runVar", false);
        }
        return h;
      })
    );
    this.#pending = this.heads.map(() => undefined);
  }

  /** Every trainable variable (running statistics excluded). */
  get trainable(): tf.Variable[] {
    return this.heads.flatMap((_, t) => this.taskVariables(t));
  }

  /** The trainable variables of task `t`'s head. */
  taskVariables(t: number): tf.Variable[] {
    const h = this.heads[t];
    return [h.A, h.B, h.gamma, h.beta, h.W, h.D, h.b].filter((v) =>
      v !== undefined
    ) as tf.Variable[];
  }

  /** Number of trainable scalars of one task's head. */
  numParams(task: number): number {
    const h = this.heads[task];
    return [h.A, h.B, h.gamma, h.beta, h.W, h.D, h.b].reduce((n, v) => n + (v?.size ?? 0), 0);
  }

  /** The frozen model's forward options for task `t` (its embedding update, if any). */
  forward(t: number, dropoutSeed?: number): ForwardOptions {
    const h = this.heads[t];
    const opts: ForwardOptions = {};
    if (h.A && h.B) opts.embeddingUpdate = { A: h.A as tf.Tensor2D, B: h.B as tf.Tensor2D };
    if (dropoutSeed !== undefined) opts.dropoutSeed = dropoutSeed;
    return opts;
  }

  /** Features [N, d] -> logits [N, M] of task `t`. `training` picks BatchNorm's statistics. */
  logits(t: number, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const h = this.heads[t];
    if (this.rows > 1) return this.#perRowLogits(h, x);
    if (h.R) {
      // logits = x (I + D) R + b: at initialization the model's own logits of the class tokens.
      const z = tf.add(x, tf.matMul(x, h.D as tf.Tensor2D));
      return tf.add(tf.matMul(z, h.R), h.b);
    }
    let y: tf.Tensor2D;
    if (this.norm === "layernorm") {
      const { mean, variance } = tf.moments(x, -1, true);
      y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
    } else if (training) {
      const { mean, variance } = tf.moments(x, 0);
      if (x.shape[0] < 2) throw new Error("probe: BatchNorm needs training batches of at least 2");
      this.#pending[t]?.mean.dispose();
      this.#pending[t]?.variance.dispose();
      this.#pending[t] = {
        mean: tf.keep(mean.clone()),
        variance: tf.keep(variance.clone()),
        n: x.shape[0],
      };
      y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
    } else {
      y = tf.div(tf.sub(x, h.runMean!), tf.sqrt(tf.add(h.runVar!, NORM_EPS)));
    }
    y = tf.add(tf.mul(y, h.gamma!), h.beta!);
    return tf.add(tf.matMul(y, h.W as tf.Tensor2D), h.b);
  }

  /** Logits with one classifier per read-out row: x [B*K, d] item-major -> [B*K, M]. */
  #perRowLogits(h: Head, x: tf.Tensor2D): tf.Tensor2D {
    const K = this.rows;
    const [N, d] = x.shape;
    if (N % K !== 0) throw new Error(`probe: ${N} rows are not items of ${K} rows each`);
    const B = N / K;
    // [K, B, d]: the rows of read-out position k of every item.
    const xs = tf.transpose(tf.reshape(x, [B, K, d]), [1, 0, 2]) as tf.Tensor3D;
    let out: tf.Tensor3D; // [K, B, M]
    if (h.R) {
      const z = tf.add(xs, tf.matMul(xs, h.D as tf.Tensor3D));
      const M = h.R.shape[1];
      out = tf.reshape(tf.matMul(tf.reshape(z, [K * B, d]), h.R), [K, B, M]);
    } else {
      const { mean, variance } = tf.moments(xs, -1, true);
      const y = tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
      const ya = tf.add(tf.mul(y, tf.expandDims(h.gamma!, 1)), tf.expandDims(h.beta!, 1));
      out = tf.matMul(ya as tf.Tensor3D, h.W as tf.Tensor3D);
    }
    const M = out.shape[2];
    const withBias = tf.add(out, tf.expandDims(h.b, 1));
    return tf.reshape(tf.transpose(withBias, [1, 0, 2]), [N, M]) as tf.Tensor2D;
  }

  /** Moves BatchNorm's running statistics toward the last training batch's (as PyTorch does). */
  commitStats(): void {
    this.#pending.forEach((p, t) => {
      if (!p) return;
      const h = this.heads[t];
      tf.tidy(() => {
        const unbiased = tf.mul(p.variance, p.n / (p.n - 1));
        h.runMean!.assign(tf.add(tf.mul(h.runMean!, 1 - BN_MOMENTUM), tf.mul(p.mean, BN_MOMENTUM)));
        h.runVar!.assign(tf.add(tf.mul(h.runVar!, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
      });
      tf.dispose([p.mean, p.variance]);
      this.#pending[t] = undefined;
    });
  }

  /** Frees every variable. */
  dispose(): void {
    for (const p of this.#pending) if (p) tf.dispose([p.mean, p.variance]);
    for (const h of this.heads) {
      tf.dispose(
        [h.A, h.B, h.gamma, h.beta, h.W, h.D, h.R, h.b, h.runMean, h.runVar].filter((v) =>
          v !== undefined
        ) as tf.Tensor[],
      );
    }
  }
}

/**
 * Weighted mean cross-entropy of logits [N, M] against labels, without a one-hot tensor: the
 * picked log-probabilities are gathered by flat index. Rows of weight 0 do not count; if every
 * weight is 0 the loss is 0.
 */
export function weightedCrossEntropy(
  logits: tf.Tensor2D,
  labels: Int32Array,
  weights: Float32Array,
): tf.Scalar {
  const [N, M] = logits.shape;
  let total = 0;
  for (let i = 0; i < N; i++) total += weights[i];
  const flat = new Int32Array(N);
  const w = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (weights[i] !== 0 && !(labels[i] >= 0 && labels[i] < M)) {
      throw new Error(`probe: label ${labels[i]} of row ${i} is outside [0, ${M})`);
    }
    flat[i] = i * M + (weights[i] !== 0 ? labels[i] : 0);
    w[i] = total > 0 ? weights[i] / total : 0;
  }
  const picked = tf.gather(tf.reshape(tf.logSoftmax(logits), [-1]), tf.tensor1d(flat, "int32"));
  return tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(w))));
}

// ---------------------------------------------------------------------------------------------
// Training loop

/** Optimization settings shared by both probes (paper: AdamW, wd 0.3, lr 1e-3, linear decay). */
export interface ProbeTrainOptions {
  steps: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  seed: number;
  /** Called after each step with the summed loss over tasks. */
  onStep?: (info: { step: number; loss: number; lr: number }) => void;
}

/** Loss curve summary of a probe run. */
export interface ProbeTraining {
  steps: number;
  batchSize: number;
  /** Summed loss over tasks: mean of the first and of the last 10% of steps. */
  firstLoss: number;
  finalLoss: number;
  seconds: number;
}

/**
 * Trains `heads` for `opts.steps` steps. `loss(rows, step, task)` returns task `task`'s loss on
 * the training rows `rows` (indices into 0..nTrain-1, drawn epoch by epoch without replacement;
 * every task sees the same rows). Gradients are taken task by task, so memory holds one task's
 * activations at a time; clipping is off, so the one optimizer over all tasks is the same as one
 * optimizer per task.
 */
export function trainHeads(
  heads: ProbeHeads,
  nTrain: number,
  opts: ProbeTrainOptions & { loss: (rows: number[], step: number, task: number) => tf.Scalar },
): ProbeTraining {
  const { steps, batchSize, lr, weightDecay, seed } = opts;
  if (!Number.isInteger(steps) || steps <= 0) {
    throw new Error(`probe: steps must be a positive integer, got ${steps}`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`probe: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (nTrain <= 0) throw new Error("probe: no training items (is the P_train split empty?)");
  const rng = new Rng(seed, 0xba7c4);
  const order: number[] = [];
  const nextRows = () => {
    const rows: number[] = [];
    while (rows.length < Math.min(batchSize, nTrain)) {
      if (order.length === 0) order.push(...rng.shuffle([...Array(nTrain).keys()]));
      rows.push(order.pop()!);
    }
    return rows;
  };
  const opt = new AdamW(heads.trainable, { weightDecay, clip: 0, eps: 1e-6 });
  const losses: number[] = [];
  const t0 = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      const rate = lrAt(step, { peak: lr, warmup: 0, total: steps, minRatio: 0, decay: "linear" });
      const rows = nextRows();
      const grads: tf.NamedTensorMap = {};
      let loss = 0;
      heads.heads.forEach((_, t) => {
        const r = tf.variableGrads(() => opts.loss(rows, step, t), heads.taskVariables(t));
        Object.assign(grads, r.grads);
        loss += r.value.dataSync()[0];
        r.value.dispose();
      });
      tf.dispose(opt.apply(grads, rate));
      heads.commitStats();
      tf.dispose(Object.values(grads));
      losses.push(loss);
      opts.onStep?.({ step: step + 1, loss, lr: rate });
    }
  } finally {
    opt.dispose();
  }
  const k = Math.max(1, Math.round(steps / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    steps,
    batchSize,
    firstLoss: mean(losses.slice(0, k)),
    finalLoss: mean(losses.slice(-k)),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Steps for `epochs` passes over `nTrain` items at `batchSize` (at least 1). */
export function stepsForEpochs(nTrain: number, batchSize: number, epochs: number): number {
  return Math.max(1, Math.round((epochs * nTrain) / batchSize));
}

/** Pads to a multiple of 8 (capped at `max`) so the model caches few rotary tables and masks. */
export function paddedLength(len: number, max: number): number {
  return Math.min(max, Math.ceil(len / 8) * 8);
}
