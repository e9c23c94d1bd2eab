import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  celebrityCount,
  celebrityRequest,
  FIG17_ROWS,
  fig8,
  FIG8_ROWS,
  saveFig8,
  WIKI_CONTROL,
} from "./fig8.ts";
import { celebrityView, datasetFor, pretrainSpec } from "../runs/experiments.ts";
import { withRunsDir } from "./_test_utils.ts";
import { presetOfSpec } from "../runs/archive.ts";
import { fig18, FIG18_ROWS, saveFig18 } from "./fig18.ts";
import { paperCell } from "./paper.ts";

Deno.test("Figure 8 rows: the paper's labels; celebrities only in the +CEL requests", () => {
  assertEquals(FIG8_ROWS.map((r) => r.label), [
    "bioS single+permute1",
    "bioS single+permute1+CEL",
    "bioR single",
    "bioR single+CEL",
    "bioR single+wiki",
  ]);
  assertEquals(FIG17_ROWS.length, 7);
  assertEquals(celebrityCount("tiny"), 500);
  const alone = celebrityRequest(FIG8_ROWS[0], "tiny", 0);
  // Without celebrities the request (and so its key) is the ordinary row's.
  assertEquals(alone, { preset: "tiny", config: "single+permute1", seed: 0 });
  assert(!("celebrities" in pretrainSpec(alone)));
  const cel = celebrityRequest(FIG8_ROWS[3], "tiny", 0);
  assertEquals(cel.celebrities, { count: 500, config: "bioR:multi5" });
  assertEquals(pretrainSpec(cel).celebrities, cel.celebrities);
  // bioR single+CEL keeps its row's 160 window; the fullname celebrities need 192 (one of them is
  // 160 tokens long, CELEBRITY_SEQ_LEN), and the archive still finds the run's preset.
  assertEquals(cel.overrides, { model: { seqLen: 160 } });
  const full = celebrityRequest(
    FIG17_ROWS.find((r) => r.label === "bioR single+fullname+CEL")!,
    "tiny",
    0,
  );
  assertEquals([full.config, full.overrides], ["bioR:single+fullname", { model: { seqLen: 192 } }]);
  assertEquals(presetOfSpec(pretrainSpec(full) as unknown as Record<string, unknown>), "tiny");
  // The paper's ratio (one celebrity per minority person) is a count away, with its own key.
  const many = celebrityRequest(FIG8_ROWS[1], "tiny", 0, { count: 500 });
  assertEquals(pretrainSpec(many).celebrities, { count: 500, config: "multi5+permute" });
  assertThrows(() => celebrityRequest(FIG8_ROWS[1], "tiny", 0, { count: 0 }), "count"); // The +wiki control: the row's own request plus general text, no celebrities, its own key.
  const wiki = FIG8_ROWS.find((r) => r.label === "bioR single+wiki")!;
  assertEquals(wiki.paper, { figure: "8", data: "bioR", row: "single+wiki" });
  const w = celebrityRequest(wiki, "tiny", 0);
  assertEquals(w, { ...celebrityRequest(FIG8_ROWS[2], "tiny", 0), general: WIKI_CONTROL });
  assertEquals(pretrainSpec(w).general, { source: "fortunes", fraction: 0.5 });
  assert(!("celebrities" in pretrainSpec(w)));
  assertEquals(presetOfSpec(pretrainSpec(w) as unknown as Record<string, unknown>), "tiny");
});

Deno.test("celebrityView: finetune on every celebrity, test every minority person", () => {
  const ds = datasetFor("single+permute1", 20, 0, {
    celebrities: { count: 4, config: "multi5+permute" },
  });
  const v = celebrityView(ds);
  const pop = new Map(ds.people.map((p) => [p.id, p.population]));
  assertEquals(v.qa.filter((q) => q.split === "P_train").length, 4 * 6);
  assert(v.qa.every((q) => (q.split === "P_train") === (pop.get(q.personId) === "celebrity")));
  assertEquals(celebrityView(datasetFor("single", 20, 0)), datasetFor("single", 20, 0));
  assertEquals(ds.bios.filter((b) => pop.get(b.personId) === "celebrity").length, 4 * 5);
});

Deno.test("Figure 8 at smoke: minority QA with and without celebrities, ratios, figure", async () => {
  await withRunsDir(async (dir) => {
    const res = await fig8({ preset: "smoke", rows: ["bioR single", "bioR single+CEL"] });
    assertEquals(res.ratios.length, 1);
    assertEquals(res.ratios[0].minority, "bioR single");
    const cel = res.cells.find((c) => c.row === "bioR single+CEL" && c.column === "mean")!;
    assertEquals(cel.paper, 76.3);
    assertEquals(res.deviations, []); // no +wiki row asked
    const saved = await saveFig8(res, { dir });
    assert(saved.svg.endsWith("fig8.svg"));
  });
});

Deno.test("Figure 8: an unknown row names the allowed ones", async () => {
  let msg = "";
  try {
    await fig8({ preset: "smoke", rows: ["bioS multi5"] });
  } catch (e) {
    msg = (e as Error).message;
  }
  assert(msg.includes("bioR single+CEL"), msg);
});

Deno.test("Figures 18/19 at smoke: minority probes with and without celebrities", async () => {
  await withRunsDir(async (dir) => {
    const rows = ["bioR single", "bioR single+CEL"];
    const p = await fig18({ preset: "smoke", rows, probe: "P" });
    assertEquals(new Set(p.cells.map((c) => c.row)), new Set(rows));
    const cel0 = p.cells.find((c) =>
      c.row === "bioR single+CEL" && c.target === "first_token" && c.attribute === "b_date" &&
      c.position === 0
    )!;
    assert(typeof cel0.paper === "number", "Figure 18(a) has the bioR single+CEL row");
    const q = await fig18({ preset: "smoke", rows, probe: "Q" });
    const qf = q.cells.find((c) =>
      c.row === "bioR single" && c.target === "first_token" && c.attribute === "b_date"
    )!;
    assertEquals(qf.paper, 28.0);
    assert((await saveFig18(p, { dir })).svg.endsWith("fig18.svg"));
    const whole = await saveFig18(p, { dir, target: "whole_attribute" });
    assert(whole.svg.endsWith("fig18b.svg"));
    assert((await Deno.readTextFile(whole.svg)).includes("whole-attribute"));
    // Another celebrity count is drawn beside the default figure, not over it.
    assert((await saveFig18(q, { dir, suffix: "_cel7" })).svg.endsWith("fig19_cel7.svg"));
    assert((await saveFig18(q, { dir })).svg.endsWith("fig19.svg"));
  });
});

Deno.test("Figures 18/19 rows: each is a Figure 8/17 row the paper's Figure 19 prints", () => {
  const known = [...FIG8_ROWS, ...FIG17_ROWS];
  for (const label of FIG18_ROWS) {
    const r = known.find((k) => k.label === label);
    assert(r, `${label} is not a Figure 8/17 row`);
    const v = paperCell("19", r.paper.row, "Q_first", "b_date", { data: r.paper.data });
    assert(typeof v === "number", `${label}: the paper's Figure 19 has no such row`);
  }
});
