/**
 * bioS sentence templates (paper §2, Appendix A.1) and their renderer.
 *
 * Every template is one English sentence about one attribute of a person. Placeholders:
 *
 * - `{S}` the subject: the full name, or the pronoun "He" / "She" / "They".
 * - `{Sposs}` a sentence-initial possessive: "Anya Briar Forger's", or "His" / "Her" / "Their".
 * - `{p}` a possessive later in the sentence: "his" / "her" / "their" (the full name plus "'s"
 *   in fullname mode).
 * - `{o}` an object pronoun: "him" / "her" / "them" (the full name in fullname mode).
 * - `[sg|pl]` verb agreement with `{S}`, e.g. `[was|were]`: `pl` only when the subject is the
 *   pronoun "They"; a full name always takes `sg`, even for a they-person (whose `{p}` is "their").
 * - `{V}` the attribute value.
 *
 * Rules (checked by {@linkcode validateTemplates}):
 *
 * - Each template starts with `{S}` or `{Sposs}` and holds neither anywhere else, so sentences can
 *   be permuted and the full name moved into whichever sentence comes first. `[sg|pl]` only
 *   appears in `{S}` templates (in `{Sposs}` templates the grammatical subject is a thing).
 * - It ends with "." and contains no other ".", "!", "?", ";" or line break.
 * - `{V}` occurs exactly once, is preceded by a space and followed either by the final "." or by
 *   a space. GPT-2 then tokenizes the value as `encode(" " + value)` both inside a biography and
 *   in a QA answer, so character spans map onto whole tokens. A value ending in "." (e.g.
 *   "Washington D.C.") at the end of a sentence is not followed by a second period; values must end
 *   with a letter, digit or ".".
 *
 * Reference modes of {@linkcode renderSentence}: `"name"` (the first sentence of a bioS entry:
 * the full name as `{S}`/`{Sposs}`, pronouns for `{p}`/`{o}`), `"pronoun"` (later sentences:
 * pronouns everywhere) and `"fullname"` (the paper's fullname augmentation: the full name
 * everywhere).
 *
 * The wording is the project's own; only the style follows the paper's printed examples.
 * @module
 */
import { type Attribute, ATTRIBUTES, type Pronoun } from "./types.ts";

/** Template pool sizes per attribute, exactly as in paper Appendix A.1. */
export const TEMPLATE_COUNTS: Readonly<Record<Attribute, number>> = Object.freeze({
  b_date: 46,
  b_city: 49,
  univ: 49,
  major: 52,
  c_name: 47,
  c_city: 48,
});

