/**
 * Figure 1 (Result 1): mixed training. One model trained from scratch on all BIO entries plus the
 * QA pairs of P_train (a fraction QAr = 0.8 of the training rows are QA) answers questions about
 * P_test people, whose questions it never saw: the paper's 86.6% on bioS single, where BIO
 * pretraining followed by QA finetuning reaches only 9.7% (Figure 3).
 *
 * (a) P_test QA accuracy per attribute and mean, beside the paper, with the pretrain + finetune
 * result of the same row and seeds beside it when the cache holds it (read, never run).
 * (b) The learning curves of the mixed run (BIO and QA first-token accuracy in- and
 * out-of-distribution, QA generation out-of-distribution) against the training step, with the
 * approximate end values the paper's Figure 1(b) gives.
 *
 * (c) The same curves on bioR single, with (a)'s bioR row: here the bioR-like (grammar) single
 * (`data: "bioR"`), read from the mixed run of Figure 12(a)'s MIX block, and saved as
 * figures/fig1a_bior and figures/fig1c.
 *
 * Beside the paper's step budget (that of BIO pretraining) a preset may add longer runs
 * (`mixed.stepsFactors`, seed 0): at `tiny` the paper's budget leaves P_test QA still rising. They
 * get their own rows in (a), and (b) shows the longest run. The bioR row runs the paper's budget
 * only, at Figure 12(a)'s one seed, so it reads the same runs as that figure.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset, PAPER_QAR } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { datasetFor, type FinetuneRequest, qaFinetune } from "../runs/experiments.ts";
import { type MixedCurvePoint, type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import type { AccuracyRow } from "../eval/metrics.ts";
import { paperCell, type PaperCurvesPanel, paperPanel, paperQA } from "./paper.ts";
import {
  cachedOnly,
  ensureRuns,
  type FindingRunOptions,
  isCached,
  isPretrained,
  majorityBaseline,
  rowRequest,
} from "./runs.ts";
import { meanStd } from "./stats.ts";
import { FIG3_COLUMNS } from "./fig3.ts";
import { type CurvePoint, heatmapSpec, lineSpec, type ReferenceLine } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { accuracyColorscale } from "../plot/colors.ts";

/** The bioS row of Figure 1 (panels a and b). */
export const FIG1_ROW = "single";

/** Which of Figure 1's rows: bioS single (panels a, b) or bioR single (a's second row, c). */
export type Fig1Data = "bioS" | "bioR";

/** Per data: our configuration, its label, the paper's curves panel and the files we write. */
export const FIG1_DATA: Record<
  Fig1Data,
  { row: string; label: string; panel: "b" | "c"; files: { a: string; b: string } }
> = {
  bioS: { row: FIG1_ROW, label: "bioS single", panel: "b", files: { a: "fig1a", b: "fig1b" } },
  bioR: {
    row: "bioR:single",
    label: "bioR-like single",
    panel: "c",
    files: { a: "fig1a_bior", b: "fig1c" },
  },
};

/** The heatmap rows of Figure 1(a) as we draw them, top to bottom. */
export const FIG1_METHODS = {
  mixed: "MIX: mixed training",
  finetune: "QA: pretrain + finetune",
  baseline: "baseline",
} as const;

/** The paper's colors and line styles of Figure 1(b): blue in-dist, red out-dist, BIO dashed. */
const CURVE_STYLE: Record<string, { color: string; dash: number[] }> = {
  "BIO in-dist first-token": { color: "#1f77b4", dash: [6, 3] },
  "BIO out-dist first-token": { color: "#d62728", dash: [6, 3] },
  "QA in-dist first-token": { color: "#1f77b4", dash: [1, 0] },
  "QA out-dist first-token": { color: "#d62728", dash: [1, 0] },
  "QA out-dist generation": { color: "black", dash: [1, 0] },
};

