import { encode } from "gpt-tokenizer/encoding/r50k_base";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { type Attribute, ATTRIBUTES, type Pronoun } from "./types.ts";
import {
  REFERENCES,
  renderSentence,
  TEMPLATE_COUNTS,
  TEMPLATES,
  validateTemplates,
} from "./templates.ts";

const PRONOUNS: Pronoun[] = ["he", "she", "they"];
const SAMPLE_VALUES: Record<Attribute, string> = {
  b_date: "October 2, 1996",
  b_city: "New York, NY",
  univ: "University of California, Berkeley",
  major: "Computer Science",
  c_name: "Johnson & Johnson",
  c_city: "Menlo Park, CA",
};
const ANYA = { fullName: "Anya Briar Forger", pronoun: "they" as Pronoun };

Deno.test("TEMPLATES has exactly the paper's pool sizes", () => {
  assertEquals(TEMPLATE_COUNTS, {
    b_date: 46,
    b_city: 49,
    univ: 49,
    major: 52,
    c_name: 47,
    c_city: 48,
  });
  for (const attr of ATTRIBUTES) assertEquals(TEMPLATES[attr].length, TEMPLATE_COUNTS[attr], attr);
});

Deno.test("templates are unique within and across attributes", () => {
  const all = ATTRIBUTES.flatMap((a) => [...TEMPLATES[a]]);
  assertEquals(new Set(all).size, all.length);
});

Deno.test("validateTemplates passes on the shipped pools", () => {
  validateTemplates();
});

Deno.test("validateTemplates names attribute, index and template of a violation", () => {
  const bad = (attr: Attribute, i: number, t: string) => {
    const copy = Object.fromEntries(ATTRIBUTES.map((a) => [a, [...TEMPLATES[a]]])) as Record<
      Attribute,
      string[]
    >;
    copy[attr][i] = t;
    return () => validateTemplates(copy);
  };
  assertThrows(bad("univ", 3, "{S} studied at {V}, once."), 'univ[3] "{S} studied at {V}, once."');
  assertThrows(bad("major", 0, "In college {S} studied {V}."), "major[0]");
  assertThrows(bad("b_date", 1, "{S} [was|were] born on {V}. Really."), "final");
  assertThrows(bad("b_city", 2, "{S} grew up in {V}"), 'end with "."');
  assertThrows(bad("c_name", 4, "{S} worked at{V}."), "preceded by a space");
  assertThrows(bad("c_city", 5, "{S} worked in {V} and {V}."), "exactly once");
  assertThrows(bad("c_city", 5, "{S} worked in {V}'s office."), "followed by");
  assertThrows(bad("c_city", 6, "{Sposs} job [was|were] in {V}."), "not allowed in a {Sposs}");
  assertThrows(bad("c_city", 7, "{S} worked in {V} near {S}."), "only appear once");
  assertThrows(bad("c_city", 8, "{S} worked in {V}."), "duplicate of c_city[0]");
  assertThrows(bad("c_city", 9, "{S} worked in {city} {V}."), "unknown placeholder {city}");
  const short = { ...TEMPLATES, major: TEMPLATES.major.slice(1) };
  assertThrows(() => validateTemplates(short), "templates.major has 51 templates");
});

Deno.test("every template renders cleanly for every pronoun and reference mode", () => {
  for (const attr of ATTRIBUTES) {
    const value = SAMPLE_VALUES[attr];
    TEMPLATES[attr].forEach((t, i) => {
      for (const pronoun of PRONOUNS) {
        for (const reference of REFERENCES) {
          const ref = { fullName: "Anya Briar Forger", pronoun };
          const { text, valueStart, valueEnd } = renderSentence(t, ref, { value, reference });
          const where = `${attr}[${i}] ${pronoun}/${reference}: "${text}"`;
          assert(!/[{}\[\]|]/.test(text), `leftover placeholder in ${where}`);
          assert(/^[A-Z]/.test(text), `no capital start in ${where}`);
          assert(text.endsWith("."), `no final period in ${where}`);
          assertEquals(text.slice(valueStart, valueEnd), value, where);
          assertEquals(text[valueStart - 1], " ", where);
          assert(!/\s{2}/.test(text), `double space in ${where}`);
          if (reference === "pronoun") {
            assert(!text.includes("Anya"), `name in pronoun mode: ${where}`);
          } else {
            assert(text.startsWith("Anya Briar Forger"), `no leading name in ${where}`);
          }
          if (reference === "fullname") {
            assert(!/\b(he|she|they|his|him|her|their|them)\b/i.test(text), `pronoun in ${where}`);
          }
        }
      }
    });
  }
});

