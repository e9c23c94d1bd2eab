/**
 * A compact vocabulary: only the GPT-2 ids a dataset actually uses, renumbered 0..V-1, so that
 * the model's embedding and softmax are small (a few thousand rows instead of 50,257).
 * @module
 */
import { GPT2_EOS, GPT2_VOCAB_SIZE, gpt2Decode, gpt2Encode } from "./bpe.ts";

/** The serialized form of a {@link CompactVocab} (`vocab.json`). */
export interface CompactVocabJSON {
  format: "compact-gpt2";
  /** GPT-2 id of each compact id, ascending; the last one is GPT-2's EOS. */
  gpt2Ids: number[];
}

/** Maps the GPT-2 ids used by a dataset to 0..V-1; GPT-2's EOS is always included. */
export class CompactVocab {
  /** GPT-2 id of each compact id (ascending, so the mapping depends only on the id set). */
  readonly gpt2Ids: Int32Array;
  #toCompact: Int32Array;

  private constructor(gpt2Ids: Int32Array) {
    this.gpt2Ids = gpt2Ids;
    this.#toCompact = new Int32Array(GPT2_VOCAB_SIZE).fill(-1);
    gpt2Ids.forEach((g, i) => this.#toCompact[g] = i);
  }

  /** The vocabulary of every GPT-2 id occurring in `texts` (each encoded as a whole), plus EOS. */
  static fromTexts(texts: Iterable<string>): CompactVocab {
    const used = new Uint8Array(GPT2_VOCAB_SIZE);
    for (const t of texts) for (const id of gpt2Encode(t)) used[id] = 1;
    return CompactVocab.fromGpt2Ids(
      used.reduce<number[]>((a, u, id) => u ? (a.push(id), a) : a, []),
    );
  }

  /** The vocabulary of a set of GPT-2 ids (duplicates ignored), plus EOS. */
  static fromGpt2Ids(ids: Iterable<number>): CompactVocab {
    const set = new Set<number>(ids);
    set.add(GPT2_EOS);
    for (const id of set) {
      if (!Number.isInteger(id) || id < 0 || id >= GPT2_VOCAB_SIZE) {
        throw new RangeError(`not a GPT-2 id: ${id}`);
      }
    }
    return new CompactVocab(Int32Array.from([...set].sort((a, b) => a - b)));
  }

  /** Restores a vocabulary written by {@link CompactVocab.toJSON}. */
  static fromJSON(json: CompactVocabJSON): CompactVocab {
    if (json?.format !== "compact-gpt2" || !Array.isArray(json.gpt2Ids)) {
      throw new TypeError('vocab JSON must be {format: "compact-gpt2", gpt2Ids: number[]}');
    }
    const v = CompactVocab.fromGpt2Ids(json.gpt2Ids);
    if (v.size !== json.gpt2Ids.length) {
      throw new TypeError("vocab JSON gpt2Ids must be distinct and include the EOS id 50256");
    }
    return v;
  }

  /** Number of compact ids (the model's vocabulary size). */
  get size(): number {
    return this.gpt2Ids.length;
  }

  /** Compact id of GPT-2's EOS (always the last id, since 50256 is the largest GPT-2 id). */
  get eos(): number {
    return this.#toCompact[GPT2_EOS];
  }

  /** Whether a GPT-2 id is in the vocabulary. */
  hasGpt2Id(id: number): boolean {
    return id >= 0 && id < GPT2_VOCAB_SIZE && this.#toCompact[id] >= 0;
  }

  /** Encodes text; throws naming the first token that is not in the vocabulary. */
  encode(text: string): Int32Array {
    return this.fromGpt2(gpt2Encode(text));
  }

  /** Maps GPT-2 ids to compact ids; throws naming the first id that is not in the vocabulary. */
  fromGpt2(ids: readonly number[]): Int32Array {
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i] >= 0 && ids[i] < GPT2_VOCAB_SIZE ? this.#toCompact[ids[i]] : -1;
      if (c < 0) {
        throw new RangeError(
          `token ${JSON.stringify(gpt2Decode([ids[i]]))} (GPT-2 id ${ids[i]}) is not in the ` +
            `compact vocabulary of ${this.size} ids`,
        );
      }
      out[i] = c;
    }
    return out;
  }

  /** Maps compact ids back to GPT-2 ids; throws on an id outside 0..size-1. */
  toGpt2(ids: ArrayLike<number>): number[] {
    const out = new Array<number>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i];
      if (!Number.isInteger(c) || c < 0 || c >= this.size) {
        throw new RangeError(`compact id ${c} is outside 0..${this.size - 1}`);
      }
      out[i] = this.gpt2Ids[c];
    }
    return out;
  }

  /** Decodes compact ids to text (EOS decodes to `<|endoftext|>`). */
  decode(ids: ArrayLike<number>): string {
    return gpt2Decode(this.toGpt2(ids));
  }

  /** The serializable form (what `vocab.json` holds). */
  toJSON(): CompactVocabJSON {
    return { format: "compact-gpt2", gpt2Ids: Array.from(this.gpt2Ids) };
  }
}
