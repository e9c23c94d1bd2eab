/**
 * Batched decoding for QA evaluation: greedy and beam search (paper footnote 8: "beam search with
 * 4 beams, no sampling" throughout; greedy gives similar results).
 *
 * Prompts of different lengths share a forward pass: each step builds a right-padded [B, T]
 * batch and reads each row's logits at that row's own last position. Right padding is safe
 * because the model is causal: positions after a row's end never influence earlier ones.
 *
 * @example
 * ```ts
 * const out = await greedyGenerate(model, [prompt1, prompt2], { maxNewTokens: 8, stopIds: [eos] });
 * const best = await beamSearch(model, [prompt1], { beams: 4, maxNewTokens: 8, stopIds: [eos] });
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { CausalLM } from "../contracts.ts";

/** Options shared by {@linkcode greedyGenerate} and {@linkcode beamSearch}. */
export interface GenerateOptions {
  /** New tokens to generate at most: one number for all prompts, or one per prompt. */
  maxNewTokens: number | ArrayLike<number>;
  /** Generation of a prompt stops after it emits one of these ids (the id is kept in the output). */
  stopIds?: readonly number[];
  /** Rows per forward pass (beam search: prompts × beams). Default 64. */
  batchSize?: number;
  /** Id written after the end of shorter rows; never read by a causal model. Default 0. */
  pad?: number;
}

/** Options of {@linkcode beamSearch}. */
export interface BeamSearchOptions extends GenerateOptions {
  /** Beam width; the paper's default is 4. */
  beams?: number;
}

/** One decoded continuation with its total log-probability. */
export interface ScoredSequence {
  /** The new tokens (the stop id included when one was emitted). */
  ids: Int32Array;
  /** Sum of the log-probabilities of the new tokens. */
  logProb: number;
  /** Whether it ended with a stop id (otherwise it hit maxNewTokens). */
  finished: boolean;
}

/**
 * Greedy decoding (argmax at every step) of every prompt, batched: one forward pass per step for
 * up to `batchSize` prompts. Returns the new tokens of each prompt, in the prompts' order.
 */
export async function greedyGenerate(
  model: CausalLM,
  prompts: readonly ArrayLike<number>[],
  options: GenerateOptions,
): Promise<Int32Array[]> {
  const { caps, stop, batchSize, pad } = validate(model, prompts, options, "greedyGenerate");
  const out: number[][] = prompts.map(() => []);
  for (const chunk of chunksByLength(prompts, batchSize)) {
    const done = new Set<number>();
    for (let step = 0;; step++) {
      const active = chunk.filter((i) => !done.has(i) && step < caps[i]);
      if (active.length === 0) break;
      const rows = active.map((i) => concat(prompts[i], out[i]));
      const next = await lastPositionArgmax(model, rows, pad);
      active.forEach((i, r) => {
        out[i].push(next[r]);
        if (stop.has(next[r])) done.add(i);
      });
    }
  }
  return out.map((o) => Int32Array.from(o));
}

/**
 * Beam search with the sum of log-probabilities as the score (no length normalisation; the
 * paper does not state one). Each step expands every live hypothesis by its best tokens and keeps
 * the `beams` best non-finished candidates; a candidate that ends in a stop id and ranks among
 * the `beams` best of the step is finished. Decoding of a prompt ends when the best finished
 * hypothesis scores at least as high as the best live one (adding tokens only lowers a sum of
 * log-probabilities, so nothing live can overtake it) or at `maxNewTokens`; the result is the
 * highest-scoring hypothesis, finished or not. Returns the new tokens of the best hypothesis.
 */
export async function beamSearch(
  model: CausalLM,
  prompts: readonly ArrayLike<number>[],
  options: BeamSearchOptions,
): Promise<Int32Array[]> {
  return (await beamSearchScored(model, prompts, options)).map((s) => s.ids);
}

/** {@linkcode beamSearch} that also returns the score of the chosen hypothesis. */
export async function beamSearchScored(
  model: CausalLM,
  prompts: readonly ArrayLike<number>[],
  options: BeamSearchOptions,
): Promise<ScoredSequence[]> {
  const { caps, stop, batchSize, pad } = validate(model, prompts, options, "beamSearch");
  const beams = options.beams ?? 4;
  if (!Number.isInteger(beams) || beams < 1) {
    throw new RangeError(`beamSearch: beams must be a positive integer, got ${beams}`);
  }
  // A hypothesis' best `beams + |stop|` tokens hold at least `beams` non-stop ones, so the step's
  // `beams` best live candidates are always among the expansions.
  const k = Math.min(model.config.vocabSize, beams + stop.size);
  const result: ScoredSequence[] = new Array(prompts.length);
  for (const chunk of chunksByLength(prompts, Math.max(1, Math.floor(batchSize / beams)))) {
    const state = new Map<number, { alive: Hyp[]; finished: Hyp[] }>();
    for (const i of chunk) state.set(i, { alive: [{ tokens: [], score: 0 }], finished: [] });
    for (let step = 0;; step++) {
      const open = chunk.filter((i) => state.get(i)!.alive.length > 0 && step < caps[i]);
      if (open.length === 0) break;
      const rows: number[][] = [];
      for (const i of open) {
        for (const h of state.get(i)!.alive) rows.push(concat(prompts[i], h.tokens));
      }
      const { values, indices } = await lastPositionTopK(model, rows, k, pad);
      let r = 0;
      for (const i of open) {
        const s = state.get(i)!;
        const candidates: Hyp[] = [];
        for (const h of s.alive) {
          for (let j = 0; j < k; j++) {
            const t = r * k + j;
            candidates.push({ tokens: [...h.tokens, indices[t]], score: h.score + values[t] });
          }
          r++;
        }
        // Stable sort: ties keep the order of expansion (earlier beam, then higher logit).
        candidates.sort((a, b) => b.score - a.score);
        const alive: Hyp[] = [];
        for (let rank = 0; rank < candidates.length && alive.length < beams; rank++) {
          const c = candidates[rank];
          if (stop.has(c.tokens[c.tokens.length - 1])) {
            if (rank < beams) s.finished.push(c);
          } else alive.push(c);
        }
        s.finished.sort((a, b) => b.score - a.score);
        s.finished.length = Math.min(s.finished.length, beams);
        s.alive = alive;
        if (s.finished.length > 0 && alive.length > 0 && alive[0].score <= s.finished[0].score) {
          s.alive = [];
        }
      }
    }
    for (const i of chunk) {
      const s = state.get(i)!;
      const best = [
        ...s.finished.map((h) => ({ h, finished: true })),
        ...s.alive.map((h) => ({ h, finished: false })),
      ]
        .reduce((a, b) => (b.h.score > a.h.score ? b : a));
      result[i] = {
        ids: Int32Array.from(best.h.tokens),
        logProb: best.h.score,
        finished: best.finished,
      };
    }
  }
  return result;
}

