/**
 * A whole bioS dataset: people (optionally plus celebrities), biographies, QA pairs, vocabulary.
 * @module
 */
import { CompactVocab } from "../tokenizer/vocab.ts";
import { gpt2Encode } from "../tokenizer/bpe.ts";
import { bioPieces, qaPieces } from "../tokenizer/docs.ts";
import { type BioConfigName, generateBios, parseBioConfig } from "./bios.ts";
import { samplePeople } from "./people.ts";
import { generateQA } from "./qa.ts";
import type { BioEntry, Person, QAPair } from "./types.ts";
import {
  checkGeneralTextSpec,
  type GeneralTextSpec,
  loadGeneralText,
  sampleGeneralText,
} from "./general_text.ts";

/** The celebrities' configuration in the paper's CEL experiments (§6). */
export const DEFAULT_CELEBRITY_CONFIG: BioConfigName = "multi5+permute";

/** Options of {@link generateDataset}. */
export interface GenerateDatasetOptions {
  /** bioS configuration of the (minority) people, e.g. "multi5+permute". */
  config: string;
  /** Number of (minority) people N. */
  people: number;
  seed: number;
  /** Adds the paper's disjoint celebrity population (ids N..N+count-1, all P_train). */
  celebrities?: { count: number; config?: string };
  /**
   * Adds general English text to the pretraining data (the paper's +wiki control): `fraction` of
   * the pretraining tokens (lib/data/general_text.ts). `dir` replaces the source's install folder.
   */
  general?: GeneralTextSpec & { dir?: string };
}

/** GPT-2 token counts of biography entries, as the model sees them (values encoded alone). */
export interface TokenStats {
  entries: number;
  total: number;
  mean: number;
  min: number;
  max: number;
}

/** A generated dataset. */
export interface Dataset {
  config: BioConfigName;
  seed: number;
  celebrities?: { count: number; config: BioConfigName };
  /** Minority people first (ids 0..N-1), then celebrities. */
  people: Person[];
  /** Entries ordered by person then entry index. */
  bios: BioEntry[];
  /** Six pairs per person, person order. */
  qa: QAPair[];
  /** Covers every bio, prompt and target token (plus EOS). */
  vocab: CompactVocab;
  /** Tokens per entry, per population (`general`: per passage of general text). */
  tokenStats: { minority: TokenStats; celebrity?: TokenStats; general?: TokenStats };
  /** General English passages pretrained beside the biographies (the +wiki control). */
  general?: GeneralTextSpec & { passages: string[] };
}

function stats(counts: number[]): TokenStats {
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    entries: counts.length,
    total,
    mean: counts.length ? total / counts.length : 0,
    // A loop, not Math.min(...counts): spreading 10^5+ arguments overflows the stack.
    min: counts.reduce((a, b) => Math.min(a, b), counts.length ? Infinity : 0),
    max: counts.reduce((a, b) => Math.max(a, b), 0),
  };
}

/**
 * Generates people, their biographies under `config`, their QA pairs and the compact vocabulary.
 * People and their split depend on `seed` and the counts only, never on the configuration.
 */
export function generateDataset(options: GenerateDatasetOptions): Dataset {
  const config = parseBioConfig(options.config).name;
  const { seed } = options;
  const minority = samplePeople(options.people, { seed });
  let celebrities: Dataset["celebrities"];
  let celebrityPeople: Person[] = [];
  if (options.celebrities) {
    const cel = options.celebrities;
    celebrities = {
      count: cel.count,
      config: parseBioConfig(cel.config ?? DEFAULT_CELEBRITY_CONFIG).name,
    };
    celebrityPeople = samplePeople(cel.count, {
      seed,
      population: "celebrity",
      exclude: new Set(minority.map((p) => p.fullName)),
      firstId: minority.length,
    });
  }
  const minorityBios = generateBios(minority, config, { seed });
  const celebrityBios = celebrities
    ? generateBios(celebrityPeople, celebrities.config, { seed })
    : [];
  const people = [...minority, ...celebrityPeople];
  const bios = [...minorityBios, ...celebrityBios];
  const qa = generateQA(people);

  // One pass encodes every piece once: it yields both the vocabulary and the length statistics.
  const used = new Set<number>();
  const lengths = (entries: BioEntry[]) =>
    entries.map((e) => {
      let n = 0;
      for (const p of bioPieces(e)) {
        const ids = gpt2Encode(p.text);
        for (const id of ids) used.add(id);
        n += ids.length;
      }
      return n;
    });
  const tokenStats: Dataset["tokenStats"] = { minority: stats(lengths(minorityBios)) };
  if (celebrities) tokenStats.celebrity = stats(lengths(celebrityBios));
  for (const q of qa) {
    const { prompt, target } = qaPieces(q);
    for (const t of [...prompt, ...target]) for (const id of gpt2Encode(t)) used.add(id);
  }
  let general: Dataset["general"];
  if (options.general) {
    const { source, fraction } = checkGeneralTextSpec(options.general);
    // As many general tokens beside the minority's as `fraction` asks (0.5: as many).
    const want = Math.ceil(tokenStats.minority.total * fraction / (1 - fraction));
    const passages = sampleGeneralText(
      loadGeneralText(source, { dir: options.general.dir }),
      want,
      seed,
    );
    const counts = passages.map((t) => {
      const ids = gpt2Encode(t);
      for (const id of ids) used.add(id);
      return ids.length;
    });
    tokenStats.general = stats(counts);
    general = { source, fraction, passages };
  }
  const vocab = CompactVocab.fromGpt2Ids(used);
  return {
    config,
    seed,
    celebrities,
    people,
    bios,
    qa,
    vocab,
    tokenStats,
    ...(general ? { general } : {}),
  };
}
