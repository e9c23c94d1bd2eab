import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  averageMixedCurves,
  fig1,
  FIG1_CURVES,
  FIG1_METHODS,
  fig1aPlotly,
  fig1aSpec,
  fig1bPlotly,
  fig1bSpec,
  fig1CurveTable,
  fig1PaperCurvesNote,
  fig1Requests,
  fig1RowLabel,
  fig1RowOrder,
  fig1Table,
  mixedRunCurve,
  saveFig1,
} from "./fig1.ts";
import { FIG3_COLUMNS } from "./fig3.ts";
import { loadPaperFigure, type PaperTablePanel } from "./paper.ts";
import { qaFinetune } from "../runs/experiments.ts";
import type { MixedCurvePoint } from "../runs/mixed.ts";
import { withRunsDir } from "./_test_utils.ts";
import { rowRequest } from "./runs.ts";

const point = (step: number, v: number): MixedCurvePoint => ({
  step,
  bioFirstInDist: v,
  bioFirstOutDist: v + 1,
  qaFirstInDist: v + 2,
  qaFirstOutDist: v + 3,
  qaGenerationOutDist: v + 4,
});

Deno.test("fig1Requests: bioS single at QAr 0.8, the preset's headline seeds; longer budgets at seed 0", () => {
  assertEquals(
    fig1Requests({ preset: "tiny", stepsFactors: [1] }),
    [0, 1, 2].map((seed) => ({
      preset: "tiny",
      config: "single",
      seed,
      QAr: 0.8,
    })),
  );
  // tiny's default budgets: 1x at the three seeds, then 2x and 5x at seed 0.
  const tiny = fig1Requests({ preset: "tiny" });
  assertEquals(tiny.map((r) => [r.seed, r.stepsFactor]), [
    [0, undefined],
    [1, undefined],
    [2, undefined],
    [0, 2],
    [0, 5],
  ]);
  assertEquals(fig1Requests({ preset: "tiny", seeds: 1, stepsFactors: [1] }).map((r) => r.seed), [
    0,
  ]);
  assertEquals(fig1Requests({ preset: "smoke", stepsFactors: [5, 1, 5] }).length, 2);
  assertThrows(() => fig1Requests({ preset: "tiny", stepsFactors: [0] }), "stepsFactors");
  assertThrows(() => fig1Requests({ preset: "tiny", stepsFactors: [] }), "stepsFactors");
  // The bioR row reads Figure 12(a)'s mixed run: one seed, the paper's budget.
  assertEquals(fig1Requests({ preset: "tiny", data: "bioR" }), [
    { ...rowRequest("tiny", "bioR:single", 0), QAr: 0.8 },
  ]);
  assertThrows(() => fig1Requests({ data: "bioX" as never }), 'unknown data "bioX"');
  const noteR = fig1PaperCurvesNote("bioR");
  assert(noteR.includes("panel c (bioR single") && noteR.includes("(~78%)"), noteR);
  assertEquals(
    fig1RowLabel({ method: "mixed", stepsFactor: 5 }),
    `${FIG1_METHODS.mixed}, 5x steps`,
  );
  assertEquals(fig1RowLabel({ method: "mixed", stepsFactor: 1 }), FIG1_METHODS.mixed);
});

Deno.test("mixedRunCurve sorts by step and appends the final evaluation; averageMixedCurves averages seeds", () => {
  const final = {
    qa: [
      { attribute: "mean", split: "P_test", metric: "qaGenerationGreedy", accuracy: 70, n: 1 },
      { attribute: "mean", split: "P_test", metric: "qaFirstToken", accuracy: 80, n: 1 },
      { attribute: "mean", split: "P_train", metric: "qaFirstToken", accuracy: 90, n: 1 },
    ],
    memorization: [
      { attribute: "mean", split: "P_train", metric: "bioFirstToken", accuracy: 99, n: 1 },
      { attribute: "mean", split: "P_test", metric: "bioFirstToken", accuracy: 98, n: 1 },
    ],
  };
  const c = mixedRunCurve({ curve: [point(20, 10), point(10, 0)], ...final }, 30);
  assertEquals(c.map((p) => p.step), [10, 20, 30]);
  assertEquals(c[2], {
    step: 30,
    bioFirstInDist: 99,
    bioFirstOutDist: 98,
    qaFirstInDist: 90,
    qaFirstOutDist: 80,
    qaGenerationOutDist: 70,
  });
  // A curve that already ends at the last step gets nothing appended.
  assertEquals(mixedRunCurve({ curve: [point(30, 5)], ...final }, 30).length, 1);
  const avg = averageMixedCurves([[point(10, 0), point(20, 10)], [point(20, 30), point(10, 20)]]);
  assertEquals(avg.length, 2 * FIG1_CURVES.length);
  assertEquals(avg.map((p) => p.step), [...Array(5).fill(10), ...Array(5).fill(20)]);
  assertEquals(avg.slice(0, 5).map((p) => p.curve), FIG1_CURVES.map((c) => c.name));
  const gen20 = avg.find((p) => p.step === 20 && p.curve === "QA out-dist generation")!;
  assertEquals(gen20.accuracy, 24); // mean of 14 and 34
  assertEquals(gen20.seeds, 2);
});

