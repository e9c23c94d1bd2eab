/**
 * GBERT's objective (paper §7): whole-word masked language modelling on the packed rows of any
 * batch source. Each word of a biography row is chosen with probability 15%; each token of a
 * chosen word becomes the mask token with probability 80%, a random token with 10%, and stays
 * itself with 10% (BERT's recipe, decided per token as in BERT's whole-word masking); the model
 * predicts the original token at the same position (bidirectional attention, so no shift).
 *
 * Rows of documents with a loss mask (QA pairs: the answer is the only target) follow the paper's
 * QA protocol instead: the answer's tokens are all replaced by mask tokens and predicted, so the
 * question is asked with as many mask tokens as the answer has.
 * @module
 */
import type { Batch, BatchSource } from "../contracts.ts";
import { Rng } from "../util/rng.ts";

/** Options of {@linkcode MaskedLMBatches}. */
export interface MaskedLMOptions {
  /** The mask token's id (a bidirectional model's last vocabulary id). */
  maskId: number;
  /**
   * Per token id, 1 if the token starts a word (GPT-2 BPE: it begins with a space, or it is
   * punctuation); see {@linkcode wordStarts}.
   */
  wordStart: Uint8Array;
  /** Ids never masked (EOS, which also pads). */
  eos: number;
  seed: number;
  /** Probability that a word is chosen (paper: 15%). */
  wordRate?: number;
}

/** Which ids start a word, from each id's text (leading space, or not a letter or digit). */
export function wordStarts(decode: (id: number) => string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let id = 0; id < size; id++) {
    const t = decode(id);
    out[id] = t.length === 0 || t[0] === " " || !/^[\p{L}\p{N}]/u.test(t) ? 1 : 0;
  }
  return out;
}

/**
 * The words of the tokens `ids[start, end)` as {@linkcode maskBatch} draws them: a word starts at
 * `start` (the first token of a run) and at every token whose `wordStart` entry is set, and runs to
 * the next start. Returns the words' token ranges `[start, end)`, in order, covering the range.
 */
export function wordSpans(
  ids: ArrayLike<number>,
  start: number,
  end: number,
  wordStart: ArrayLike<number>,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = start; i < end; i++) {
    if (i === start || wordStart[ids[i]]) out.push([i, i + 1]);
    else out[out.length - 1][1] = i + 1;
  }
  return out;
}

/**
 * Masks one packed batch (see the module doc). `inputs` row r holds the window's tokens; token i
 * (i >= 1) was a target of the causal batch iff `mask[r*T + i - 1]` is set. A row whose first
 * document token is not a target (every window starts with EOS and then a document) is a QA row.
 */
export function maskBatch(b: Batch, o: MaskedLMOptions, rng: Rng): Batch {
  const { batchSize: B, seqLen: T } = b;
  const inputs = b.inputs.slice();
  const targets = b.inputs.slice();
  const mask = new Float32Array(B * T);
  const rate = o.wordRate ?? 0.15;
  for (let r = 0; r < B; r++) {
    const at = r * T;
    const isTarget = (i: number) => i >= 1 && b.mask[at + i - 1] > 0 && b.inputs[at + i] !== o.eos;
    const qaRow = b.mask[at] === 0;
    let chosen = false;
    for (let i = 1; i < T; i++) {
      if (!isTarget(i)) {
        chosen = false;
        continue;
      }
      const tok = b.inputs[at + i];
      if (qaRow) {
        inputs[at + i] = o.maskId;
        mask[at + i] = 1;
        continue;
      }
      // A new word starts here (or after a non-target): draw whether it is chosen.
      if (o.wordStart[tok] || !isTarget(i - 1)) chosen = rng.next() < rate;
      if (!chosen) continue;
      mask[at + i] = 1;
      const u = rng.next();
      if (u < 0.8) inputs[at + i] = o.maskId;
      else if (u < 0.9) inputs[at + i] = rng.int(o.maskId); // a random real token
    }
  }
  return { batchSize: B, seqLen: T, inputs, targets, mask };
}

/** A batch source masked for the masked-LM objective; resumable (its state counts batches). */
export class MaskedLMBatches implements BatchSource {
  #source: BatchSource;
  #opts: MaskedLMOptions;
  #count = 0;

  /** Wraps `source` (a packer of BIO or QA documents, or a mix of both). */
  constructor(source: BatchSource, opts: MaskedLMOptions) {
    if (!Number.isInteger(opts.maskId) || opts.maskId < 1) {
      throw new RangeError(
        `MaskedLMBatches: maskId must be a positive integer, got ${opts.maskId}`,
      );
    }
    const rate = opts.wordRate ?? 0.15;
    if (!(rate > 0 && rate <= 1)) {
      throw new RangeError(`MaskedLMBatches: wordRate must be in (0, 1], got ${rate}`);
    }
    this.#source = source;
    this.#opts = opts;
  }

  /** The next batch, masked with randomness that depends only on (seed, batch index). */
  next(): Batch {
    const rng = new Rng(this.#opts.seed, 1 + this.#count++);
    return maskBatch(this.#source.next(), this.#opts, rng);
  }

  getState(): unknown {
    return { source: this.#source.getState(), count: this.#count };
  }

  setState(state: unknown): void {
    const s = state as { source: unknown; count: number };
    this.#source.setState(s.source);
    this.#count = s.count;
  }
}
