import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { setResultsDir, setRunsDir } from "../runs/cache.ts";
import { resolvePreset } from "../runs/experiments.ts";
import {
  bio100Factor,
  BIOR_SCALE_GRID,
  paperScaleValue,
  SCALE_GRID,
  SCALE_MEASURES,
  scaleRequest,
  scaleRequests,
  scaleSpec,
  scaleStudy,
} from "./scale.ts";

Deno.test("scale grid: tiny first, one lever at a time, the mixed budget for 100 BIO passes", () => {
  const tiny = resolvePreset({ preset: "tiny", config: "single", seed: 0 });
  const first = resolvePreset(scaleRequest("tiny", SCALE_GRID[0], "single"));
  // The first point is tiny itself, so its runs are the archived tiny runs.
  assertEquals(first, tiny);
  assertEquals(SCALE_GRID.map((p) => bio100Factor(p)), [5, 2, 5, 5, 5, 5]);
  assert(SCALE_GRID.some((p) => p.people >= 2000));
  const wide = resolvePreset(scaleRequest("tiny", SCALE_GRID[2], "multi5+fullname"));
  // A row's own wider window survives the point's model.
  assertEquals([wide.model.nLayer, wide.model.dModel, wide.model.seqLen], [4, 256, 160]);
  assertEquals(scaleRequests("tiny", SCALE_GRID[1], "single").map((r) => r.kind), [
    "qa",
    "pprobe",
    "qprobe",
    "mixed",
    "mixed",
  ]);
  assertEquals(paperScaleValue("qa", "multi5+permute"), 96.6);
  assertEquals(paperScaleValue("bio", "single"), null);
});

Deno.test("bioR-like scale grid: the first three points, then 4 layers at 300 passes; Figure 12(a)'s paper", () => {
  assertEquals(BIOR_SCALE_GRID.slice(0, 3), SCALE_GRID.slice(0, 3));
  const both = resolvePreset(scaleRequest("tiny", BIOR_SCALE_GRID[3], "bioR:multi5"));
  assertEquals([both.model.nLayer, both.model.dModel, both.model.seqLen], [4, 256, 160]);
  assertEquals(both.pretrain.exposures, 300);
  // bioR rows compare with Figure 12(a) (QA, MIX) and the bioR probe figures, not Figure 3.
  assertEquals(paperScaleValue("qa", "bioR:multi5"), 93.7);
  assertEquals(paperScaleValue("mix", "bioR:multi5"), 94.8);
  assertEquals(paperScaleValue("qfirst", "bioR:multi5")?.toFixed(1), "98.9");
});

Deno.test("scaleStudy at smoke: every measure of a point, cached reads, the figure", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  try {
    // The second point is never computed: `points: [1]` runs the first, draws the second cached.
    const grid = [
      { people: 24, nLayer: 1, dModel: 32, nHead: 2, passes: 2 },
      { people: 24, nLayer: 1, dModel: 32, nHead: 2, passes: 3 },
    ];
    // The long mixed run at 2 BIO passes (5x the steps), not 100: plumbing only.
    const base = { preset: "smoke" as const, grid, rows: ["single"], bioPasses: 2 };
    const empty = await scaleStudy({ ...base, onlyCached: true });
    assert(empty.cells.every((c) => c.ours === null));
    await assertRejects(() => scaleStudy({ ...base, points: [3] }), "allowed: 1..2");
    const res = await scaleStudy({ ...base, workers: 1, points: [1] });
    assertEquals(res.cells.map((c) => c.measure), [...SCALE_MEASURES, ...SCALE_MEASURES]);
    assert(res.cells.slice(SCALE_MEASURES.length).every((c) => c.ours === null));
    for (const c of res.cells.slice(0, SCALE_MEASURES.length)) {
      assert(c.ours !== null && c.ours >= 0 && c.ours <= 100, `${c.measure}: ${c.ours}`);
    }
    assertEquals(res.cells[0].model, "1L-d32");
    const again = await scaleStudy({ ...base, onlyCached: true });
    assertEquals(again.cells, res.cells);
    const spec = JSON.stringify(scaleSpec(res));
    assert(spec.includes("P-probe, position 0") && spec.includes("24 · 1L·32 · 2p"));
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
