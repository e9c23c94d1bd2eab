/**
 * The paper's accuracy metrics (§1.5, §2.4 of the spec):
 *
 * - QA generation accuracy: the question is the prompt, the model decodes (beam 4 by default),
 *   and an answer counts only on an exact whole-attribute match (no partial credit);
 * - QA first-token accuracy: teacher-forced argmax on the first answer token;
 * - BIO first-token / whole-attribute accuracy: teacher-forced argmax on the tokens of each
 *   attribute value inside a biography;
 * - BIO masked-word accuracy (bidirectional models only): each word of each value masked alone,
 *   predicted in place with the rest of the biography visible (the masked-LM objective's view).
 *
 * Every function returns rows `{attribute, split, metric, accuracy, n}` (accuracy in %), one per
 * attribute and split plus a `"mean"` row per split (the unweighted mean over attributes, the
 * paper's "mean acc"), ready for a polars DataFrame.
 *
 * @example
 * ```ts
 * const rows = await qaAccuracy(model, items, { decoding: "beam", beams: 4 });
 * const df = pl.DataFrame(rows);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { CausalLM } from "../contracts.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { beamSearch, greedyGenerate } from "./generate.ts";
import { wordSpans } from "../train/masked_lm.ts";

/** One row of an accuracy table. */
export interface AccuracyRow {
  /** An attribute name, or "mean" for the unweighted mean over the attributes of the split. */
  attribute: string;
  /** "P_train", "P_test", or whatever split the items carry ("all" when they carry none). */
  split: string;
  /** e.g. "qaGenerationBeam4", "qaGenerationGreedy", "qaFirstToken", "firstToken". */
  metric: string;
  /** Percentage of correct items, 0..100. */
  accuracy: number;
  /** Items behind the number (for "mean": all items of the split). */
  n: number;
}

/** One QA evaluation item in compact token ids. */
export interface QAEvalItem {
  /** Question + "\nAnswer:" (what the model is given). */
  prompt: ArrayLike<number>;
  /** " value." (what it must produce). */
  target: ArrayLike<number>;
  attribute: string;
  split: string;
}

/** A token sequence with value spans to score under teacher forcing. */
export interface SpanEvalItem {
  ids: ArrayLike<number>;
  /** Token ranges [start, end) of the values; start >= 1 (a position needs a left context). */
  spans: readonly { attribute: string; start: number; end: number }[];
  split?: string;
}

/** Whole-attribute or first-token scoring of a span. */
export type SpanMode = "first" | "whole";

/**
 * Exact whole-attribute match: the generation starts with exactly the target tokens (" value.");
 * whatever follows (after the answer's closing period) is ignored. No partial credit.
 */
export function exactMatch(generated: ArrayLike<number>, target: ArrayLike<number>): boolean {
  if (target.length === 0) throw new RangeError("exactMatch: the target is empty");
  if (generated.length < target.length) return false;
  for (let i = 0; i < target.length; i++) if (generated[i] !== target[i]) return false;
  return true;
}

/** Options of {@linkcode qaAccuracy}. */
export interface QAAccuracyOptions {
  /** "beam" (the paper's default) or "greedy". Default "beam". */
  decoding?: "greedy" | "beam";
  /** Beam width. Default 4. */
  beams?: number;
  /**
   * New tokens to decode. Default: each item's target length, which is all exact match reads;
   * beam search then ranks hypotheses of that length. Give a number (with stopIds) to let
   * hypotheses end at a stop id instead.
   */
  maxNewTokens?: number;
  /** Stop ids for decoding (e.g. EOS). Default none. */
  stopIds?: readonly number[];
  /** Rows per forward pass. Default 64. */
  batchSize?: number;
  /** Metric name in the rows. Default "qaGenerationBeam{beams}" or "qaGenerationGreedy". */
  metric?: string;
}

