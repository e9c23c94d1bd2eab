/**
 * Figure 3: BIO pretraining on each bioS configuration, QA finetuning on P_train, generation
 * accuracy on P_test (the QA columns), beside the paper's numbers. The paper's Result 3: knowledge
 * augmentation during pretraining is what makes the knowledge extractable. The MIX columns are the
 * same P_test accuracy after mixed training (BIO + P_train QA from scratch, QAr = 0.8), which the
 * paper finds high for every row; they are run with `mix: true` and otherwise shown for the rows
 * whose mixed runs are already cached.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset, PAPER_QAR } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { datasetFor, type FinetuneRequest, pretrain } from "../runs/experiments.ts";
import { type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import { PAPER_BASELINES, PAPER_CONFIG_NAMES, paperQA } from "./paper.ts";
import {
  cachedOnly,
  ensureQA,
  ensureRuns,
  type FindingRunOptions,
  isDone,
  majorityBaseline,
  rowRequest,
} from "./runs.ts";
import { meanStd, pearson, spearman } from "./stats.ts";
import { type HeatmapCell, heatmapSpec, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { accuracyColorscale } from "../plot/colors.ts";

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
/** The two blocks of columns: QA finetuning (left in the paper) and mixed training (right). */
export const FIG3_BLOCKS = ["QA", "MIX"] as const;
/** A block of Figure 3's columns. */
export type Fig3Block = (typeof FIG3_BLOCKS)[number];

/** Options of {@linkcode fig3}. */
export interface Fig3Options extends FindingRunOptions {
  preset?: PresetName;
  /** Rows to run (default all 16). */
  rows?: string[];
  /** Seeds per row (default: the preset's, more for the headline rows). */
  seeds?: number;
  /** Use only runs already in the cache (see `onlyCachedFromEnv`). */
  onlyCached?: boolean;
  /**
   * The MIX columns: `true` runs the mixed-training runs of the rows (same seeds as QA); `false`
   * (default) shows only the rows and seeds whose mixed runs are already cached; `"none"` leaves
   * the MIX block out (notebook 03's Figure 3, the QA block alone).
   */
  mix?: boolean | "none";
}

/** One cell of our Figure 3 with the paper's value. */
export interface Fig3Cell {
  row: string;
  /** "QA" (pretrain + QA finetune) or "MIX" (mixed training). */
  block: Fig3Block;
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
  /** Per mixed run (the MIX columns): P_train/P_test QA means and BIO memorization at the end. */
  mixRuns: {
    row: string;
    seed: number;
    QAr: number;
    qaInDist: number;
    qaOutDist: number;
    bioFirstToken: number;
    bioWhole: number;
    wallSeconds: number;
    cacheKey: string;
  }[];
  /** How alike our rows order themselves and the paper's, per block (see `fig3RowOrder`). */
  rowOrder: Fig3RowOrder[];
  wallSeconds: number;
}

/** Agreement of our row means with the paper's over the rows of one block (baseline left out). */
export interface Fig3RowOrder {
  block: Fig3Block;
  /** Rows compared. */
  n: number;
  /** Spearman rank correlation of the row means: does our ordering of rows follow the paper's? */
  spearman: number | null;
  /** Pearson correlation of the same means. */
  pearson: number | null;
}

/**
 * The issue asks for "the ordering of rows broadly as the paper's": our mean P_test accuracy per row
 * against the paper's, as rank (Spearman) and linear (Pearson) correlations, per block.
 */
export function fig3RowOrder(cells: readonly Fig3Cell[]): Fig3RowOrder[] {
  return FIG3_BLOCKS.flatMap((block) => {
    const means = cells.filter((c) =>
      c.block === block && c.column === "mean" && c.row !== "baseline"
    );
    if (!means.length) return [];
    const ours = means.map((c) => c.ours), paper = means.map((c) => c.paper);
    return [{
      block,
      n: means.length,
      spearman: spearman(ours, paper),
      pearson: pearson(ours, paper),
    }];
  });
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
    return seeds.map((seed) => rowRequest(preset, row, seed));
  });
}

/** The mixed-training requests of the MIX columns: one per (row, seed) of the QA requests. */
export function fig3MixRequests(opts: Fig3Options = {}): (MixedRequest & { QAr: number })[] {
  return fig3Requests(opts).map((r) => ({ ...r, QAr: PAPER_QAR }));
}

