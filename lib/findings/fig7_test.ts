import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../util/assert.ts";
import {
  fig16,
  fig16Rows,
  fig7,
  FIG7_BLOCKS,
  type Fig7Cell,
  fig7Column,
  fig7Columns,
  fig7Correlations,
  fig7CorrelationTable,
  fig7Table,
  paperFig7Cell,
  qProbeCell,
  qProbeMean,
  qRankDifference,
  saveFig16,
  saveFig7,
} from "./fig7.ts";
import { probeStepsFromEnv } from "./probing.ts";
import { pearson } from "./stats.ts";
import { fig3 } from "./fig3.ts";
import { isCached } from "./runs.ts";
import { readPaper, withRunsDir } from "./_test_utils.ts";

Deno.test("Figure 7 columns: QA block, Q-first (b_month), Q-whole (no birth date)", () => {
  const cols = fig7Columns();
  assertEquals(cols.length, 7 + 6 + 5);
  assertEquals(cols[0], "QA mean");
  assertEquals(cols[7], "Qf b_month");
  assertEquals(cols[13], "Qw b_city");
  assertEquals(fig7Column("Q_whole", "c_city"), "Qw c_city");
  assertEquals(fig7Columns(["Q_first", "Q_whole"]).length, 11);
});

Deno.test("paperFig7Cell: every Figure 7 and 16(b) number as in the JSON", () => {
  const f7 = readPaper("7").panels[0];
  for (const r of f7.rows) {
    for (const [block, cols] of Object.entries(r.cells) as [string, Record<string, number>][]) {
      for (const [c, v] of Object.entries(cols)) {
        assertEquals(paperFig7Cell(r.row, block as never, c), v, `${r.row} ${block} ${c}`);
      }
    }
  }
  const b = readPaper("16").panels.find((p: { id: string }) => p.id === "b");
  assertEquals(b.embeddingRank, 64);
  for (const r of b.rows) {
    for (const block of ["Q_first", "Q_whole"]) {
      for (const [c, v] of Object.entries(r.cells[block]) as [string, number][]) {
        assertEquals(paperFig7Cell(r.row, block as never, c, 64), v, `${r.row} ${block} ${c}`);
      }
    }
  }
  assertEquals(paperFig7Cell("single", "Q_first", "b_date"), 63.4);
  assertEquals(paperFig7Cell("single", "Q_first", "b_date", 64), 59.5);
  assertEquals(paperFig7Cell("multi5+permute", "QA", "mean"), 96.6);
  // A rank the paper did not run is compared with its main probe (rank 16).
  assertEquals(
    paperFig7Cell("single", "Q_first", "b_date", 0),
    paperFig7Cell("single", "Q_first", "b_date", 16),
  );
});

Deno.test("fig7Correlations: ours and the paper's on the same pairs", () => {
  const rows = ["single", "single+permute5", "multi5", "multi5+permute"];
  const cells: Fig7Cell[] = [];
  rows.forEach((row, i) => {
    for (const [block, cols] of Object.entries(FIG7_BLOCKS) as [never, readonly string[]][]) {
      for (const column of cols) {
        // Ours: Q exactly tracks QA (QA = 10 i + j, Q = 2 QA + 1): r = 1 per (row, attribute).
        const j = cols.indexOf(column);
        const qa = 10 * i + j;
        cells.push({
          row,
          block,
          column,
          rank: 16,
          ours: block === "QA" ? qa : 2 * qa + 1,
          std: 0,
          seeds: 1,
          paper: paperFig7Cell(row, block, column),
        });
      }
    }
  });
  // A QA-less row is left out of every correlation.
  cells.push({
    row: "multi2",
    block: "QA",
    column: "mean",
    rank: 16,
    ours: null,
    std: 0,
    seeds: 0,
    paper: 41.1,
  });
  const cs = fig7Correlations(cells);
  const whole = cs.find((c) => c.name === "QA vs Q-whole, per (row, attribute)")!;
  assertEquals(whole.n, 4 * 5);
  assertAlmostEquals(whole.ours!, 1, 1e-12);
  const attrs = FIG7_BLOCKS.Q_whole;
  const xs = rows.flatMap((r) => attrs.map((a) => paperFig7Cell(r, "QA", a)));
  const ys = rows.flatMap((r) => attrs.map((a) => paperFig7Cell(r, "Q_whole", a)));
  assertAlmostEquals(whole.paper!, pearson(xs, ys)!, 1e-12);
  assert(whole.paper! > 0.8); // the paper's claim: QA tracks Q-probing
  const perRow = cs.find((c) => c.name === "QA mean vs Q-first mean, per row")!;
  assertEquals(perRow.n, 4);
  assertEquals(cs.length, 4);
});