/** QA generation accuracy: decode each prompt and score it with {@linkcode exactMatch}. */
export async function qaAccuracy(
  model: CausalLM,
  items: readonly QAEvalItem[],
  options: QAAccuracyOptions = {},
): Promise<AccuracyRow[]> {
  const decoding = options.decoding ?? "beam";
  if (decoding !== "beam" && decoding !== "greedy") {
    throw new RangeError(`qaAccuracy: decoding must be "beam" or "greedy", got ${decoding}`);
  }
  const beams = options.beams ?? 4;
  const prompts = items.map((it) => it.prompt);
  const decode = {
    maxNewTokens: options.maxNewTokens ?? items.map((it) => it.target.length),
    stopIds: options.stopIds,
    batchSize: options.batchSize,
  };
  const generated = decoding === "beam"
    ? await beamSearch(model, prompts, { ...decode, beams })
    : await greedyGenerate(model, prompts, decode);
  const metric = options.metric ??
    (decoding === "beam" ? `qaGenerationBeam${beams}` : "qaGenerationGreedy");
  return accuracyRows(
    items.map((it, i) => ({
      attribute: it.attribute,
      split: it.split,
      correct: exactMatch(generated[i], it.target),
    })),
    metric,
  );
}

/** Options of the teacher-forced metrics. */
export interface TeacherForcedOptions {
  /** Rows per forward pass. Default 64. */
  batchSize?: number;
  /** Id after the end of shorter rows (never read by a causal model). Default 0. */
  pad?: number;
  /** Metric name in the rows. */
  metric?: string;
}

/**
 * Teacher-forced span accuracy. A span [start, end) is correct in mode "whole" when the argmax of
 * the logits at positions start-1 .. end-2 predicts tokens start .. end-1; mode "first" checks only
 * token `start`. Used for BIO first-token / whole-attribute accuracy (spans = the six values in a
 * biography) and QA first-token accuracy. Default metric names: "firstToken", "wholeAttribute".
 */
export async function teacherForcedAccuracy(
  model: CausalLM,
  items: readonly SpanEvalItem[],
  options: TeacherForcedOptions & { mode: SpanMode },
): Promise<AccuracyRow[]> {
  const correct = await spanCorrectness(model, items, options);
  const results = items.flatMap((it, i) =>
    it.spans.map((s, j) => ({
      attribute: s.attribute,
      split: it.split ?? "all",
      correct: correct[i][j],
    }))
  );
  return accuracyRows(
    results,
    options.metric ?? (options.mode === "first" ? "firstToken" : "wholeAttribute"),
  );
}

/**
 * Per item and span, whether the teacher-forced argmax predicts the span (see
 * {@linkcode teacherForcedAccuracy}). Items are sorted by length and batched.
 */
export async function spanCorrectness(
  model: CausalLM,
  items: readonly SpanEvalItem[],
  options: TeacherForcedOptions & { mode: SpanMode },
): Promise<boolean[][]> {
  const { mode } = options;
  if (mode !== "first" && mode !== "whole") {
    throw new RangeError(`spanCorrectness: mode must be "first" or "whole", got ${mode}`);
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`spanCorrectness: batchSize must be a positive integer, got ${batchSize}`);
  }
  const pad = options.pad ?? 0;
  checkSpanItems("spanCorrectness", model, items);
  if ((model.config as { causal?: boolean }).causal === false) {
    return await maskedSpanCorrectness(model, items, mode, batchSize);
  }
  return await scoreSpans(model, items, items, mode, batchSize, pad, 1);
}

/** Throws unless every item fits the model and every span lies inside its item. */
function checkSpanItems(fn: string, model: CausalLM, items: readonly SpanEvalItem[]): void {
  items.forEach((it, i) => {
    if (it.ids.length > model.config.seqLen) {
      throw new RangeError(
        `${fn}: item ${i} has ${it.ids.length} tokens, more than the model's seqLen ${model.config.seqLen}`,
      );
    }
    for (const s of it.spans) {
      if (
        !(Number.isInteger(s.start) && Number.isInteger(s.end) && 1 <= s.start && s.start < s.end &&
          s.end <= it.ids.length)
      ) {
        throw new RangeError(
          `${fn}: item ${i} span ${s.attribute} [${s.start}, ${s.end}) must satisfy ` +
            `1 <= start < end <= ${it.ids.length} (the item's length)`,
        );
      }
    }
  });
}

