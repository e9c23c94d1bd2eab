/**
 * Where the paper's effects appear (our addition): the same measures at growing scale. The paper
 * trains GPT2-124M for 540 passes over N = 100,000 people; `tiny` is 0.8M parameters, 100 passes,
 * N = 500, where Figure 3's QA contrast reproduces but P-probing at position 0, Q-probing from the
 * name and mixed training stay far below the paper. Each point of the grid changes one lever
 * (model size, passes over the data, people) from `tiny`, cheapest first, so the first points
 * answer the cheap question: does position 0 rise with model size or with passes at N = 500?
 *
 * Measures per point and row (bioS single and multi5+permute, seed 0):
 * - `qa`: P_test QA after pretraining + LoRA finetuning (Figure 3's QA block);
 * - `mix`: P_test QA after mixed training at QAr 0.8 with the pretraining budget (Figure 3's MIX);
 * - `mix_bio100`: the same with a budget that gives BIO at least 100 passes;
 * - `pprobe_pos0`: the P-probe's first-token mean at position 0 (Figure 5's first block);
 * - `qfirst`: the Q-probe's first-token mean (Figure 7's Q_first);
 * - `bio`: BIO first-token memorization of P_test (how well the biographies were learned).
 *
 * The same study on the bioR-like multi5 ({@linkcode BIOR_SCALE_GRID}, figures/scale_bior) asks
 * which lever brings Figure 12(a)'s multi5 toward the paper, beside its `tiny` value.
 * @module
 */
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import type { WorkerRequest } from "../runs/request.ts";
import type { RunRequest } from "../runs/experiments.ts";
import { pretrain, qaFinetune } from "../runs/experiments.ts";
import { mixedTrain } from "../runs/mixed.ts";
import { pProbe, qProbe } from "../runs/probes.ts";
import { ATTRIBUTES } from "../data/types.ts";
import type { AccuracyRow } from "../eval/metrics.ts";
import { paperCell } from "./paper.ts";
import { paperPProbeCell } from "./p_probing.ts";
import { paperFig7Cell } from "./fig7.ts";
import { ensureRuns, type FindingRunOptions, isDone, rowRequest } from "./runs.ts";
import { meanOrNull } from "./stats.ts";
import { VEGA_LITE_SCHEMA } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";

/** One point of the grid: people, model shape, passes over bioS single (and its lr). */
export interface ScalePoint {
  people: number;
  nLayer: number;
  dModel: number;
  nHead: number;
  /** BIO pretraining passes (`pretrain.exposures`). */
  passes: number;
  /** Peak learning rate (default: the preset's). */
  lr?: number;
}

/**
 * The grid at `tiny`, cheapest first: tiny itself; 3x the passes; a 4-layer d=256 model (small's
 * shape, lr 2e-3 as `small`); tiny's model at N = 2,000 (people alone, 4x tiny's tokens); an
 * 8-layer model; then N = 2,000 with the 4-layer model. A point costs roughly its parameters x
 * passes x N; mixed training at 5x the steps dominates each point (on 2 cores point 3 took about
 * 2.5 h; points 4 and 6 cost about 1.5x and 4x that).
 */
export const SCALE_GRID: readonly ScalePoint[] = [
  { people: 500, nLayer: 2, dModel: 128, nHead: 4, passes: 100 },
  { people: 500, nLayer: 2, dModel: 128, nHead: 4, passes: 300 },
  { people: 500, nLayer: 4, dModel: 256, nHead: 4, passes: 100, lr: 2e-3 },
  { people: 2000, nLayer: 2, dModel: 128, nHead: 4, passes: 100 },
  { people: 500, nLayer: 8, dModel: 256, nHead: 8, passes: 100, lr: 1.5e-3 },
  { people: 2000, nLayer: 4, dModel: 256, nHead: 4, passes: 100, lr: 2e-3 },
];

/** The rows of the study. */
export const SCALE_ROWS: readonly string[] = ["single", "multi5+permute"];

/**
 * The grid of the bioR-like study: the first three points of {@linkcode SCALE_GRID} (tiny, 3x the
 * passes, 4 layers d=256), then both levers together (4 layers d=256 at 300 passes), where the
 * first three left bioR-like multi5 QA at 46.0 / 59.3 / 67.5% against Figure 12(a)'s 75% target.
 */
export const BIOR_SCALE_GRID: readonly ScalePoint[] = [
  ...SCALE_GRID.slice(0, 3),
  { people: 500, nLayer: 4, dModel: 256, nHead: 4, passes: 300, lr: 2e-3 },
];
/** The row of the bioR-like study: Figure 12(a)'s target row. */
export const BIOR_SCALE_ROWS: readonly string[] = ["bioR:multi5"];
/** The measures, in drawing order (see the module doc). */
export const SCALE_MEASURES = ["qa", "mix", "mix_bio100", "pprobe_pos0", "qfirst", "bio"] as const;
/** One measure. */
export type ScaleMeasure = typeof SCALE_MEASURES[number];

