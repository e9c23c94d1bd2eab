import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { ARCH_FIGURES, archFigure, archRequest, archSpec, saveArchFigure } from "./arch_figure.ts";
import { fig12bEffects } from "./fig12b.ts";
import { withRunsDir } from "./_test_utils.ts";

Deno.test("architecture figures: rows of the wrong data family are named with what is allowed", async () => {
  assertEquals(ARCH_FIGURES.fig12b.data, "bioR");
  await assertRejects(() => archFigure("fig12b", { rows: ["single"] }), "allowed: bioR");
  await assertRejects(() => archFigure("fig12c", { rows: ["bioR:single"] }), "allowed: bioS");
  // A bioR row on the Llama keeps the row's own window and names the architecture.
  const r = archRequest("llama", "tiny", "bioR:multi5", 0);
  assertEquals([r.config, r.overrides?.model?.arch, r.overrides?.model?.seqLen], [
    "bioR:multi5",
    "llama",
    160,
  ]);
});

Deno.test("Figure 12b at smoke: bioR rows on the Llama beside the paper's panel (b)", async () => {
  await withRunsDir(async (dir) => {
    const res = await archFigure("fig12b", {
      preset: "smoke",
      rows: ["bioR:single", "bioR:multi5"],
      mix: false,
      workers: 1,
    });
    const mean = (row: string) =>
      res.cells.find((c) => c.row === row && c.block === "QA" && c.column === "mean")!;
    assertEquals(res.name, "fig12b");
    assertEquals(mean("bioR:single").paper, 7.6);
    assertEquals(mean("bioR:multi5").paper, 89.7);
    assertEquals(fig12bEffects(res).length, 3);
    const spec = archSpec(res);
    assert(JSON.stringify(spec.title).includes("Figure 12b: bioR on Llama"));
    const saved = await saveArchFigure(res, { dir });
    assert(saved.svg.endsWith("fig12b.svg"));
  });
});

Deno.test("Figure 9 at smoke: GBERT's Q-probe blocks beside the paper's (no mean, Q-whole without b_date), MIX at QAr 0.8 and 0.2", async () => {
  await withRunsDir(async () => {
    const res = await archFigure("fig9", {
      preset: "smoke",
      rows: ["single"],
      workers: 1,
    });
    // The paper's MIX column is at QAr 0.8; the 0.2 block is ours, with no paper value.
    const mixMean = (block: string) =>
      res.cells.find((c) => c.block === block && c.column === "mean")!;
    assertEquals(mixMean("MIX").paper, 30.1);
    assertEquals(mixMean("MIX_0.2").paper, null);
    assertEquals(res.runs.filter((r) => r.block.startsWith("MIX")).length, 2);
    assert(JSON.stringify(archSpec(res).title).includes("MIX_0.2: QAr=0.2"));
    const q = (block: string) => res.cells.filter((c) => c.block === block).map((c) => c.column);
    assertEquals(q("Q_first"), ["b_date", "b_city", "univ", "major", "c_name", "c_city"]);
    assertEquals(q("Q_whole"), ["b_city", "univ", "major", "c_name", "c_city"]);
    const bMonth = res.cells.find((c) => c.block === "Q_first" && c.column === "b_date")!;
    assertEquals(bMonth.paper, 14.2);
    assert(res.cells.every((c) => c.ours >= 0 && c.ours <= 100));
    assert(res.runs.some((r) => r.block === "Q_first" && r.qaOutDist >= 0));
    const spec = JSON.stringify(archSpec(res));
    assert(spec.includes("Q_whole c_city"));
  });
});