/** The bioS template pools, one per attribute (see the module doc for the placeholder syntax). */
export const TEMPLATES: Readonly<Record<Attribute, readonly string[]>> = Object.freeze({
  b_date: Object.freeze([
    "{S} [was|were] born on {V}.",
    "{S} came into the world on {V}.",
    "{S} first opened {p} eyes on {V}.",
    "{Sposs} birthday falls on {V}.",
    "{Sposs} date of birth is {V}.",
    "{S} [was|were] welcomed into {p} family on {V}.",
    "{S} arrived in the world on {V}.",
    "{S} drew {p} first breath on {V}.",
    "{Sposs} life began on {V}.",
    "{Sposs} story started on {V}.",
    "{S} [was|were] delivered on {V}.",
    "{Sposs} parents welcomed {o} on {V}.",
    "{S} entered this world on {V}.",
    "{Sposs} birth took place on {V}.",
    "{Sposs} birth certificate lists {V} as the date.",
    "{S} [lists|list] {V} as {p} date of birth.",
    "{Sposs} journey through life started on {V}.",
    "{S} began {p} life on {V}.",
    "{S} made {p} debut in the world on {V}.",
    "{Sposs} family celebrated {p} arrival on {V}.",
    "{Sposs} official birth date is {V}.",
    "{S} [was|were] born into {p} family on {V}.",
    "{Sposs} records show a birth date of {V}.",
    "{S} first saw daylight on {V}.",
    "{S} [names|name] {V} as the day {p} life began.",
    "{S} [was|were] brought into the world on {V}.",
    "{Sposs} mother gave birth to {o} on {V}.",
    "{Sposs} very first day was {V}.",
    "{S} [traces|trace] {p} birthday back to {V}.",
    "{Sposs} birthdate is recorded as {V}.",
    "{S} [was|were] born in the early hours of {V}.",
    "{S} [was|were] born late in the evening on {V}.",
    "{S} joined the world on {V}.",
    "{Sposs} parents remember {V} as the day {p} life began.",
    "{Sposs} life story opens on {V}.",
    "{S} [was|were] born, according to {p} passport, on {V}.",
    "{Sposs} passport shows {V} as the date of birth.",
    "{S} came along on {V}.",
    "{S} [was|were] born in a hospital on {V}.",
    "{Sposs} first birthday came one year after {V}.",
    "{S} showed up in the world on {V}.",
    "{S} [is|are] known to have been born on {V}.",
    "{S} started life on {V}.",
    "{Sposs} birth was announced to relatives on {V}.",
    "{S} [was|were] born on {V} to loving parents.",
    "{S} [celebrates|celebrate] {p} birthday each year, having been born on {V}.",
  ]),
  b_city: Object.freeze([
    "{S} [was|were] born in {V}.",
    "{S} spent {p} early years in {V}.",
    "{S} grew up in {V}.",
    "{Sposs} hometown is {V}.",
    "{S} [calls|call] {V} {p} birthplace.",
    "{S} [comes|come] from {V}.",
    "{S} originally hailed from {V}.",
    "{Sposs} birthplace is {V}.",
    "{S} [was|were] raised in {V}.",
    "{Sposs} childhood was spent in {V}.",
    "{S} first saw the light of day in {V}.",
    "{Sposs} roots are in {V}.",
    "{S} [traces|trace] {p} origins to {V}.",
    "{Sposs} life began in {V}.",
    "{S} [was|were] born and raised in {V}.",
    "{S} took {p} first steps in {V}.",
    "{Sposs} birth took place in {V}.",
    "{S} entered the world in {V}.",
    "{S} [is|are] a native of {V}.",
    "{Sposs} parents raised {o} in {V}.",
    "{S} arrived in the world in {V}.",
    "{Sposs} birth certificate was issued in {V}.",
    "{S} [was|were] delivered at a hospital in {V}.",
    "{Sposs} place of birth is {V}.",
    "{S} [has|have] {p} roots in {V}.",
    "{S} [was|were] brought up in {V}.",
    "{S} spent {p} childhood in {V}.",
    "{Sposs} earliest memories are of {V}.",
    "{Sposs} first home was in {V}.",
    "{S} lived {p} first years in {V}.",
    "{S} proudly [calls|call] {V} home.",
    "{S} [considers|consider] {V} {p} hometown.",
    "{Sposs} life started in {V}.",
    "{S} started out in {V}.",
    "{Sposs} story begins in {V}.",
    "{S} [was|were] born to a family in {V}.",
    "{Sposs} family welcomed {o} in {V}.",
    "{S} first drew breath in {V}.",
    "{S} [hails|hail] from {V}.",
    "{Sposs} native city is {V}.",
    "{S} [was|were] born and spent {p} youth in {V}.",
    "{Sposs} childhood home stood in {V}.",
    "{S} came into the world in {V}.",
    "{S} [was|were] born in {V} and lived there as a child.",
    "{S} [remembers|remember] {V} as the place where {p} life began.",
    "{Sposs} birth was recorded in {V}.",
    "{S} spent {p} formative years in {V}.",
    "{S} [was|were] raised by {p} parents in {V}.",
    "{Sposs} early life unfolded in {V}.",
  ]),
  univ: Object.freeze([
    "{S} studied at {V}.",
    "{S} graduated from {V}.",
    "{S} attended {V}.",
    "{S} received {p} education at {V}.",
    "{S} earned {p} degree from {V}.",
    "{S} took advanced courses at {V}.",
    "{S} enrolled at {V}.",
    "{Sposs} alma mater is {V}.",
    "{S} completed {p} studies at {V}.",
    "{S} spent {p} college years at {V}.",
    "{S} [was|were] a student at {V}.",
    "{S} [holds|hold] a degree from {V}.",
    "{S} went to college at {V}.",
    "{S} got {p} university education at {V}.",
    "{S} learned from leading professors at {V}.",
    "{S} made good use of the libraries and laboratories of {V}.",
    "{S} [was|were] admitted to {V}.",
    "{S} finished {p} degree at {V}.",
    "{Sposs} undergraduate years were spent at {V}.",
    "{S} [was|were] trained at {V}.",
    "{S} took classes at {V}.",
    "{Sposs} diploma came from {V}.",
    "{S} walked across the graduation stage at {V}.",
    "{S} [was|were] educated at {V}.",
    "{S} spent four years studying at {V}.",
    "{Sposs} university was {V}.",
    "{S} [was|were] mentored by faculty at {V}.",
    "{S} chose to study at {V}.",
    "{S} [is|are] a graduate of {V}.",
    "{S} pursued {p} higher education at {V}.",
    "{S} [was|were] accepted into {V}.",
    "{S} completed {p} coursework at {V}.",
    "{S} spent {p} student days at {V}.",
    "{S} studied on the campus of {V}.",
    "{Sposs} academic training took place at {V}.",
    "{S} honed {p} skills as a student at {V}.",
    "{S} obtained {p} bachelor's degree from {V}.",
    "{S} joined the student body of {V}.",
    "{Sposs} college education was completed at {V}.",
    "{S} received academic guidance from professors at {V}.",
    "{S} benefited from the resources of {V}.",
    "{S} [was|were] an undergraduate at {V}.",
    "{S} spent several years at {V} as a student.",
    "{S} [credits|credit] {V} with shaping {p} education.",
    "{S} built {p} academic foundation at {V}.",
    "{S} went on to study at {V}.",
    "{S} graduated with honors from {V}.",
    "{Sposs} years at {V} shaped {p} thinking.",
    "{S} studied hard during {p} time at {V}.",
  ]),
  major: Object.freeze([
    "{S} majored in {V}.",
    "{S} studied {V}.",
    "{S} focused {p} studies on {V}.",
    "{Sposs} major was {V}.",
    "{S} completed a degree in {V}.",
    "{S} specialized in {V}.",
    "{Sposs} field of study was {V}.",
    "{S} devoted {p} studies to {V}.",
    "{S} earned a degree in {V}.",
    "{S} concentrated on {V}.",
    "{S} chose {V} as {p} major.",
    "{S} pursued a degree in {V}.",
    "{S} took courses in {V}.",
    "{S} explored the theory behind {V}.",
    "{S} built a solid foundation in {V}.",
    "{S} finished a demanding program in {V}.",
    "{Sposs} academic focus was {V}.",
    "{S} studied {V} as an undergraduate.",
    "{S} [holds|hold] a degree in {V}.",
    "{S} received training in {V}.",
    "{S} dedicated {p} college years to {V}.",
    "{S} wrote {p} thesis in {V}.",
    "{Sposs} degree is in {V}.",
    "{S} pursued {p} interest in {V}.",
    "{S} completed {p} education with an emphasis on {V}.",
    "{S} [was|were] a student of {V}.",
    "{S} learned the fundamentals of {V}.",
    "{S} decided to major in {V}.",
    "{Sposs} chosen discipline was {V}.",
    "{S} graduated with a degree in {V}.",
    "{S} studied the subject of {V}.",
    "{S} spent long hours studying {V}.",
    "{S} developed expertise in {V}.",
    "{S} [was|were] drawn to the study of {V}.",
    "{S} focused on {V} during {p} studies.",
    "{Sposs} area of specialization was {V}.",
    "{S} earned {p} diploma in {V}.",
    "{S} mastered the core topics of {V}.",
    "{S} declared {V} as {p} major.",
    "{S} researched open questions in {V}.",
    "{S} pursued academic work in {V}.",
    "{Sposs} coursework centered on {V}.",
    "{S} [was|were] trained in {V}.",
    "{S} completed a rigorous curriculum in {V}.",
    "{S} gained a deep understanding of {V}.",
    "{Sposs} studies revolved around {V}.",
    "{S} selected {V} as {p} field.",
    "{S} excelled in {V} at university.",
    "{S} followed {p} passion for {V}.",
    "{S} acquired a thorough education in {V}.",
    "{Sposs} professors guided {o} through {V}.",
    "{S} [has|have] an academic background in {V}.",
  ]),
  c_name: Object.freeze([
    "{S} worked at {V}.",
    "{S} [was|were] employed by {V}.",
    "{S} had a job at {V}.",
    "{S} built {p} career at {V}.",
    "{S} held a position at {V}.",
    "{Sposs} employer was {V}.",
    "{S} joined {V}.",
    "{S} worked for {V}.",
    "{S} contributed {p} skills to {V}.",
    "{S} took a job with {V}.",
    "{S} [was|were] hired by {V}.",
    "{S} spent {p} working life at {V}.",
    "{Sposs} professional home was {V}.",
    "{S} served as an employee of {V}.",
    "{S} earned {p} living at {V}.",
    "{S} had a role at {V}.",
    "{S} [was|were] on the payroll of {V}.",
    "{S} developed {p} career with {V}.",
    "{Sposs} workplace was {V}.",
    "{S} accepted an offer from {V}.",
    "{S} [was|were] a staff member at {V}.",
    "{S} worked as part of the team at {V}.",
    "{S} found employment at {V}.",
    "{S} signed on with {V}.",
    "{Sposs} career took {o} to {V}.",
    "{S} [was|were] recruited by {V}.",
    "{S} gained professional experience at {V}.",
    "{S} spent many years working for {V}.",
    "{S} devoted {p} career to {V}.",
    "{S} landed a position with {V}.",
    "{Sposs} job was at {V}.",
    "{S} [has|have] worked for {V}.",
    "{S} put {p} expertise to work at {V}.",
    "{S} [was|were] part of the workforce at {V}.",
    "{S} drew a salary from {V}.",
    "{S} made {p} career at {V}.",
    "{S} started working at {V}.",
    "{Sposs} colleagues at {V} valued {p} work.",
    "{S} [was|were] an employee of {V}.",
    "{S} took up employment with {V}.",
    "{S} worked full time for {V}.",
    "{S} joined the staff of {V}.",
    "{S} advanced {p} career at {V}.",
    "{S} worked on projects for {V}.",
    "{S} held down a job at {V}.",
    "{Sposs} career unfolded at {V}.",
    "{S} spent {p} professional years at {V}.",
  ]),
  c_city: Object.freeze([
    "{S} worked in {V}.",
    "{S} [was|were] employed in {V}.",
    "{S} gained work experience in {V}.",
    "{Sposs} job was located in {V}.",
    "{Sposs} office was in {V}.",
    "{S} commuted to work in {V}.",
    "{S} built {p} career in {V}.",
    "{Sposs} workplace was in {V}.",
    "{S} held a job in {V}.",
    "{S} spent {p} working days in {V}.",
    "{S} [was|were] based in {V} for work.",
    "{S} moved to {V} for {p} job.",
    "{S} picked up industry knowledge while working in {V}.",
    "{S} took a position in {V}.",
    "{Sposs} employer had {o} stationed in {V}.",
    "{S} pursued {p} profession in {V}.",
    "{Sposs} career was centered in {V}.",
    "{S} relocated to {V} for work.",
    "{S} had an office in {V}.",
    "{S} reported to work each day in {V}.",
    "{S} earned {p} living in {V}.",
    "{S} spent {p} professional life in {V}.",
    "{Sposs} company posted {o} to {V}.",
    "{S} found work in {V}.",
    "{S} [was|were] part of the local industry in {V}.",
    "{S} worked at a headquarters in {V}.",
    "{Sposs} working life took place in {V}.",
    "{S} practiced {p} trade in {V}.",
    "{S} had a career in {V}.",
    "{Sposs} professional base was {V}.",
    "{S} [was|were] stationed in {V} by {p} employer.",
    "{S} contributed to the business life of {V}.",
    "{S} took on a role in {V}.",
    "{S} clocked in every morning in {V}.",
    "{S} developed {p} professional skills in {V}.",
    "{S} [was|were] on the job in {V}.",
    "{Sposs} work brought {o} to {V}.",
    "{S} went to work in {V}.",
    "{S} spent many working years in {V}.",
    "{S} [was|were] hired to work in {V}.",
    "{Sposs} place of work was {V}.",
    "{S} [has|have] worked in {V}.",
    "{S} settled into a job in {V}.",
    "{S} joined the workforce in {V}.",
    "{Sposs} employment was based in {V}.",
    "{S} worked out of an office in {V}.",
    "{S} spent {p} career in {V}.",
    "{Sposs} job kept {o} in {V}.",
  ]),
});

