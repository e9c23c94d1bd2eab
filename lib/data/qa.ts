/**
 * QA data (paper §2): six fixed question templates, one per attribute.
 * @module
 */
import { type Attribute, ATTRIBUTES, type Person, type QAPair } from "./types.ts";

/** The paper's six questions, verbatim; `{name}` is the full name. */
export const QUESTION_TEMPLATES: Readonly<Record<Attribute, string>> = {
  b_date: "What is the birth date of {name}?",
  b_city: "What is the birth city of {name}?",
  univ: "Which university did {name} study?",
  major: "What major did {name} study?",
  c_name: "Which company did {name} work for?",
  c_city: "Where did {name} work?",
};

/** The six QA pairs of every person, in person order then attribute order; split copied. */
export function generateQA(people: readonly Person[]): QAPair[] {
  const out: QAPair[] = [];
  for (const p of people) {
    for (const attribute of ATTRIBUTES) {
      out.push({
        personId: p.id,
        attribute,
        question: QUESTION_TEMPLATES[attribute].replace("{name}", p.fullName),
        answer: p.values[attribute],
        split: p.split,
      });
    }
  }
  return out;
}

/** Separator between question and answer (the paper prints them on two lines). */
export const ANSWER_PREFIX = "\nAnswer:";

/** The prompt the model sees: the question, a newline and "Answer:". */
export function qaPrompt(pair: QAPair): string {
  return pair.question + ANSWER_PREFIX;
}

/** The target the model is trained on and must generate exactly: " " + answer + ".". */
export function qaTarget(pair: QAPair): string {
  return " " + pair.answer + ".";
}
