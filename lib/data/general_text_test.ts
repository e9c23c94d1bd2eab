import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { join } from "node:path";
import {
  checkGeneralTextSpec,
  loadGeneralText,
  PASSAGE_TOKENS,
  sampleGeneralText,
} from "./general_text.ts";
import { generateDataset } from "./dataset.ts";
import { generalDocs } from "../tokenizer/docs.ts";

/** A small copy of the fortunes layout: text files of %-separated passages beside index files. */
function fixture(): string {
  const dir = Deno.makeTempDirSync({ prefix: "plm_fortunes_" });
  const prose = (i: number) =>
    `Passage ${i}: the quick brown fox jumps over the lazy dog near the river bank today.`;
  Deno.writeTextFileSync(
    join(dir, "wisdom"),
    Array.from({ length: 30 }, (_, i) => prose(i)).join("\n%\n") + "\n%\n",
  );
  Deno.writeTextFileSync(
    join(dir, "mixed"),
    [
      "Too short.", // under PASSAGE_TOKENS.min
      "Caf\u00e9 society is not plain ASCII, so this passage is left out of the text.",
      "|  +---+---+  |\n|  | 1 | 2 |  |\n|  +---+---+  |", // a table, not prose
      "A line\n   broken   over\nthree lines is one passage with single spaces between words.",
    ].join("\n%\n"),
  );
  Deno.writeTextFileSync(join(dir, "ascii-art"), "Left out by name, although it is prose here.");
  Deno.writeTextFileSync(join(dir, "wisdom.dat"), "binary index");
  return dir;
}

Deno.test("loadGeneralText: prose passages only, whitespace collapsed, fixed order", () => {
  const dir = fixture();
  try {
    const ps = loadGeneralText("fortunes", { dir });
    assertEquals(ps.length, 31);
    assertEquals(
      ps[0].text,
      "A line broken over three lines is one passage with single spaces between words.",
    );
    assert(ps.every((p) => p.tokens >= PASSAGE_TOKENS.min && p.tokens <= PASSAGE_TOKENS.max));
    assert(ps.every((p) => !/Caf|Left out|\|/.test(p.text)));
    assertEquals(loadGeneralText("fortunes", { dir }), ps);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("sampleGeneralText: seeded, without replacement, enough tokens or a clear error", () => {
  const ps = Array.from({ length: 50 }, (_, i) => ({ text: `p${i}`, tokens: 10 }));
  const a = sampleGeneralText(ps, 95, 3);
  assertEquals(a.length, 10);
  assertEquals(new Set(a).size, 10);
  assertEquals(sampleGeneralText(ps, 95, 3), a);
  assert(JSON.stringify(sampleGeneralText(ps, 95, 4)) !== JSON.stringify(a));
  assertThrows(() => sampleGeneralText(ps, 501, 0), "501 tokens asked");
});

Deno.test("general text: a missing install and bad specs name what to do", () => {
  assertThrows(
    () => loadGeneralText("fortunes", { dir: "/nonexistent/fortunes" }),
    "apt-get install fortunes",
  );
  assertThrows(() => checkGeneralTextSpec({ source: "fortunes", fraction: 1 }), "fraction");
  assertThrows(
    () => checkGeneralTextSpec({ source: "wikipedia" as "fortunes", fraction: 0.5 }),
    "allowed: fortunes",
  );
});

Deno.test("generateDataset + general text: as many general tokens as biography tokens", () => {
  const dir = fixture();
  try {
    const opts = { config: "single", people: 8, seed: 2 };
    const plain = generateDataset(opts);
    const ds = generateDataset({ ...opts, general: { source: "fortunes", fraction: 0.5, dir } });
    // The people, biographies and QA are the run's without general text.
    assertEquals(ds.people, plain.people);
    assertEquals(ds.bios, plain.bios);
    assertEquals(ds.general?.fraction, 0.5);
    const total = ds.tokenStats.general!.total;
    assert(total >= ds.tokenStats.minority.total, `${total} general tokens`);
    // One passage fewer would not be enough (sampling stops at the target).
    assert(total - ds.tokenStats.general!.max < ds.tokenStats.minority.total);
    // The vocabulary covers them, and their documents never share a person with a biography.
    const docs = generalDocs(ds.general!.passages, ds.vocab);
    assertEquals(docs.length, ds.general!.passages.length);
    assert(docs.every((d) => d.personId < 0 && d.ids.length > 0));
    assertEquals(
      generateDataset({ ...opts, general: { source: "fortunes", fraction: 0.5, dir } }),
      ds,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