/** The QA ratio of the mixed runs (the paper's). */
const QAR = 0.8;

/** "N=500 · 2L d128 · 100 passes". */
export function pointLabel(p: ScalePoint): string {
  return `N=${p.people} · ${p.nLayer}L d${p.dModel} · ${p.passes} passes`;
}

/** A short axis label: "500 · 2L·128 · 100p". */
function tickLabel(p: ScalePoint): string {
  return `${p.people} · ${p.nLayer}L·${p.dModel} · ${p.passes}p`;
}

/** The model label of a point, as the JSON cells name it: "2L-d128". */
export function modelLabel(p: ScalePoint): string {
  return `${p.nLayer}L-d${p.dModel}`;
}

/** The step factor of mixed training that gives BIO at least `bioPasses` passes at QAr 0.8. */
export function bio100Factor(p: ScalePoint, bioPasses = 100): number {
  // Rounded before the ceiling: 1 - 0.8 is 0.19999999999999996 in floating point.
  return Math.max(1, Math.ceil(+(bioPasses / ((1 - QAR) * p.passes)).toFixed(9)));
}

/** The run request of a row at a point (the row's own window kept). */
export function scaleRequest(
  preset: PresetName,
  p: ScalePoint,
  row: string,
  seed = 0,
): RunRequest {
  const base = rowRequest(preset, row, seed);
  const model = {
    ...(base.overrides?.model ?? {}),
    nLayer: p.nLayer,
    dModel: p.dModel,
    nHead: p.nHead,
  };
  const pretrain = { exposures: p.passes, ...(p.lr === undefined ? {} : { lr: p.lr }) };
  return { ...base, overrides: { ...(base.overrides ?? {}), people: p.people, model, pretrain } };
}

/** Every worker request of a point and row: finetune, mixed (two budgets), both probes. */
export function scaleRequests(
  preset: PresetName,
  p: ScalePoint,
  row: string,
  opts: { bioPasses?: number } = {},
): WorkerRequest[] {
  const r = scaleRequest(preset, p, row);
  return [
    { ...r, kind: "qa" },
    { ...r, kind: "pprobe" },
    { ...r, kind: "qprobe" },
    { ...r, kind: "mixed", QAr: QAR },
    { ...r, kind: "mixed", QAr: QAR, stepsFactor: bio100Factor(p, opts.bioPasses) },
  ];
}

/** One cell of the study: a measure of a row at a point, beside the paper's. */
export interface ScaleCell {
  N: number;
  model: string;
  passes: number;
  point: string;
  row: string;
  measure: ScaleMeasure;
  /** Ours (%), null where the run is not there (yet). */
  ours: number | null;
  std: number;
  seeds: number;
  /** The paper's value for the measure and row (its full scale), null where it has none. */
  paper: number | null;
}

/** What {@linkcode scaleStudy} returns. */
export interface ScaleResult {
  preset: PresetName;
  grid: ScalePoint[];
  rows: string[];
  cells: ScaleCell[];
  /** Per point and row, the runs read (keys) and their wall time, where they exist. */
  runs: { point: string; row: string; kind: string; key: string; seconds: number | null }[];
}

/** Options of {@linkcode scaleStudy}. */
export interface ScaleOptions extends FindingRunOptions {
  preset?: PresetName;
  grid?: readonly ScalePoint[];
  rows?: string[];
  /** Draw only what is cached (the default of the notebook at `tiny`: the grid takes days). */
  onlyCached?: boolean;
  /**
   * Compute only these points (1-based indices into the grid, cheapest first); the others are
   * drawn from what is cached. A sitting runs one point and archives it before the next.
   */
  points?: number[];
  /** BIO passes the long mixed run gives (default 100; `mix_bio100`). */
  bioPasses?: number;
}

const meanOf = (rows: AccuracyRow[], metric: string, split = "P_test") =>
  rows.find((r) => r.attribute === "mean" && r.split === split && r.metric === metric)?.accuracy ??
    null;

