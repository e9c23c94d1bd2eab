import { assert, assertEquals } from "../util/assert.ts";
import { fig14, FIG14_ROWS, saveFig14 } from "./fig14.ts";
import { paperPProbeCell } from "./p_probing.ts";
import { withRunsDir } from "./_test_utils.ts";

Deno.test("Figure 14: bioR rows compare with the paper's Figure 14 panels", () => {
  assertEquals(FIG14_ROWS, ["bioR:single", "bioR:multi5"]);
  // Paper Figure 14(a): bioR single, c_name first-token at position 0 is 18.2.
  assertEquals(paperPProbeCell("bioR:single", "c_name", 0), 18.2);
  // Varied order: every (position, attribute) cell of a bioR row is defined in the paper.
  assertEquals(paperPProbeCell("bioR:multi5", "b_date", 5), 100);
});

Deno.test("Figure 14 at smoke: P-probes of bioR single and multi5, saved", async () => {
  await withRunsDir(async (dir) => {
    const res = await fig14({ preset: "smoke", workers: 1 });
    assertEquals(res.rows, ["bioR:single", "bioR:multi5"]);
    assert(res.cells.some((c) => c.row === "bioR:multi5" && c.ours !== null));
    const saved = await saveFig14(res, { dir });
    assert(saved.svg.endsWith("fig14.svg"));
  });
});
