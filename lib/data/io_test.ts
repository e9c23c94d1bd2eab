import * as fs from "node:fs";
import * as path from "node:path";
import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";
import { generateDataset } from "./dataset.ts";
import { DATASET_FILES, readDataset, writeDataset } from "./io.ts";

const opts = { config: "multi2+permute", people: 60, seed: 4, celebrities: { count: 20 } };

function withTmp(fn: (dir: string) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "bios_io_" });
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const hashes = (dir: string) =>
  Object.fromEntries(
    [...DATASET_FILES, "manifest.json"].map((f) => [f, fs.readFileSync(path.join(dir, f))]),
  );

Deno.test("writeDataset: byte-identical files for the same seed, different for another seed", () => {
  withTmp((root) => {
    writeDataset(path.join(root, "a"), generateDataset(opts));
    writeDataset(path.join(root, "b"), generateDataset(opts));
    const m = writeDataset(path.join(root, "c"), generateDataset({ ...opts, seed: 5 }));
    const [a, b, c] = ["a", "b", "c"].map((d) => hashes(path.join(root, d)));
    assertEquals(a, b);
    for (const f of ["people.parquet", "bios.parquet", "qa.parquet"]) assertNotEquals(a[f], c[f]);
    assertEquals(fs.readdirSync(root).sort(), ["a", "b", "c"]); // no temporary directory left
    assertEquals(m.counts.people, 80);
    assertEquals(m.counts.bios, 60 * 2 + 20 * 5);
    assertEquals(m.templateCounts.major, 52);
  });
});

Deno.test("readDataset: round trip of people, bios (with spans), QA and vocabulary", () => {
  withTmp((root) => {
    const ds = generateDataset(opts);
    const dir = path.join(root, "ds");
    writeDataset(dir, ds);
    const back = readDataset(dir);
    assertEquals(back.people, ds.people);
    assertEquals(back.bios, ds.bios);
    assertEquals(back.qa, ds.qa);
    assertEquals(Array.from(back.vocab.gpt2Ids), Array.from(ds.vocab.gpt2Ids));
    assertEquals(back.celebrities, { count: 20, config: "multi5+permute" });
    assertEquals(back.tokenStats, ds.tokenStats);
  });
});

Deno.test("readDataset: a changed or missing file is reported; non-datasets are refused", () => {
  withTmp((root) => {
    const dir = path.join(root, "ds");
    writeDataset(dir, generateDataset(opts));
    fs.appendFileSync(path.join(dir, "vocab.json"), " ");
    assertThrows(() => readDataset(dir), "sha256 of vocab.json");
    fs.rmSync(path.join(dir, "qa.parquet"));
    assertThrows(() => readDataset(dir), "qa.parquet is missing");
    assertThrows(() => readDataset(root), "manifest.json is missing");
  });
});

Deno.test("writeDataset: replaces a dataset atomically, refuses other non-empty directories", () => {
  withTmp((root) => {
    const dir = path.join(root, "nested", "ds");
    writeDataset(dir, generateDataset(opts));
    writeDataset(dir, generateDataset({ ...opts, seed: 8 }));
    assertEquals(readDataset(dir).seed, 8);
    assertEquals(fs.readdirSync(path.join(root, "nested")), ["ds"]);
    const other = path.join(root, "other");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "notes.txt"), "mine");
    assertThrows(() => writeDataset(other, generateDataset(opts)), "not a dataset");
    assertEquals(fs.readdirSync(other), ["notes.txt"]);
    assert(fs.readdirSync(root).every((f) => !f.includes(".tmp-")));
  });
});