/** The five learning curves of Figure 1(b): the paper's curve name -> our curve field. */
export const FIG1_CURVES: readonly { name: string; field: keyof Omit<MixedCurvePoint, "step"> }[] =
  [
    { name: "BIO in-dist first-token", field: "bioFirstInDist" },
    { name: "BIO out-dist first-token", field: "bioFirstOutDist" },
    { name: "QA in-dist first-token", field: "qaFirstInDist" },
    { name: "QA out-dist first-token", field: "qaFirstOutDist" },
    { name: "QA out-dist generation", field: "qaGenerationOutDist" },
  ];

/** Options of {@linkcode fig1}. */
export interface Fig1Options extends FindingRunOptions {
  preset?: PresetName;
  /** Seeds (default: the preset's seeds of the Figure 3 headline rows, single being one). */
  seeds?: number;
  /** Use only mixed runs already in the cache (see `onlyCachedFromEnv`). */
  onlyCached?: boolean;
  /** Step budgets as multiples of the pretraining steps (default: the preset's
   * `mixed.stepsFactors`); 1 runs at every seed, the others at the first seed only. */
  stepsFactors?: number[];
  /** The row: "bioS" (default; panels a, b) or "bioR" (the bioR-like single; a's bioR row, c). */
  data?: Fig1Data;
}

/** One cell of Figure 1(a): ours (mean over seeds) and the paper's. */
export interface Fig1Cell {
  method: keyof typeof FIG1_METHODS;
  /** Mixed cells: the step budget as a multiple of the BIO pretraining steps (1: the paper's). */
  stepsFactor?: number;
  column: string;
  ours: number;
  std: number;
  seeds: number;
  paper: number;
}

/** One point of the seed-averaged learning curves of Figure 1(b). */
export interface Fig1CurvePoint {
  step: number;
  /** The paper's curve name, e.g. "QA out-dist generation". */
  curve: string;
  accuracy: number;
  seeds: number;
}

/** Everything Figure 1 shows. */
export interface Fig1Result {
  preset: PresetName;
  /** Which row of the paper's figure: bioS (panels a, b) or bioR (a's bioR row, c). */
  data: Fig1Data;
  row: string;
  QAr: number;
  /** Training steps of the run(s) the curves show (the longest budget present). */
  steps: number;
  /** The BIO pretraining steps of the preset (the paper's budget for mixed training). */
  pretrainSteps: number;
  /** The step budgets present, ascending (multiples of `pretrainSteps`). */
  stepsFactors: number[];
  /** The budget of the runs behind the curves of (b). */
  curveStepsFactor: number;
  cells: Fig1Cell[];
  /** Sorted by step, then curve. */
  curve: Fig1CurvePoint[];
  /** The paper's Figure 1(b) (bioS) or 1(c) (bioR) as transcribed: curve names, styles,
   * approximate end values. */
  paperCurves: {
    panel: string;
    x: string;
    xRange: [number, number];
    curves: { name: string; style: string; endApprox: number | null }[];
    description: string;
  };
  /** What of the paper's panels b/c we cannot draw, in words. */
  paperCurvesNote: string;
  /** Per mixed run. */
  runs: {
    seed: number;
    stepsFactor: number;
    steps: number;
    qaInDist: number;
    qaOutDist: number;
    bioFirstOutDist: number;
    bioWholeOutDist: number;
    finalLoss: number;
    wallSeconds: number;
    tokensPerSec: number;
    cacheKey: string;
  }[];
  /** Seeds whose pretrain + QA-finetune result was in the cache (the contrast row). */
  finetuneSeeds: number[];
  wallSeconds: number;
}

function seedList(preset: PresetName, seeds?: number): number[] {
  return seeds !== undefined
    ? Array.from({ length: seeds }, (_, i) => i)
    : getPreset(preset).headlineSeeds;
}

function dataOf(opts: { data?: Fig1Data }): Fig1Data {
  const data = opts.data ?? "bioS";
  if (!(data in FIG1_DATA)) {
    throw new Error(
      `Figure 1: unknown data "${data}"; allowed: ${Object.keys(FIG1_DATA).join(", ")}`,
    );
  }
  return data;
}

