/**
 * General English text for the paper's "+wiki" control (§6, Figures 8 and 17): "half of the BIO
 * training sentences" come from WikiBook (BookCorpus + English Wikipedia), half from the minority's
 * biographies, to show that general text does not do what celebrities do. Neither corpus can be
 * installed on these machines (npm registry and Debian's apt only), so the stand-in is the largest
 * general-English prose Debian ships: the `fortunes` package (about 2.6 MB of quotations,
 * definitions, literature, law, science, humour; `apt-get install fortunes`). Rows that use it say
 * "+wiki (fortunes)"; what a reader should take from them is the control's shape (as much general
 * text as biography text), not WikiBook's content.
 *
 * A passage is one fortune, whitespace collapsed to single spaces; passages that are not plain
 * ASCII prose (ASCII art, tables, code) or do not fit a training window are left out.
 * @module
 */
import { join } from "node:path";
import { gpt2Encode } from "../tokenizer/bpe.ts";
import { Rng } from "../util/rng.ts";

/** The general-text sources this module knows. */
export const GENERAL_TEXT_SOURCES = {
  fortunes: { dir: "/usr/share/games/fortunes", debianPackage: "fortunes" },
} as const;

/** A general-text source name. */
export type GeneralTextSource = keyof typeof GENERAL_TEXT_SOURCES;

/** The general text of a run: its source and its share of the pretraining tokens. */
export interface GeneralTextSpec {
  source: GeneralTextSource;
  /** Share of the pretraining tokens that are general text (the paper's +wiki: 0.5). */
  fraction: number;
}

/** Files of the fortunes package left out: pictures, and jokes about peoples. */
const SKIPPED_FILES = new Set(["ascii-art", "ethnic"]);

/** The passage lengths kept, in GPT-2 tokens: long enough to be prose, short enough for a window. */
export const PASSAGE_TOKENS = { min: 8, max: 100 } as const;

/** Checks a spec; throws naming the field and what is allowed. */
export function checkGeneralTextSpec(spec: GeneralTextSpec): GeneralTextSpec {
  if (!(spec.source in GENERAL_TEXT_SOURCES)) {
    throw new RangeError(
      `general text: unknown source "${spec.source}"; allowed: ${
        Object.keys(GENERAL_TEXT_SOURCES).join(", ")
      }`,
    );
  }
  if (!(spec.fraction > 0 && spec.fraction < 1)) {
    throw new RangeError(
      `general text: fraction must be in (0, 1) (the paper's +wiki: 0.5), got ${spec.fraction}`,
    );
  }
  return spec;
}

/** True when `text` reads as plain English prose (ASCII, mostly letters and spaces). */
function isProse(text: string): boolean {
  if (!/^[\x20-\x7e]+$/.test(text)) return false;
  const letters = text.match(/[A-Za-z ]/g)?.length ?? 0;
  return letters / text.length >= 0.85;
}

/**
 * Every prose passage of a source, in a fixed order (file name, then position), each with its
 * GPT-2 token count. `dir` replaces the source's install folder (tests use a small copy).
 */
export function loadGeneralText(
  source: GeneralTextSource,
  opts: { dir?: string } = {},
): { text: string; tokens: number }[] {
  const known = GENERAL_TEXT_SOURCES[source];
  if (!known) checkGeneralTextSpec({ source, fraction: 0.5 });
  const dir = opts.dir ?? known.dir;
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && !/\.(dat|u8)$/.test(e.name) && !SKIPPED_FILES.has(e.name))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    throw new Error(
      `general text "${source}": cannot read ${dir} (${(e as Error).message}); install the ` +
        `Debian package with: apt-get install ${known.debianPackage}`,
    );
  }
  const out: { text: string; tokens: number }[] = [];
  for (const name of names) {
    const raw = Deno.readTextFileSync(join(dir, name));
    for (const chunk of raw.split(/^%$/m)) {
      const text = chunk.replace(/\s+/g, " ").trim();
      if (!text || !isProse(text)) continue;
      const tokens = gpt2Encode(text).length;
      if (tokens >= PASSAGE_TOKENS.min && tokens <= PASSAGE_TOKENS.max) out.push({ text, tokens });
    }
  }
  if (!out.length) throw new Error(`general text "${source}": no prose passage found in ${dir}`);
  return out;
}

/**
 * Passages drawn without replacement in a seeded order until they hold at least `tokens` GPT-2
 * tokens; throws when the source holds fewer.
 */
export function sampleGeneralText(
  passages: readonly { text: string; tokens: number }[],
  tokens: number,
  seed: number,
): string[] {
  const order = new Rng(seed, 0x9e7a).shuffle(passages.map((_, i) => i));
  const out: string[] = [];
  let have = 0;
  for (const i of order) {
    if (have >= tokens) break;
    out.push(passages[i].text);
    have += passages[i].tokens;
  }
  if (have < tokens) {
    throw new RangeError(
      `general text: ${tokens} tokens asked, the source holds ${have} in ${passages.length} passages`,
    );
  }
  return out;
}
