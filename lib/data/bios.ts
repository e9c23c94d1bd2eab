/**
 * bioS biographies and the paper's knowledge augmentations (paper §2 and §4.2 with its footnotes, Appendix A.1).
 * @module
 */
import { Rng } from "../util/rng.ts";
import { type Attribute, ATTRIBUTES, type BioEntry, type Person, type ValueSpan } from "./types.ts";
import { renderSentence, TEMPLATES } from "./templates.ts";
import { BIOR_ROWS, type BioRConfigName, generateBioR, isBioRConfig } from "./bior.ts";

/**
 * The 16 bioS configurations of Figures 3, 5, 7 and 9, in the paper's row order: the one list of
 * rows every figure and the paper's tables (lib/findings/paper.ts) use.
 */
export const BIOS_ROWS = [
  "single",
  "single+fullname",
  "single+permute1",
  "single+permute2",
  "single+permute5",
  "single+permute1+fullname",
  "single+permute2+fullname",
  "single+permute5+fullname",
  "multi2",
  "multi2+fullname",
  "multi2+permute",
  "multi2+permute+fullname",
  "multi5",
  "multi5+fullname",
  "multi5+permute",
  "multi5+permute+fullname",
] as const;

/** Every bioS configuration: the 16 rows plus the couple variants of Figures 6/15. */
export const BIO_CONFIGS = [...BIOS_ROWS, "couple1", "couple2", "couple5"] as const;
/** One bioS configuration name. */
export type BioSConfigName = typeof BIO_CONFIGS[number];
/** Every configuration name a dataset accepts: bioS, then the bioR-like (grammar) ones. */
export const DATA_CONFIGS = [...BIO_CONFIGS, ...BIOR_ROWS] as const;
/** One configuration name, bioS or bioR-like (lib/data/bior.ts). */
export type BioConfigName = BioSConfigName | BioRConfigName;

/** A parsed configuration. */
export interface BioConfig {
  name: BioConfigName;
  /**
   * "single": one set of six sentences (permuted `entries` times when `permute`);
   * "multi": `entries` entries with re-sampled templates; "couple": three ordered pairs permuted.
   */
  kind: "single" | "multi" | "couple";
  /** Entries per person (P for permuteP, M for multiM, 1/2/5 for couple). */
  entries: number;
  /** Whether sentence order is shuffled per entry (pair order for couple). */
  permute: boolean;
  /** Every reference to the person is the full name. */
  fullname: boolean;
  /** "bioR" for the bioR-like (grammar) configurations; absent for bioS. */
  format?: "bioR";
}

/** Parses a configuration name; throws a one-line error listing the allowed names. */
export function parseBioConfig(name: string): BioConfig {
  if (isBioRConfig(name)) {
    // bioR:single = one rewrite, bioR:multiM = M rewrites; never permuted (paper Appendix A.2).
    const m = /^bioR:(single|multi(\d))/.exec(name)!;
    return {
      name,
      kind: m[1] === "single" ? "single" : "multi",
      entries: m[2] ? Number(m[2]) : 1,
      permute: false,
      fullname: name.endsWith("+fullname"),
      format: "bioR",
    };
  }
  if (!(BIO_CONFIGS as readonly string[]).includes(name)) {
    throw new RangeError(
      `unknown configuration "${name}"; allowed: ${DATA_CONFIGS.join(", ")}`,
    );
  }
  const n = name as BioSConfigName;
  const fullname = n.endsWith("+fullname");
  const m = /^(single|multi|couple)(\d?)(?:\+permute(\d?))?/.exec(n)!;
  const kind = m[1] as BioConfig["kind"];
  if (kind === "single") {
    return {
      name: n,
      kind,
      entries: m[3] ? Number(m[3]) : 1,
      permute: m[3] !== undefined,
      fullname,
    };
  }
  return {
    name: n,
    kind,
    entries: Number(m[2]),
    permute: kind === "couple" || m[3] !== undefined,
    fullname,
  };
}

/** Options of {@link generateBios}. */
export interface GenerateBiosOptions {
  /** Seed of the template choices and permutations. */
  seed: number;
}