Deno.test("grammar: verb agreement and possessives", () => {
  const born = "{S} [was|were] born on {V}.";
  const v = { value: "October 2, 1996" };
  const r = (t: string, pronoun: Pronoun, reference: "name" | "pronoun" | "fullname") =>
    renderSentence(t, { fullName: "Anya Briar Forger", pronoun }, { ...v, reference }).text;
  assertEquals(r(born, "they", "pronoun"), "They were born on October 2, 1996.");
  assertEquals(r(born, "he", "pronoun"), "He was born on October 2, 1996.");
  assertEquals(r(born, "she", "pronoun"), "She was born on October 2, 1996.");
  assertEquals(r(born, "they", "name"), "Anya Briar Forger was born on October 2, 1996.");

  const family = "{S} [was|were] welcomed into {p} family on {V}.";
  assertEquals(
    r(family, "they", "name"),
    "Anya Briar Forger was welcomed into their family on October 2, 1996.",
  );
  assertEquals(
    r(family, "they", "pronoun"),
    "They were welcomed into their family on October 2, 1996.",
  );
  assertEquals(r(family, "she", "pronoun"), "She was welcomed into her family on October 2, 1996.");
  assertEquals(
    r(family, "he", "fullname"),
    "Anya Briar Forger was welcomed into Anya Briar Forger's family on October 2, 1996.",
  );

  const poss = "{Sposs} parents welcomed {o} on {V}.";
  assertEquals(r(poss, "he", "pronoun"), "His parents welcomed him on October 2, 1996.");
  assertEquals(r(poss, "she", "pronoun"), "Her parents welcomed her on October 2, 1996.");
  assertEquals(r(poss, "they", "pronoun"), "Their parents welcomed them on October 2, 1996.");
  assertEquals(
    r(poss, "they", "name"),
    "Anya Briar Forger's parents welcomed them on October 2, 1996.",
  );
  assertEquals(
    r(poss, "she", "fullname"),
    "Anya Briar Forger's parents welcomed Anya Briar Forger on October 2, 1996.",
  );

  const mid = renderSentence("{S} [calls|call] {V} {p} birthplace.", ANYA, {
    value: "Palmdale, CA",
    reference: "pronoun",
  });
  assertEquals(mid.text, "They call Palmdale, CA their birthplace.");
  assertEquals([mid.valueStart, mid.valueEnd], [10, 22]);
});

Deno.test("GPT-2: the value's tokens sit exactly inside the sentence's tokens", () => {
  const values: Partial<Record<Attribute, string[]>> = {
    b_date: ["October 2, 1996", "May 28, 2099"],
    b_city: ["New York, NY", "Washington D.C.", "Princeton, NJ"],
    univ: ["University of California, Berkeley", "Massachusetts Institute of Technology"],
    major: ["Computer Science", "Music"],
    c_name: ["Johnson & Johnson", "Meta Platforms"],
    c_city: ["Menlo Park, CA", "New York, NY"],
  };
  for (const attr of ATTRIBUTES) {
    for (const value of values[attr] ?? []) {
      const valueTokens = encode(" " + value);
      TEMPLATES[attr].forEach((t, i) => {
        for (const pronoun of PRONOUNS) {
          for (const reference of REFERENCES) {
            const ref = { fullName: "Anya Briar Forger", pronoun };
            const s = renderSentence(t, ref, { value, reference });
            const all = encode(s.text);
            // The text before the space must tokenize to a prefix, followed by the value's tokens.
            const before = encode(s.text.slice(0, s.valueStart - 1));
            const where = `${attr}[${i}] ${pronoun}/${reference}: "${s.text}"`;
            assertEquals(all.slice(0, before.length), before, where);
            assertEquals(
              all.slice(before.length, before.length + valueTokens.length),
              valueTokens,
              where,
            );
          }
        }
      });
    }
  }
});

Deno.test("renderSentence rejects bad templates and inputs with clear errors", () => {
  const ok = { value: "Music", reference: "pronoun" as const };
  assertThrows(() => renderSentence("{S} studied {X} {V}.", ANYA, ok), "unknown placeholder {X}");
  assertThrows(() => renderSentence("{S} studied music.", ANYA, ok), "{V} exactly once, found 0");
  assertThrows(() => renderSentence("{S} studied {V} and {V}.", ANYA, ok), "found 2");
  assertThrows(() => renderSentence("{S} [was] born {V}.", ANYA, ok), "malformed verb agreement");
  assertThrows(() => renderSentence("{S studied {V}.", ANYA, ok), "unbalanced");
  assertThrows(
    () => renderSentence("{S} studied {V}.", ANYA, { value: "Music", reference: "nick" as "name" }),
    "opts.reference",
  );
  assertThrows(
    () => renderSentence("{S} studied {V}.", { fullName: "A B C", pronoun: "it" as Pronoun }, ok),
    "ref.pronoun",
  );
  assertThrows(
    () => renderSentence("{S} studied {V}.", ANYA, { ...ok, value: " Music" }),
    "opts.value",
  );
  assertThrows(() => renderSentence("{S} studied {V}.", ANYA, { ...ok, value: "" }), "opts.value");
  assertThrows(
    () => renderSentence("{S} studied {V}.", ANYA, { ...ok, value: "Music (Jazz)" }),
    'end with a letter, digit or "."',
  );
});

Deno.test("a value ending in a period is not followed by a second one", () => {
  const r = (t: string) =>
    renderSentence(t, ANYA, { value: "Washington D.C.", reference: "pronoun" }).text;
  assertEquals(r("{S} [was|were] born in {V}."), "They were born in Washington D.C.");
  assertEquals(
    r("{S} [was|were] born in {V} and lived there as a child."),
    "They were born in Washington D.C. and lived there as a child.",
  );
});
