import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import { fig3, FIG3_COLUMNS, fig3Requests, fig3Table, saveFig3 } from "./fig3.ts";
import { fig2 } from "./fig2.ts";
import { setRunsDir } from "../runs/cache.ts";

async function withRunsDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  try {
    return await f(dir);
  } finally {
    setRunsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
}

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
    await Deno.remove(out, { recursive: true });
  });
});

Deno.test("fig2 rejects rows it does not draw", async () => {
  await assertRejects(() => fig2({ preset: "smoke", rows: ["multi2"] }), "unknown Figure 2 row");
});
