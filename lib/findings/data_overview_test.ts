import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import { generateDataset } from "../data/dataset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import {
  attributeBaselines,
  baselineBars,
  baselinesSpec,
  entryTokenCounts,
  exampleEntries,
  firstToken,
  OVERVIEW_CONFIGS,
  tokenLengths,
  tokenLengthSpec,
  valueDistribution,
} from "./data_overview.ts";

// One small population shared by the tests: N = 300 keeps the run to well under a second.
const ds = generateDataset({ config: "single", people: 300, seed: 0 });

type BaselineRow = {
  attribute: string;
  first_token_class: string;
  values_pool: number;
  values_seen: number;
  majority_value: string;
  majority_pool: number;
  majority_population: number;
  paper_majority: number;
  majority_first_token: string;
  first_token_pool: number;
  first_token_population: number;
  paper_first_token: number;
  people: number;
};

Deno.test("firstToken: the month for b_date, the first GPT-2 token otherwise", () => {
  assertEquals(firstToken("b_date", "October 2, 1996"), "October");
  assertEquals(firstToken("univ", "University of Michigan"), " University");
  assertThrows(() => firstToken("b_date", "2 October 1996"), "month");
});

Deno.test("attributeBaselines: one row per attribute, near the paper's baselines", () => {
  const df = attributeBaselines(ds);
  assertEquals(df.shape, { height: 6, width: 13 });
  const rows = df.toRecords() as unknown as BaselineRow[];
  assertEquals(rows.map((r) => r.attribute), [...ATTRIBUTES]);
  const by = Object.fromEntries(rows.map((r) => [r.attribute, r]));
  // Pool sizes are the paper's (dates: 200 years x 12 months x 28 days).
  assertEquals(rows.map((r) => r.values_pool), [67200, 200, 300, 100, 263, 133]);
  assertEquals(by.c_city.majority_value, "New York, NY");
  assertAlmostEquals(by.c_city.majority_pool, (100 * 36) / 263, 1e-9);
  assertEquals(by.univ.majority_first_token, " University");
  assertAlmostEquals(by.b_date.first_token_pool, 100 / 12, 1e-9);
  assertEquals(by.b_date.first_token_class, "b_month");
  // Over the pools every share is within 1 point of the paper's.
  for (const r of rows) {
    assert(Math.abs(r.majority_pool - r.paper_majority) < 0.1, `${r.attribute} whole`);
    assert(Math.abs(r.first_token_pool - r.paper_first_token) < 1.1, `${r.attribute} first`);
  }
  // Over 300 people the population shares are noisy but plausible.
  assert(Math.abs(by.c_city.majority_population - 13.7) < 6, "c_city population majority");
  assert(Math.abs(by.univ.first_token_population - 37) < 10, "univ population first token");
  for (const r of rows) {
    assertEquals(r.people, 300);
    assert(r.values_seen <= r.values_pool && r.values_seen > 0);
  }
});

Deno.test("exampleEntries: the same person in every configuration", () => {
  const df = exampleEntries(OVERVIEW_CONFIGS, { people: 300, seed: 0, personId: 7 });
  assertEquals(df.columns, ["config", "entry_index", "full_name", "text"]);
  // 1 + 1 + 1 + 5 + 5 + 5 + 2 entries.
  assertEquals(df.height, 20);
  const name = ds.people[7].fullName;
  for (const r of df.toRecords() as unknown as { config: string; text: string }[]) {
    assert(r.text.includes(name), `${r.config}: "${r.text}" lacks ${name}`);
  }
  assertEquals([...new Set(df.getColumn("config").toArray())], [...OVERVIEW_CONFIGS]);
  // The dataset's single entry is the single row.
  assertEquals(df.getColumn("text").toArray()[0], ds.bios[7].text);
  assertThrows(() => exampleEntries(["single"], { people: 5, seed: 0, personId: 5 }), "personId");
});

Deno.test("tokenLengths: per configuration, single near 61 tokens (paper 73.0)", () => {
  const configs = ["single", "single+fullname", "multi5"];
  const counts = entryTokenCounts(configs, { people: 100, seed: 0 });
  assertEquals(counts.height, 100 + 100 + 500);
  const df = tokenLengths(configs, { people: 100, seed: 0, counts });
  assertEquals(df.columns, [
    "config",
    "entries",
    "entries_per_person",
    "mean",
    "median",
    "p95",
    "min",
    "max",
    "paper_mean",
  ]);
  const rows = df.toRecords() as unknown as Record<string, number & string>[];
  assertEquals(rows.map((r) => r.config), configs);
  const [single, fullname, multi5] = rows;
  assert(single.mean > 50 && single.mean < 80, `single mean ${single.mean}`);
  assertEquals(single.paper_mean, 73);
  assertEquals(fullname.paper_mean, null as unknown as number);
  assert(fullname.mean > single.mean, "fullname entries are longer");
  assertEquals(multi5.entries_per_person, 5);
  for (const r of rows) assert(r.min <= r.median && r.median <= r.p95 && r.p95 <= r.max);
  // Same counting as the dataset's manifest (values encoded alone).
  const fromDs = generateDataset({ config: "single", people: 100, seed: 0 }).tokenStats.minority;
  assertAlmostEquals(single.mean, fromDs.mean, 1e-9);
});

Deno.test("valueDistribution: top values, counts sum to at most N", () => {
  const df = valueDistribution(ds, "c_city", { top: 5 });
  assertEquals(df.columns, ["value", "count", "share"]);
  assertEquals(df.height, 5);
  const counts = df.getColumn("count").toArray() as number[];
  assert(counts.every((c, i) => i === 0 || counts[i - 1] >= c), "sorted by count");
  assertEquals(df.getColumn("value").toArray()[0], "New York, NY");
  assertAlmostEquals(df.getColumn("share").toArray()[0] as number, (100 * counts[0]) / 300, 1e-9);
});

Deno.test("specs: baseline bars and token histogram are vega-lite with the data inline", () => {
  const bl = attributeBaselines(ds);
  const bars = baselineBars(bl);
  // 6 attributes x 2 panels x 3 series.
  assertEquals(bars.length, 36);
  const spec = baselinesSpec(bl) as unknown as { hconcat: unknown[]; $schema: string };
  assertEquals(spec.hconcat.length, 2);
  assert(spec.$schema.includes("vega-lite"));
  const counts = entryTokenCounts(["single"], { people: 20, seed: 0 });
  const hist = tokenLengthSpec(counts, { configs: ["single"] }) as unknown as {
    layer: { data: { values: unknown[] } }[];
  };
  assertEquals(hist.layer[0].data.values.length, 20);
});
