import { assert, assertEquals, assertRejects } from "../util/assert.ts";
// Figures 5, 13 and 6/15 are drawn from one set of smoke probes, so one file tests them together.
import {
  paperPProbeCell,
  pProbeColumns,
  pProbePositionMean,
  pProbeTable,
  pProbeWideTable,
} from "./p_probing.ts";
import { fig5, FIG5_ROWS, fig5Spec, saveFig5 } from "./fig5.ts";
import { fig13, fig13Rows, rankDifference, saveFig13 } from "./fig13.ts";
import {
  fig6,
  fig6Rows,
  fig6Spec,
  fig6Table,
  fig6VennPanels,
  paperVenn,
  saveFig6,
} from "./fig6.ts";
import { renderSvg } from "../plot/render.ts";
import { probeRequests, rankAblationRows } from "./probing.ts";
import { isDone } from "./runs.ts";
import { pProbe } from "../runs/probes.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { readPaper, withRunsDir } from "./_test_utils.ts";

Deno.test("pProbeColumns: the paper's i-field columns, position-major", () => {
  const first = pProbeColumns();
  assertEquals(first.length, 36);
  assertEquals(first.slice(0, 7), [
    "0-bmonth",
    "0-bcity",
    "0-univ",
    "0-major",
    "0-cname",
    "0-ccity",
    "1-bmonth",
  ]);
  assertEquals(first[35], "5-ccity");
  const whole = pProbeColumns("whole_attribute");
  assertEquals(whole.length, 30);
  assert(!whole.some((c) => c.endsWith("bmonth")));
});

Deno.test("paperPProbeCell: every Figure 5 / 13 cell as in the JSON, blanks as null", () => {
  const panels: [string, string, "first_token" | "whole_attribute", number][] = [
    ["5", "main", "first_token", 2],
    ["13", "b", "first_token", 4],
    ["13", "c", "whole_attribute", 2],
    ["13", "d", "whole_attribute", 4],
  ];
  for (const [fig, id, target, rank] of panels) {
    const panel = readPaper(fig).panels.find((p: { id: string }) => p.id === id);
    assertEquals(panel.embeddingRank, rank);
    for (const r of panel.rows) {
      for (const [a, values] of Object.entries(r.cells) as [string, (number | null)[]][]) {
        values.forEach((v, i) =>
          assertEquals(
            paperPProbeCell(r.row, a as never, i, { target, rank }),
            v,
            `${fig}${id} ${r.row} ${a}@${i}`,
          )
        );
      }
    }
  }
  // Spot checks against the spec's table.
  assertEquals(paperPProbeCell("single", "c_name", 4), 99.5);
  assertEquals(paperPProbeCell("single", "c_name", 5), null);
  assertEquals(paperPProbeCell("single", "b_date", 1), null);
  assertEquals(paperPProbeCell("multi5", "b_city", 0), 44.6);
  assertEquals(paperPProbeCell("single", "b_date", 0, { target: "whole_attribute" }), null);
  // A rank the paper did not run is compared with its main probe (rank 2).
  assertEquals(
    paperPProbeCell("single", "b_city", 0, { rank: 0 }),
    paperPProbeCell("single", "b_city", 0),
  );
});

Deno.test("paper blanks: fixed-order rows leave 15 of 36 cells blank, permuted rows none", () => {
  const blanks = (row: string) =>
    ATTRIBUTES.flatMap((a) => [0, 1, 2, 3, 4, 5].map((i) => paperPProbeCell(row, a, i)))
      .filter((v) => v === null).length;
  for (const row of ["single", "single+fullname", "multi2", "multi5+fullname"]) {
    assertEquals(blanks(row), 15, row);
  }
  for (const row of ["single+permute1", "multi5+permute", "multi2+permute+fullname"]) {
    assertEquals(blanks(row), 0, row);
  }
});

