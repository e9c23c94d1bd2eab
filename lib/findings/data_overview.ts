/**
 * The numbers of notebook 01 (the bioS data, paper §2 and Appendix A): example entries of one person under
 * several configurations, the majority-guess baselines per attribute beside the paper's, GPT-2
 * token lengths of the entries beside the paper's 73.0, and value distributions. Every table is a
 * polars DataFrame; shares are percentages, like the paper's figures.
 * @module
 */
import pl from "nodejs-polars";
import { generateBios } from "../data/bios.ts";
import { samplePeople } from "../data/people.ts";
import { BIRTH_DAY_MAX, BIRTH_YEAR_RANGE } from "../data/people.ts";
import { BIRTH_CITIES, COMPANIES, MAJORS, MONTHS, UNIVERSITIES } from "../data/pools.ts";
import { type Attribute, ATTRIBUTES, type BioEntry, type Person } from "../data/types.ts";
import { gpt2Decode, gpt2Encode } from "../tokenizer/bpe.ts";
import { bioPieces } from "../tokenizer/docs.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import { VEGA_LITE_SCHEMA } from "../plot/specs.ts";
import { PAPER_BASELINES } from "./paper.ts";

/** The configurations notebook 01 shows side by side (one entry set per person each). */
export const OVERVIEW_CONFIGS: readonly string[] = Object.freeze([
  "single",
  "single+fullname",
  "single+permute1",
  "single+permute5",
  "multi5",
  "multi5+permute",
  "couple2",
]);

/** Average GPT-2 tokens per entry the paper reports (paper Appendix A.1): bioS single only. */
export const PAPER_TOKENS_PER_ENTRY: Readonly<Record<string, number>> = Object.freeze({
  single: 73.0,
});

/** A population to compute shares over: a generated or loaded dataset (only `people` is read). */
export interface PeopleSource {
  people: readonly Person[];
}

/** Options shared by the functions that generate their own people. */
export interface OverviewOptions {
  /** Number of people N the people are drawn among (person i does not depend on N > i). */
  people: number;
  seed: number;
}

function percent(count: number, total: number): number {
  return total > 0 ? (100 * count) / total : 0;
}

/**
 * The first GPT-2 token of a value as it appears after a space, decoded (" University").
 * For b_date it is the birth month instead: the paper's first-token class of a date (its first
 * GPT-2 token is the month name).
 */
export function firstToken(attribute: Attribute, value: string): string {
  if (attribute === "b_date") {
    const month = value.split(" ")[0];
    if (!MONTHS.includes(month)) throw new RangeError(`b_date "${value}" has no month name first`);
    return month;
  }
  return gpt2Decode([gpt2Encode(" " + value)[0]]);
}

/**
 * Every value of an attribute with its probability when a person is sampled uniformly (the pool
 * as the generator uses it). c_city is weighted by how many companies sit in each city. b_date is
 * summarised analytically (67,200 equally likely dates) to avoid listing them.
 */
function poolWeights(attribute: Exclude<Attribute, "b_date">): Map<string, number> {
  const list: readonly string[] = {
    b_city: BIRTH_CITIES,
    univ: UNIVERSITIES,
    major: MAJORS,
    c_name: COMPANIES.map((c) => c.name),
    c_city: COMPANIES.map((c) => c.hq),
  }[attribute];
  const m = new Map<string, number>();
  for (const v of list) m.set(v, (m.get(v) ?? 0) + 1 / list.length);
  return m;
}