/** How a sentence refers to its person (see the module doc). */
export type Reference = "name" | "pronoun" | "fullname";
/** All reference modes, for iteration and input checks. */
export const REFERENCES: readonly Reference[] = Object.freeze(["name", "pronoun", "fullname"]);

/** The person a sentence is about. */
export interface SentenceRef {
  /** "First Middle Last". */
  fullName: string;
  pronoun: Pronoun;
}

/** Options of {@linkcode renderSentence}. */
export interface RenderOptions {
  /** The attribute value as it appears in answers, e.g. "October 2, 1996". */
  value: string;
  reference: Reference;
}

/** A rendered sentence and where its value sits in it. */
export interface RenderedSentence {
  text: string;
  /** Offset of the value's first character in `text` (the preceding character is a space). */
  valueStart: number;
  /** Offset just past the value's last character. */
  valueEnd: number;
}

const FORMS: Record<Pronoun, { subj: string; poss: string; obj: string }> = {
  he: { subj: "He", poss: "his", obj: "him" },
  she: { subj: "She", poss: "her", obj: "her" },
  they: { subj: "They", poss: "their", obj: "them" },
};

const PLACEHOLDERS = ["S", "Sposs", "p", "o", "V"] as const;
type Placeholder = typeof PLACEHOLDERS[number];

