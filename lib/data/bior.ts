/**
 * bioR-like (grammar) biographies: a rule-based paraphraser standing in for the paper's bioR
 * (paper §2, Appendix A.2), where Llama-30B rewrote each person's six attributes into a free
 * biography. No generative model can be installed here, so this module writes varied prose from a
 * grammar of its own; it is NOT Llama output, and is named "bioR-like (grammar)" everywhere.
 *
 * What it copies from the paper's printed bioR examples: an invented opening role ("is an
 * American business executive"), attributes fused in pairs in one sentence ("born on ... in
 * ..."; "graduated from X with a degree in Y"; "works for X in Y"), varied clause order, one to
 * three filler sentences that carry no attribute (a career year, family, a hobby, an award, a
 * residence abroad), and later references that alternate between pronoun, first name and title +
 * last name. Every attribute value appears verbatim exactly once per entry, so QA answers stay
 * exact and each value has one span (its first and only occurrence).
 *
 * Configurations (paper Appendix A.2): `bioR:single` (one rewrite), `bioR:multi3` / `bioR:multi5`
 * (M independent rewrites), each with `+fullname` (every reference is the full name). No
 * permutation: like the paper's Llama rewrites, the grammar varies the order itself.
 *
 * Template syntax: `{S}` sentence-initial subject, `{s}` subject later in a sentence, `{P}`
 * sentence-initial possessive, `{p}` / `{o}` possessive / object pronoun later in a sentence,
 * `[sg|pl]` verb agreement (plural only for the pronoun "they"), `{A}` / `{B}` the first / second
 * attribute value of the sentence. The wording and every list here are the project's own.
 * @module
 */
import { Rng } from "../util/rng.ts";
import type { Attribute, BioEntry, Person, Pronoun, ValueSpan } from "./types.ts";

/** The six bioR-like configurations of Figures 12a and 14, in the paper's row order. */
export const BIOR_ROWS = [
  "bioR:single",
  "bioR:single+fullname",
  "bioR:multi3",
  "bioR:multi3+fullname",
  "bioR:multi5",
  "bioR:multi5+fullname",
] as const;
/** One bioR-like configuration name. */
export type BioRConfigName = typeof BIOR_ROWS[number];

