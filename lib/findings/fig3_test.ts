import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import {
  fig3,
  FIG3_COLUMNS,
  fig3HasMix,
  fig3MixRequests,
  fig3Plotly,
  fig3Requests,
  fig3RowOrder,
  fig3Spec,
  fig3Table,
  saveFig3,
} from "./fig3.ts";
import { fig2 } from "./fig2.ts";
import { qaFinetune } from "../runs/experiments.ts";
import { paperQA } from "./paper.ts";
import { withRunsDir } from "./_test_utils.ts";
import { probeRequests } from "./probing.ts";

Deno.test("fig3Requests: headline rows get the preset's seeds, others one; bad rows are errors", () => {
  const reqs = fig3Requests({ preset: "tiny", rows: ["single", "multi2"] });
  assertEquals(reqs.map((r) => `${r.config}:${r.seed}`), [
    "single:0",
    "single:1",
    "single:2",
    "multi2:0",
  ]);
  assertEquals(fig3Requests({ preset: "tiny", rows: ["multi2"], seeds: 2 }).length, 2);
  assertThrows(() => fig3Requests({ preset: "tiny", rows: ["multi3"] }), "unknown Figure 3 row");
});

Deno.test("fig3 at smoke: runs, caches, and tables ours beside the paper", async () => {
  await withRunsDir(async () => {
    const opts = { preset: "smoke" as const, rows: ["single"], workers: 1 };
    const a = await fig3(opts);
    assertEquals(a.cells.length, 2 * FIG3_COLUMNS.length); // single + baseline
    // No mixed run is cached and none was asked for: QA columns only.
    assert(a.cells.every((c) => c.block === "QA"));
    assertEquals(a.mixRuns, []);
    assert(!fig3HasMix(a));
    const mean = a.cells.find((c) => c.row === "single" && c.column === "mean")!;
    assertEquals(mean.paper, 9.7);
    assert(mean.ours >= 0 && mean.ours <= 100);
    const cCity = a.cells.find((c) => c.row === "baseline" && c.column === "c_city")!;
    assertEquals(cCity.paper, 13.7);
    // A second call reuses the cached runs: identical numbers.
    const b = await fig3(opts);
    assertEquals(b.cells, a.cells);
    assertEquals(fig3Table(b).height, a.cells.length);
    const out = await Deno.makeTempDir();
    const saved = await saveFig3(b, { dir: out });
    assert((await Deno.readTextFile(saved.svg)).includes("Figure 3"));
    const json = JSON.parse(await Deno.readTextFile(saved.json!));
    assertEquals(json.data.preset, "smoke");
    // One row: too few to correlate, but the block is reported.
    assertEquals(json.data.rowOrder, [{ block: "QA", n: 1, spearman: null, pearson: null }]);
    await Deno.remove(out, { recursive: true });
  });
});

Deno.test("fig3RowOrder: rank agreement with the paper per block, baseline left out", () => {
  const cell = (row: string, block: "QA" | "MIX", ours: number, paper: number) => ({
    row,
    block,
    column: "mean",
    ours,
    std: 0,
    seeds: 1,
    paper,
  });
  const cells = [
    cell("single", "QA", 3, 9.7),
    cell("multi5", "QA", 15, 41),
    cell("multi5+permute", "QA", 83, 96.6),
    // The baseline would break the order if it counted.
    cell("baseline", "QA", 99, 2.7),
    // Reversed in MIX: a rank correlation of -1.
    cell("single", "MIX", 30, 10),
    cell("multi5", "MIX", 20, 20),
    cell("multi5+permute", "MIX", 10, 30),
    { ...cell("single", "QA", 50, 0), column: "b_date" },
  ];
  const order = fig3RowOrder(cells);
  assertEquals(order.map((o) => [o.block, o.n, o.spearman]), [["QA", 3, 1], ["MIX", 3, -1]]);
  assert(order[0].pearson! > 0.9 && order[0].pearson! < 1);
});

Deno.test("fig3MixRequests: the QA requests' rows and seeds at QAr 0.8", () => {
  assertEquals(fig3MixRequests({ preset: "tiny", rows: ["single", "multi2"] }), [
    { preset: "tiny", config: "single", seed: 0, QAr: 0.8 },
    { preset: "tiny", config: "single", seed: 1, QAr: 0.8 },
    { preset: "tiny", config: "single", seed: 2, QAr: 0.8 },
    { preset: "tiny", config: "multi2", seed: 0, QAr: 0.8 },
  ]);
});