Deno.test("rank-ablation rows per preset; worker requests carry the probe rank", () => {
  assertEquals(rankAblationRows("tiny"), ["single", "multi5+permute"]);
  assertEquals(rankAblationRows("smoke"), ["single", "multi5+permute"]);
  assertEquals(rankAblationRows("small").length, 4);
  assertEquals(rankAblationRows("paper"), [...FIG5_ROWS]);
  assertEquals(fig13Rows("tiny", ["single", "multi2"]), ["single"]);
  assertEquals(fig6Rows("smoke"), ["couple2"]);
  assertEquals(fig6Rows("tiny"), ["couple1", "couple2", "couple5"]);
  assertEquals(probeRequests("pprobe", "tiny", ["single"], [2, 4]), [
    { kind: "pprobe", preset: "tiny", config: "single", seed: 0, probe: { rank: 2 } },
    { kind: "pprobe", preset: "tiny", config: "single", seed: 0, probe: { rank: 4 } },
  ]);
  assertEquals(probeRequests("qprobe", "tiny", ["a", "b"], [16], { seeds: 2 }).length, 4);
});

Deno.test("paperVenn: Figure 6 for couple2, Figure 15 for couple1/5", () => {
  assertEquals(paperVenn("couple2", "b_city")?.base, 56.9);
  assertEquals(paperVenn("couple2", "major")?.coupledWith, "univ");
  assertEquals(paperVenn("couple1", "c_city")?.base, 28.7);
  assertEquals(paperVenn("couple5", "major")?.base, 97.7);
  assertEquals(paperVenn("couple5", "univ"), null);
});

Deno.test("fig5/fig6 reject rows they do not draw", async () => {
  await assertRejects(() => fig5({ preset: "smoke", rows: ["couple2"] }), "unknown Figure 5 row");
  await assertRejects(() => fig6({ preset: "smoke", rows: ["single"] }), "unknown Figure 6/15 row");
});