/**
 * The mixed-training requests of Figure 1: bioS single at QAr = 0.8, one per seed at the paper's
 * step budget, and one (the first seed) per longer budget of `stepsFactors`. With `data: "bioR"`,
 * the bioR-like single at the paper's budget and one seed (Figure 12(a)'s runs) unless told.
 */
export function fig1Requests(opts: Fig1Options = {}): MixedRequest[] {
  const preset = opts.preset ?? currentPreset();
  const data = dataOf(opts);
  const bioR = data === "bioR";
  const seeds = seedList(preset, opts.seeds ?? (bioR ? 1 : undefined));
  const factors = opts.stepsFactors ?? (bioR ? [1] : getPreset(preset).mixed.stepsFactors);
  if (factors.length === 0 || factors.some((f) => !(f > 0) || !Number.isFinite(f))) {
    throw new Error(
      `Figure 1: stepsFactors must be positive numbers, got [${factors.join(", ")}]`,
    );
  }
  return [...new Set(factors)].sort((a, b) => a - b).flatMap((f) =>
    (f === 1 ? seeds : seeds.slice(0, 1)).map((seed) => ({
      ...rowRequest(preset, FIG1_DATA[data].row, seed),
      QAr: PAPER_QAR,
      ...(f === 1 ? {} : { stepsFactor: f }),
    }))
  );
}

/** The label of a Figure 1(a) row: the method, and the step budget of longer mixed runs. */
export function fig1RowLabel(c: Pick<Fig1Cell, "method" | "stepsFactor">): string {
  const f = c.stepsFactor ?? 1;
  return c.method === "mixed" && f !== 1
    ? `${FIG1_METHODS.mixed}, ${f}x steps`
    : FIG1_METHODS[c.method];
}

/** The row labels of Figure 1(a) present in `res`, top to bottom. */
export function fig1RowOrder(res: Pick<Fig1Result, "cells">): string[] {
  const method = (c: Fig1Cell) => Object.keys(FIG1_METHODS).indexOf(c.method);
  const sorted = [...res.cells].sort((a, b) =>
    method(a) - method(b) || (a.stepsFactor ?? 1) - (b.stepsFactor ?? 1)
  );
  return [...new Set(sorted.map(fig1RowLabel))];
}

/** P_test generation accuracy (%) of an attribute (or "mean") among QA rows. */
export function qaGenerationAccuracy(
  rows: AccuracyRow[],
  attribute: string,
  split = "P_test",
): number {
  const r = rows.find((m) =>
    m.split === split && m.attribute === attribute && m.metric !== "qaFirstToken"
  );
  if (!r) throw new Error(`no QA generation accuracy for ${attribute} on ${split}`);
  return r.accuracy;
}

const rowOf = (rows: AccuracyRow[], metric: string, split: string) =>
  rows.find((m) => m.metric === metric && m.split === split && m.attribute === "mean")?.accuracy ??
    NaN;

/**
 * The learning curves of one run, with the final evaluation appended as the last point when the
 * curve stops before the last step; sorted by step.
 */
export function mixedRunCurve(
  r: { curve: MixedCurvePoint[]; qa: AccuracyRow[]; memorization: AccuracyRow[] },
  steps: number,
): MixedCurvePoint[] {
  const pts = [...r.curve].sort((a, b) => a.step - b.step);
  if (!pts.length || pts[pts.length - 1].step < steps) {
    pts.push({
      step: steps,
      bioFirstInDist: rowOf(r.memorization, "bioFirstToken", "P_train"),
      bioFirstOutDist: rowOf(r.memorization, "bioFirstToken", "P_test"),
      qaFirstInDist: rowOf(r.qa, "qaFirstToken", "P_train"),
      qaFirstOutDist: rowOf(r.qa, "qaFirstToken", "P_test"),
      qaGenerationOutDist: qaGenerationAccuracy(r.qa, "mean"),
    });
  }
  return pts;
}