/** Runs (or reads from the cache) everything Figure 3 needs and aggregates it. */
export async function fig3(opts: Fig3Options = {}): Promise<Fig3Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const all = fig3Requests({ ...opts, preset });
  const reqs = opts.onlyCached ? await cachedOnly(all) : all;
  // MIX: every mixed run of the rows when asked (cached ones only under onlyCached), else only
  // those already cached.
  const mixReqs = [];
  for (const r of opts.mix === "none" ? [] : fig3MixRequests({ ...opts, preset })) {
    if ((opts.mix === true && !opts.onlyCached) || await isDone({ ...r, kind: "mixed" })) {
      mixReqs.push(r);
    }
  }
  const runOpts = { ...opts, defaultWorkers: getPreset(preset).workers };
  // One batch, so missing QA and mixed runs share the workers.
  await ensureRuns([
    ...reqs.map((r) => ({ ...r, kind: "qa" as const })),
    ...mixReqs.map((r) => ({ ...r, kind: "mixed" as const })),
  ], runOpts);
  const done = await ensureQA(reqs, runOpts);
  const mixDone: { request: MixedRequest; result: Awaited<ReturnType<typeof mixedTrain>> }[] = [];
  for (const r of mixReqs) mixDone.push({ request: r, result: await mixedTrain(r) });
  const rows = [...new Set(reqs.map((r) => r.config))];
  const ood = (r: { qa: (typeof done)[number]["result"]["qa"] }, a: string, split = "P_test") =>
    r.qa.find((m) => m.split === split && m.attribute === a && m.metric !== "qaFirstToken")!
      .accuracy;
  const cells: Fig3Cell[] = [];
  const blockCells = (
    block: Fig3Block,
    row: string,
    results: { qa: (typeof done)[number]["result"]["qa"] }[],
  ) => {
    for (const column of FIG3_COLUMNS) {
      const s = meanStd(results.map((r) => ood(r, column)));
      cells.push({
        row,
        block,
        column,
        ours: s.mean,
        std: s.std,
        seeds: s.n,
        paper: paperQA(row, column as never, { kind: block }),
      });
    }
  };
  for (const row of rows) {
    blockCells("QA", row, done.filter((d) => d.request.config === row).map((d) => d.result));
  }
  for (const row of rows) {
    const mine = mixDone.filter((d) => d.request.config === row).map((d) => d.result);
    if (mine.length) blockCells("MIX", row, mine);
  }
  const hasMix = mixDone.length > 0;
  // The majority-guess row, measured on our own P_test (seed 0's people).
  const p = getPreset(preset);
  const base = majorityBaseline(datasetFor("single", p.people, reqs[0]?.seed ?? 0));
  for (const block of hasMix ? FIG3_BLOCKS : (["QA"] as const)) {
    for (const column of FIG3_COLUMNS) {
      cells.push({
        row: "baseline",
        block,
        column,
        ours: base[column],
        std: 0,
        seeds: 1,
        paper: column === "mean"
          ? PAPER_BASELINES.wholeAttribute.mean
          : PAPER_BASELINES.wholeAttribute[column as keyof typeof PAPER_BASELINES.wholeAttribute],
      });
    }
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
  const bio = (d: (typeof mixDone)[number], metric: string) =>
    d.result.memorization.find((m) =>
      m.metric === metric && m.attribute === "mean" && m.split === "P_test"
    )?.accuracy ?? NaN;
  const mixRuns = mixDone.map((d) => ({
    row: d.request.config,
    seed: d.request.seed,
    QAr: d.result.spec.QAr,
    qaInDist: ood(d.result, "mean", "P_train"),
    qaOutDist: ood(d.result, "mean", "P_test"),
    bioFirstToken: bio(d, "bioFirstToken"),
    bioWhole: bio(d, "bioWholeAttribute"),
    wallSeconds: d.result.wallSeconds,
    cacheKey: d.result.cacheKey,
  }));
  return {
    preset,
    cells,
    runs,
    mixRuns,
    rowOrder: fig3RowOrder(cells),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** True when the result carries MIX cells (besides the baseline's). */
export function fig3HasMix(res: Fig3Result): boolean {
  return res.cells.some((c) => c.block === "MIX" && c.row !== "baseline");
}

/** The heatmap's column label of a cell: the attribute, prefixed by the block when MIX is shown. */
function columnLabel(c: { block: Fig3Block; column: string }, withBlocks: boolean): string {
  return withBlocks ? `${c.block} ${c.column}` : c.column;
}

function columnLabels(withBlocks: boolean): string[] {
  return withBlocks
    ? FIG3_BLOCKS.flatMap((b) =>
      FIG3_COLUMNS.map((column) => columnLabel({ block: b, column }, true))
    )
    : [...FIG3_COLUMNS];
}

/**
 * The cells drawn: ours, and for rows without mixed runs an empty MIX cell with the paper's value
 * (grey), so the MIX block keeps the paper's layout.
 */
function drawnCells(res: Fig3Result): (HeatmapCell & { std: number; seeds: number })[] {
  const withBlocks = fig3HasMix(res);
  const out = res.cells.map((c) => ({
    row: c.row,
    column: columnLabel(c, withBlocks),
    ours: c.ours as number | null,
    paper: c.paper,
    std: c.std,
    seeds: c.seeds,
  }));
  if (withBlocks) {
    for (const row of new Set(res.cells.map((c) => c.row))) {
      if (res.cells.some((c) => c.row === row && c.block === "MIX")) continue;
      for (const column of FIG3_COLUMNS) {
        out.push({
          row,
          column: columnLabel({ block: "MIX", column }, true),
          ours: null,
          paper: paperQA(row, column as never, { kind: "MIX" }),
          std: 0,
          seeds: 0,
        });
      }
    }
  }
  return out;
}

/** Figure 3 as a polars table: one row per (row, block, column) with ours ± std and the paper. */
export function fig3Table(res: Fig3Result): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    block: c.block,
    column: c.column,
    ours: +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
  })));
}

