/**
 * Writing and reading a dataset directory: parquet tables, the vocabulary and a manifest with the
 * sha256 of every file. Writes are atomic (a sibling temporary directory renamed into place).
 * @module
 */
import pl from "nodejs-polars";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CompactVocab, type CompactVocabJSON } from "../tokenizer/vocab.ts";
import { type BioConfigName, parseBioConfig } from "./bios.ts";
import type { Dataset, TokenStats } from "./dataset.ts";
import { POOL_SIZES } from "./pools.ts";
import { TEMPLATE_COUNTS } from "./templates.ts";
import {
  type Attribute,
  ATTRIBUTES,
  type BioEntry,
  type Person,
  type QAPair,
  type ValueSpan,
} from "./types.ts";

/** Version of the generator; bump it whenever the same seed would give different bytes. */
export const GENERATOR_VERSION = "bioS-generator/1";

/** Files of a dataset directory, besides `manifest.json`. */
export const DATASET_FILES = [
  "people.parquet",
  "bios.parquet",
  "qa.parquet",
  "vocab.json",
] as const;

// zstd is deterministic for a fixed input (checked by io_test: same seed, same bytes).
const PARQUET = { compression: "zstd" } as const;

/** The content of `manifest.json`. */
export interface DatasetManifest {
  generator: string;
  config: BioConfigName;
  seed: number;
  celebrities: { count: number; config: BioConfigName } | null;
  counts: {
    people: number;
    minority: number;
    celebrity: number;
    P_train: number;
    P_test: number;
    bios: number;
    qa: number;
    vocab: number;
  };
  poolSizes: unknown;
  templateCounts: Record<Attribute, number>;
  /** GPT-2 tokens per biography entry (values encoded alone, as the model sees them). */
  tokens: { minority: TokenStats; celebrity: TokenStats | null };
  /** sha256 (hex) of each file. */
  files: Record<(typeof DATASET_FILES)[number], string>;
}

/** A dataset read back from disk, with its manifest. */
export interface LoadedDataset extends Dataset {
  manifest: DatasetManifest;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function peopleFrame(people: Person[]): pl.DataFrame {
  const cols: Record<string, unknown[]> = {};
  const col = (name: string, f: (p: Person) => unknown) => cols[name] = people.map(f);
  col("full_name", (p) => p.fullName);
  col("first_name", (p) => p.first);
  col("middle_name", (p) => p.middle);
  col("last_name", (p) => p.last);
  col("pronoun", (p) => p.pronoun);
  col("split", (p) => p.split);
  col("population", (p) => p.population);
  for (const a of ATTRIBUTES) col(a, (p) => p.values[a]);
  col("birth_month", (p) => p.birthMonth);
  return pl.DataFrame([
    pl.Series("person_id", people.map((p) => p.id), pl.Int32),
    ...Object.entries(cols).map(([name, values]) => pl.Series(name, values, pl.Utf8)),
  ]);
}

function biosFrame(bios: BioEntry[]): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("person_id", bios.map((b) => b.personId), pl.Int32),
    pl.Series("entry_index", bios.map((b) => b.entryIndex), pl.Int32),
    pl.Series("text", bios.map((b) => b.text), pl.Utf8),
    // The value spans, so that readers (P-probing) need not search for the values again.
    pl.Series(
      "spans",
      bios.map((b) => JSON.stringify(b.spans.map((s) => [s.attribute, s.start, s.end]))),
      pl.Utf8,
    ),
  ]);
}

function qaFrame(qa: QAPair[]): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("person_id", qa.map((q) => q.personId), pl.Int32),
    pl.Series("attribute", qa.map((q) => q.attribute), pl.Utf8),
    pl.Series("question", qa.map((q) => q.question), pl.Utf8),
    pl.Series("answer", qa.map((q) => q.answer), pl.Utf8),
    pl.Series("split", qa.map((q) => q.split), pl.Utf8),
  ]);
}

/** The manifest of a dataset, without the file hashes. */
export function datasetManifest(dataset: Dataset): Omit<DatasetManifest, "files"> {
  const count = (f: (p: Person) => boolean) => dataset.people.filter(f).length;
  return {
    generator: GENERATOR_VERSION,
    config: dataset.config,
    seed: dataset.seed,
    celebrities: dataset.celebrities ?? null,
    counts: {
      people: dataset.people.length,
      minority: count((p) => p.population === "minority"),
      celebrity: count((p) => p.population === "celebrity"),
      P_train: count((p) => p.split === "P_train"),
      P_test: count((p) => p.split === "P_test"),
      bios: dataset.bios.length,
      qa: dataset.qa.length,
      vocab: dataset.vocab.size,
    },
    poolSizes: POOL_SIZES,
    templateCounts: { ...TEMPLATE_COUNTS },
    tokens: {
      minority: dataset.tokenStats.minority,
      celebrity: dataset.tokenStats.celebrity ?? null,
    },
  };
}

let tmpCounter = 0;