/** Averages the curves of several runs point by point (same steps); sorted by step, then curve. */
export function averageMixedCurves(runs: MixedCurvePoint[][]): Fig1CurvePoint[] {
  const byKey = new Map<string, { step: number; curve: string; xs: number[] }>();
  for (const pts of runs) {
    for (const p of pts) {
      for (const c of FIG1_CURVES) {
        const k = `${p.step}|${c.name}`;
        const e = byKey.get(k) ?? { step: p.step, curve: c.name, xs: [] };
        e.xs.push(p[c.field]);
        byKey.set(k, e);
      }
    }
  }
  const order = FIG1_CURVES.map((c) => c.name);
  return [...byKey.values()]
    .map((e) => ({
      step: e.step,
      curve: e.curve,
      accuracy: meanStd(e.xs).mean,
      seeds: e.xs.length,
    }))
    .sort((a, b) => a.step - b.step || order.indexOf(a.curve) - order.indexOf(b.curve));
}

/** Runs (or reads) the mixed runs of Figure 1 and aggregates them. */
export async function fig1(opts: Fig1Options = {}): Promise<Fig1Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const data = dataOf(opts);
  const { row, label, panel: curvesPanel } = FIG1_DATA[data];
  const all = fig1Requests({ ...opts, preset });
  const reqs = opts.onlyCached ? await cachedOnly(all, "mixed") : all;
  await ensureRuns(reqs.map((r) => ({ ...r, kind: "mixed" as const })), {
    ...opts,
    defaultWorkers: getPreset(preset).workers,
  });
  if (reqs.length === 0) {
    throw new Error(`Figure 1: no mixed run of ${label} is cached at ${preset}`);
  }
  const done = [];
  for (const r of reqs) {
    done.push({ request: r, factor: r.stepsFactor ?? 1, result: await mixedTrain(r) });
  }
  const factors = [...new Set(done.map((d) => d.factor))].sort((a, b) => a - b);
  const curveFactor = factors[factors.length - 1];
  const curveRuns = done.filter((d) => d.factor === curveFactor);
  const steps = curveRuns[0].result.steps;

  // The contrast: pretrain + QA finetune of the same row and seeds, only where already cached.
  const ftDone = [];
  for (const r of reqs.filter((q) => (q.stepsFactor ?? 1) === 1)) {
    const ft: FinetuneRequest = rowRequest(preset, r.config, r.seed);
    if (await isPretrained(ft) && await isCached(ft)) {
      ftDone.push({ request: ft, result: await qaFinetune(ft, { progress: false }) });
    }
  }

  const cells: Fig1Cell[] = [];
  for (const factor of factors) {
    const runs = done.filter((d) => d.factor === factor);
    for (const column of FIG3_COLUMNS) {
      const s = meanStd(runs.map((d) => qaGenerationAccuracy(d.result.qa, column)));
      cells.push({
        method: "mixed",
        stepsFactor: factor,
        column,
        ours: s.mean,
        std: s.std,
        seeds: s.n,
        paper: paperCell("1", FIG1_ROW, "MIX", column, { panel: "a", data }),
      });
    }
  }
  if (ftDone.length) {
    for (const column of FIG3_COLUMNS) {
      const s = meanStd(ftDone.map((d) => qaGenerationAccuracy(d.result.qa, column)));
      cells.push({
        method: "finetune",
        column,
        ours: s.mean,
        std: s.std,
        seeds: s.n,
        // The paper's bioR single QA is Figure 12(a)'s (GPT2-302M, as its Figure 1 bioR row).
        paper: data === "bioS"
          ? paperQA(FIG1_ROW, column as never)
          : paperCell("12", FIG1_ROW, "QA", column, { panel: "a" }),
      });
    }
  }
  const base = majorityBaseline(datasetFor(row, getPreset(preset).people, reqs[0].seed));
  for (const column of FIG3_COLUMNS) {
    cells.push({
      method: "baseline",
      column,
      ours: base[column],
      std: 0,
      seeds: 1,
      paper: paperCell("1", "baseline", "MIX", column, { panel: "a" }),
    });
  }

  const panel = paperPanel("1", curvesPanel) as PaperCurvesPanel;
  return {
    preset,
    data,
    row,
    QAr: PAPER_QAR,
    steps,
    pretrainSteps: done.find((d) => d.factor === 1)?.result.steps ??
      Math.round(curveRuns[0].result.steps / curveFactor),
    stepsFactors: factors,
    curveStepsFactor: curveFactor,
    cells,
    curve: averageMixedCurves(curveRuns.map((d) => mixedRunCurve(d.result, steps))),
    paperCurves: {
      panel: panel.id,
      x: panel.x,
      xRange: panel.xRange,
      curves: panel.curves.map((c) => ({ ...c })),
      description: panel.description,
    },
    paperCurvesNote: fig1PaperCurvesNote(data),
    runs: done.map((d) => ({
      seed: d.request.seed,
      stepsFactor: d.factor,
      steps: d.result.steps,
      qaInDist: qaGenerationAccuracy(d.result.qa, "mean", "P_train"),
      qaOutDist: qaGenerationAccuracy(d.result.qa, "mean"),
      bioFirstOutDist: rowOf(d.result.memorization, "bioFirstToken", "P_test"),
      bioWholeOutDist: rowOf(d.result.memorization, "bioWholeAttribute", "P_test"),
      finalLoss: d.result.finalLoss,
      wallSeconds: d.result.wallSeconds,
      tokensPerSec: d.result.tokensPerSec,
      cacheKey: d.result.cacheKey,
    })),
    finetuneSeeds: ftDone.map((d) => d.request.seed),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

// Results saved before the bioR row existed carry no `data`: they are bioS.
const labelOf = (res: { data?: Fig1Data }) => FIG1_DATA[res.data ?? "bioS"].label;
const panelOf = (res: { data?: Fig1Data }) => FIG1_DATA[res.data ?? "bioS"].panel;

/** What the paper's Figure 1(b)/(c) data let us draw, in words (also stored in the figure JSON). */
export function fig1PaperCurvesNote(data: Fig1Data = "bioS"): string {
  const { panel, label } = FIG1_DATA[data];
  const b = paperPanel("1", panel) as PaperCurvesPanel;
  const ends = b.curves.filter((c) => c.endApprox !== null);
  const none = b.curves.filter((c) => c.endApprox === null).map((c) => c.name);
  return `The paper's curves are not transcribed point by point: data/paper/fig1.json holds, for ` +
    `panel ${panel} (${b.label}), only the curves' names, their shape in words and approximate ` +
    `end values of ${ends.map((c) => `${c.name} (~${c.endApprox}%)`).join(" and ")}, drawn as ` +
    `dashed lines; ${none.join(", ")} have no end value. Its x axis is "${b.x}" ` +
    `(${b.xRange[0]}-${b.xRange[1]}, undefined in the paper); ours is the training step. ` +
    (data === "bioS"
      ? `Panel c (bioR single, GPT2-302M) is drawn on our bioR-like (grammar) single as fig1c.`
      : `Ours is the ${label}, a grammar stand-in for the paper's Llama-rewritten bioR, on the ` +
        `preset's model (the paper: GPT2-302M).`);
}

/** Figure 1(a) as a polars table: one row per (method, column), ours ± std beside the paper. */
export function fig1Table(res: Fig1Result): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    method: fig1RowLabel(c),
    column: c.column,
    ours: +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
  })));
}