// Per-person RNG streams, disjoint from the people streams (< 0x10000000): 16 slots per person.
// Slot k (0..4) draws the templates of entry k, slot 5+j the j-th sentence permutation, slot 10+k
// the pair order of couple entry k. Keying by person and entry (not by generation order) makes
// the configurations nest: single = entry 0 of multiM, single+permuteP permutes exactly single's
// sentences, multi2 = the first two entries of multi5, and +fullname changes only the references.
const STREAM_BASE = 0x10000000;
const SLOT_PERMUTE = 5;
const SLOT_COUPLE = 10;
const MAX_PERSON_ID = Math.floor((0xffffffff - STREAM_BASE) / 16) - 1;

function personRng(seed: number, personId: number, slot: number): Rng {
  if (!Number.isInteger(personId) || personId < 0 || personId > MAX_PERSON_ID) {
    throw new RangeError(`person id must be an integer in 0..${MAX_PERSON_ID}, got ${personId}`);
  }
  return new Rng(seed, STREAM_BASE + personId * 16 + slot);
}

/** Template index per attribute for entry `k` of a person. */
function drawTemplates(seed: number, personId: number, k: number): Record<Attribute, number> {
  const rng = personRng(seed, personId, k);
  const out = {} as Record<Attribute, number>;
  for (const a of ATTRIBUTES) out[a] = rng.int(TEMPLATES[a].length);
  return out;
}

/** Renders one entry from sentences in the given order (the first one carries the full name). */
export function renderEntry(
  person: Person,
  sentences: readonly { attribute: Attribute; template: string }[],
  options: { fullname: boolean; entryIndex?: number },
): BioEntry {
  // Parts joined once: `text +=` would keep each entry as a rope of ~12 strings in memory.
  const parts: string[] = [];
  let length = 0;
  const spans: ValueSpan[] = [];
  sentences.forEach(({ attribute, template }, i) => {
    const reference = options.fullname ? "fullname" : i === 0 ? "name" : "pronoun";
    const r = renderSentence(template, person, { value: person.values[attribute], reference });
    const offset = length + 1;
    parts.push(r.text);
    length += 1 + r.text.length;
    spans.push({ attribute, start: offset + r.valueStart, end: offset + r.valueEnd });
  });
  const text = " " + parts.join(" ");
  return { personId: person.id, entryIndex: options.entryIndex ?? 0, text, spans };
}

const PAIRS: readonly (readonly [Attribute, Attribute])[] = [
  ["b_date", "b_city"],
  ["univ", "major"],
  ["c_name", "c_city"],
];

/** The attribute order of every entry of one person under a configuration. */
function entryPlans(
  seed: number,
  person: Person,
  c: BioConfig,
): { k: number; order: Attribute[] }[] {
  const plans: { k: number; order: Attribute[] }[] = [];
  for (let e = 0; e < c.entries; e++) {
    const k = c.kind === "single" ? 0 : e; // single+permuteP reuses entry 0's templates
    let order = [...ATTRIBUTES];
    if (c.kind === "couple") {
      order = personRng(seed, person.id, SLOT_COUPLE + e).shuffle([...PAIRS]).flat();
    } else if (c.permute) {
      personRng(seed, person.id, SLOT_PERMUTE + e).shuffle(order);
    }
    plans.push({ k, order });
  }
  return plans;
}

/**
 * Generates the bioS entries of every person under a configuration (paper §1.2-§1.3), ordered by
 * person, then entry. Templates are drawn per (seed, person, entry), so results do not depend on
 * generation order or on which other people are generated. couple2/5 re-sample the templates per
 * entry (the paper does not say; it allows "sentence diversities").
 */
export function generateBios(
  people: readonly Person[],
  config: string | BioConfig,
  options: GenerateBiosOptions,
): BioEntry[] {
  const c = typeof config === "string" ? parseBioConfig(config) : config;
  if (c.format === "bioR") {
    return generateBioR(people, { seed: options.seed, rewrites: c.entries, fullname: c.fullname });
  }
  const out: BioEntry[] = [];
  for (const person of people) {
    const templates = new Map<number, Record<Attribute, number>>();
    entryPlans(options.seed, person, c).forEach(({ k, order }, entryIndex) => {
      if (!templates.has(k)) templates.set(k, drawTemplates(options.seed, person.id, k));
      const t = templates.get(k)!;
      const sentences = order.map((a) => ({ attribute: a, template: TEMPLATES[a][t[a]] }));
      out.push(renderEntry(person, sentences, { fullname: c.fullname, entryIndex }));
    });
  }
  return out;
}
