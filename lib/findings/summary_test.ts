import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { join } from "node:path";
import {
  type FigureJson,
  readFigures,
  saveSummary,
  summarize,
  summaryMarkdown,
  summaryTable,
} from "./summary.ts";

const fig = (data: Record<string, unknown>): FigureJson => ({
  data,
  provenance: { commit: "abc", preset: "tiny" },
});

const FIGS: Record<string, FigureJson> = {
  fig1a: fig({
    cells: [
      { method: "mixed", stepsFactor: 1, column: "mean", ours: 15.1, paper: 86.6 },
      { method: "mixed", stepsFactor: 5, column: "mean", ours: 52.0, paper: 86.6 },
      { method: "mixed", stepsFactor: 1, column: "b_date", ours: 40, paper: 97 },
      { method: "finetune", column: "mean", ours: 3.1, paper: 9.7 },
    ],
  }),
  fig3: fig({
    cells: [
      { row: "single", block: "QA", column: "mean", ours: 3.2, paper: 9.7 },
      { row: "multi2", block: "QA", column: "mean", ours: 6.2, paper: 41.1 },
    ],
    rowOrder: [{ block: "QA", n: 16, spearman: 0.888, pearson: 0.7 }],
  }),
  fig5: fig({
    cells: [
      ...[10, 30].map((ours, i) => ({
        row: "single",
        target: "first_token",
        rank: 0,
        position: 0,
        attribute: i ? "b_city" : "b_date",
        ours,
        paper: i ? 6 : 100,
      })),
      // Not a position-0 cell, not a headline row, the baseline: all left out.
      { row: "single", target: "first_token", rank: 0, position: 1, ours: 99, paper: 99 },
      { row: "multi2", target: "first_token", rank: 0, position: 0, ours: 50, paper: 99 },
      { row: "baseline", target: "first_token", rank: 0, position: 0, ours: 5, paper: 5 },
    ],
  }),
  fig3_mix: fig({
    cells: [
      ...["single", "single+permute1", "multi5", "multi5+permute", "multi2"].flatMap((row, i) => [
        { row, block: "QA", column: "mean", ours: 10 * i, paper: 40 },
        { row, block: "MIX", column: "mean", ours: 15, paper: 90 - i },
      ]),
      { row: "baseline", block: "MIX", column: "mean", ours: 3, paper: 2.7 },
    ],
  }),
  sites: fig({
    depth: 2,
    cells: [
      { row: "single", layer: 2, site: "name", attribute: "mean", accuracy: 6, paper: null },
      { row: "single", layer: 2, site: "ending", attribute: "mean", accuracy: 7, paper: 19.9 },
      { row: "single", layer: 1, site: "ending", attribute: "mean", accuracy: 5, paper: null },
      { row: "single", layer: 2, site: "ending", attribute: "univ", accuracy: 9, paper: 37.5 },
    ],
  }),
  fig15: fig({
    summary: [{
      row: "couple2",
      target: "b_city",
      coupledWith: "b_date",
      base: 20,
      coupledSeen: 90,
      paper: { base: 56.9, coupledSeen: [99.8, 100] },
    }],
  }),
  fig16: fig({
    cells: [
      { row: "single", block: "Q_first", rank: 16, ours: 6, paper: 20 },
      { row: "single", block: "Q_first", rank: 64, ours: 8, paper: 21 },
      { row: "single", block: "QA", rank: 16, ours: 3, paper: 9.7 },
    ],
    maxRankDifference: { ours: 9.9, paper: 4.1, cells: 12 },
  }),
};

Deno.test("summarize: headline numbers of each figure, ours beside the paper's", () => {
  const lines = summarize(FIGS);
  const get = (figure: string, includes: string) =>
    lines.filter((l) => l.figure === figure && l.finding.includes(includes));
  // Figure 1a: one line per budget and the contrast; per-attribute cells are not summarized.
  assertEquals(get("1a", "").map((l) => [l.ours, l.paper]), [[15.1, 86.6], [52, 86.6], [
    3.1,
    9.7,
  ]]);
  assert(get("1a", "5x steps").length === 1);
  // Figure 3: headline rows only, then the rank correlation (no paper value).
  assertEquals(get("3 (QA)", "single").map((l) => l.ours), [3.2]);
  assertEquals(get("3 (QA)", "multi2").length, 0);
  assertEquals(get("3 (QA)", "Spearman")[0].ours, 0.888);
  assertEquals(get("3 (QA)", "Spearman")[0].paper, null);
  // Figure 5: the position-0 mean of the headline row, over the attributes it defines.
  assertEquals(get("5", "").map((l) => [l.finding, l.ours, l.paper]), [
    ["single: P-probe first-token at position 0, mean (rank 0)", 20, 53],
  ]);
  // Figures 6/15: a printed range counts as its midpoint.
  assertEquals(get("6/15", "base").map((l) => [l.ours, l.paper]), [[20, 56.9]]);
  assertEquals(get("6/15", "b_date was seen")[0].paper, 99.9);
  // Figure 16: one line per rank (Q-first cells only), then the largest rank difference.
  assertEquals(get("16", "Q-first").map((l) => [l.ours, l.paper]), [[6, 20], [8, 21]]);
  assertEquals(get("16", "largest")[0].ours, 9.9);
  // Figure 3 MIX: the headline rows, then (more rows than those) the mean over every row and the
  // number of rows where MIX beats QA (ours: QA 0, 10 < 15; paper: every row).
  assertEquals(get("3 (MIX)", "single:").map((l) => l.ours), [15]);
  assertEquals(get("3 (MIX)", "mean over the 5 rows").map((l) => [l.ours, l.paper]), [[15, 88]]);
  assertEquals(get("3 (MIX)", "beats QA").map((l) => [l.ours, l.paper]), [[2, 5]]);
  // Where the knowledge sits: the last layer's per-site means only.
  assertEquals(get("sites (ours)", "").map((l) => [l.finding, l.ours, l.paper]), [
    ["single, 2 layers, name: first-token mean (rank 0, last layer)", 6, null],
    ["single, 2 layers, ending: first-token mean (rank 0, last layer)", 7, 19.9],
  ]);
  // Figures that were not written contribute nothing.
  assertEquals(lines.filter((l) => l.figure === "7" || l.figure === "10").length, 0);
  assertEquals(summarize({}), []);
  assert(lines.every((l) => l.file.endsWith(".json")));
  // A pipe would break the markdown table.
  assert(lines.every((l) => !l.finding.includes("|")));
});