interface Hyp {
  tokens: number[];
  score: number;
}

function validate(
  model: CausalLM,
  prompts: readonly ArrayLike<number>[],
  options: GenerateOptions,
  who: string,
): { caps: number[]; stop: Set<number>; batchSize: number; pad: number } {
  const { maxNewTokens } = options;
  const caps = typeof maxNewTokens === "number"
    ? prompts.map(() => maxNewTokens)
    : Array.from(maxNewTokens);
  if (caps.length !== prompts.length) {
    throw new RangeError(`${who}: ${caps.length} maxNewTokens for ${prompts.length} prompts`);
  }
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`${who}: batchSize must be a positive integer, got ${batchSize}`);
  }
  prompts.forEach((p, i) => {
    const cap = caps[i];
    if (!Number.isInteger(cap) || cap < 0) {
      throw new RangeError(
        `${who}: maxNewTokens must be integers >= 0, got ${cap} for prompt ${i}`,
      );
    }
    if (p.length === 0) {
      throw new RangeError(`${who}: prompt ${i} is empty; prompts need >= 1 token`);
    }
    // The last generated token is never fed back, so the longest input is p.length + cap - 1.
    if (p.length + cap - 1 > model.config.seqLen) {
      throw new RangeError(
        `${who}: prompt ${i} has ${p.length} tokens; with maxNewTokens ${cap} the input reaches ` +
          `${p.length + cap - 1} tokens, more than the model's seqLen ${model.config.seqLen}`,
      );
    }
  });
  return { caps, stop: new Set(options.stopIds ?? []), batchSize, pad: options.pad ?? 0 };
}

/** Prompt indices grouped into chunks of similar length (less padding), each at most `size`. */
function chunksByLength(prompts: readonly ArrayLike<number>[], size: number): number[][] {
  const order = prompts.map((_, i) => i).sort((a, b) =>
    prompts[a].length - prompts[b].length || a - b
  );
  const chunks: number[][] = [];
  for (let i = 0; i < order.length; i += size) chunks.push(order.slice(i, i + size));
  return chunks;
}

function concat(a: ArrayLike<number>, b: readonly number[]): number[] {
  const out = Array.from(a);
  for (const x of b) out.push(x);
  return out;
}

/** Right-pads rows into a [B, L] int32 tensor and returns it with each row's last index. */
function padRows(rows: number[][], pad: number): { ids: tf.Tensor2D; last: tf.Tensor1D } {
  const L = Math.max(...rows.map((r) => r.length));
  const flat = new Int32Array(rows.length * L).fill(pad);
  const last = new Int32Array(rows.length);
  rows.forEach((r, b) => {
    flat.set(r, b * L);
    last[b] = b * L + r.length - 1;
  });
  return { ids: tf.tensor2d(flat, [rows.length, L], "int32"), last: tf.tensor1d(last, "int32") };
}

/** [rows.length, V] logits at each row's last position. */
function lastLogits(model: CausalLM, rows: number[][], pad: number): tf.Tensor2D {
  const { ids, last } = padRows(rows, pad);
  const logits = model.logits(ids);
  const [B, L, V] = logits.shape;
  return tf.gather(tf.reshape(logits, [B * L, V]), last) as tf.Tensor2D;
}

async function lastPositionArgmax(
  model: CausalLM,
  rows: number[][],
  pad: number,
): Promise<Int32Array> {
  const next = tf.tidy(() => tf.argMax(lastLogits(model, rows, pad), -1));
  try {
    return (await next.data()) as Int32Array;
  } finally {
    next.dispose();
  }
}

async function lastPositionTopK(
  model: CausalLM,
  rows: number[][],
  k: number,
  pad: number,
): Promise<{ values: Float32Array; indices: Int32Array }> {
  const [v, i] = tf.tidy(() => {
    const { values, indices } = tf.topk(tf.logSoftmax(lastLogits(model, rows, pad)), k);
    return [values, indices];
  });
  try {
    return { values: (await v.data()) as Float32Array, indices: (await i.data()) as Int32Array };
  } finally {
    v.dispose();
    i.dispose();
  }
}
