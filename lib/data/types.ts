/**
 * The vocabulary of the paper's data, shared by every module (see paper §2 and Appendix A).
 * @module
 */

/** The six attributes of a person, in the paper's fixed bioS order and with its column names. */
export const ATTRIBUTES = ["b_date", "b_city", "univ", "major", "c_name", "c_city"] as const;
/** One of the six attributes. */
export type Attribute = typeof ATTRIBUTES[number];

/** The pronoun a person is referred to by (paper: random he/she/they). */
export type Pronoun = "he" | "she" | "they";

/** One synthetic individual: a unique full name and one value per attribute. */
export interface Person {
  /** 0..N-1, stable for a seed. */
  id: number;
  first: string;
  middle: string;
  last: string;
  /** "First Middle Last", unique within a population. */
  fullName: string;
  pronoun: Pronoun;
  /** Rendered values exactly as they appear in biographies and answers, e.g. "October 2, 1996". */
  values: Record<Attribute, string>;
  /** Birth month name, the first token class of b_date in probing ("October"). */
  birthMonth: string;
  /** "P_train" (QA used in training) or "P_test" (only the biography is ever seen). */
  split: "P_train" | "P_test";
  /** "minority" is the main population; "celebrity" is the disjoint extra set of paper §6. */
  population: "minority" | "celebrity";
}

/** Where one attribute value sits inside a biography entry, as character offsets of its text. */
export interface ValueSpan {
  attribute: Attribute;
  /** Offset of the value's first character (the value is always preceded by a space). */
  start: number;
  /** Offset just past the value's last character. */
  end: number;
}

/** One biography entry (a person has 1 to 5 of them depending on the configuration). */
export interface BioEntry {
  personId: number;
  /** 0..M-1 within the person. */
  entryIndex: number;
  /** The entry text; starts with a space (GPT-2 tokenizes " Name"). */
  text: string;
  /** The six values in order of appearance in this entry. */
  spans: ValueSpan[];
}

/** One question/answer pair (paper §1.5). */
export interface QAPair {
  personId: number;
  attribute: Attribute;
  /** e.g. "What is the birth date of Anya Briar Forger?" */
  question: string;
  /** The value exactly as in the biographies, e.g. "October 2, 1996". */
  answer: string;
  split: "P_train" | "P_test";
}
