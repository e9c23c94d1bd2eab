import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { fig16c, fig16cSpec, fig16d, FIG16D_RANK, saveFig16c } from "./fig16c.ts";
import { paperFig7Cell } from "./fig7.ts";
import { withRunsDir } from "./_test_utils.ts";

Deno.test("Figure 16c: bioR rows read the paper's Figure 16(c, d) and 12(a); unknown rows named", async () => {
  assertEquals(paperFig7Cell("bioR:multi5", "QA", "mean"), 93.7);
  assert(paperFig7Cell("bioR:single", "Q_first", "univ", 16) !== null);
  // The majority guess of bioR is panel (c)'s baseline row, not Figure 7's.
  assert(paperFig7Cell("baseline", "Q_first", "univ", 16, "bioR") !== null);
  await assertRejects(() => fig16c({ preset: "smoke", rows: ["single"] }), "allowed: bioR:single");
  await assertRejects(() => fig16d({ preset: "smoke", rows: ["single"] }), "Figure 16d");
  // Rank 128 reads the paper's panel (d): bioR single's b_month drops 28.0 -> 8.7 there.
  assertEquals(paperFig7Cell("bioR:single", "Q_first", "b_date", 32), 28.0);
  assertEquals(paperFig7Cell("bioR:single", "Q_first", "b_date", FIG16D_RANK), 8.7);
});

Deno.test("Figure 16c at smoke: Q-probes of bioR rows beside the paper's panel (c)", async () => {
  await withRunsDir(async (dir) => {
    const res = await fig16c({ preset: "smoke", rows: ["bioR:single"], workers: 1 });
    const q = res.cells.filter((c) => c.row === "bioR:single" && c.block === "Q_first");
    assertEquals(q.length, 6);
    assert(q.every((c) => c.paper !== null && c.ours !== null));
    assert(res.cells.some((c) => c.row === "baseline" && c.paper !== null));
    const saved = await saveFig16c(res, { dir });
    assert(saved.svg.endsWith("fig16c.svg"));
    // Panel (d): the same pretrained model probed at rank 128, saved under its own name.
    const d = await fig16d({ preset: "smoke", rows: ["bioR:single"], workers: 1 });
    assertEquals(d.ranks, [FIG16D_RANK]);
    assert(d.cells.some((c) => c.block === "Q_first" && c.rank === FIG16D_RANK));
    assert(JSON.stringify(fig16cSpec(d).title).includes("Figure 16d"));
    assert((await saveFig16c(d, { dir })).svg.endsWith("fig16d.svg"));
  });
});