/**
 * An item as a bidirectional model is asked it: its tokens followed by the data's EOS (see
 * {@linkcode maskedSpanCorrectness}), and the same with tokens [start, end) replaced by the mask
 * token.
 */
function maskedQuery(
  ids: ArrayLike<number>,
  start: number,
  end: number,
  eos: number,
  maskId: number,
): { asked: Int32Array; whole: Int32Array } {
  const whole = new Int32Array(ids.length + 1).fill(eos);
  whole.set(ids);
  const asked = whole.slice();
  asked.fill(maskId, start, end);
  return { asked, whole };
}

/**
 * A bidirectional model (GBERT, paper §7) is asked each span on its own: the span's tokens become
 * mask tokens (the model's last vocabulary id, see lib/train/masked_lm.ts) and are predicted in
 * place; "whole" needs every one right, as the paper counts GBERT's QA.
 */
async function maskedSpanCorrectness(
  model: CausalLM,
  items: readonly SpanEvalItem[],
  mode: SpanMode,
  batchSize: number,
): Promise<boolean[][]> {
  const maskId = model.config.vocabSize - 1;
  // Every training window has the data's EOS after each document, and a bidirectional model reads
  // it: it marks where a masked answer ends. So each item is followed by EOS and padded with it
  // (the data's last id, right before the mask id: lib/runs/experiments.ts). Without it only the
  // first token of an answer was recovered (GBERT at tiny: whole answers 0% where first tokens
  // were 81.7% on P_train).
  const eos = maskId - 1;
  const asked: SpanEvalItem[] = [];
  const truth: SpanEvalItem[] = [];
  const back: [number, number][] = [];
  items.forEach((it, i) =>
    it.spans.forEach((s, j) => {
      const q = maskedQuery(it.ids, s.start, s.end, eos, maskId);
      asked.push({ ids: q.asked, spans: [s] });
      truth.push({ ids: q.whole, spans: [s] });
      back.push([i, j]);
    })
  );
  const flat = await scoreSpans(model, asked, truth, mode, batchSize, eos, 0);
  const out: boolean[][] = items.map((it) => it.spans.map(() => false));
  back.forEach(([i, j], k) => out[i][j] = flat[k][0]);
  return out;
}

/** Options of {@linkcode maskedWordAccuracy}. */
export interface MaskedWordOptions {
  /**
   * Per token id of the data (EOS included; the mask id may be left out), 1 when the token starts
   * a word: the table GBERT was trained with, `wordStarts((id) => vocab.decode([id]), vocab.size)`
   * from lib/train/masked_lm.ts (as `objectiveSource` in lib/runs/experiments.ts builds it).
   */
  wordStart: ArrayLike<number>;
  /** Rows per forward pass. Default 64. */
  batchSize?: number;
  /** Metric name in the rows. Default "bioMaskedWord". */
  metric?: string;
}

/**
 * Masked-word accuracy of a bidirectional model (GBERT, paper §7): the accuracy its masked-LM
 * objective trains for, as opposed to the whole-attribute masking of
 * {@linkcode teacherForcedAccuracy}, which removes every neighbouring word of the value. Each
 * span is cut into words exactly as the training masks them ({@linkcode wordSpans} of
 * lib/train/masked_lm.ts: a word starts at the span's first token and at every token whose
 * `wordStart` is set, i.e. a leading space or punctuation), and each word is asked on its own: its
 * tokens become the mask token (the model's last id), every other token stays visible, and the
 * item is followed by the data's EOS (the id before the mask id) as in
 * {@linkcode spanCorrectness}. A word is correct when the argmax at each of its positions is its
 * token. Rows per attribute and split count words (`n`); "mean" is the unweighted mean over the
 * attributes of a split.
 *
 * @example
 * ```ts
 * const v = ds.vocab;
 * const wordStart = wordStarts((id) => v.decode([id]), v.size);
 * const rows = await maskedWordAccuracy(gbert, bioEvalItems(ds), { wordStart });
 * ```
 */
