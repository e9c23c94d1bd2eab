/**
 * Tokenized biography and QA documents, and their conversion into training {@link Doc}s.
 * @module
 */
import type { Attribute, BioEntry, QAPair } from "../data/types.ts";
import { qaPrompt } from "../data/qa.ts";
import type { Doc } from "../contracts.ts";
import type { CompactVocab } from "./vocab.ts";

/** Token index range of one attribute value inside a tokenized biography. */
export interface ValueTokens {
  attribute: Attribute;
  /** First token of the value; token `start - 1` is the P-probing "special position". */
  start: number;
  /** One past the value's last token. */
  end: number;
}

/** A tokenized biography entry. */
export interface TokenizedBio {
  ids: Int32Array;
  /** The six values in order of appearance. */
  valueTokens: ValueTokens[];
}

/**
 * The pieces a biography is encoded from: the text between values, and each value with its
 * leading space. Encoding piece by piece makes every value's tokens exactly `encode(" " + value)`,
 * the same ids as the QA answer, whatever follows the value (a value ending in "." followed by
 * the sentence's "." would otherwise merge into one ".." token).
 */
export function bioPieces(entry: BioEntry): { text: string; attribute?: Attribute }[] {
  const pieces: { text: string; attribute?: Attribute }[] = [];
  let at = 0;
  for (const s of entry.spans) {
    if (s.start < at + 1 || entry.text[s.start - 1] !== " ") {
      throw new RangeError(
        `entry of person ${entry.personId}: value span ${s.attribute} is not preceded by a space`,
      );
    }
    if (s.start - 1 > at) pieces.push({ text: entry.text.slice(at, s.start - 1) });
    pieces.push({ text: entry.text.slice(s.start - 1, s.end), attribute: s.attribute });
    at = s.end;
  }
  if (at < entry.text.length) pieces.push({ text: entry.text.slice(at) });
  return pieces;
}

/** The pieces a QA pair is encoded from: the prompt, " " + answer, and the final ".". */
export function qaPieces(pair: QAPair): { prompt: string[]; target: string[] } {
  return { prompt: [qaPrompt(pair)], target: [" " + pair.answer, "."] };
}

/** Every string the tokenizer will encode for these entries and pairs (to build a vocabulary). */
export function* tokenizerTexts(
  entries: Iterable<BioEntry>,
  pairs: Iterable<QAPair>,
): Generator<string> {
  for (const e of entries) for (const p of bioPieces(e)) yield p.text;
  for (const q of pairs) {
    const { prompt, target } = qaPieces(q);
    yield* prompt;
    yield* target;
  }
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Tokenizes a biography entry and locates each value's tokens. */
export function tokenizeBio(entry: BioEntry, vocab: CompactVocab): TokenizedBio {
  const parts: Int32Array[] = [];
  const valueTokens: ValueTokens[] = [];
  let n = 0;
  for (const piece of bioPieces(entry)) {
    const ids = vocab.encode(piece.text);
    if (piece.attribute) {
      valueTokens.push({ attribute: piece.attribute, start: n, end: n + ids.length });
    }
    parts.push(ids);
    n += ids.length;
  }
  return { ids: concat(parts), valueTokens };
}

/** Tokenizes a QA pair into its prompt and its target (" " + answer + "."). */
export function tokenizeQA(
  pair: QAPair,
  vocab: CompactVocab,
): { prompt: Int32Array; target: Int32Array } {
  const { prompt, target } = qaPieces(pair);
  return {
    prompt: concat(prompt.map((t) => vocab.encode(t))),
    target: concat(target.map((t) => vocab.encode(t))),
  };
}

/** BIO pretraining documents: one per entry, every token a target (no lossMask). */
export function bioDocs(entries: Iterable<BioEntry>, vocab: CompactVocab): Doc[] {
  const docs: Doc[] = [];
  for (const e of entries) docs.push({ personId: e.personId, ids: tokenizeBio(e, vocab).ids });
  return docs;
}

/**
 * General-text pretraining documents (the +wiki control, lib/data/general_text.ts): one per
 * passage, every token a target. Their person ids are negative (-1, -2, ...), so they never share
 * a person with a biography and the packer places them freely.
 */
export function generalDocs(passages: readonly string[], vocab: CompactVocab): Doc[] {
  return passages.map((t, i) => ({ personId: -1 - i, ids: vocab.encode(t) }));
}

/** QA documents: prompt + target, with the loss on the target tokens only. */
export function qaDocs(pairs: Iterable<QAPair>, vocab: CompactVocab): Doc[] {
  const docs: Doc[] = [];
  for (const q of pairs) {
    const { prompt, target } = tokenizeQA(q, vocab);
    const ids = concat([prompt, target]);
    const lossMask = new Uint8Array(ids.length);
    lossMask.fill(1, prompt.length);
    docs.push({ personId: q.personId, ids, lossMask });
  }
  return docs;
}