/** The heatmap in the paper's layout (rows in the paper's order, baseline last). */
export function fig3Spec(res: Fig3Result): VegaLiteSpec {
  const withBlocks = fig3HasMix(res);
  const cells: HeatmapCell[] = drawnCells(res).map((c) => ({
    row: c.row,
    column: c.column,
    ours: c.ours,
    paper: c.paper,
  }));
  // Row names such as "single+permute2+fullname" need more than vega-lite's default label width.
  return widenRowLabels(heatmapSpec(cells, {
    title: withBlocks
      ? `Figure 3: P_test accuracy, QA = BIO pretrain + QA finetune, MIX = mixed training ` +
        `(QAr=${PAPER_QAR}), ours (paper) [${res.preset}]`
      : `Figure 3 (QA): P_test accuracy after BIO pretrain + QA finetune, ours (paper) [${res.preset}]`,
    rowOrder: [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"],
    columnOrder: columnLabels(withBlocks),
    rowTitle: "bioS pretraining data",
    columnTitle: "attribute",
  }));
}

/** The interactive version (hover shows ours ± std, seeds and the paper). */
export function fig3Plotly(res: Fig3Result): PlotlyFigure {
  const withBlocks = fig3HasMix(res);
  const cols = columnLabels(withBlocks);
  const drawn = drawnCells(res);
  const order = [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"]
    .filter((r) => res.cells.some((c) => c.row === r));
  const at = (r: string, col: string) => drawn.find((c) => c.row === r && c.column === col);
  return {
    data: [{
      type: "heatmap",
      x: cols,
      y: order,
      z: order.map((r) => cols.map((col) => at(r, col)?.ours ?? null)),
      text: order.map((r) =>
        cols.map((col) => {
          const c = at(r, col);
          return c ? `${c.ours === null ? "–" : c.ours.toFixed(1)} (${c.paper})` : "";
        })
      ),
      customdata: order.map((r) =>
        cols.map((col) => [at(r, col)?.std ?? 0, at(r, col)?.seeds ?? 0])
      ),
      texttemplate: "%{text}",
      hovertemplate:
        "%{y} / %{x}<br>ours %{z:.1f} ± %{customdata[0]:.1f} (%{customdata[1]} seeds)" +
        "<br>(paper in brackets)<extra></extra>",
      colorscale: accuracyColorscale(),
      colorbar: { title: { text: "ours" } },
      zmin: 0,
      zmax: 100,
    }],
    layout: {
      title: {
        text: withBlocks
          ? `Figure 3: P_test accuracy, QA (pretrain + finetune) and MIX (mixed training), ` +
            `ours (paper), preset ${res.preset}`
          : `Figure 3 (QA): P_test accuracy after BIO pretrain + QA finetune, ours (paper), ` +
            `preset ${res.preset}`,
      },
      xaxis: { type: "category", side: "top", title: { text: "attribute" } },
      yaxis: {
        type: "category",
        autorange: "reversed",
        title: { text: "bioS pretraining data" },
      },
      height: 180 + 28 * order.length,
      width: withBlocks ? 1400 : 860,
      margin: { l: 220, t: 130 },
    },
  };
}

/**
 * The headline rows' P_test mean accuracy as bars with error bars (± one standard deviation over
 * seeds; the seeds are written under each bar) and the paper's value as a black tick; with MIX
 * cells, a QA and a MIX bar per row (the paper's two blocks side by side).
 */
export function fig3HeadlineSpec(res: Fig3Result): VegaLiteSpec {
  const withMix = fig3HasMix(res);
  const blocks: Fig3Block[] = withMix ? ["QA", "MIX"] : ["QA"];
  const values = res.cells
    .filter((c) => blocks.includes(c.block) && c.column === "mean" && HEADLINE_ROWS.includes(c.row))
    .map((c) => ({
      row: `${c.row} (${c.seeds} seed${c.seeds > 1 ? "s" : ""})`,
      block: c.block === "QA" ? "QA: pretrain + finetune" : "MIX: mixed training",
      ours: c.ours,
      lo: Math.max(0, c.ours - c.std),
      hi: Math.min(100, c.ours + c.std),
      paper: c.paper,
    }));
  const blockNames = blocks.map((b) =>
    b === "QA" ? "QA: pretrain + finetune" : "MIX: mixed training"
  );
  const x = {
    field: "row",
    type: "nominal",
    title: null,
    sort: null,
    axis: { labelAngle: 0, labelLimit: 400 },
  };
  const offset = withMix ? { xOffset: { field: "block", type: "nominal", sort: blockNames } } : {};
  const rows = new Set(values.map((v) => v.row)).size;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: [
        `Figure 3${withMix ? " (QA and MIX)" : " (QA)"}, headline rows [${res.preset}]`,
        "P_test accuracy: mean ± sd over seeds; black tick = paper",
      ],
    },
    width: (withMix ? 220 : 170) * Math.max(1, rows),
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          x,
          ...offset,
          y: {
            field: "ours",
            type: "quantitative",
            title: "P_test accuracy (%)",
            scale: { domain: [0, 100] },
          },
          color: {
            field: "block",
            type: "nominal",
            sort: blockNames,
            scale: { domain: blockNames, range: ["#4c78a8", "#f58518"] },
            title: null,
            legend: withMix ? { orient: "bottom", labelLimit: 300 } : null,
          },
        },
      },
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { x, ...offset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
      {
        mark: { type: "tick", color: "black", thickness: 3, size: withMix ? 28 : 40 },
        encoding: { x, ...offset, y: { field: "paper", type: "quantitative" } },
      },
      {
        mark: { type: "text", dy: -8, fontSize: 11 },
        encoding: {
          x,
          ...offset,
          y: { field: "hi", type: "quantitative" },
          text: { field: "ours", format: ".1f" },
        },
      },
    ],
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/**
 * Writes figures/<name>.{svg,png,html,json} and figures/<name>_headline.{svg,png} (`name` default
 * "fig3"; notebook 04 writes its QA + MIX version as "fig3_mix").
 */
export async function saveFig3(
  res: Fig3Result,
  opts: { dir?: string; name?: string } = {},
): Promise<SavedFigure> {
  const name = opts.name ?? "fig3";
  if (
    res.cells.some((c) => c.block === "QA" && c.column === "mean" && HEADLINE_ROWS.includes(c.row))
  ) {
    await saveFigure(`${name}_headline`, fig3HeadlineSpec(res), {
      dir: opts.dir,
      preset: res.preset,
    });
  }
  return await saveFigure(name, fig3Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig3Plotly(res),
    plotlyScript: "beside",
    data: res,
  });
}