/**
 * Writes `dir/{people,bios,qa}.parquet`, `dir/vocab.json` and `dir/manifest.json`.
 * Everything goes into a sibling temporary directory first, which is renamed into place, so a
 * killed run never leaves a directory that looks complete. An existing `dir` is replaced only if
 * it is empty or is a dataset (holds `manifest.json`); anything else is refused.
 * The parent directory is created if needed. Returns the manifest.
 */
export function writeDataset(dir: string, dataset: Dataset): DatasetManifest {
  const target = path.resolve(dir);
  let replace = false;
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) {
      throw new Error(`--out ${dir} exists and is not a directory`);
    }
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes("manifest.json")) {
      throw new Error(
        `--out ${dir} is a non-empty directory that is not a dataset; refusing to replace it`,
      );
    }
    replace = true;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const stamp = `${Deno.pid}-${Date.now()}-${tmpCounter++}`;
  const tmp = `${target}.tmp-${stamp}`;
  fs.mkdirSync(tmp);
  try {
    peopleFrame(dataset.people).writeParquet(path.join(tmp, "people.parquet"), PARQUET);
    biosFrame(dataset.bios).writeParquet(path.join(tmp, "bios.parquet"), PARQUET);
    qaFrame(dataset.qa).writeParquet(path.join(tmp, "qa.parquet"), PARQUET);
    fs.writeFileSync(path.join(tmp, "vocab.json"), JSON.stringify(dataset.vocab.toJSON()) + "\n");
    const files = Object.fromEntries(
      DATASET_FILES.map((f) => [f, sha256(path.join(tmp, f))]),
    ) as DatasetManifest["files"];
    const manifest: DatasetManifest = { ...datasetManifest(dataset), files };
    fs.writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    if (replace) {
      const old = `${target}.old-${stamp}`;
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, target);
    }
    return manifest;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function column<T>(df: pl.DataFrame, name: string): T[] {
  return df.getColumn(name).toArray() as T[];
}

/** Reads a dataset directory after checking every file against the manifest's sha256. */
export function readDataset(dir: string): LoadedDataset {
  const manifestPath = path.join(dir, "manifest.json");
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${dir} is not a dataset: manifest.json is missing`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as DatasetManifest;
  for (const f of DATASET_FILES) {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new Error(`dataset ${dir}: ${f} is missing`);
    const got = sha256(file);
    if (got !== manifest.files?.[f]) {
      throw new Error(
        `dataset ${dir}: sha256 of ${f} is ${got}, manifest says ${manifest.files?.[f]}`,
      );
    }
  }
  const pdf = pl.readParquet(path.join(dir, "people.parquet"));
  const ids = column<number>(pdf, "person_id");
  const str = (name: string) => column<string>(pdf, name);
  const [full, first, middle, last, pronoun, split, population, month] = [
    "full_name",
    "first_name",
    "middle_name",
    "last_name",
    "pronoun",
    "split",
    "population",
    "birth_month",
  ].map(str);
  const values = ATTRIBUTES.map(str);
  const people: Person[] = ids.map((id, i) => ({
    id,
    first: first[i],
    middle: middle[i],
    last: last[i],
    fullName: full[i],
    pronoun: pronoun[i] as Person["pronoun"],
    values: Object.fromEntries(ATTRIBUTES.map((a, j) => [a, values[j][i]])) as Person["values"],
    birthMonth: month[i],
    split: split[i] as Person["split"],
    population: population[i] as Person["population"],
  }));
  const bdf = pl.readParquet(path.join(dir, "bios.parquet"));
  const bPid = column<number>(bdf, "person_id");
  const bIdx = column<number>(bdf, "entry_index");
  const bText = column<string>(bdf, "text");
  const bSpans = column<string>(bdf, "spans");
  const bios: BioEntry[] = bPid.map((personId, i) => ({
    personId,
    entryIndex: bIdx[i],
    text: bText[i],
    spans: (JSON.parse(bSpans[i]) as [Attribute, number, number][]).map(
      ([attribute, start, end]): ValueSpan => ({ attribute, start, end }),
    ),
  }));
  const qdf = pl.readParquet(path.join(dir, "qa.parquet"));
  const qPid = column<number>(qdf, "person_id");
  const [qAttr, qQuestion, qAnswer, qSplit] = ["attribute", "question", "answer", "split"].map((
    c,
  ) => column<string>(qdf, c));
  const qa: QAPair[] = qPid.map((personId, i) => ({
    personId,
    attribute: qAttr[i] as Attribute,
    question: qQuestion[i],
    answer: qAnswer[i],
    split: qSplit[i] as QAPair["split"],
  }));
  const vocab = CompactVocab.fromJSON(
    JSON.parse(fs.readFileSync(path.join(dir, "vocab.json"), "utf8")) as CompactVocabJSON,
  );
  const tokenStats: LoadedDataset["tokenStats"] = { minority: manifest.tokens.minority };
  if (manifest.tokens.celebrity) tokenStats.celebrity = manifest.tokens.celebrity;
  return {
    manifest,
    config: parseBioConfig(manifest.config).name,
    seed: manifest.seed,
    celebrities: manifest.celebrities ?? undefined,
    people,
    bios,
    qa,
    vocab,
    tokenStats,
  };
}