export async function maskedWordAccuracy(
  model: CausalLM,
  items: readonly SpanEvalItem[],
  options: MaskedWordOptions,
): Promise<AccuracyRow[]> {
  const fn = "maskedWordAccuracy";
  if ((model.config as { causal?: boolean }).causal !== false) {
    throw new TypeError(
      `${fn}: model must be bidirectional (config.causal === false, e.g. GBERT); got a causal ` +
        `model, whose masked words would read only their left context. For a causal model use ` +
        `teacherForcedAccuracy`,
    );
  }
  const { wordStart } = options ?? {};
  const dataSize = model.config.vocabSize - 1; // every id but the mask token
  if (!wordStart || typeof wordStart.length !== "number" || wordStart.length < dataSize) {
    throw new RangeError(
      `${fn}: options.wordStart must be a table of at least ${dataSize} entries (one per data ` +
        `id, see wordStarts in lib/train/masked_lm.ts), got ${
          wordStart ? `${wordStart.length} entries` : wordStart
        }`,
    );
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${fn}: batchSize must be a positive integer, got ${batchSize}`);
  }
  checkSpanItems(fn, model, items);
  const maskId = model.config.vocabSize - 1;
  const eos = maskId - 1;
  const asked: SpanEvalItem[] = [];
  const truth: SpanEvalItem[] = [];
  const who: { attribute: string; split: string }[] = [];
  items.forEach((it, i) =>
    it.spans.forEach((s) => {
      for (let p = s.start; p < s.end; p++) {
        if (!(it.ids[p] >= 0 && it.ids[p] < dataSize)) {
          throw new RangeError(
            `${fn}: item ${i} span ${s.attribute} has token ${it.ids[p]} at ${p}; allowed: ` +
              `data ids 0..${dataSize - 1} (the mask id ${maskId} is the model's to ask with)`,
          );
        }
      }
      for (const [start, end] of wordSpans(it.ids, s.start, s.end, wordStart)) {
        const q = maskedQuery(it.ids, start, end, eos, maskId);
        const word = [{ attribute: s.attribute, start, end }];
        asked.push({ ids: q.asked, spans: word });
        truth.push({ ids: q.whole, spans: word });
        who.push({ attribute: s.attribute, split: it.split ?? "all" });
      }
    })
  );
  const correct = await scoreSpans(model, asked, truth, "whole", batchSize, eos, 0);
  return accuracyRows(
    who.map((w, k) => ({ ...w, correct: correct[k][0] })),
    options.metric ?? "bioMaskedWord",
  );
}

/**
 * Whether the argmax at each span token (read `shift` positions earlier: 1 for next-token
 * prediction, 0 for in-place masked prediction) is the token of `truth`.
 */
async function scoreSpans(
  model: CausalLM,
  items: readonly SpanEvalItem[],
  truth: readonly SpanEvalItem[],
  mode: SpanMode,
  batchSize: number,
  pad: number,
  shift: number,
): Promise<boolean[][]> {
  const out: boolean[][] = items.map((it) => it.spans.map(() => false));
  const order = items.map((_, i) => i).sort((a, b) =>
    items[a].ids.length - items[b].ids.length || a - b
  );
  for (let c = 0; c < order.length; c += batchSize) {
    const chunk = order.slice(c, c + batchSize);
    const L = Math.max(...chunk.map((i) => items[i].ids.length));
    const flat = new Int32Array(chunk.length * L).fill(pad);
    chunk.forEach((i, b) => flat.set(items[i].ids, b * L));
    const argmax = tf.tidy(() =>
      tf.argMax(model.logits(tf.tensor2d(flat, [chunk.length, L], "int32")), -1)
    );
    let pred: Int32Array;
    try {
      pred = (await argmax.data()) as Int32Array;
    } finally {
      argmax.dispose();
    }
    chunk.forEach((i, b) => {
      const { ids, spans } = truth[i];
      spans.forEach((s, j) => {
        const last = mode === "first" ? s.start + 1 : s.end;
        let ok = true;
        for (let p = s.start; p < last && ok; p++) ok = pred[b * L + p - shift] === ids[p];
        out[i][j] = ok;
      });
    });
  }
  return out;
}

