/**
 * Sequence packing for BIO pretraining, QA finetuning and mixed training (paper §2.1, App. C).
 *
 * Packing decides whether knowledge extraction is learned at all (prior-art §0.3): two
 * documents of one person in one window let the model copy instead of recall, and packing
 * that stays fixed across epochs collapses out-of-distribution QA. So the packer guarantees:
 *
 * - every epoch the documents are reshuffled (seeded) and repacked;
 * - every document appears exactly once per epoch and is never split across windows;
 * - no window holds two documents of the same person (a clashing document is deferred to a
 *   later window of the same epoch);
 * - documents are separated by EOS, and the rest of a window is padding with mask 0.
 *
 * A window holds `seqLen + 1` tokens; a row of a batch is `inputs = window[0..seqLen-1]`,
 * `targets = window[1..seqLen]`.
 *
 * @example
 * ```ts
 * const source = new PackedBatches(docs, { seqLen: 128, batchSize: 16, eos: 0, seed: 1 });
 * const batch = source.next();
 * const saved = source.getState(); // JSON-serializable; setState(saved) resumes the exact stream
 * ```
 * @module
 */
import type { Batch, BatchSource, Doc } from "../contracts.ts";
import { Rng, type RngState } from "../util/rng.ts";

/** Options of {@linkcode PackedBatches}. */
export interface PackedBatchesOptions {
  /** Tokens fed to the model per row; a window holds `seqLen + 1` tokens. */
  seqLen: number;
  /** Rows per batch. */
  batchSize: number;
  /** The EOS id that ends every document. */
  eos: number;
  /** Seed of the per-epoch shuffles. */
  seed: number;
  /** Id that fills the rest of a window (mask 0); defaults to `eos`. */
  pad?: number;
  /**
   * Start every window with an EOS so that every document, the first of a window included, is
   * preceded by EOS (then prompts at evaluation should start with EOS too). Default false: plain
   * GPT-2 style concatenation, the first document of a window starts at position 0, so the model
   * sees documents both with and without a preceding EOS.
   */
  leadingEos?: boolean;
  /**
   * When the next document does not fit in the rest of a window, look at up to this many later
   * documents for one that does before closing the window (first-fit over a short look-ahead;
   * skipped documents come first in the next window). 0 is plain next-fit. Default 8.
   */
  lookahead?: number;
}

/** Statistics of one epoch's packing, to convert exposures into optimizer steps. */
export interface PackingStats {
  /** The epoch these numbers describe. */
  epoch: number;
  /** Windows (rows) in the epoch. */
  windows: number;
  /** Documents in the epoch (all of them, once each). */
  docs: number;
  /** Document tokens plus their closing EOS, i.e. the non-padding target positions available. */
  docTokens: number;
  /** Target positions with mask 1. */
  lossTokens: number;
  /** docTokens / (windows * seqLen): the share of the row positions that are not padding. */
  fillRatio: number;
}

/** Where the stream of a {@linkcode PackedBatches} stands, as returned by `getState`. */
export interface PackedBatchesState {
  kind: "PackedBatches";
  /** The epoch whose windows are being served. */
  epoch: number;
  /** Index of the next window to serve within the epoch. */
  cursor: number;
  /** RNG state before the epoch's shuffle (the epoch's packing is recomputed from it). */
  rng: RngState;
  /** Identifies the documents and options, so a state is not applied to a different stream. */
  fingerprint: string;
}

/** The packed windows of one epoch: `order[start[w] .. start[w+1])` are the docs of window w. */
interface EpochPlan {
  order: Int32Array;
  start: Int32Array;
}

/**
 * A deterministic, resumable {@linkcode BatchSource} of packed windows. Batches run across
 * epoch boundaries (a batch may end one epoch and start the next), so no window is dropped.
 */