/** The paper's value of a measure for a row (the paper has no mixed run at 100 BIO passes). */
export function paperScaleValue(measure: ScaleMeasure, row: string): number | null {
  // bioR rows (bioR-like here) read Figure 12(a); the probes' lookups know bioR rows themselves.
  const qaMix = (block: "QA" | "MIX") =>
    row.startsWith("bioR:")
      ? paperCell("12", row.slice(5), block, "mean", { panel: "a" })
      : paperCell("3", row, block, "mean");
  try {
    switch (measure) {
      case "qa":
        return qaMix("QA");
      case "mix":
      case "mix_bio100":
        return qaMix("MIX");
      case "pprobe_pos0":
        return meanOrNull(ATTRIBUTES.map((a) => paperPProbeCell(row, a, 0)));
      case "qfirst":
        return meanOrNull(ATTRIBUTES.map((a) => paperFig7Cell(row, "Q_first", a)));
      case "bio":
        return null;
    }
  } catch {
    return null;
  }
}

/**
 * Runs (or reads) every point of the grid for the rows and collects the measures. With
 * `onlyCached`, a missing run leaves its cell empty (`ours` null) and nothing is computed.
 */
export async function scaleStudy(opts: ScaleOptions = {}): Promise<ScaleResult> {
  const preset = opts.preset ?? currentPreset();
  const grid = [...(opts.grid ?? SCALE_GRID)];
  const rows = opts.rows ?? [...SCALE_ROWS];
  for (const i of opts.points ?? []) {
    if (!Number.isInteger(i) || i < 1 || i > grid.length) {
      throw new Error(`scale: point ${i} is not in the grid; allowed: 1..${grid.length}`);
    }
  }
  const compute = (i: number) =>
    !opts.onlyCached && (opts.points === undefined || opts.points.includes(i + 1));
  const todo = grid.filter((_, i) => compute(i));
  if (todo.length > 0) {
    // Jobs start in this order: every row's pretraining with its finetune and probes, then the
    // mixed runs at the paper's budget, then the long ones (most of a point's time), so a sitting
    // cut short still has the four measures Figure `scale` is about.
    const perRow = todo.flatMap((p) => rows.map((row) => scaleRequests(preset, p, row, opts)));
    const all = [
      ...perRow.flatMap((r) => r.slice(0, 3)),
      ...perRow.map((r) => r[3]),
      ...perRow.map((r) => r[4]),
    ];
    await ensureRuns(all, { ...opts, defaultWorkers: getPreset(preset).workers });
  }
  const cells: ScaleCell[] = [];
  const runs: ScaleResult["runs"] = [];
  for (const [i, p] of grid.entries()) {
    const cachedOnly = !compute(i);
    for (const row of rows) {
      const [qa, pp, qp, mix, mixLong] = scaleRequests(preset, p, row, opts);
      const value: Partial<Record<ScaleMeasure, number | null>> = {};
      const read = async <R extends { cacheKey: string; wallSeconds?: number }>(
        req: WorkerRequest,
        get: () => Promise<R>,
      ): Promise<R | undefined> => {
        // Missing runs were computed above by the workers, or are computed here (one worker).
        if (cachedOnly && !(await isDone(req))) return undefined;
        const r = await get();
        runs.push({
          point: pointLabel(p),
          row,
          kind: req.kind === "mixed" ? `mixed x${req.stepsFactor ?? 1}` : req.kind,
          key: r.cacheKey,
          seconds: r.wallSeconds ?? null,
        });
        return r;
      };
      const noProgress = { progress: false };
      const pre = await read({ ...qa, kind: "pretrain" }, () => pretrain(qa, noProgress));
      value.bio = pre ? meanOf(pre.memorization, "bioFirstToken") : null;
      const ft = await read(qa, () => qaFinetune(qa, noProgress));
      value.qa = ft ? meanOf(ft.qa, "qaGenerationGreedy") : null;
      const m1 = await read(mix, () => mixedTrain(mix as WorkerRequest & { kind: "mixed" }));
      value.mix = m1 ? meanOf(m1.qa, "qaGenerationGreedy") : null;
      const m5 = await read(
        mixLong,
        () => mixedTrain(mixLong as WorkerRequest & { kind: "mixed" }),
      );
      value.mix_bio100 = m5 ? meanOf(m5.qa, "qaGenerationGreedy") : null;
      const p0 = await read(pp, () => pProbe(pp, {}, noProgress));
      value.pprobe_pos0 = p0
        ? meanOrNull(
          p0.cells.filter((c) => c.target === "first_token" && c.position === 0).map((c) =>
            c.accuracy
          ),
        )
        : null;
      const q = await read(qp, () => qProbe(qp, {}, noProgress));
      value.qfirst = q
        ? meanOrNull(q.rows.filter((x) => x.target === "first_token").map((x) => x.accuracy))
        : null;
      for (const measure of SCALE_MEASURES) {
        const ours = value[measure] ?? null;
        cells.push({
          N: p.people,
          model: modelLabel(p),
          passes: p.passes,
          point: pointLabel(p),
          row,
          measure,
          ours,
          std: 0,
          seeds: ours === null ? 0 : 1,
          paper: paperScaleValue(measure, row),
        });
      }
    }
  }
  return { preset, grid, rows, cells, runs };
}