Deno.test("rank-16-vs-64 rows per preset; bad rows are errors", async () => {
  assertEquals(fig16Rows("tiny"), ["single", "multi5+permute"]);
  assertEquals(fig16Rows("paper").length, 16);
  assertEquals(fig16Rows("tiny", ["multi5+permute", "multi5"]), ["multi5+permute"]);
  await assertRejects(() => fig7({ preset: "smoke", rows: ["couple2"] }), "unknown Figure 7 row");
  await assertRejects(() => fig16({ preset: "smoke", rows: ["multi5"] }), "none of the rows");
});

Deno.test("fig7 + fig16 at smoke: QA only from the cache, correlations, tables, saving", async () => {
  await withRunsDir(async () => {
    // Only single has a cached QA-finetune run; fig7 must never run one.
    await fig3({ preset: "smoke", rows: ["single"], workers: 1 });
    const opts = {
      preset: "smoke" as const,
      rows: ["single", "multi5+permute"],
      workers: 1,
      probeSteps: 3,
    };
    const a = await fig7(opts);
    assertEquals(a.rows, ["single", "multi5+permute"]);
    assertEquals(a.qaRows, [{ row: "single", seeds: [0] }]);
    assert(!(await isCached({ preset: "smoke", config: "multi5+permute", seed: 0 })));
    // 2 rows x (7 QA + 6 Q-first + 5 Q-whole) + the baseline's 11 probe cells.
    assertEquals(a.cells.length, 2 * 18 + 11);
    assertEquals(fig7Table(a).height, a.cells.length);
    const qaM = a.cells.filter((c) => c.row === "multi5+permute" && c.block === "QA");
    assert(qaM.every((c) => c.ours === null && c.paper !== null));
    const qaS = a.cells.find((c) => c.row === "single" && c.block === "QA" && c.column === "mean")!;
    assert(qaS.ours !== null && qaS.paper === 9.7);
    assert(qProbeCell(a, "single", "b_date") !== null);
    assertEquals(
      a.cells.find((c) =>
        c.row === "single" && c.column === "b_date" &&
        c.block === "Q_first"
      )?.paper,
      63.4,
    );
    const m = qProbeMean(a, "multi5+permute")!;
    assert(m >= 0 && m <= 100);
    // Correlations: only single's pairs have QA; per-row correlations have one pair: undefined.
    const w = a.correlations.find((c) => c.name.startsWith("QA vs Q-whole"))!;
    assertEquals(w.n, 5);
    const perRow = a.correlations.find((c) => c.name.includes("per row"))!;
    assertEquals(perRow.n, 1);
    assertEquals(perRow.ours, null);
    assertEquals(fig7CorrelationTable(a).height, 4);
    assert(a.runs.length === 2 && a.runs.every((r) => r.kind === "qprobe" && r.steps === 3));
    // Cached on the second call.
    const b = await fig7(opts);
    assertEquals(b.cells, a.cells);
    // A partial sweep lists what it left out.
    const part = await fig7({ ...opts, rows: ["single", "multi2"], onlyCached: true });
    assertEquals(part.rows, ["single"]);
    assertEquals(part.missingRows, ["multi2"]);

    const out = await Deno.makeTempDir();
    try {
      const saved = await saveFig7(a, { dir: out });
      assert((await Deno.readTextFile(saved.svg)).includes("Figure 7"));
      const json = JSON.parse(await Deno.readTextFile(saved.json!));
      assertEquals(json.data.preset, "smoke");
      assertEquals(json.data.correlations.length, 4);
      await Deno.stat(`${out}/fig7_correlation.svg`);

      const r = await fig16(opts);
      assertEquals(r.ranks, [16, 64]);
      assertEquals(r.runs.length, 4);
      const d = qRankDifference(r);
      assert(d.ours !== null && d.cells === 2 * 11);
      assertEquals(d.paper, 3.9); // largest paper change over single and multi5+permute
      const s16 = await saveFig16(r, { dir: out });
      const j16 = JSON.parse(await Deno.readTextFile(s16.json!));
      assertEquals(j16.data.maxRankDifference.paper, 3.9);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});

Deno.test("probeStepsFromEnv: PLM_PROBE_STEPS as a positive integer, else undefined", () => {
  const old = Deno.env.get("PLM_PROBE_STEPS");
  try {
    Deno.env.delete("PLM_PROBE_STEPS");
    assertEquals(probeStepsFromEnv(), undefined);
    Deno.env.set("PLM_PROBE_STEPS", "1500");
    assertEquals(probeStepsFromEnv(), 1500);
    Deno.env.set("PLM_PROBE_STEPS", "1.5");
    let threw = false;
    try {
      probeStepsFromEnv();
    } catch {
      threw = true;
    }
    assert(threw);
  } finally {
    if (old === undefined) Deno.env.delete("PLM_PROBE_STEPS");
    else Deno.env.set("PLM_PROBE_STEPS", old);
  }
});