export class PackedBatches implements BatchSource {
  /** Tokens per row fed to the model. */
  readonly seqLen: number;
  /** Rows per batch of `next()`. */
  readonly batchSize: number;
  /** The EOS id. */
  readonly eos: number;
  /** The padding id. */
  readonly pad: number;
  /** Whether every window starts with EOS. */
  readonly leadingEos: boolean;
  /** Number of documents (each appears once per epoch). */
  readonly numDocs: number;
  /** Number of distinct persons. */
  readonly numPersons: number;
  /** Document tokens plus their closing EOS, summed over the docs: tokens per epoch. */
  readonly tokensPerEpoch: number;
  /** Windows of epoch 0; later epochs differ by a fraction of a percent. */
  readonly windowsPerEpoch: number;

  #docs: readonly Doc[];
  #lookahead: number;
  #capacity: number;
  #minUnit: number;
  #rng: Rng;
  #epoch = 0;
  #cursor = 0;
  #epochRng: RngState;
  #plan: EpochPlan;
  #fingerprint: string;

  /** Validates the documents (an over-long one throws) and packs epoch 0. */
  constructor(docs: readonly Doc[], options: PackedBatchesOptions) {
    const { seqLen, batchSize, eos, seed } = options;
    for (const [name, v] of [["seqLen", seqLen], ["batchSize", batchSize]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`PackedBatches: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (!Number.isInteger(eos) || eos < 0) {
      throw new RangeError(`PackedBatches: eos must be a non-negative integer id, got ${eos}`);
    }
    const lookahead = options.lookahead ?? 8;
    if (!Number.isInteger(lookahead) || lookahead < 0) {
      throw new RangeError(`PackedBatches: lookahead must be an integer >= 0, got ${lookahead}`);
    }
    if (docs.length === 0) throw new RangeError("PackedBatches: needs at least one document");
    this.seqLen = seqLen;
    this.batchSize = batchSize;
    this.eos = eos;
    this.pad = options.pad ?? eos;
    this.leadingEos = options.leadingEos ?? false;
    this.#lookahead = lookahead;
    // Window positions available to documents and their closing EOS.
    this.#capacity = seqLen + 1 - (this.leadingEos ? 1 : 0);
    this.#docs = docs;

    const persons = new Set<number>();
    let tokens = 0;
    let minUnit = Infinity;
    let hash = 0x811c9dc5;
    docs.forEach((d, i) => {
      const unit = d.ids.length + 1;
      if (unit > this.#capacity) {
        throw new RangeError(
          `PackedBatches: doc ${i} (person ${d.personId}) has ${d.ids.length} tokens; with its ` +
            `EOS it needs ${unit} positions, but a window of seqLen ${seqLen} holds at most ` +
            `${this.#capacity} (docs are never split: raise seqLen or shorten the doc)`,
        );
      }
      if (d.lossMask && d.lossMask.length !== d.ids.length) {
        throw new RangeError(
          `PackedBatches: doc ${i} has lossMask of length ${d.lossMask.length} but ` +
            `${d.ids.length} ids; they must be equal`,
        );
      }
      persons.add(d.personId);
      tokens += unit;
      minUnit = Math.min(minUnit, unit);
      hash = Math.imul(hash ^ d.personId, 0x01000193) >>> 0;
      hash = Math.imul(hash ^ d.ids.length, 0x01000193) >>> 0;
    });
    this.numDocs = docs.length;
    this.numPersons = persons.size;
    this.tokensPerEpoch = tokens;
    this.#minUnit = minUnit;
    this.#fingerprint = [docs.length, tokens, hash, seqLen, this.leadingEos, lookahead].join(":");