type Piece =
  | { kind: "text"; text: string }
  | { kind: "ph"; name: Placeholder; at: number }
  | { kind: "agree"; sg: string; pl: string };

const TOKEN_RE = /\{([^{}]*)\}|\[([^\[\]]*)\]/g;
const AGREE_RE = /^([A-Za-z]+)\|([A-Za-z]+)$/;

/** Splits a template into literal text, placeholders and agreement pairs; throws on bad syntax. */
function parseTemplate(template: string): Piece[] {
  if (typeof template !== "string") {
    throw new Error(`template must be a string, got ${typeof template}`);
  }
  const pieces: Piece[] = [];
  let last = 0;
  const pushText = (text: string) => {
    if (/[{}\[\]]/.test(text)) {
      throw new Error(
        `template "${template}" has an unbalanced brace or bracket in "${text}"; ` +
          `allowed: {S} {Sposs} {p} {o} {V} and [sg|pl]`,
      );
    }
    if (text) pieces.push({ kind: "text", text });
  };
  for (const m of template.matchAll(TOKEN_RE)) {
    pushText(template.slice(last, m.index));
    if (m[1] !== undefined) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1])) {
        throw new Error(
          `template "${template}" has unknown placeholder {${m[1]}}; ` +
            `allowed: {S} {Sposs} {p} {o} {V} and [sg|pl]`,
        );
      }
      pieces.push({ kind: "ph", name: m[1] as Placeholder, at: m.index });
    } else {
      const a = AGREE_RE.exec(m[2]);
      if (!a) {
        throw new Error(
          `template "${template}" has malformed verb agreement [${m[2]}]; ` +
            `expected [singular|plural] with two words, e.g. [was|were]`,
        );
      }
      pieces.push({ kind: "agree", sg: a[1], pl: a[2] });
    }
    last = m.index + m[0].length;
  }
  pushText(template.slice(last));
  const nV = pieces.filter((p) => p.kind === "ph" && p.name === "V").length;
  if (nV !== 1) {
    throw new Error(`template "${template}" must contain {V} exactly once, found ${nV}`);
  }
  return pieces;
}

