/**
 * Figure 3 (QA columns): BIO pretraining on each bioS configuration, QA finetuning on P_train,
 * generation accuracy on P_test, beside the paper's numbers. The paper's Result 3: knowledge
 * augmentation during pretraining is what makes the knowledge extractable.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { datasetFor, type FinetuneRequest, pretrain } from "../runs/experiments.ts";
import { PAPER_BASELINES, PAPER_CONFIG_NAMES, paperQA } from "./paper.ts";
import { cachedOnly, ensureQA, type FindingRunOptions, majorityBaseline, meanStd } from "./runs.ts";
import { type HeatmapCell, heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";

/** The 16 bioS rows of Figure 3 in the paper's order. */
export const FIG3_ROWS: readonly string[] = PAPER_CONFIG_NAMES.filter((r) => r !== "baseline");
/** The rows the paper's headline rests on; at `tiny` they get several seeds. */
export const HEADLINE_ROWS: readonly string[] = [
  "single",
  "single+permute1",
  "multi5",
  "multi5+permute",
];
/** Columns: the mean, then the six attributes. */
export const FIG3_COLUMNS: readonly string[] = ["mean", ...ATTRIBUTES];

/** Options of {@linkcode fig3}. */
export interface Fig3Options extends FindingRunOptions {
  preset?: PresetName;
  /** Rows to run (default all 16). */
  rows?: string[];
  /** Seeds per row (default: the preset's, more for the headline rows). */
  seeds?: number;
  /** Use only runs already in the cache (see `onlyCachedFromEnv`). */
  onlyCached?: boolean;
}

/** One cell of our Figure 3 with the paper's value. */
export interface Fig3Cell {
  row: string;
  column: string;
  /** Mean P_test accuracy over seeds (%). */
  ours: number;
  std: number;
  seeds: number;
  paper: number;
}

/** Everything Figure 3 shows, plus what a reader needs to trust it. */
export interface Fig3Result {
  preset: PresetName;
  cells: Fig3Cell[];
  /** Per run: the memorization reached before finetuning and the P_test/P_train means. */
  runs: {
    row: string;
    seed: number;
    bioFirstToken: number;
    bioWhole: number;
    qaInDist: number;
    qaOutDist: number;
    pretrainSeconds: number;
    finetuneSeconds: number;
    tokensPerSec: number;
    cacheKey: string;
  }[];
  wallSeconds: number;
}

function validateRows(rows: string[]): void {
  for (const r of rows) {
    if (!FIG3_ROWS.includes(r)) {
      throw new Error(`unknown Figure 3 row "${r}"; allowed: ${FIG3_ROWS.join(", ")}`);
    }
  }
}

/** The requests of Figure 3: one QA-finetune run per (row, seed). */
export function fig3Requests(opts: Fig3Options = {}): FinetuneRequest[] {
  const preset = opts.preset ?? currentPreset();
  const p = getPreset(preset);
  const rows = opts.rows ?? [...FIG3_ROWS];
  validateRows(rows);
  return rows.flatMap((row) => {
    const seeds = opts.seeds !== undefined
      ? Array.from({ length: opts.seeds }, (_, i) => i)
      : HEADLINE_ROWS.includes(row)
      ? p.headlineSeeds
      : p.otherSeeds;
    return seeds.map((seed) => ({ preset, config: row, seed }));
  });
}

/** Runs (or reads from the cache) everything Figure 3 needs and aggregates it. */
export async function fig3(opts: Fig3Options = {}): Promise<Fig3Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const all = fig3Requests({ ...opts, preset });
  const reqs = opts.onlyCached ? await cachedOnly(all) : all;
  const done = await ensureQA(reqs, { ...opts, defaultWorkers: getPreset(preset).workers });
  const rows = [...new Set(reqs.map((r) => r.config))];
  const ood = (r: (typeof done)[number]["result"], a: string, split = "P_test") =>
    r.qa.find((m) => m.split === split && m.attribute === a && m.metric !== "qaFirstToken")!
      .accuracy;
  const cells: Fig3Cell[] = [];
  for (const row of rows) {
    const mine = done.filter((d) => d.request.config === row);
    for (const column of FIG3_COLUMNS) {
      const s = meanStd(mine.map((d) => ood(d.result, column)));
      cells.push({
        row,
        column,
        ours: s.mean,
        std: s.std,
        seeds: s.n,
        paper: paperQA(row, column as never),
      });
    }
  }
  // The majority-guess row, measured on our own P_test (seed 0's people).
  const p = getPreset(preset);
  const base = majorityBaseline(datasetFor("single", p.people, reqs[0]?.seed ?? 0));
  for (const column of FIG3_COLUMNS) {
    cells.push({
      row: "baseline",
      column,
      ours: base[column],
      std: 0,
      seeds: 1,
      paper: column === "mean"
        ? PAPER_BASELINES.wholeAttribute.mean
        : PAPER_BASELINES.wholeAttribute[column as keyof typeof PAPER_BASELINES.wholeAttribute],
    });
  }
  const runs = [];
  for (const d of done) {
    const pre = await pretrain(d.request, { progress: false });
    const mean = (metric: string) =>
      pre.memorization.find((m) =>
        m.metric === metric && m.attribute === "mean" && m.split === "P_test"
      )
        ?.accuracy ?? NaN;
    runs.push({
      row: d.request.config,
      seed: d.request.seed,
      bioFirstToken: mean("bioFirstToken"),
      bioWhole: mean("bioWholeAttribute"),
      qaInDist: ood(d.result, "mean", "P_train"),
      qaOutDist: ood(d.result, "mean", "P_test"),
      pretrainSeconds: pre.wallSeconds,
      finetuneSeconds: d.result.wallSeconds,
      tokensPerSec: pre.training.tokensPerSec,
      cacheKey: d.result.cacheKey,
    });
  }
  return { preset, cells, runs, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Figure 3 as a polars table: one row per (row, column) with ours ± std and the paper. */
export function fig3Table(res: Fig3Result): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    column: c.column,
    ours: +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
  })));
}