Deno.test("fig3 MIX columns: run with mix: true, otherwise only for rows already cached", async () => {
  await withRunsDir(async () => {
    const opts = { preset: "smoke" as const, workers: 1 };
    // mix: true runs the mixed runs of its rows.
    const a = await fig3({ ...opts, rows: ["single"], mix: true });
    assert(fig3HasMix(a));
    const mix = a.cells.filter((c) => c.block === "MIX");
    assertEquals(mix.map((c) => `${c.row}/${c.column}`), [
      ...FIG3_COLUMNS.map((c) => `single/${c}`),
      ...FIG3_COLUMNS.map((c) => `baseline/${c}`),
    ]);
    for (const c of mix.filter((c) => c.row === "single")) {
      assertEquals(c.paper, paperQA("single", c.column as never, { kind: "MIX" }));
      assert(c.ours >= 0 && c.ours <= 100);
    }
    assertEquals(mix.find((c) => c.row === "single" && c.column === "mean")!.paper, 86.6);
    assertEquals(a.mixRuns.map((r) => [r.row, r.seed, r.QAr]), [["single", 0, 0.8]]);
    // The QA cells are untouched by MIX: same paper values as before.
    assertEquals(
      a.cells.find((c) => c.block === "QA" && c.row === "single" && c.column === "mean")!.paper,
      9.7,
    );

    // Default (mix false): single's mixed run is cached, so its MIX cells appear (same numbers);
    // multi5+permute has none and gets none: nothing is run for it.
    const b = await fig3({ ...opts, rows: ["single", "multi5+permute"] });
    const bMix = b.cells.filter((c) => c.block === "MIX" && c.row !== "baseline");
    assertEquals(new Set(bMix.map((c) => c.row)), new Set(["single"]));
    assertEquals(bMix, mix.filter((c) => c.row === "single"));
    assertEquals(b.mixRuns.length, 1);
    assertEquals(b.cells.length, (3 + 2) * FIG3_COLUMNS.length); // QA: 2 rows + baseline; MIX: 1 + baseline
    const t = fig3Table(b);
    assertEquals(t.columns, ["row", "block", "column", "ours", "std", "seeds", "paper"]);
    assertEquals(
      t.getColumn("block").toArray().filter((b) => b === "MIX").length,
      2 * FIG3_COLUMNS.length,
    );
    // The heatmap shows both blocks; multi5+permute's MIX cells are grey with the paper's value.
    const spec = JSON.stringify(fig3Spec(b));
    assert(spec.includes('"MIX mean"') && spec.includes('"QA mean"'));
    assert(spec.includes("– (95.5)"), "an empty MIX cell shows the paper's value");
    const pl = fig3Plotly(b).data[0];
    assertEquals((pl.x as string[]).length, 2 * FIG3_COLUMNS.length);
    const out = await Deno.makeTempDir();
    const saved = await saveFig3(b, { dir: out, name: "fig3_mix" });
    assert(saved.svg.endsWith("fig3_mix.svg"));
    const json = JSON.parse(await Deno.readTextFile(saved.json!));
    assertEquals(json.data.mixRuns.length, 1);
    assert(json.data.cells.some((c: { block: string }) => c.block === "MIX"));

    // mix: "none" (notebook 03's fig3): the QA block alone although single's MIX run is cached,
    // so fig3 and fig3_mix are different figures.
    const c = await fig3({ ...opts, rows: ["single", "multi5+permute"], mix: "none" });
    assertEquals(fig3HasMix(c), false);
    assertEquals(c.mixRuns, []);
    assertEquals(c.cells.filter((x) => x.block === "MIX"), []);
    assertEquals(c.cells, b.cells.filter((x) => x.block === "QA"));
    const qaOnly = await saveFig3(c, { dir: out, name: "fig3" });
    const png = (f: string) => Deno.readFile(f).then((b) => Array.from(b).join(","));
    assert((await png(qaOnly.png)) !== (await png(saved.png)), "fig3.png equals fig3_mix.png");
    assert(!JSON.stringify(fig3Spec(c)).includes('"MIX mean"'));
    await Deno.remove(out, { recursive: true });
  });
});

Deno.test("fig2 rejects rows it does not draw", async () => {
  await assertRejects(() => fig2({ preset: "smoke", rows: ["multi2"] }), "unknown Figure 2 row");
});

Deno.test("fig2 onlyCached draws the cached grid cells and lists the missing ones", async () => {
  await withRunsDir(async () => {
    const opts = { preset: "smoke" as const, rows: ["single"], onlyCached: true, workers: 1 };
    const empty = await fig2(opts);
    assertEquals(empty.cells, []);
    // smoke grid: full finetuning + r=8 x r' in {0, all}
    assertEquals(empty.missing.length, 3);
    await qaFinetune(
      { preset: "smoke", config: "single", seed: 0, finetune: { method: "full" } },
      { progress: false },
    );
    const one = await fig2(opts);
    assertEquals(one.cells.map((c) => c.qvRank), ["full"]);
    assertEquals(one.missing.map((m) => m.embeddingRank), ["0", "all"]);
  });
});

Deno.test("rows that need a wider window carry it in every finding's requests", () => {
  const [wide, plain] = fig3Requests({ preset: "tiny", rows: ["multi5+fullname", "single"] });
  assertEquals(wide.overrides, { model: { seqLen: 160 } });
  assertEquals(plain.overrides, undefined);
  // The probes and the mixed runs of that row start from (or are) the same kind of model.
  const [probe] = probeRequests("pprobe", "tiny", ["multi5+fullname"], [0]);
  assertEquals(probe.overrides, wide.overrides);
  const [mix] = fig3MixRequests({ preset: "tiny", rows: ["multi5+fullname"], seeds: 1 });
  assertEquals(mix.overrides, wide.overrides);
});