/** Whether a configuration name is a bioR-like one. */
export function isBioRConfig(name: string): name is BioRConfigName {
  return (BIOR_ROWS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------
// The grammar

/** Verb phrases of being born; each takes "on DATE" and/or "in CITY" after it. */
const BORN = [
  "{S} [was|were] born",
  "{S} came into the world",
  "{S} [was|were] welcomed into the world",
  "{S} first saw daylight",
  "{S} entered the world",
  "{S} [was|were] delivered",
  "{P} parents welcomed {o}",
  "{P} life started",
  "{S} drew {p} first breath",
  "{P} story began",
  "{S} arrived",
  "{S} [was|were] born and raised",
] as const;

/** Phrasings of one attribute alone (`{A}` is its value). */
const SINGLE: Record<Attribute, readonly string[]> = {
  b_date: [
    ...BORN.map((v) => `${v} on {A}.`),
    "{P} birthday is {A}.",
    "{P} date of birth is recorded as {A}.",
    "{S} [celebrates|celebrate] {p} birthday on the anniversary of {A}.",
    "The records give {A} as {p} date of birth.",
    "{S} [counts|count] {A} as the day {p} life began.",
    "{P} birth certificate reads {A}.",
    "{S} [was|were] born, as family papers note, on {A}.",
    "{P} family remembers {A} as the day {s} arrived.",
    "{S} [dates|date] {p} beginnings to {A}.",
  ],
  b_city: [
    ...BORN.map((v) => `${v} in {A}.`),
    "{P} hometown is {A}.",
    "{S} [hails|hail] from {A}.",
    "{P} birthplace is {A}.",
    "{S} [is|are] a native of {A}.",
    "{S} [traces|trace] {p} roots to {A}.",
    "{P} earliest years were spent in {A}, where {s} [was|were] born.",
    "{S} [calls|call] {A} {p} place of birth.",
    "The city of {A} is where {p} life began.",
  ],
  univ: [
    "{S} graduated from {A}.",
    "{S} studied at {A}.",
    "{S} [is|are] a graduate of {A}.",
    "{S} attended {A}.",
    "{S} completed {p} studies at {A}.",
    "{S} earned {p} degree at {A}.",
    "{S} enrolled at {A} after high school.",
    "{P} alma mater is {A}.",
    "{S} spent {p} college years at {A}.",
    "{S} received {p} diploma from {A}.",
    "{S} [holds|hold] a degree from {A}.",
    "{S} went on to study at {A}.",
    "{S} [was|were] educated at {A}.",
    "{S} finished {p} undergraduate program at {A}.",
    "{S} chose to study at {A}.",
    "{P} university years were spent at {A}.",
    "{S} took {p} degree at {A}.",
    "{S} [was|were] admitted to {A}.",
    "{S} pursued higher education at {A}.",
    "{P} education took place at {A}.",
    "{S} [is|are] an alumnus of {A}.",
  ],
  major: [
    "{S} majored in {A}.",
    "{S} studied {A}.",
    "{S} earned a degree in {A}.",
    "{S} [has|have] a background in {A}.",
    "{P} field of study was {A}.",
    "{S} specialized in {A}.",
    "{S} focused {p} studies on {A}.",
    "{S} trained in {A}.",
    "{S} pursued a degree in {A}.",
    "{S} chose {A} as {p} major.",
    "{P} major was {A}.",
    "{S} [holds|hold] a degree in {A}.",
    "{S} devoted {p} college years to {A}.",
    "{S} completed coursework in {A}.",
    "{P} academic training is in {A}.",
    "{S} graduated with a degree in {A}.",
    "{S} concentrated on {A} in college.",
    "{P} studies centered on {A}.",
    "{S} took up {A} at university.",
    "{P} degree is in {A}.",
    "{S} [was|were] drawn to {A} as a student.",
  ],
  c_name: [
    "{S} [works|work] for {A}.",
    "{S} [is|are] employed by {A}.",
    "{S} [holds|hold] a position at {A}.",
    "{S} joined {A}.",
    "{P} employer is {A}.",
    "{S} [has|have] a job at {A}.",
    "{S} [earns|earn] a living at {A}.",
    "{S} built a career at {A}.",
    "{S} [is|are] on the staff of {A}.",
    "{S} [serves|serve] at {A}.",
    "{S} [is|are] part of the team at {A}.",
    "{S} took a job with {A}.",
    "{P} current role is with {A}.",
    "{S} [draws|draw] a salary from {A}.",
    "{S} [spends|spend] {p} working days at {A}.",
    "{S} [was|were] hired by {A}.",
    "{S} [has|have] worked at {A} for years.",
    "{P} career is with {A}.",
    "{S} [is|are] currently with {A}.",
    "{S} signed on with {A}.",
    "{P} paycheck comes from {A}.",
  ],
  c_city: [
    "{S} [works|work] in {A}.",
    "{P} office is in {A}.",
    "{P} workplace is located in {A}.",
    "{S} [commutes|commute] to an office in {A}.",
    "{S} [is|are] based in {A} for work.",
    "{P} job is based in {A}.",
    "{S} [spends|spend] {p} working week in {A}.",
    "{P} work takes {o} to {A}.",
    "{S} [reports|report] to an office in {A}.",
    "{S} [is|are] employed in {A}.",
    "{P} professional life unfolds in {A}.",
    "{S} [holds|hold] a job in {A}.",
    "{P} desk is in {A}.",
    "{S} [works|work] out of {A}.",
    "{S} [has|have] an office in {A}.",
    "{P} employer keeps {o} in {A}.",
    "{S} [makes|make] a living in {A}.",
    "{S} [practices|practice] {p} profession in {A}.",
    "{P} working days are spent in {A}.",
    "{S} [pursues|pursue] {p} career in {A}.",
    "{P} daily work is done in {A}.",
  ],
};

/** The three fused pairs (the paper's examples fuse exactly these). */
const PAIRS: readonly (readonly [Attribute, Attribute])[] = [
  ["b_date", "b_city"],
  ["univ", "major"],
  ["c_name", "c_city"],
];

/** Phrasings of a fused pair: `{A}` is the pair's first attribute, `{B}` its second. */
const FUSED: readonly (readonly string[])[] = [
  [
    ...BORN.map((v) => `${v} on {A} in {B}.`),
    ...BORN.map((v) => `${v} in {B} on {A}.`),
    "{P} life began in {B}, on {A}.",
    "On {A}, {s} [was|were] born in {B}.",
    "In {B}, on {A}, {p} family welcomed a new child.",
    "{S} [was|were] born on {A}, in the city of {B}.",
  ],
  [
    ...[
      "{S} graduated from {A}",
      "{S} studied at {A}",
      "{S} attended {A}",
      "{S} [is|are] a graduate of {A}",
      "{S} [was|were] educated at {A}",
      "{S} completed {p} education at {A}",
    ].flatMap((v) => [
      `${v} with a degree in {B}.`,
      `${v}, where {s} majored in {B}.`,
      `${v}, focusing on {B}.`,
    ]),
    "{S} studied {B} at {A}.",
    "{S} earned a degree in {B} from {A}.",
    "{S} majored in {B} at {A}.",
    "{S} [holds|hold] a degree in {B} from {A}.",
    "At {A}, {s} specialized in {B}.",
    "{P} years at {A} were devoted to {B}.",
  ],
  [
    ...[
      "{S} [works|work] for {A}",
      "{S} [is|are] employed by {A}",
      "{S} [holds|hold] a position at {A}",
      "{S} [has|have] a job with {A}",
      "{S} [is|are] on the staff of {A}",
      "{S} joined {A}",
    ].flatMap((v) => [
      `${v} in {B}.`,
      `${v}, working out of {B}.`,
      `${v} at its offices in {B}.`,
    ]),
    "In {B}, {s} [works|work] for {A}.",
    "{S} [works|work] in {B} for {A}.",
    "{P} employer, {A}, keeps {o} in {B}.",
    "{S} [spends|spend] {p} working days in {B} at {A}.",
    "{P} job at {A} is based in {B}.",
    "{S} [commutes|commute] to {A} in {B}.",
  ],
];

/** Opening sentences: the full name and an invented role (`{R}` with its article). */
const OPENINGS = [
  "{F} is {R}.",
  "{F} works as {R}.",
  "{F} has made a name as {R}.",
  "{F} is best known as {R}.",
  "{F} is {R} by profession.",
  "By trade, {F} is {R}.",
  "{F} has spent many years as {R}.",
  "{F} is widely regarded as {R}.",
  "Meet {F}, {R}.",
  "{F} is {R} with a steady reputation.",
] as const;
const ROLE_ADJECTIVES = [
  "American",
  "accomplished",
  "experienced",
  "respected",
  "dedicated",
  "talented",
  "award-winning",
  "self-taught",
  "well-known",
  "independent",
  "versatile",
  "careful",
] as const;
const ROLES = [
  "business executive",
  "software engineer",
  "photographer",
  "nurse",
  "urban planner",
  "chef",
  "accountant",
  "journalist",
  "teacher",
  "architect",
  "pilot",
  "sculptor",
  "data analyst",
  "lawyer",
  "economist",
  "pharmacist",
  "mechanic",
  "translator",
  "filmmaker",
  "biologist",
  "consultant",
  "electrician",
  "librarian",
  "novelist",
  "designer",
] as const;

/**
 * Filler sentences: no attribute value; `{Y}` a year, `{H}` a hobby, `{W}` an award, `{X}` a
 * city abroad (never an attribute value: no birth city or headquarters lies outside the US).
 */
const FILLERS = [
  "{S} began {p} career in {Y}.",
  "{S} took {p} first job in {Y}.",
  "{S} [was|were] promoted in {Y}.",
  "{S} [is|are] married and [has|have] two children.",
  "{S} [has|have] three siblings.",
  "{S} [lives|live] with {p} partner and a dog.",
  "In {p} free time, {s} [enjoys|enjoy] {H}.",
  "{S} [is|are] fond of {H}.",
  "Outside work, {s} [spends|spend] weekends {H}.",
  "{S} received the {W} in {Y}.",
  "{S} [was|were] honored with the {W}.",
  "{S} now [lives|live] in {X}.",
  "{S} later moved to {X}.",
  "{S} [keeps|keep] a small apartment in {X}.",
] as const;
const HOBBIES = [
  "hiking",
  "painting",
  "chess",
  "gardening",
  "cycling",
  "birdwatching",
  "baking",
  "sailing",
  "playing the piano",
  "pottery",
  "running",
  "woodworking",
] as const;
const AWARDS = [
  "Golden Compass Prize",
  "Silver Quill Award",
  "Harbor Light Medal",
  "Northstar Fellowship",
  "Evergreen Service Award",
  "Blue Ridge Prize",
] as const;
const ABROAD = [
  "Lisbon",
  "Oslo",
  "Kyoto",
  "Vienna",
  "Dublin",
  "Prague",
  "Melbourne",
  "Montreal",
  "Edinburgh",
  "Seville",
] as const;

/** Chance that a pair is fused into one sentence (else two sentences, in random order). */
const FUSE_PROB = 0.8;
/**
 * Cumulative chances of one, two, three filler sentences: tuned so that bioR-like single entries
 * average about the paper's 72.3 GPT-2 tokens (measured in bior_test.ts).
 */
const FILLER_CDF = [0.6, 0.9, 1];

/** How many phrasings each attribute (alone) and each fused pair has. */
export function bioRPhrasingCounts(): { single: Record<Attribute, number>; fused: number[] } {
  const single = {} as Record<Attribute, number>;
  for (const [a, t] of Object.entries(SINGLE)) single[a as Attribute] = t.length;
  return { single, fused: FUSED.map((f) => f.length) };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** How a sentence refers to the person. */
type RefKind = "pronoun" | "first" | "title" | "full";

const FORMS: Record<Pronoun, { subj: string; poss: string; obj: string; title: string }> = {
  he: { subj: "he", poss: "his", obj: "him", title: "Mr." },
  she: { subj: "she", poss: "her", obj: "her", title: "Ms." },
  they: { subj: "they", poss: "their", obj: "them", title: "Mx." },
};

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The name a reference kind gives (undefined for a pronoun). */
function nameOf(person: Person, kind: RefKind): string | undefined {
  if (kind === "first") return person.first;
  if (kind === "title") return `${FORMS[person.pronoun].title} ${person.last}`;
  if (kind === "full") return person.fullName;
  return undefined;
}

interface Rendered {
  text: string;
  /** Value offsets in `text`, keyed "A"/"B". */
  at: Record<string, [number, number]>;
}

/**
 * Fills one template. `kind` is the subject's reference; later possessives/objects are pronouns,
 * or the full name in fullname mode (the paper's fullname replaces every reference).
 */
function fill(
  template: string,
  person: Person,
  opts: { kind: RefKind; fullname: boolean; values: Record<string, string> },
): Rendered {
  const f = FORMS[person.pronoun];
  const subject = nameOf(person, opts.kind);
  const plural = subject === undefined && person.pronoun === "they";
  let text = "";
  const at: Record<string, [number, number]> = {};
  const re = /\{([A-Za-z]+)\}|\[([A-Za-z]+)\|([A-Za-z]+)\]/g;
  let last = 0;
  for (const m of template.matchAll(re)) {
    text += template.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[2] !== undefined) {
      text += plural ? m[3] : m[2];
      continue;
    }
    const ph = m[1];
    if (ph === "S") text += subject ?? cap(f.subj);
    else if (ph === "s") text += subject ?? f.subj;
    else if (ph === "P") text += subject ? `${subject}'s` : cap(f.poss);
    else if (ph === "p") text += opts.fullname ? `${person.fullName}'s` : f.poss;
    else if (ph === "o") text += opts.fullname ? person.fullName : f.obj;
    else if (ph in opts.values) {
      at[ph] = [text.length, text.length + opts.values[ph].length];
      text += opts.values[ph];
    } else {
      throw new Error(`bioR template "${template}" has unknown placeholder {${ph}}`);
    }
  }
  return { text: text + template.slice(last), at };
}

// Per-person streams: bioS uses slots 0..14 of its 16 per person (lib/data/bios.ts); bioR takes
// slot 15, from which one seed per rewrite is drawn up front, so bioR:multi3 is the first three
// rewrites of bioR:multi5 and bioR:single is the first one (the configurations nest).
const STREAM_BASE = 0x10000000;
const SLOT_BIOR = 15;
const MAX_REWRITES = 5;

function rewriteSeeds(seed: number, personId: number): number[] {
  const rng = new Rng(seed, STREAM_BASE + personId * 16 + SLOT_BIOR);
  return Array.from({ length: MAX_REWRITES }, () => rng.nextU32());
}

/** One unit of an entry: a fused pair, a single attribute, or a filler. */
type Unit =
  | { kind: "fused"; pair: number }
  | { kind: "single"; attribute: Attribute }
  | { kind: "filler" };

/** One rewrite of a person: a bioR-like entry. */
export function renderBioREntry(
  person: Person,
  options: { seed: number; fullname: boolean; entryIndex?: number },
): BioEntry {
  const rng = new Rng(options.seed);
  const units: Unit[] = [];
  PAIRS.forEach(([a, b], pair) => {
    if (rng.next() < FUSE_PROB) units.push({ kind: "fused", pair });
    else {
      const two: Unit[] = [{ kind: "single", attribute: a }, { kind: "single", attribute: b }];
      units.push(...rng.shuffle(two));
    }
  });
  rng.shuffle(units);
  const u = rng.next();
  const fillers = 1 + FILLER_CDF.findIndex((c) => u < c);
  for (let i = 0; i < fillers; i++) {
    units.splice(rng.int(units.length + 1), 0, { kind: "filler" });
  }

  const parts: string[] = [];
  let length = 0;
  const spans: ValueSpan[] = [];
  const push = (r: Rendered, attrs: Record<string, Attribute>) => {
    const offset = length + 1; // the joining space
    for (const [ph, [s, e]] of Object.entries(r.at)) {
      if (attrs[ph]) spans.push({ attribute: attrs[ph], start: offset + s, end: offset + e });
    }
    parts.push(r.text);
    length += 1 + r.text.length;
  };

  const adjective = rng.pick(ROLE_ADJECTIVES);
  const role = `${/^[aeiou]/i.test(adjective) ? "an" : "a"} ${adjective} ${rng.pick(ROLES)}`;
  push(
    fill(rng.pick(OPENINGS).replace("{F}", "{S}").replace("{R}", role), person, {
      kind: "full",
      fullname: options.fullname,
      values: {},
    }),
    {},
  );

  // References alternate: never the same kind twice in a row after the opening's full name.
  let prev: RefKind = "full";
  const nextKind = (): RefKind => {
    if (options.fullname) return "full";
    const choices = (["pronoun", "first", "title"] as RefKind[]).filter((k) => k !== prev);
    prev = rng.pick(choices);
    return prev;
  };
  const v = person.values;
  for (const u of units) {
    const kind = nextKind();
    if (u.kind === "fused") {
      const [a, b] = PAIRS[u.pair];
      push(
        fill(rng.pick(FUSED[u.pair]), person, {
          kind,
          fullname: options.fullname,
          values: { A: v[a], B: v[b] },
        }),
        { A: a, B: b },
      );
    } else if (u.kind === "single") {
      push(
        fill(rng.pick(SINGLE[u.attribute]), person, {
          kind,
          fullname: options.fullname,
          values: { A: v[u.attribute] },
        }),
        { A: u.attribute },
      );
    } else {
      const t = rng.pick(FILLERS)
        .replace("{Y}", String(1950 + rng.int(75)))
        .replace("{H}", rng.pick(HOBBIES))
        .replace("{W}", rng.pick(AWARDS))
        .replace("{X}", rng.pick(ABROAD));
      push(fill(t, person, { kind, fullname: options.fullname, values: {} }), {});
    }
  }
  spans.sort((x, y) => x.start - y.start);
  return {
    personId: person.id,
    entryIndex: options.entryIndex ?? 0,
    text: " " + parts.join(" "),
    spans,
  };
}

/**
 * Generates the bioR-like entries of every person (person order, then rewrite), `rewrites` per
 * person (1, 3 or 5). Entry k of a person depends only on (seed, person, k).
 */
export function generateBioR(
  people: readonly Person[],
  options: { seed: number; rewrites: number; fullname: boolean },
): BioEntry[] {
  if (!Number.isInteger(options.rewrites) || options.rewrites < 1 || options.rewrites > 5) {
    throw new RangeError(`bioR rewrites must be an integer in 1..5, got ${options.rewrites}`);
  }
  const out: BioEntry[] = [];
  for (const person of people) {
    const seeds = rewriteSeeds(options.seed, person.id);
    for (let k = 0; k < options.rewrites; k++) {
      out.push(
        renderBioREntry(person, { seed: seeds[k], fullname: options.fullname, entryIndex: k }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Diversity measures (notebook 01, tests): how much more varied bioR-like text is than bioS.

/**
 * The sentence skeletons of an entry: each sentence with its values replaced by `<attribute>`,
 * every reference to the person (full name, first name, title + last name, pronouns) by `<ref>`
 * and digits by `<n>`. Filler slot words (a hobby, an award, a city abroad) stay, so filler
 * sentences count once per filling.
 */
export function sentenceSkeletons(entry: BioEntry, person: Person): string[] {
  let t = "";
  let at = 0;
  for (const s of entry.spans) {
    t += entry.text.slice(at, s.start) + `<${s.attribute}>`;
    at = s.end;
  }
  t += entry.text.slice(at);
  const names = [
    person.fullName,
    `${FORMS[person.pronoun].title} ${person.last}`,
    person.first,
  ];
  for (const n of names) t = t.split(n).join("<ref>");
  t = t.replace(/\b(he|she|they|his|her|their|him|them)\b/gi, "<ref>").replace(/\d+/g, "<n>");
  return t.trim().split(/(?<=\.)\s+/);
}

/** Diversity of a set of entries (see {@link sentenceSkeletons}). */
export interface Diversity {
  entries: number;
  /** Distinct sentence skeletons over all entries. */
  skeletons: number;
  /** Shannon entropy (bits) of the order in which the six attributes first appear. */
  orderEntropyBits: number;
  /** Distinct attribute orders seen. */
  orders: number;
}

/** Measures {@link Diversity} of entries about `people` (looked up by id). */
export function measureDiversity(
  entries: readonly BioEntry[],
  people: readonly Person[],
): Diversity {
  const byId = new Map(people.map((p) => [p.id, p]));
  const skeletons = new Set<string>();
  const orders = new Map<string, number>();
  for (const e of entries) {
    const p = byId.get(e.personId);
    if (!p) throw new RangeError(`entry of person ${e.personId}: no such person`);
    for (const s of sentenceSkeletons(e, p)) skeletons.add(s);
    const o = e.spans.map((s) => s.attribute).join(",");
    orders.set(o, (orders.get(o) ?? 0) + 1);
  }
  let h = 0;
  for (const c of orders.values()) {
    const q = c / entries.length;
    h -= q * Math.log2(q);
  }
  return {
    entries: entries.length,
    skeletons: skeletons.size,
    orderEntropyBits: h === 0 ? 0 : h,
    orders: orders.size,
  };
}
