import { assert, assertEquals } from "../util/assert.ts";
import { gpt2Encode } from "../tokenizer/bpe.ts";
import { tokenizeBio, tokenizeQA } from "../tokenizer/docs.ts";
import { generateDataset } from "./dataset.ts";

const ds = generateDataset({
  config: "single+permute1",
  people: 200,
  seed: 9,
  celebrities: { count: 100, config: "multi5+permute" },
});

Deno.test("generateDataset: counts, populations, disjoint celebrity names", () => {
  assertEquals(ds.people.length, 300);
  assertEquals(ds.bios.length, 200 + 100 * 5);
  assertEquals(ds.qa.length, 300 * 6);
  assertEquals(ds.celebrities, { count: 100, config: "multi5+permute" });
  const minority = ds.people.filter((p) => p.population === "minority");
  const names = new Set(minority.map((p) => p.fullName));
  assert(
    ds.people.filter((p) => p.population === "celebrity").every((p) => !names.has(p.fullName)),
  );
  assertEquals(minority.filter((p) => p.split === "P_train").length, 100);
  assertEquals(new Set(ds.people.map((p) => p.id)).size, 300);
  assertEquals(ds.tokenStats.minority.entries, 200);
  assertEquals(ds.tokenStats.celebrity?.entries, 500);
});

Deno.test("generateDataset: people and split do not depend on the bio configuration", () => {
  const other = generateDataset({ config: "multi5+fullname", people: 200, seed: 9 });
  assertEquals(other.people, ds.people.slice(0, 200));
});

Deno.test("tokenizer: exact round trip on every text; QA answer tokens = value tokens in the bio", () => {
  const v = ds.vocab;
  const bioValue = new Map<string, number[]>();
  for (const e of ds.bios) {
    const t = tokenizeBio(e, v);
    assertEquals(v.decode(t.ids), e.text);
    t.valueTokens.forEach((vt, i) => {
      const ids = Array.from(t.ids.slice(vt.start, vt.end));
      assertEquals(vt.attribute, e.spans[i].attribute);
      assertEquals(ids, Array.from(v.encode(" " + e.text.slice(e.spans[i].start, e.spans[i].end))));
      bioValue.set(`${e.personId}/${vt.attribute}`, ids);
    });
  }
  for (const q of ds.qa) {
    const { prompt, target } = tokenizeQA(q, v);
    assertEquals(v.decode(prompt), `${q.question}\nAnswer:`);
    assertEquals(v.decode(target), ` ${q.answer}.`);
    assertEquals(Array.from(target.slice(0, -1)), bioValue.get(`${q.personId}/${q.attribute}`));
  }
});

Deno.test("tokenStats: GPT-2 token counts of the entries", () => {
  const lengths = ds.bios.slice(0, 200).map((e) => gpt2Encode(e.text).length);
  const s = ds.tokenStats.minority;
  // Values are encoded alone; this equals whole-text GPT-2 encoding unless a value ends with ".".
  assert(Math.abs(s.mean - lengths.reduce((a, b) => a + b) / 200) < 0.5);
  assert(s.min <= s.mean && s.mean <= s.max);
});