    this.#rng = new Rng(seed, 0x9ac4);
    this.#epochRng = this.#rng.getState();
    this.#plan = this.#pack();
    this.windowsPerEpoch = this.#plan.start.length - 1;
  }

  /** The epoch of the next window served, and the fraction of it already served. */
  get position(): { epoch: number; cursor: number; windows: number; epochFloat: number } {
    const windows = this.#plan.start.length - 1;
    return {
      epoch: this.#epoch,
      cursor: this.#cursor,
      windows,
      epochFloat: this.#epoch + this.#cursor / windows,
    };
  }

  /** Mean documents per person: exposures of a person per epoch. */
  get docsPerPerson(): number {
    return this.numDocs / this.numPersons;
  }

  /**
   * Optimizer steps (batches of `batchSize` rows) for `epochs` passes over the documents,
   * estimated from epoch 0's window count (later epochs pack within a fraction of a percent).
   */
  stepsForEpochs(epochs: number): number {
    return Math.ceil((epochs * this.windowsPerEpoch) / this.batchSize);
  }

  /**
   * Steps so that each person is seen `exposures` times on average (one exposure = one of the
   * person's documents in a window; multi5 data gives 5 exposures per epoch).
   */
  stepsForExposures(exposures: number): number {
    return this.stepsForEpochs(exposures / this.docsPerPerson);
  }

  /** Statistics of the current epoch's packing. */
  stats(): PackingStats {
    const { order, start } = this.#plan;
    const windows = start.length - 1;
    let lossTokens = 0;
    for (let k = 0; k < order.length; k++) {
      const d = this.#docs[order[k]];
      if (!d.lossMask) lossTokens += d.ids.length + 1;
      else for (const m of d.lossMask) lossTokens += m ? 1 : 0;
    }
    // The first token of a window-initial doc (without a leading EOS) is never a target.
    if (!this.leadingEos) {
      for (let w = 0; w < windows; w++) {
        const d = this.#docs[order[start[w]]];
        if (!d.lossMask || (d.ids.length > 0 && d.lossMask[0])) lossTokens--;
      }
    }
    return {
      epoch: this.#epoch,
      windows,
      docs: order.length,
      docTokens: this.tokensPerEpoch,
      lossTokens,
      fillRatio: this.tokensPerEpoch / (windows * this.seqLen),
    };
  }

  /**
   * The documents (indices into the constructor's array) of every window of the current epoch,
   * in serving order. For inspection and tests.
   */
  epochWindows(): number[][] {
    const { order, start } = this.#plan;
    const out: number[][] = [];
    for (let w = 0; w + 1 < start.length; w++) {
      out.push(Array.from(order.subarray(start[w], start[w + 1])));
    }
    return out;
  }

  /** The next `batchSize` rows. */
  next(): Batch {
    const batch = emptyBatch(this.batchSize, this.seqLen);
    for (let r = 0; r < this.batchSize; r++) this.writeRow(batch, r);
    return batch;
  }

  /**
   * Writes the next window into row `row` of `batch` (whose seqLen must equal this one's) and
   * advances the stream; used by {@linkcode MixedBatches} to build rows from two sources.
   */
  writeRow(batch: Batch, row: number): void {
    if (batch.seqLen !== this.seqLen) {
      throw new RangeError(
        `PackedBatches: batch seqLen ${batch.seqLen} != packer seqLen ${this.seqLen}`,
      );
    }
    const T = this.seqLen;
    const window = new Int32Array(T + 1).fill(this.pad);
    // lossAt[p] = 1 when window position p is a loss target.
    const lossAt = new Uint8Array(T + 1);
    const { order, start } = this.#plan;
    let p = 0;
    if (this.leadingEos) window[p++] = this.eos;
    for (let k = start[this.#cursor]; k < start[this.#cursor + 1]; k++) {
      const d = this.#docs[order[k]];
      window.set(d.ids, p);
      if (d.lossMask) lossAt.set(d.lossMask, p);
      else lossAt.fill(1, p, p + d.ids.length + 1);
      p += d.ids.length;
      window[p++] = this.eos;
    }
    // Move to the next epoch eagerly so that the state and `position` never point past the end.
    if (++this.#cursor >= this.#plan.start.length - 1) this.#nextEpoch();
    const o = row * T;
    batch.inputs.set(window.subarray(0, T), o);
    batch.targets.set(window.subarray(1), o);
    for (let t = 0; t < T; t++) batch.mask[o + t] = lossAt[t + 1];
  }

  /** The JSON-serializable position of the stream. */
  getState(): PackedBatchesState {
    return {
      kind: "PackedBatches",
      epoch: this.#epoch,
      cursor: this.#cursor,
      rng: canonical(this.#epochRng),
      fingerprint: this.#fingerprint,
    };
  }

  /** Resumes the exact stream at a state from `getState` of a packer over the same docs. */
  setState(state: unknown): void {
    const s = state as PackedBatchesState;
    if (!s || s.kind !== "PackedBatches" || !Array.isArray(s.rng) || s.rng.length !== 4) {
      throw new TypeError(
        `PackedBatches.setState: not a PackedBatches state: ${JSON.stringify(state)}`,
      );
    }
    if (s.fingerprint !== this.#fingerprint) {
      throw new RangeError(
        `PackedBatches.setState: the state was saved for other docs or options ` +
          `(fingerprint ${s.fingerprint}, this packer ${this.#fingerprint})`,
      );
    }
    this.#rng.setState(s.rng);
    this.#epochRng = this.#rng.getState();
    this.#epoch = s.epoch;
    this.#plan = this.#pack();
    const windows = this.#plan.start.length - 1;
    if (!Number.isInteger(s.cursor) || s.cursor < 0 || s.cursor > windows) {
      throw new RangeError(`PackedBatches.setState: cursor ${s.cursor} outside 0..${windows}`);
    }
    this.#cursor = s.cursor;
    if (this.#cursor === windows) this.#nextEpoch();
  }

  #nextEpoch(): void {
    this.#epoch++;
    this.#epochRng = this.#rng.getState();
    this.#plan = this.#pack();
    this.#cursor = 0;
  }

  /**
   * Shuffles the docs with the packer's RNG and packs them: candidates are taken in shuffled
   * order (deferred docs first); a doc whose person is already in the window is deferred, and
   * when a doc does not fit, up to `lookahead` later docs are tried before the window closes.
   */
  #pack(): EpochPlan {
    const n = this.#docs.length;
    const shuffled = this.#rng.shuffle(Array.from({ length: n }, (_, i) => i));
    const order = new Int32Array(n);
    const starts: number[] = [0];
    let placed = 0;
    let deferred: number[] = [];
    let head = 0;
    while (placed < n) {
      const persons = new Set<number>();
      let room = this.#capacity;
      let misses = 0;
      const kept: number[] = [];
      // Returns false when the window should close.
      const consider = (i: number, fromStream: boolean): boolean => {
        const d = this.#docs[i];
        const unit = d.ids.length + 1;
        if (persons.has(d.personId)) {
          if (fromStream) deferred.push(i);
          else kept.push(i);
          return true;
        }
        if (unit > room) {
          if (fromStream) deferred.push(i);
          else kept.push(i);
          return ++misses <= this.#lookahead;
        }
        order[placed++] = i;
        persons.add(d.personId);
        room -= unit;
        return room >= this.#minUnit;
      };
      let open = true;
      let j = 0;
      for (; j < deferred.length && open; j++) open = consider(deferred[j], false);
      const rest = deferred.slice(j);
      // Deferred docs stay in shuffled order, ahead of the stream; stream docs deferred below
      // are appended after them, which keeps that order.
      deferred = kept.concat(rest);
      while (open && head < n) open = consider(shuffled[head++], true);
      starts.push(placed);
    }
    return { order, start: Int32Array.from(starts) };
  }
}

/** Options of {@linkcode MixedBatches}. */
export interface MixedBatchesOptions {
  /** QAr: the probability that a row is QA, i.e. the expected fraction of QA rows (paper: 0.8). */
  qaRatio: number;
  /** Seed of the per-row BIO/QA choice. */
  seed: number;
  /** Rows per batch; defaults to the BIO packer's batchSize. */
  batchSize?: number;
}

/** Where a {@linkcode MixedBatches} stream stands. */
export interface MixedBatchesState {
  kind: "MixedBatches";
  bio: PackedBatchesState;
  qa: PackedBatchesState;
  rng: RngState;
}

/**
 * Mixed training (paper §1.7): each row is entirely BIO or entirely QA, QA with probability
 * `qaRatio` (seeded). The two sources keep their own epochs; rows of one kind come from that
 * kind's packer in order.
 */
export class MixedBatches implements BatchSource {
  /** Rows per batch. */
  readonly batchSize: number;
  /** Tokens per row. */
  readonly seqLen: number;
  /** QAr. */
  readonly qaRatio: number;
  /** The BIO source. */
  readonly bio: PackedBatches;
  /** The QA source. */
  readonly qa: PackedBatches;
  #rng: Rng;
  #rowIsQa: boolean[] = [];

  /** Combines a BIO and a QA packer of equal seqLen. */
  constructor(bio: PackedBatches, qa: PackedBatches, options: MixedBatchesOptions) {
    if (bio.seqLen !== qa.seqLen) {
      throw new RangeError(`MixedBatches: BIO seqLen ${bio.seqLen} != QA seqLen ${qa.seqLen}`);
    }
    const { qaRatio, seed } = options;
    if (!(qaRatio >= 0 && qaRatio <= 1)) {
      throw new RangeError(`MixedBatches: qaRatio (QAr) must be in [0, 1], got ${qaRatio}`);
    }
    this.batchSize = options.batchSize ?? bio.batchSize;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(
        `MixedBatches: batchSize must be a positive integer, got ${this.batchSize}`,
      );
    }
    this.seqLen = bio.seqLen;
    this.qaRatio = qaRatio;
    this.bio = bio;
    this.qa = qa;
    this.#rng = new Rng(seed, 0x3171);
  }

  /** Which rows of the last batch were QA (for logging the realised ratio). */
  get lastRowsQa(): readonly boolean[] {
    return this.#rowIsQa;
  }

  /** Steps until the BIO packer has served `epochs` epochs in expectation. */
  stepsForBioEpochs(epochs: number): number {
    return Math.ceil((epochs * this.bio.windowsPerEpoch) / (this.batchSize * (1 - this.qaRatio)));
  }

  /** The next batch: each row drawn from QA with probability qaRatio, else from BIO. */
  next(): Batch {
    const batch = emptyBatch(this.batchSize, this.seqLen);
    this.#rowIsQa = [];
    for (let r = 0; r < this.batchSize; r++) {
      const isQa = this.#rng.next() < this.qaRatio;
      this.#rowIsQa.push(isQa);
      (isQa ? this.qa : this.bio).writeRow(batch, r);
    }
    return batch;
  }

  /** JSON-serializable state of both sources and the row choice. */
  getState(): MixedBatchesState {
    return {
      kind: "MixedBatches",
      bio: this.bio.getState(),
      qa: this.qa.getState(),
      rng: canonical(this.#rng.getState()),
    };
  }

  /** Resumes the exact stream. */
  setState(state: unknown): void {
    const s = state as MixedBatchesState;
    if (!s || s.kind !== "MixedBatches") {
      throw new TypeError(
        `MixedBatches.setState: not a MixedBatches state: ${JSON.stringify(state)}`,
      );
    }
    this.bio.setState(s.bio);
    this.qa.setState(s.qa);
    this.#rng.setState(s.rng);
  }
}

/** Rng.getState may hold signed words; unsigned ones make saved states compare equal. */
function canonical(s: RngState): RngState {
  return s.map((x) => x >>> 0) as RngState;
}

function emptyBatch(batchSize: number, seqLen: number): Batch {
  const n = batchSize * seqLen;
  return {
    batchSize,
    seqLen,
    inputs: new Int32Array(n),
    targets: new Int32Array(n),
    mask: new Float32Array(n),
  };
}