/** Figure 1(b) as a polars table: one row per step, one column per curve (seed-averaged). */
export function fig1CurveTable(res: Fig1Result): pl.DataFrame {
  const steps = [...new Set(res.curve.map((p) => p.step))];
  return pl.DataFrame(steps.map((step) => {
    const row: Record<string, number> = { step };
    for (const c of FIG1_CURVES) {
      const p = res.curve.find((q) => q.step === step && q.curve === c.name);
      row[c.name] = p ? +p.accuracy.toFixed(1) : NaN;
    }
    return row;
  }));
}

/** Figure 1(a): heatmap of P_test QA accuracy, each cell "ours (paper)". */
export function fig1aSpec(res: Fig1Result): VegaLiteSpec {
  const spec = heatmapSpec(
    res.cells.map((c) => ({
      row: fig1RowLabel(c),
      column: c.column,
      ours: c.ours,
      paper: c.paper,
    })),
    {
      title: `Figure 1(a): P_test QA accuracy on ${labelOf(res)}, ours (paper) [${res.preset}, ${
        res.cells.find((c) => c.method === "mixed")?.seeds
      } seed(s)]`,
      rowOrder: fig1RowOrder(res),
      columnOrder: [...FIG3_COLUMNS],
      rowTitle: labelOf(res),
      columnTitle: "attribute",
      cellWidth: 84,
    },
  );
  return spec;
}

