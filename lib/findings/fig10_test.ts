import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import {
  fig10,
  FIG10_QARS,
  FIG10_ROWS,
  fig10Grid,
  fig10Plotly,
  fig10Requests,
  fig10Spec,
  fig10Table,
  paperFig10,
  saveFig10,
} from "./fig10.ts";
import { loadPaperFigure, type PaperTablePanel } from "./paper.ts";
import { PRESETS } from "../config/preset.ts";
import { withRunsDir } from "./_test_utils.ts";

Deno.test("FIG10 constants are the paper's Figure 10(a) rows and ratios", () => {
  const panel = loadPaperFigure("10").panels.find((p) => p.id === "a") as PaperTablePanel;
  assertEquals(FIG10_QARS.map(String), panel.blocks.QAr);
  assertEquals([...FIG10_ROWS].sort(), panel.rows.map((r) => r.row).sort());
});

Deno.test("fig10Grid: per preset, ratios from the paper's list only, tiny = small = the issue's", () => {
  for (const p of PRESETS) {
    const g = fig10Grid(p);
    assert(g.QArs.every((q) => FIG10_QARS.includes(q)), `${p}: ${g.QArs}`);
    assert(g.rows.every((r) => FIG10_ROWS.includes(r)), `${p}: ${g.rows}`);
    assert(g.description.length > 0);
  }
  const tiny = fig10Grid("tiny");
  assertEquals(tiny.rows, ["single", "single+permute1", "multi5+permute"]);
  assertEquals(tiny.QArs, [0.1, 0.2, 0.4, 0.6, 0.8, 0.9]);
  assertEquals(tiny.cells.length, 18);
  assertEquals(tiny.cells.slice(0, 2).map((c) => `${c.row}@${c.QAr}`), [
    "single@0.1",
    "single@0.2",
  ]);
  assertEquals(fig10Grid("paper").cells.length, FIG10_ROWS.length * FIG10_QARS.length);
  const small = fig10Grid("small");
  for (const r of ["single", "single+permute1", "multi5+permute"]) assert(small.rows.includes(r));
  assertEquals(small.QArs, [0.1, 0.2, 0.4, 0.6, 0.8, 0.9]);
  assertEquals(fig10Grid("smoke").cells.length, 2);
});

Deno.test("fig10Requests: one mixed run per cell and seed; rows outside the grid are errors", () => {
  assertEquals(
    fig10Requests({ preset: "tiny", rows: ["single"] }),
    [0.1, 0.2, 0.4, 0.6, 0.8, 0.9].map((QAr) => ({
      preset: "tiny",
      config: "single",
      seed: 0,
      QAr,
    })),
  );
  assertEquals(fig10Requests({ preset: "tiny", seeds: 2 }).length, 36);
  assertThrows(
    () => fig10Requests({ preset: "tiny", rows: ["multi5"] }),
    "not in the tiny grid",
  );
});

Deno.test("paperFig10 reads data/paper/fig10.json; null off the paper's grid", () => {
  assertEquals(paperFig10("single", 0.8), 85.7);
  assertEquals(paperFig10("single", 0.1), 24.5);
  assertEquals(paperFig10("multi5+permute", 0.2), 96.3);
  assertEquals(paperFig10("multi5", 0.8), null);
  assertEquals(paperFig10("single", 0.5), null);
});

Deno.test("fig10 at smoke: runs the grid, caches, tables ours beside the paper", async () => {
  await withRunsDir(async () => {
    await assertRejects(
      () => fig10({ preset: "smoke", onlyCached: true }),
      "no cached mixed run",
    );
    const opts = { preset: "smoke" as const, workers: 1 };
    const a = await fig10(opts);
    assertEquals(a.cells.map((c) => [c.row, c.QAr, c.paper]), [
      ["single", 0.2, 53.6],
      ["single", 0.8, 85.7],
    ]);
    for (const c of a.cells) {
      assert(c.ours !== null && c.ours >= 0 && c.ours <= 100);
      assertEquals(c.seeds, 1);
      assertEquals(c.cacheKeys.length, 1);
    }
    // Different QA ratios are different runs.
    assert(a.cells[0].cacheKeys[0] !== a.cells[1].cacheKeys[0]);
    const b = await fig10({ ...opts, onlyCached: true });
    assertEquals(b.cells, a.cells);
    const t = fig10Table(b);
    assertEquals(t.height, 2);
    assertEquals(t.columns, ["row", "QAr", "ours", "std", "seeds", "paper", "qa_P_train"]);
    assertEquals(t.getColumn("paper").toArray(), [53.6, 85.7]);
    assert(JSON.stringify(fig10Spec(b)).includes("(85.7)"));
    assertEquals(fig10Plotly(b).data[0].x as string[], ["0.2", "0.8"]);
    const out = await Deno.makeTempDir();
    const saved = await saveFig10(b, { dir: out });
    const json = JSON.parse(await Deno.readTextFile(saved.json!));
    assertEquals(json.data.grid.QArs, [0.2, 0.8]);
    assert(json.data.grid.description.includes("plumbing"));
    await Deno.remove(out, { recursive: true });
  });
});
