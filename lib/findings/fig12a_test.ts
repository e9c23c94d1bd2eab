import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { fig12a, FIG12A_ROWS, fig12aRequests, paperRowOf, saveFig12a } from "./fig12a.ts";
import { withRunsDir } from "./_test_utils.ts";

Deno.test("Figure 12a: six bioR rows, requests with the rows' windows, unknown rows named", () => {
  assertEquals(FIG12A_ROWS.length, 6);
  assertEquals(paperRowOf("bioR:multi3+fullname"), "multi3+fullname");
  const reqs = fig12aRequests({ preset: "tiny", seeds: 2 });
  assertEquals(reqs.length, 12);
  assert(reqs.every((r) => r.overrides?.model?.seqLen === 160));
  assertThrows(() => fig12aRequests({ preset: "tiny", rows: ["multi5"] }), "bioR:multi5");
});

Deno.test("Figure 12a at smoke: QA cells beside the paper's, targets, saved figure", async () => {
  await withRunsDir(async (dir) => {
    const res = await fig12a({ preset: "smoke", rows: ["bioR:single", "bioR:multi5"], workers: 1 });
    const mean = res.cells.find((c) => c.row === "bioR:multi5" && c.column === "mean")!;
    assertEquals(mean.paper, 93.7);
    assertEquals(res.targets.map((t) => t.name), ["bioR:multi5 QA mean", "bioR:single QA mean"]);
    assertEquals(res.cells.filter((c) => c.row === "baseline").length, 7);
    const saved = await saveFig12a(res, { dir });
    assert(saved.svg.endsWith("fig12a.svg"));
  });
});