/** QA items as teacher-forcing items: prompt ++ target, with the target as the span. */
export function qaSpanItems(items: readonly QAEvalItem[]): SpanEvalItem[] {
  return items.map((it) => {
    const ids = new Int32Array(it.prompt.length + it.target.length);
    ids.set(Array.from(it.prompt));
    ids.set(Array.from(it.target), it.prompt.length);
    return {
      ids,
      spans: [{ attribute: it.attribute, start: it.prompt.length, end: ids.length }],
      split: it.split,
    };
  });
}

/**
 * QA generation accuracy under greedy decoding, computed with one teacher-forced pass. It equals
 * `greedyGenerate` + {@linkcode exactMatch}: greedy decoding emits the argmax given the prompt and
 * its own previous tokens; while those are the target's tokens, its inputs are exactly the
 * teacher-forced inputs, so it reproduces the target iff every teacher-forced argmax over the
 * target is right, and otherwise diverges at the first wrong one. (Both use the same argmax,
 * ties to the lowest id; only float noise between different batch shapes could split them.)
 * Metric name "qaGenerationGreedy". Needs no stop ids: exact match reads only the target length.
 */
export function qaExactMatchTeacherForced(
  model: CausalLM,
  items: readonly QAEvalItem[],
  options: TeacherForcedOptions = {},
): Promise<AccuracyRow[]> {
  return teacherForcedAccuracy(model, qaSpanItems(items), {
    ...options,
    mode: "whole",
    metric: options.metric ?? "qaGenerationGreedy",
  });
}

/** QA first-token accuracy (teacher forced): is the first answer token the argmax? */
export function qaFirstTokenAccuracy(
  model: CausalLM,
  items: readonly QAEvalItem[],
  options: TeacherForcedOptions = {},
): Promise<AccuracyRow[]> {
  return teacherForcedAccuracy(model, qaSpanItems(items), {
    ...options,
    mode: "first",
    metric: options.metric ?? "qaFirstToken",
  });
}

/**
 * Aggregates per-item results into rows: per split (in order of appearance) one row per attribute
 * (the paper's six first, in their order, then any others) and a "mean" row, the unweighted mean
 * of the attribute accuracies.
 */
export function accuracyRows(
  results: readonly { attribute: string; split: string; correct: boolean }[],
  metric: string,
): AccuracyRow[] {
  const bySplit = new Map<string, Map<string, { hit: number; n: number }>>();
  for (const r of results) {
    if (!bySplit.has(r.split)) bySplit.set(r.split, new Map());
    const byAttr = bySplit.get(r.split)!;
    const cell = byAttr.get(r.attribute) ?? { hit: 0, n: 0 };
    cell.hit += r.correct ? 1 : 0;
    cell.n++;
    byAttr.set(r.attribute, cell);
  }
  const rank = (a: string) => {
    const i = (ATTRIBUTES as readonly string[]).indexOf(a);
    return i < 0 ? ATTRIBUTES.length : i;
  };
  const rows: AccuracyRow[] = [];
  for (const [split, byAttr] of bySplit) {
    const attrs = [...byAttr.keys()].sort((a, b) => rank(a) - rank(b));
    let sum = 0;
    let n = 0;
    for (const attribute of attrs) {
      const { hit, n: k } = byAttr.get(attribute)!;
      const accuracy = (100 * hit) / k;
      rows.push({ attribute, split, metric, accuracy, n: k });
      sum += accuracy;
      n += k;
    }
    rows.push({ attribute: "mean", split, metric, accuracy: sum / attrs.length, n });
  }
  return rows;
}