/** The key with the largest weight; ties go to the alphabetically first key (deterministic). */
function argmax(m: Map<string, number>): [string, number] {
  let best: [string, number] = ["", -Infinity];
  for (const [k, w] of m) {
    if (w > best[1] + 1e-12 || (Math.abs(w - best[1]) <= 1e-12 && k < best[0])) best = [k, w];
  }
  return best;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/**
 * One row per attribute: the majority-guess whole-attribute accuracy and the first-token majority
 * share (%), each computed over the pools (the exact expectation of uniform sampling, independent
 * of N) and over the people of `ds` (minority population only; noisy at small N), beside the
 * paper's baselines (PAPER_BASELINES). For b_date the first-token class is the birth month.
 *
 * Columns: attribute, first_token_class, values_pool, values_seen, majority_value, majority_pool,
 * majority_population, paper_majority, majority_first_token, first_token_pool,
 * first_token_population, paper_first_token, people.
 */
export function attributeBaselines(ds: PeopleSource): pl.DataFrame {
  const people = ds.people.filter((p) => p.population === "minority");
  const n = people.length;
  const dates = (BIRTH_YEAR_RANGE[1] - BIRTH_YEAR_RANGE[0] + 1) * 12 * BIRTH_DAY_MAX;
  const rows = ATTRIBUTES.map((a) => {
    let valuesPool: number, majorityValue: string, majorityPool: number;
    let firstPool: Map<string, number>;
    if (a === "b_date") {
      valuesPool = dates;
      // Every date is equally likely; the "majority value" is any one of them.
      majorityValue = "(any date)";
      majorityPool = 100 / dates;
      firstPool = new Map(MONTHS.map((m) => [m, 1 / 12]));
    } else {
      const w = poolWeights(a);
      valuesPool = w.size;
      const [v, share] = argmax(w);
      majorityValue = v;
      majorityPool = 100 * share;
      firstPool = new Map();
      for (const [value, p] of w) {
        const t = firstToken(a, value);
        firstPool.set(t, (firstPool.get(t) ?? 0) + p);
      }
    }
    const [firstTok, firstShare] = argmax(firstPool);
    const seen = countBy(people, (p) => p.values[a]);
    const seenFirst = countBy(people, (p) => firstToken(a, p.values[a]));
    return {
      attribute: a,
      first_token_class: a === "b_date" ? "b_month" : a,
      values_pool: valuesPool,
      values_seen: seen.size,
      majority_value: majorityValue,
      majority_pool: majorityPool,
      majority_population: n ? percent(argmax(seen)[1], n) : null,
      paper_majority: PAPER_BASELINES.wholeAttribute[a],
      majority_first_token: firstTok,
      first_token_pool: 100 * firstShare,
      first_token_population: n ? percent(argmax(seenFirst)[1], n) : null,
      paper_first_token: PAPER_BASELINES.firstToken[a],
      people: n,
    };
  });
  const ints = new Set(["values_pool", "values_seen", "people"]);
  const strs = new Set([
    "attribute",
    "first_token_class",
    "majority_value",
    "majority_first_token",
  ]);
  return pl.DataFrame(
    Object.keys(rows[0]).map((k) => {
      const col = rows.map((r) => r[k as keyof typeof r]);
      return pl.Series(k, col, strs.has(k) ? pl.Utf8 : ints.has(k) ? pl.Int32 : pl.Float64);
    }),
  );
}

/**
 * The entries of one person (same seed, same person id, hence the same name and values) under
 * each configuration: one row per (config, entry index) with columns config, entry_index,
 * full_name, text.
 */
export function exampleEntries(
  configs: readonly string[] = OVERVIEW_CONFIGS,
  options: OverviewOptions & { personId?: number } = { people: 1, seed: 0 },
): pl.DataFrame {
  const personId = options.personId ?? 0;
  if (!Number.isInteger(personId) || personId < 0 || personId >= options.people) {
    throw new RangeError(`personId must be in 0..${options.people - 1}, got ${personId}`);
  }
  // Person i is the i-th draw of the sequential sampler, so drawing only i+1 people suffices;
  // entries are keyed by (seed, person), so generating one person's bios gives the same text.
  const person = samplePeople(personId + 1, { seed: options.seed })[personId];
  const rows = configs.flatMap((config) =>
    generateBios([person], config, { seed: options.seed }).map((e) => ({ config, e }))
  );
  return pl.DataFrame([
    pl.Series("config", rows.map((r) => r.config), pl.Utf8),
    pl.Series("entry_index", rows.map((r) => r.e.entryIndex), pl.Int32),
    pl.Series("full_name", rows.map(() => person.fullName), pl.Utf8),
    pl.Series("text", rows.map((r) => r.e.text), pl.Utf8),
  ]);
}

/** GPT-2 tokens of one entry as the model sees it (values encoded alone, as in the dataset). */
export function entryTokenCount(entry: BioEntry): number {
  let n = 0;
  for (const p of bioPieces(entry)) n += gpt2Encode(p.text).length;
  return n;
}

/**
 * The GPT-2 token count of every entry under each configuration, long form: columns config,
 * person_id, entry_index, tokens (the input of {@link tokenLengths} and of histograms).
 */
export function entryTokenCounts(
  configs: readonly string[] = OVERVIEW_CONFIGS,
  options: OverviewOptions = { people: 100, seed: 0 },
): pl.DataFrame {
  const people = samplePeople(options.people, { seed: options.seed });
  const config: string[] = [], pid: number[] = [], idx: number[] = [], tokens: number[] = [];
  for (const c of configs) {
    for (const e of generateBios(people, c, { seed: options.seed })) {
      config.push(c);
      pid.push(e.personId);
      idx.push(e.entryIndex);
      tokens.push(entryTokenCount(e));
    }
  }
  return pl.DataFrame([
    pl.Series("config", config, pl.Utf8),
    pl.Series("person_id", pid, pl.Int32),
    pl.Series("entry_index", idx, pl.Int32),
    pl.Series("tokens", tokens, pl.Int32),
  ]);
}

/**
 * GPT-2 tokens per entry per configuration (mean, median, p95, min, max over all entries) beside
 * the paper's mean where it gives one (73.0 for bioS single). Accepts the long table of
 * {@link entryTokenCounts} in `options.counts` to avoid tokenizing twice.
 *
 * Columns: config, entries, entries_per_person, mean, median, p95, min, max, paper_mean.
 */
export function tokenLengths(
  configs: readonly string[] = OVERVIEW_CONFIGS,
  options: OverviewOptions & { counts?: pl.DataFrame } = { people: 100, seed: 0 },
): pl.DataFrame {
  const counts = options.counts ?? entryTokenCounts(configs, options);
  const agg = counts.groupBy("config").agg(
    pl.col("tokens").count().cast(pl.Int32).alias("entries"),
    pl.col("person_id").nUnique().cast(pl.Int32).alias("people"),
    pl.col("tokens").mean().alias("mean"),
    pl.col("tokens").median().alias("median"),
    pl.col("tokens").quantile(0.95).alias("p95"),
    pl.col("tokens").min().alias("min"),
    pl.col("tokens").max().alias("max"),
  );
  const order = pl.DataFrame([
    pl.Series("config", [...configs], pl.Utf8),
    pl.Series("order", configs.map((_, i) => i), pl.Int32),
    pl.Series("paper_mean", configs.map((c) => PAPER_TOKENS_PER_ENTRY[c] ?? null), pl.Float64),
  ]);
  return order.join(agg, { on: "config", how: "inner" })
    .sort("order")
    .withColumns(
      pl.col("entries").cast(pl.Float64).div(pl.col("people")).alias("entries_per_person"),
    )
    .select(
      "config",
      "entries",
      "entries_per_person",
      "mean",
      "median",
      "p95",
      "min",
      "max",
      "paper_mean",
    );
}

/**
 * The `top` most common values of an attribute among the minority people of `ds`, with their
 * count and share (%); ties are broken alphabetically. Columns: value, count, share.
 */
export function valueDistribution(
  ds: PeopleSource,
  attribute: Attribute,
  options: { top?: number } = {},
): pl.DataFrame {
  const people = ds.people.filter((p) => p.population === "minority");
  const df = pl.DataFrame([pl.Series("value", people.map((p) => p.values[attribute]), pl.Utf8)]);
  return df.groupBy("value")
    .agg(pl.col("value").count().cast(pl.Int32).alias("count"))
    .sort(["count", "value"], [true, false])
    .head(options.top ?? 10)
    .withColumns(pl.col("count").mul(100 / Math.max(people.length, 1)).alias("share"));
}

function records<T>(df: pl.DataFrame): T[] {
  return df.toRecords() as unknown as T[];
}

/** The data behind {@link baselinesSpec}: one bar per (panel, attribute, series). */
export interface BaselineBar {
  panel: "majority guess, whole attribute" | "majority guess, first token";
  attribute: string;
  series: string;
  share: number;
}

/**
 * Long-form bars from an {@link attributeBaselines} table: ours over the pools, ours over the
 * population, and the paper's, for both panels.
 */
export function baselineBars(baselines: pl.DataFrame): BaselineBar[] {
  type Row = {
    attribute: string;
    first_token_class: string;
    majority_pool: number;
    majority_population: number | null;
    paper_majority: number;
    first_token_pool: number;
    first_token_population: number | null;
    paper_first_token: number;
    people: number;
  };
  const out: BaselineBar[] = [];
  for (const r of records<Row>(baselines)) {
    const pop = `ours, population (N=${r.people})`;
    const panels = [
      [
        "majority guess, whole attribute",
        r.attribute,
        r.majority_pool,
        r.majority_population,
        r
          .paper_majority,
      ],
      [
        "majority guess, first token",
        r.first_token_class,
        r.first_token_pool,
        r
          .first_token_population,
        r.paper_first_token,
      ],
    ] as const;
    for (const [panel, attribute, pool, population, paper] of panels) {
      out.push({ panel, attribute, series: "ours, pools", share: pool });
      if (population !== null) out.push({ panel, attribute, series: pop, share: population });
      out.push({ panel, attribute, series: "paper", share: paper });
    }
  }
  return out;
}

function seriesColor(series: string): string {
  return series === "paper" ? "#e45756" : series === "ours, pools" ? "#1f5f9e" : "#8fbce6";
}

/**
 * Grouped bars: majority-guess accuracy per attribute, ours (pools and population) beside the
 * paper's, one panel for whole-attribute and one for first-token baselines.
 */
export function baselinesSpec(
  baselines: pl.DataFrame,
  options: { title?: string } = {},
): VegaLiteSpec {
  const values = baselineBars(baselines);
  const series = [...new Set(values.map((v) => v.series))];
  const panel = (name: BaselineBar["panel"]) => ({
    title: name,
    width: 300,
    height: 220,
    data: { values: values.filter((v) => v.panel === name) },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          x: {
            field: "attribute",
            type: "nominal",
            sort: null,
            title: null,
            axis: { labelAngle: 0 },
          },
          xOffset: { field: "series", type: "nominal", sort: series },
          y: { field: "share", type: "quantitative", title: "accuracy (%)" },
          color: {
            field: "series",
            type: "nominal",
            sort: series,
            title: null,
            // Ours in two blues (exact pools darker), the paper in red.
            scale: { domain: series, range: series.map(seriesColor) },
          },
        },
      },
      {
        mark: { type: "text", dy: -4, fontSize: 7, baseline: "bottom" },
        encoding: {
          x: { field: "attribute", type: "nominal", sort: null },
          xOffset: { field: "series", type: "nominal", sort: series },
          y: { field: "share", type: "quantitative" },
          text: { field: "share", type: "quantitative", format: ".1f" },
        },
      },
    ],
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? "Majority-guess baselines per attribute: ours vs the paper",
      offset: 12,
    },
    hconcat: [panel("majority guess, whole attribute"), panel("majority guess, first token")],
    resolve: { scale: { color: "shared" } },
    config: { font: "DejaVu Sans", legend: { orient: "bottom", labelLimit: 400 } },
  } as unknown as VegaLiteSpec;
}