/** The interactive Figure 1(a) (hover: ours ± std, seeds, paper). */
export function fig1aPlotly(res: Fig1Result): PlotlyFigure {
  const methods = fig1RowOrder(res);
  const at = (m: string, col: string) =>
    res.cells.find((c) => fig1RowLabel(c) === m && c.column === col);
  return {
    data: [{
      type: "heatmap",
      x: [...FIG3_COLUMNS],
      y: methods,
      z: methods.map((m) => FIG3_COLUMNS.map((col) => at(m, col)?.ours ?? null)),
      text: methods.map((m) =>
        FIG3_COLUMNS.map((col) => {
          const c = at(m, col);
          return c ? `${c.ours.toFixed(1)} (${c.paper})` : "";
        })
      ),
      customdata: methods.map((m) =>
        FIG3_COLUMNS.map((col) => [at(m, col)?.std ?? 0, at(m, col)?.seeds ?? 0])
      ),
      texttemplate: "%{text}",
      hovertemplate: "%{y} / %{x}<br>ours %{z:.1f} ± %{customdata[0]:.1f} " +
        "(%{customdata[1]} seeds)<br>(paper in brackets)<extra></extra>",
      colorscale: accuracyColorscale(),
      colorbar: { title: { text: "ours" } },
      zmin: 0,
      zmax: 100,
    }],
    layout: {
      title: {
        text: `Figure 1(a): P_test QA accuracy on ${
          labelOf(res)
        }, ours (paper), preset ${res.preset}`,
      },
      xaxis: { type: "category", title: { text: "attribute" } },
      yaxis: { type: "category", autorange: "reversed", title: { text: labelOf(res) } },
      height: 180 + 40 * methods.length,
      width: 960,
      margin: { l: 330 },
    },
  };
}

/** The paper's approximate end values of Figure 1(b) as dashed reference lines. */
function fig1bReference(res: Fig1Result): ReferenceLine[] {
  return res.paperCurves.curves.filter((c) => c.endApprox !== null).map((c) => ({
    y: c.endApprox as number,
    label: `paper end ~${c.endApprox}: ${c.name}`,
    series: c.name,
  }));
}