/** The heatmap in the paper's layout (rows in the paper's order, baseline last). */
export function fig3Spec(res: Fig3Result): VegaLiteSpec {
  const cells: HeatmapCell[] = res.cells.map((c) => ({
    row: c.row,
    column: c.column,
    ours: c.ours,
    paper: c.paper,
  }));
  return heatmapSpec(cells, {
    title:
      `Figure 3 (QA): P_test accuracy after BIO pretrain + QA finetune, ours (paper) [${res.preset}]`,
    rowOrder: [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"],
    columnOrder: [...FIG3_COLUMNS],
    rowTitle: "bioS pretraining data",
    columnTitle: "attribute",
  });
}

/** The interactive version (hover shows ours ± std, seeds and the paper). */
export function fig3Plotly(res: Fig3Result): PlotlyFigure {
  const order = [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"]
    .filter((r) => res.cells.some((c) => c.row === r));
  const at = (r: string, col: string) => res.cells.find((c) => c.row === r && c.column === col);
  return {
    data: [{
      type: "heatmap",
      x: [...FIG3_COLUMNS],
      y: order,
      z: order.map((r) => FIG3_COLUMNS.map((col) => at(r, col)?.ours ?? null)),
      text: order.map((r) =>
        FIG3_COLUMNS.map((col) => {
          const c = at(r, col);
          return c ? `${c.ours.toFixed(1)} (${c.paper})` : "";
        })
      ),
      customdata: order.map((r) =>
        FIG3_COLUMNS.map((col) => [at(r, col)?.std ?? 0, at(r, col)?.seeds ?? 0])
      ),
      texttemplate: "%{text}",
      hovertemplate:
        "%{y} / %{x}<br>ours %{z:.1f} ± %{customdata[0]:.1f} (%{customdata[1]} seeds)" +
        "<br>(paper in brackets)<extra></extra>",
      colorscale: "Viridis",
      zmin: 0,
      zmax: 100,
    }],
    layout: {
      title: `Figure 3 (QA columns), preset ${res.preset}`,
      yaxis: { autorange: "reversed" },
      height: 120 + 28 * order.length,
      width: 760,
      margin: { l: 190 },
    },
  };
}

/**
 * The headline rows' P_test mean accuracy as bars with error bars (± one standard deviation over
 * seeds; the seeds are written under each bar) and the paper's value as a black tick.
 */
export function fig3HeadlineSpec(res: Fig3Result): VegaLiteSpec {
  const values = res.cells
    .filter((c) => c.column === "mean" && HEADLINE_ROWS.includes(c.row))
    .map((c) => ({
      row: `${c.row} (${c.seeds} seed${c.seeds > 1 ? "s" : ""})`,
      ours: c.ours,
      lo: Math.max(0, c.ours - c.std),
      hi: Math.min(100, c.ours + c.std),
      paper: c.paper,
    }));
  const x = {
    field: "row",
    type: "nominal",
    title: null,
    sort: null,
    axis: { labelAngle: 0, labelLimit: 400 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: [
        `Figure 3, headline rows [${res.preset}]`,
        "P_test QA accuracy: mean ± sd over seeds; black tick = paper",
      ],
    },
    width: 170 * Math.max(1, values.length),
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: {
          x,
          y: {
            field: "ours",
            type: "quantitative",
            title: "P_test accuracy (%)",
            scale: { domain: [0, 100] },
          },
        },
      },
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
      {
        mark: { type: "tick", color: "black", thickness: 3, size: 40 },
        encoding: { x, y: { field: "paper", type: "quantitative" } },
      },
      {
        mark: { type: "text", dy: -8, fontSize: 11 },
        encoding: {
          x,
          y: { field: "hi", type: "quantitative" },
          text: { field: "ours", format: ".1f" },
        },
      },
    ],
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/** Writes figures/fig3.{svg,png,html,json} and figures/fig3_headline.{svg,png}. */
export async function saveFig3(res: Fig3Result, opts: { dir?: string } = {}): Promise<SavedFigure> {
  if (res.cells.some((c) => c.column === "mean" && HEADLINE_ROWS.includes(c.row))) {
    await saveFigure("fig3_headline", fig3HeadlineSpec(res), { dir: opts.dir, preset: res.preset });
  }
  return await saveFigure("fig3", fig3Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig3Plotly(res),
    plotlyScript: "beside",
    data: res,
  });
}