/**
 * Renders one template for one person.
 *
 * @example
 * ```ts
 * const s = renderSentence("{S} [was|were] born on {V}.", { fullName: "Anya Briar Forger", pronoun: "they" }, {
 *   value: "October 2, 1996",
 *   reference: "pronoun",
 * });
 * // s.text === "They were born on October 2, 1996."; s.text.slice(s.valueStart, s.valueEnd) is the value
 * ```
 */
export function renderSentence(
  template: string,
  ref: SentenceRef,
  opts: RenderOptions,
): RenderedSentence {
  const pieces = parseTemplate(template);
  if (typeof ref?.fullName !== "string" || ref.fullName.trim() === "") {
    throw new Error(
      `ref.fullName must be a non-empty string, got ${JSON.stringify(ref?.fullName)}`,
    );
  }
  if (!(ref.pronoun in FORMS)) {
    throw new Error(
      `ref.pronoun must be "he", "she" or "they", got ${JSON.stringify(ref.pronoun)}`,
    );
  }
  if (!REFERENCES.includes(opts?.reference)) {
    throw new Error(
      `opts.reference must be "name", "pronoun" or "fullname", got ${
        JSON.stringify(opts?.reference)
      }`,
    );
  }
  const value = opts.value;
  // Surrounding whitespace would shift the value's GPT-2 tokens away from the QA answer's.
  if (typeof value !== "string" || value === "" || value.trim() !== value) {
    throw new Error(
      `opts.value must be a non-empty string without leading or trailing whitespace, got ${
        JSON.stringify(value)
      }`,
    );
  }
  // GPT-2 merges trailing punctuation with a following "." (")." is one token), which would break
  // the value's token span; a trailing "." is handled below by not doubling the period.
  if (!/[\p{L}\p{N}.]$/u.test(value)) {
    throw new Error(
      `opts.value must end with a letter, digit or ".", got ${JSON.stringify(value)}`,
    );
  }
  const f = FORMS[ref.pronoun];
  const nameSubject = opts.reference !== "pronoun";
  const nameEverywhere = opts.reference === "fullname";
  const namePoss = `${ref.fullName}'s`;
  // A name subject is grammatically singular even for a they-person.
  const plural = !nameSubject && ref.pronoun === "they";

  let text = "";
  let valueStart = -1;
  for (const piece of pieces) {
    if (piece.kind === "text") text += piece.text;
    else if (piece.kind === "agree") text += plural ? piece.pl : piece.sg;
    else {
      switch (piece.name) {
        case "S":
          text += nameSubject ? ref.fullName : f.subj;
          break;
        case "Sposs":
          text += nameSubject ? namePoss : f.poss[0].toUpperCase() + f.poss.slice(1);
          break;
        case "p":
          text += nameEverywhere ? namePoss : f.poss;
          break;
        case "o":
          text += nameEverywhere ? ref.fullName : f.obj;
          break;
        case "V":
          valueStart = text.length;
          text += value;
          break;
      }
    }
  }
  // "born in Washington D.C." rather than "D.C..": the value already closes the sentence.
  if (value.endsWith(".") && text.length === valueStart + value.length + 1) {
    text = text.slice(0, -1);
  }
  return { text, valueStart, valueEnd: valueStart + value.length };
}