Deno.test("fig5 + fig13 + fig6 at smoke: cells, blanks, cache, partial sweeps, saving", async () => {
  await withRunsDir(async () => {
    const opts = {
      preset: "smoke" as const,
      rows: ["single", "multi5+permute"],
      workers: 1,
      probeSteps: 3,
    };
    const a = await fig5(opts);
    assertEquals(a.rows, ["single", "multi5+permute"]);
    assertEquals(a.missingRows, []);
    // 3 rows (with the baseline) x (36 first-token + 30 whole-attribute) cells.
    assertEquals(a.cells.length, 3 * (36 + 30));
    assertEquals(pProbeTable(a, { target: "first_token" }).height, 3 * 36);
    // Fixed order: ours is undefined exactly where the paper leaves the cell blank.
    for (const c of a.cells.filter((c) => c.row === "single" && c.target === "first_token")) {
      assertEquals(c.ours === null, c.paper === null, `single ${c.column}`);
      assertEquals(c.n === 0, c.paper === null, `single ${c.column} n`);
    }
    // Permuted entries: every attribute is still to come at position 0.
    const m0 = a.cells.filter((c) =>
      c.row === "multi5+permute" && c.position === 0 && c.target === "first_token"
    );
    assertEquals(m0.length, 6);
    assert(m0.every((c) => c.ours !== null && c.n > 0));
    const mean0 = pProbePositionMean(a, "multi5+permute")!;
    assert(mean0 >= 0 && mean0 <= 100);
    const base = a.cells.filter((c) => c.row === "baseline" && c.attribute === "b_date");
    assertEquals(base.length, 6);
    assertEquals(base[0].paper, 8.3);
    const wide = pProbeWideTable(a);
    assertEquals(wide.height, 3);
    assertEquals(wide.columns.slice(0, 3), ["row", "bmonth", "bmonth paper"]);
    assert(a.runs.length === 2 && a.runs.every((r) => r.steps === 3 && r.trainSeconds > 0));
    assertEquals(a.runs[0].kind, "pprobe");
    // A second call reads the cache: identical numbers.
    const b = await fig5(opts);
    assertEquals(b.cells, a.cells);
    // A partial sweep: a row without cached probes is left out and listed.
    const part = await fig5({ ...opts, rows: ["single", "multi5"], onlyCached: true });
    assertEquals(part.rows, ["single"]);
    assertEquals(part.missingRows, ["multi5"]);
    assert(!(await isDone({ kind: "pretrain", preset: "smoke", config: "multi5", seed: 0 })));
    await assertRejects(
      () => fig5({ ...opts, rows: ["multi5"], onlyCached: true }),
      "no cached pprobe run",
    );

    const out = await Deno.makeTempDir();
    try {
      const saved = await saveFig5(a, { dir: out });
      assert((await Deno.readTextFile(saved.svg)).includes("Figure 5"));
      const json = JSON.parse(await Deno.readTextFile(saved.json!));
      assertEquals(json.data.preset, "smoke");
      assertEquals(json.data.rows, ["single", "multi5+permute"]);
      const cell = json.data.cells.find((c: { row: string; column: string; target: string }) =>
        c.row === "single" && c.column === "4-cname" && c.target === "first_token"
      );
      assertEquals(cell.paper, 99.5);
      await Deno.stat(`${out}/fig5_whole.svg`);
      assert(fig5Spec(a, { target: "whole_attribute" }) !== undefined);

      // Figure 13: rank 2 (cached above) and rank 4 for the smoke subset.
      const r = await fig13(opts);
      assertEquals(r.ranks, [2, 4]);
      assertEquals(r.runs.length, 4);
      const d = rankDifference(r, "first_token");
      assert(d.ours !== null && d.cells > 0);
      // The paper's largest first-token change over these two rows (4.9 over all 16).
      assertEquals(d.paper, 4.0);
      const s13 = await saveFig13(r, { dir: out });
      const j13 = JSON.parse(await Deno.readTextFile(s13.json!));
      assertEquals(j13.data.maxRankDifference.whole_attribute.paper, 4.3);

      // Figures 6/15 on couple2: regions of seen attributes.
      const v = await fig6({ ...opts, rows: undefined });
      assertEquals(v.rows, ["couple2"]);
      assertEquals(v.summary.length, 3);
      const bc = v.regions.filter((g) => g.target === "b_city");
      assert(bc.some((g) => g.region === "none"));
      // Every defined (entry, position) of the task falls in exactly one region.
      // The preset's P-probe rank (smoke: 0, as tiny's Figure 5).
      assertEquals(v.rank, 0);
      const raw = await pProbe(
        { preset: "smoke", config: "couple2", seed: 0 },
        { rank: 0, steps: 3 },
      );
      assert(raw.cached);
      assertEquals(
        bc.reduce((s, g) => s + g.n, 0),
        raw.cells.filter((c) => c.task === "first_token/b_city").reduce((s, c) => s + c.n, 0),
      );
      assert(bc.every((g) => g.coupledSeen === g.seen.includes("b_date")));
      assertEquals(v.summary[0].paper?.base, 56.9);
      assertEquals(fig6Table(v).height, 3);
      const s6 = await saveFig6(v, { dir: out });
      assert(s6.fig6 !== undefined);
      const j6 = JSON.parse(await Deno.readTextFile(s6.fig15.json!));
      assert(j6.data.drawing.includes("5-set Venn"));
      assert(s6.bars.png.endsWith("fig15_bars.png"));
      // The paper's form: one Venn diagram per target, each region with data labelled.
      const panels = fig6VennPanels(v);
      assertEquals(panels.length, 3);
      assertEquals(panels[0].sets, ["bmonth", "univ", "major", "cname", "ccity"]);
      assertEquals(panels[0].regions.length, bc.length);
      const svg = await renderSvg(fig6Spec(v));
      assert(svg.includes("bioS couple2: birth city"), "panel title missing");
      assert(svg.includes(bc[0].accuracy.toFixed(1)), "a region's number is missing");
      assert(svg.includes("none seen: ours"), "the summary line is missing");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
});