/** Figure 1(b): the learning curves of mixed training against the step. */
export function fig1bSpec(res: Fig1Result): VegaLiteSpec {
  const points: CurvePoint[] = res.curve.map((p) => ({
    x: p.step,
    y: p.accuracy,
    series: p.curve,
  }));
  const names = FIG1_CURVES.map((c) => c.name);
  const spec = lineSpec(points, {
    title: `Figure 1(${panelOf(res)}): mixed training on ${labelOf(res)}, QAr=${res.QAr}${
      res.curveStepsFactor === 1 ? "" : `, ${res.curveStepsFactor}x steps`
    } [${res.preset}]`,
    xTitle: `training step (of ${res.steps}; the paper's x axis is "${res.paperCurves.x}")`,
    yTitle: "accuracy (%)",
    seriesOrder: names,
    reference: fig1bReference(res),
    width: 520,
    height: 300,
  }) as unknown as { layer: { encoding?: Record<string, Record<string, unknown>> }[] };
  // The paper's styles: one color scale (shared by the reference lines), BIO curves dashed.
  for (const layer of spec.layer) {
    const color = layer.encoding?.color;
    if (!color) continue;
    color.scale = { domain: names, range: names.map((n) => CURVE_STYLE[n].color) };
    color.legend = { labelLimit: 300, symbolType: "stroke" };
  }
  spec.layer[0].encoding!.strokeDash = {
    field: "series",
    type: "nominal",
    sort: names,
    scale: { domain: names, range: names.map((n) => CURVE_STYLE[n].dash) },
    legend: { labelLimit: 300, symbolType: "stroke" },
    title: null,
  };
  return spec as unknown as VegaLiteSpec;
}

/** The interactive Figure 1(b). */
export function fig1bPlotly(res: Fig1Result): PlotlyFigure {
  const colors = FIG1_CURVES.map((c) => CURVE_STYLE[c.name].color);
  const dashes = FIG1_CURVES.map((c) => CURVE_STYLE[c.name].dash[1] ? "dash" : "solid");
  const traces: Record<string, unknown>[] = FIG1_CURVES.map((c, i) => {
    const pts = res.curve.filter((p) => p.curve === c.name);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: c.name,
      x: pts.map((p) => p.step),
      y: pts.map((p) => p.accuracy),
      line: { color: colors[i], dash: dashes[i] },
    };
  });
  for (const r of fig1bReference(res)) {
    const i = FIG1_CURVES.findIndex((c) => c.name === r.series);
    traces.push({
      type: "scatter",
      mode: "lines",
      name: r.label,
      x: [0, res.steps],
      y: [r.y, r.y],
      line: { color: colors[i] ?? "grey", dash: "dot", width: 1 },
    });
  }
  return {
    data: traces,
    layout: {
      title: `Figure 1(${panelOf(res)}): mixed training on ${labelOf(res)}, QAr=${res.QAr}` +
        `${res.curveStepsFactor === 1 ? "" : `, ${res.curveStepsFactor}x steps`}` +
        `, preset ${res.preset}` +
        "<br><sub>dotted: the paper's approximate end values</sub>",
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: "accuracy (%)" }, range: [0, 100] },
      width: 860,
      height: 440,
    },
  };
}

/**
 * Writes figures/fig1a.{svg,png,html,json} and figures/fig1b.{svg,png,html,json}; for the bioR
 * row, figures/fig1a_bior.* and figures/fig1c.*.
 */
export async function saveFig1(
  res: Fig1Result,
  opts: { dir?: string } = {},
): Promise<{ a: SavedFigure; b: SavedFigure }> {
  const common = { dir: opts.dir, preset: res.preset, plotlyScript: "beside" as const };
  const names = FIG1_DATA[res.data ?? "bioS"].files;
  const a = await saveFigure(names.a, fig1aSpec(res), {
    ...common,
    plotly: fig1aPlotly(res),
    data: { ...res, curve: undefined },
  });
  const b = await saveFigure(names.b, fig1bSpec(res), {
    ...common,
    plotly: fig1bPlotly(res),
    data: {
      preset: res.preset,
      data: res.data,
      row: res.row,
      QAr: res.QAr,
      steps: res.steps,
      pretrainSteps: res.pretrainSteps,
      curveStepsFactor: res.curveStepsFactor,
      curve: res.curve,
      paperCurves: res.paperCurves,
      paperCurvesNote: res.paperCurvesNote,
      runs: res.runs,
    },
  });
  return { a, b };
}