/**
 * Histogram of GPT-2 tokens per entry (from {@link entryTokenCounts}), one colored series per
 * configuration, with the paper's bioS single mean (73.0) as a dashed rule.
 */
export function tokenLengthSpec(
  counts: pl.DataFrame,
  options: { configs?: readonly string[]; title?: string } = {},
): VegaLiteSpec {
  const configs = options.configs ?? ["single", "single+fullname"];
  const values = records<{ config: string; tokens: number }>(
    counts.filter(pl.col("config").isIn([...configs])).select("config", "tokens"),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title ?? "GPT-2 tokens per bioS entry",
    width: 420,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: "bar", opacity: 0.6 },
        encoding: {
          x: { field: "tokens", type: "quantitative", bin: { step: 2 }, title: "tokens per entry" },
          y: { aggregate: "count", type: "quantitative", title: "entries", stack: null },
          color: { field: "config", type: "nominal", sort: configs, title: null },
        },
      },
      {
        data: { values: [{ x: PAPER_TOKENS_PER_ENTRY.single, label: "paper single mean 73.0" }] },
        layer: [
          {
            mark: { type: "rule", strokeDash: [6, 4], color: "black" },
            encoding: { x: { field: "x", type: "quantitative" } },
          },
          {
            mark: { type: "text", align: "left", dx: 3, y: 8, fontSize: 10 },
            encoding: {
              x: { field: "x", type: "quantitative" },
              text: { field: "label", type: "nominal" },
            },
          },
        ],
      },
    ],
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}
