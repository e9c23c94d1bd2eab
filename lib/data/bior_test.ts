import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { BIOR_ROWS, bioRPhrasingCounts, generateBioR, measureDiversity } from "./bior.ts";
import { DATA_CONFIGS, generateBios, parseBioConfig } from "./bios.ts";
import { generateDataset } from "./dataset.ts";
import { samplePeople } from "./people.ts";
import { ATTRIBUTES } from "./types.ts";

function assertGreater(a: number, b: number, msg?: string) {
  assert(a > b, msg ?? `expected ${a} > ${b}`);
}

const people = samplePeople(200, { seed: 3 });

Deno.test("bioR: every configuration parses and is accepted beside bioS", () => {
  for (const name of BIOR_ROWS) {
    const c = parseBioConfig(name);
    assertEquals(c.format, "bioR");
    assertEquals(c.permute, false);
    assertEquals(c.fullname, name.endsWith("+fullname"));
    assertEquals(c.entries, name.includes("multi5") ? 5 : name.includes("multi3") ? 3 : 1);
    assert((DATA_CONFIGS as readonly string[]).includes(name));
  }
  // bioS parses as before: no format field, so nothing that serializes a bioS config changes.
  assertEquals(parseBioConfig("single").format, undefined);
  const e = assertThrows(() => parseBioConfig("bioR:multi2"), "bioR:multi5");
  assert(e.message.includes("bioR:multi5") && e.message.includes("bioR:multi2"));
});

Deno.test("bioR: each entry holds each value verbatim once, spans are first occurrences in order", () => {
  for (const name of BIOR_ROWS) {
    const entries = generateBios(people, name, { seed: 5 });
    assertEquals(entries.length, people.length * parseBioConfig(name).entries);
    for (const e of entries) {
      const p = people[e.personId];
      assertEquals(e.spans.map((s) => s.attribute).sort(), [...ATTRIBUTES].sort());
      let last = -1;
      for (const s of e.spans) {
        const value = p.values[s.attribute];
        assertEquals(e.text.slice(s.start, s.end), value);
        assertEquals(e.text[s.start - 1], " ");
        // First occurrence; a birth city can equal the company city, then the earlier span wins.
        const first = e.text.indexOf(value);
        assert(
          first === s.start ||
            e.spans.some((o) => o.start === first && p.values[o.attribute] === value),
          `${name}: first occurrence of ${value}`,
        );
        assertGreater(s.start, last);
        last = s.start;
      }
    }
  }
});

Deno.test("bioR: fullname refers only by the full name; otherwise references alternate", () => {
  const pronouns = /\b(he|she|they|his|her|their|him|them)\b/i;
  for (const e of generateBios(people, "bioR:multi3+fullname", { seed: 5 })) {
    const p = people[e.personId];
    const rest = e.text.split(p.fullName).join("#");
    assert(!pronouns.test(rest), `pronoun in fullname entry: ${e.text}`);
    assert(!/\bM[rsx]\. /.test(rest), `title in fullname entry: ${e.text}`);
    assert(!new RegExp(`\\b(${p.first}|${p.last})\\b`).test(rest), e.text);
  }
  const kinds = { pronoun: 0, first: 0, title: 0 };
  for (const e of generateBios(people, "bioR:single", { seed: 5 })) {
    const p = people[e.personId];
    assert(e.text.indexOf(p.fullName) <= " By trade, ".length, "the opening names the person");
    assertEquals(e.text.split(p.fullName).length, 2, "the full name only opens the entry");
    if (pronouns.test(e.text)) kinds.pronoun++;
    if (new RegExp(`\\b${p.first}\\b`).test(e.text.split(p.fullName).join(""))) kinds.first++;
    if (e.text.includes(`. ${p.last}`) || /M[rsx]\. /.test(e.text)) kinds.title++;
  }
  assertGreater(Math.min(kinds.pronoun, kinds.first, kinds.title), people.length / 2);
});

Deno.test("bioR: same seed same bytes; rewrites nest; another seed differs", () => {
  const a = generateBios(people, "bioR:multi5", { seed: 9 });
  assertEquals(generateBios(people, "bioR:multi5", { seed: 9 }), a);
  const m3 = generateBios(people, "bioR:multi3", { seed: 9 });
  assertEquals(m3, a.filter((e) => e.entryIndex < 3));
  assertEquals(
    generateBios(people, "bioR:single", { seed: 9 }),
    a.filter((e) => e.entryIndex === 0),
  );
  // A person's entries depend on that person only, not on who else is generated.
  assertEquals(generateBios(people.slice(7, 9), "bioR:multi5", { seed: 9 }), a.slice(35, 45));
  const b = generateBios(people, "bioR:multi5", { seed: 10 });
  assert(a.filter((e, i) => e.text !== b[i].text).length > a.length * 0.99);
  // The five rewrites of a person differ from each other.
  assertEquals(new Set(a.slice(0, 5).map((e) => e.text)).size, 5);
  assertThrows(() => generateBioR(people, { seed: 1, rewrites: 6, fullname: false }), "1..5");
});

Deno.test("bioR: at least 20 phrasings per attribute and per fused pair", () => {
  const c = bioRPhrasingCounts();
  for (const a of ATTRIBUTES) assert(c.single[a] >= 20, `${a}: ${c.single[a]}`);
  for (const n of c.fused) assert(n >= 20, `fused pair: ${n}`);
});

Deno.test("bioR: more diverse than bioS, about the paper's 72 tokens per entry", () => {
  const ds = (config: string) => generateDataset({ config, people: 400, seed: 2 });
  const bioS = ds("single");
  const bioR = ds("bioR:single");
  const dS = measureDiversity(bioS.bios, bioS.people);
  const dR = measureDiversity(bioR.bios, bioR.people);
  assertEquals(dS.orderEntropyBits, 0); // bioS single: fixed order
  assertGreater(dR.orderEntropyBits, 5);
  assertGreater(dR.skeletons, 2 * dS.skeletons);
  // bioS multi5+permute is the most varied bioS format; bioR multi5 still has more skeletons.
  const s5 = ds("multi5+permute");
  const r5 = ds("bioR:multi5");
  assertGreater(
    measureDiversity(r5.bios, r5.people).skeletons,
    2 * measureDiversity(s5.bios, s5.people).skeletons,
  );
  // Paper Appendix A.2: 72.3 GPT-2 tokens per bioR entry on average.
  const mean = bioR.tokenStats.minority.mean;
  assert(mean > 65 && mean < 82, `bioR:single mean tokens ${mean}`);
});
