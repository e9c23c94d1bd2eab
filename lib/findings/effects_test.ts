import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { assertEffects, effectLines, fig1Effects, fig3Effects, fig7Effects } from "./effects.ts";
import type { Fig1Result } from "./fig1.ts";
import type { Fig3Result } from "./fig3.ts";
import type { Fig7Result } from "./fig7.ts";

const fig3 = (means: Record<string, number>, spearman = 0.9, n = 16) =>
  ({
    cells: Object.entries(means).map(([row, ours]) => ({ row, block: "QA", column: "mean", ours })),
    rowOrder: [{ block: "QA", n, spearman, pearson: 0.8 }],
  }) as unknown as Fig3Result;

Deno.test("fig3Effects: present, absent, and not measurable from partial sweeps", () => {
  const ok = fig3Effects(fig3({ single: 3, "single+permute1": 4, "multi5+permute": 83 }));
  assertEquals(ok.map((c) => c.present), [true, true, true, true, true]);
  assertEffects(ok);
  const bad = fig3Effects(fig3({ single: 30, "multi5+permute": 60 }, 0.3));
  assertEquals(bad.map((c) => c.present), [false, false, null, false, false]);
  const e = assertThrows(() => assertEffects(bad), "effect is absent");
  assert(e.message.includes("single: P_test QA stays low") && !e.message.includes("75%"));
  // A sweep of two rows cannot say anything about the row order.
  assertEquals(fig3Effects(fig3({ single: 3 }, 0.1, 2))[3].present, null);
});

Deno.test("effects: targets are reported, never asserted", () => {
  const checks = fig3Effects(fig3({ single: 3, "single+permute1": 4, "multi5+permute": 60 }));
  assertEquals(checks.filter((c) => c.kind === "target").map((c) => c.present), [false]);
  assertEffects(checks);
  const lines = effectLines(checks);
  assert(lines.some((l) => l.startsWith("Figure 3: target not met")), lines.join("\n"));
  assert(lines.some((l) => l.startsWith("Figure 3: effect present")), lines.join("\n"));
});

Deno.test("fig1Effects: mixed vs finetune, in-dist before out-of-dist, MIX only with Figure 3", () => {
  const res = {
    cells: [
      { method: "mixed", column: "mean", ours: 13 },
      { method: "finetune", column: "mean", ours: 3 },
      { method: "mixed", column: "mean", ours: 34, stepsFactor: 5 },
    ],
    curve: [
      { curve: "QA in-dist first-token", step: 100, accuracy: 95 },
      { curve: "QA out-dist generation", step: 50, accuracy: 2 },
      { curve: "QA out-dist generation", step: 200, accuracy: 12 },
    ],
  } as unknown as Fig1Result;
  const checks = fig1Effects(res);
  assertEquals(checks.map((c) => [c.kind, c.present]), [
    ["effect", true],
    ["effect", true],
    ["target", false],
  ]);
  const mix = fig1Effects(res, {
    cells: [
      { row: "single", block: "QA", column: "mean", ours: 3 },
      { row: "single", block: "MIX", column: "mean", ours: 5 },
    ],
    rowOrder: [],
  } as unknown as Fig3Result);
  assertEquals(mix.filter((c) => c.figure === "3 (MIX)").map((c) => c.present), [false, null]);
});

Deno.test("fig7Effects: needs both headline rows; the per-pair correlation", () => {
  const cell = (row: string, ours: number) => ({ row, block: "Q_first", rank: 16, ours });
  const res = {
    rows: ["single", "multi5+permute"],
    ranks: [16],
    cells: [cell("single", 7), cell("multi5+permute", 31)],
    correlations: [{ name: "QA vs Q-first, per (row, attribute)", ours: 0.65, paper: 0.95, n: 96 }],
  } as unknown as Fig7Result;
  const checks = fig7Effects(res);
  assertEquals(checks.map((c) => c.present), [true, true, false]);
  assertEquals(fig7Effects({ ...res, rows: ["single"] }).map((c) => c.present), [null, true, null]);
});