Deno.test("fig1 at smoke: mixed cells beside the paper; the finetune row only once it is cached", async () => {
  await withRunsDir(async () => {
    const opts = { preset: "smoke" as const, workers: 1, stepsFactors: [1] };
    const a = await fig1(opts);
    // No pretrain + finetune run in the cache: mixed + baseline only, nothing was run for them.
    assertEquals(a.cells.length, 2 * FIG3_COLUMNS.length);
    assertEquals(a.finetuneSeeds, []);
    assert(!a.cells.some((c) => c.method === "finetune"));
    const panel = loadPaperFigure("1").panels.find((p) => p.id === "a") as PaperTablePanel;
    const bioS = panel.rows.find((r) => r.row === "single" && r.data === "bioS")!;
    for (const c of a.cells.filter((c) => c.method === "mixed")) {
      assertEquals(c.paper, bioS.cells.MIX[c.column]);
      assert(c.ours >= 0 && c.ours <= 100);
      assertEquals(c.seeds, 1);
    }
    assertEquals(a.cells.find((c) => c.method === "mixed" && c.column === "mean")!.paper, 86.6);
    assertEquals(
      a.cells.find((c) => c.method === "baseline" && c.column === "c_city")!.paper,
      13.7,
    );
    // Curves: every curve at every step, sorted by step, ending at the last training step.
    const steps = a.curve.map((p) => p.step);
    assertEquals(steps, [...steps].sort((x, y) => x - y));
    assertEquals(steps[steps.length - 1], a.steps);
    assertEquals(a.curve.length % FIG1_CURVES.length, 0);
    assertEquals(fig1CurveTable(a).height, a.curve.length / FIG1_CURVES.length);
    assertEquals(fig1CurveTable(a).columns, ["step", ...FIG1_CURVES.map((c) => c.name)]);
    // Paper curves: what fig1.json holds (end values for two curves), and the note says so.
    assertEquals(
      a.paperCurves.curves.filter((c) => c.endApprox !== null).map((c) => c.endApprox),
      [92, 86],
    );
    assert(a.paperCurvesNote.includes("not transcribed point by point"));
    const spec = JSON.stringify(fig1bSpec(a));
    assert(spec.includes("paper end ~92: QA out-dist first-token"));
    assert(spec.includes("paper end ~86: QA out-dist generation"));
    assert(!spec.includes("paper end ~null"));
    assertEquals(fig1bPlotly(a).data.length, FIG1_CURVES.length + 2);

    // Once the pretrain + QA finetune result of single seed 0 is cached, it appears beside.
    await qaFinetune({ preset: "smoke", config: "single", seed: 0 }, { progress: false });
    const b = await fig1(opts);
    assertEquals(b.finetuneSeeds, [0]);
    assertEquals(b.cells.length, 3 * FIG3_COLUMNS.length);
    assertEquals(b.cells.find((c) => c.method === "finetune" && c.column === "mean")!.paper, 9.7);
    // The mixed run was read from the cache: identical numbers.
    assertEquals(
      b.cells.filter((c) => c.method === "mixed"),
      a.cells.filter((c) => c.method === "mixed"),
    );
    const t = fig1Table(b);
    assertEquals(t.height, b.cells.length);
    assertEquals(t.columns, ["method", "column", "ours", "std", "seeds", "paper"]);
    assert(JSON.stringify(fig1aSpec(b)).includes(FIG1_METHODS.finetune));

    const out = await Deno.makeTempDir();
    const saved = await saveFig1(b, { dir: out });
    assert((await Deno.readTextFile(saved.a.svg)).includes("Figure 1(a)"));
    const ja = JSON.parse(await Deno.readTextFile(saved.a.json!));
    assertEquals(ja.data.preset, "smoke");
    assertEquals(ja.data.cells.length, b.cells.length);
    const jb = JSON.parse(await Deno.readTextFile(saved.b.json!));
    assertEquals(jb.data.curve.length, b.curve.length);
    assert(jb.data.paperCurvesNote.includes("Panel c (bioR single"));
    await Deno.remove(out, { recursive: true });

    // A longer budget gets its own row; the curves come from the longest run.
    const c = await fig1({ ...opts, stepsFactors: [1, 2] });
    assertEquals(c.stepsFactors, [1, 2]);
    assertEquals(c.curveStepsFactor, 2);
    assertEquals(c.steps, 2 * c.pretrainSteps);
    assertEquals(c.pretrainSteps, b.steps);
    assertEquals(c.curve[c.curve.length - 1].step, c.steps);
    assertEquals(fig1RowOrder(c), [
      FIG1_METHODS.mixed,
      `${FIG1_METHODS.mixed}, 2x steps`,
      FIG1_METHODS.finetune,
      FIG1_METHODS.baseline,
    ]);
    assertEquals(c.runs.map((r) => [r.stepsFactor, r.steps]), [[1, b.steps], [2, 2 * b.steps]]);
    // The contrast row and the 1x row are unchanged by the longer run.
    assertEquals(
      c.cells.filter((x) => x.stepsFactor === 1),
      b.cells.filter((x) => x.method === "mixed"),
    );
    assertEquals(fig1aPlotly(c).data[0].y, fig1RowOrder(c));
  });
});