Deno.test("summary table and markdown: one line per finding, correlations to two decimals", () => {
  const lines = summarize(FIGS);
  const t = summaryTable(lines);
  assertEquals(t.height, lines.length);
  assertEquals(t.columns, ["figure", "finding", "ours", "paper", "file"]);
  const md = summaryMarkdown(lines);
  assertEquals(md.trim().split("\n").length, lines.length + 2);
  assert(md.includes("| 0.89 | – |"));
  assert(md.includes("MIX beats QA | 2 | 5 |"));
  assert(md.includes("`figures/fig1a.json`"));
});

Deno.test("saveSummary reads the figure JSONs of a folder and writes summary.md/json; a broken file is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [k, v] of Object.entries(FIGS)) {
      await Deno.writeTextFile(join(dir, `${k}.json`), JSON.stringify(v));
    }
    const { lines, files } = await saveSummary(dir);
    assertEquals(lines, summarize(FIGS));
    assertEquals(files.map((f) => f.slice(dir.length + 1)), ["summary.md", "summary.json"]);
    const j = JSON.parse(await Deno.readTextFile(files[1]));
    assertEquals(j.lines.length, lines.length);
    assertEquals(j.provenance.fig1a.commit, "abc");
    assertEquals(Object.keys(await readFigures(dir)).sort(), Object.keys(FIGS).sort());
    await Deno.writeTextFile(join(dir, "fig7.json"), "{not json");
    await assertRejects(() => readFigures(dir), "fig7.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("summarize: Figure 17 adds only the rows Figure 8 lacks; minority probes average per row", () => {
  const mean = (row: string, ours: number) => ({
    row,
    block: "QA",
    column: "mean",
    ours,
    paper: 1,
  });
  const lines = summarize({
    fig8: fig({
      cells: [mean("bioS single+permute1", 3.6), mean("bioS single+permute1+CEL", 14.8)],
    }),
    fig17: fig({
      cells: [mean("bioS single+permute1", 3.6), mean("bioS single", 3.1), mean("baseline", 2.9)],
    }),
    fig18: fig({
      cells: [20, 30, 90].map((ours, i) => ({
        row: "m",
        probe: "P",
        target: "first_token",
        position: i === 2 ? 1 : 0,
        ours,
        paper: 50,
      })),
    }),
  });
  const of = (figure: string) => lines.filter((l) => l.figure === figure);
  assertEquals(of("8").map((l) => l.finding), [
    "bioS single+permute1: QA mean",
    "bioS single+permute1+CEL: QA mean",
  ]);
  assertEquals(of("17").map((l) => l.finding), ["bioS single: QA mean"]);
  assertEquals(of("18").map((l) => [l.finding, l.ours]), [
    ["m: P-probe first-token mean at position 0", 25],
  ]);
});

Deno.test("summarize: the scale study's target measures per point that ran, none for a point that did not", () => {
  const cell = (point: string, row: string, measure: string, ours: number | null) => ({
    point,
    row,
    measure,
    ours,
    paper: 99.9,
  });
  const lines = summarize({
    scale: fig({
      cells: [
        cell("A", "multi5+permute", "pprobe_pos0", 45.5),
        cell("A", "multi5+permute", "bio", 100),
        cell("A", "single", "mix", 15.1),
        cell("B", "multi5+permute", "pprobe_pos0", null),
      ],
    }),
  });
  assertEquals(lines.map((l) => [l.figure, l.finding, l.ours, l.file]), [
    [
      "scale (ours)",
      "A, multi5+permute: P-probe first-token at position 0, mean",
      45.5,
      "scale.json",
    ],
    ["scale (ours)", "A, single: mixed training (pretraining budget), mean", 15.1, "scale.json"],
  ]);
});