const MEASURE_TITLES: Record<ScaleMeasure, string> = {
  qa: "QA after finetuning",
  mix: "mixed training (pretraining budget)",
  mix_bio100: "mixed training (BIO >= 100 passes)",
  pprobe_pos0: "P-probe, position 0",
  qfirst: "Q-probe, first token",
  bio: "BIO memorization (first token)",
};

/** One panel per measure: ours against the scale point, a line per row, the paper dashed. */
export function scaleSpec(res: ScaleResult): VegaLiteSpec {
  const ticks = new Map(res.grid.map((p) => [pointLabel(p), tickLabel(p)]));
  const order = res.grid.map(tickLabel);
  const values = res.cells.map((c) => ({
    ...c,
    tick: ticks.get(c.point),
    title: MEASURE_TITLES[c.measure],
  }));
  const bioR = res.rows.every((r) => r.startsWith("bioR:"));
  const color = {
    field: "row",
    type: "nominal",
    sort: res.rows,
    title: bioR ? "bioR-like data" : "bioS data",
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Where the paper's effects appear: P_test accuracy against scale, ours (paper dashed, ` +
      `at its scale) [${res.preset}]`,
    data: { values },
    facet: {
      field: "title",
      type: "nominal",
      sort: SCALE_MEASURES.map((m) => MEASURE_TITLES[m]),
      title: null,
    },
    columns: 3,
    spec: {
      width: 230,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.ours !== null" }],
          mark: { type: "line", point: true },
          encoding: {
            x: {
              field: "tick",
              type: "ordinal",
              sort: order,
              // Every point of the grid, the ones not run yet left empty.
              scale: { domain: order },
              title: "people · layers·width · passes",
              axis: { labelAngle: -40, labelLimit: 240 },
            },
            y: {
              field: "ours",
              type: "quantitative",
              title: "accuracy (%)",
              scale: { domain: [0, 100] },
            },
            color,
          },
        },
        {
          transform: [{ filter: "datum.paper !== null" }],
          mark: { type: "rule", strokeDash: [6, 4] },
          encoding: { y: { field: "paper", type: "quantitative" }, color },
        },
      ],
    },
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/** The interactive version: a subplot per measure, a line per row, the paper dotted. */
export function scalePlotly(res: ScaleResult): PlotlyFigure {
  const order = res.grid.map(pointLabel);
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const data: Record<string, unknown>[] = [];
  SCALE_MEASURES.forEach((m, k) => {
    const axis = k === 0 ? "" : String(k + 1);
    res.rows.forEach((row, j) => {
      const mine = order.map((pt) =>
        res.cells.find((c) => c.point === pt && c.row === row && c.measure === m)
      );
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: row,
        legendgroup: row,
        showlegend: k === 0,
        x: order,
        y: mine.map((c) => c?.ours ?? null),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: palette[j % palette.length] },
      });
      const paper = mine.find((c) => c?.paper !== null)?.paper;
      if (paper !== undefined && paper !== null) {
        data.push({
          type: "scatter",
          mode: "lines",
          name: `${row} (paper)`,
          legendgroup: row,
          showlegend: false,
          x: [order[0], order[order.length - 1]],
          y: [paper, paper],
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          line: { color: palette[j % palette.length], dash: "dot" },
        });
      }
    });
  });
  const layout: Record<string, unknown> = {
    title: { text: `Where the paper's effects appear (${res.preset})` },
    grid: { rows: 2, columns: 3, pattern: "independent" },
    height: 720,
    annotations: SCALE_MEASURES.map((m, k) => ({
      text: MEASURE_TITLES[m],
      xref: `x${k === 0 ? "" : k + 1} domain`,
      yref: `y${k === 0 ? "" : k + 1} domain`,
      x: 0.5,
      y: 1.12,
      showarrow: false,
    })),
  };
  SCALE_MEASURES.forEach((_, k) => {
    const s = k === 0 ? "" : String(k + 1);
    layout[`yaxis${s}`] = { range: [0, 100], title: { text: "accuracy (%)" } };
    layout[`xaxis${s}`] = { type: "category", tickangle: -30 };
  });
  return { data, layout };
}

/** Writes scale.{svg,png,html,json}. */
export async function saveScale(
  res: ScaleResult,
  opts: { dir?: string; name?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure(opts.name ?? "scale", scaleSpec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: scalePlotly(res),
    plotlyScript: "beside",
    data: res,
  });
}