/**
 * Checks every template against the rules of the module doc (counts, uniqueness, placement of
 * `{S}`/`{Sposs}`/`{V}`, punctuation, agreement syntax). Throws an Error naming the attribute,
 * the index and the template of the first violation.
 */
export function validateTemplates(
  templates: Readonly<Record<Attribute, readonly string[]>> = TEMPLATES,
): void {
  const keys = Object.keys(templates).sort();
  if (keys.join(",") !== [...ATTRIBUTES].sort().join(",")) {
    throw new Error(
      `templates must have exactly the attributes ${ATTRIBUTES.join(", ")}; got ${keys.join(", ")}`,
    );
  }
  const seen = new Map<string, string>();
  for (const attr of ATTRIBUTES) {
    const pool = templates[attr];
    if (pool.length !== TEMPLATE_COUNTS[attr]) {
      throw new Error(
        `templates.${attr} has ${pool.length} templates; the paper has ${TEMPLATE_COUNTS[attr]}`,
      );
    }
    pool.forEach((t, i) => {
      const fail = (why: string): never => {
        throw new Error(`template ${attr}[${i}] "${t}": ${why}`);
      };
      let pieces: Piece[] = [];
      try {
        pieces = parseTemplate(t);
      } catch (e) {
        fail((e as Error).message);
      }
      const where = `${attr}[${i}]`;
      if (seen.has(t)) fail(`duplicate of ${seen.get(t)}`);
      seen.set(t, where);
      if (t !== t.trim() || /\s{2}/.test(t) || /[\n\r\t]/.test(t)) {
        fail("must be single-spaced with no leading, trailing or non-space whitespace");
      }
      const startsS = t.startsWith("{S} ");
      if (!startsS && !t.startsWith("{Sposs} ")) fail('must start with "{S} " or "{Sposs} "');
      const subjects = pieces.filter((p) =>
        p.kind === "ph" && (p.name === "S" || p.name === "Sposs")
      );
      if (subjects.length !== 1) fail("{S}/{Sposs} may only appear once, at the start");
      if (!startsS && pieces.some((p) => p.kind === "agree")) {
        fail("[sg|pl] agrees with {S}, so it is not allowed in a {Sposs} template");
      }
      if (!t.endsWith(".")) fail('must end with "."');
      if (t.indexOf(".") !== t.length - 1) fail('must contain no "." except the final one');
      if (/[!?;]/.test(t)) fail('must be a single sentence (no "!", "?" or ";")');
      const v = t.indexOf("{V}");
      if (t[v - 1] !== " ") fail("{V} must be preceded by a space");
      const after = t.slice(v + 3);
      if (after !== "." && !after.startsWith(" ")) {
        fail('{V} must be followed by the final "." or by a space');
      }
    });
  }
}
