/**
 * Figure 10 (Appendix C): mixed training at several QA ratios QAr. Less augmented data needs a high
 * QA ratio: on bioS single the paper's P_test QA mean goes from 24.5% at QAr = 0.1 to 85-87% at
 * 0.6-0.8, while multi5+permute stays at 94-97% for every ratio. Cells: P_test QA generation
 * accuracy (mean over the six attributes) after mixed training.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import { paperCell, paperRowNames } from "./paper.ts";
import { ensureRuns, type FindingRunOptions, isDone, rowRequest } from "./runs.ts";
import { meanStd } from "./stats.ts";
import { FIG3_ROWS } from "./fig3.ts";
import { qaGenerationAccuracy } from "./fig1.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { accuracyColorscale } from "../plot/colors.ts";

/** The paper's QA ratios of Figure 10, in printed order. */
export const FIG10_QARS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 0.9];
/** The bioS rows of Figure 10(a), in our (Figure 3) order. */
export const FIG10_ROWS: readonly string[] = FIG3_ROWS.filter((r) =>
  paperRowNames("10", { panel: "a" }).includes(r)
);

/** One cell of the sweep: a row at a QA ratio. */
export interface Fig10GridCell {
  row: string;
  QAr: number;
}

/** The sweep of a preset: its rows, its QA ratios and the (row, QAr) cells it runs. */
export interface Fig10Grid {
  rows: string[];
  QArs: number[];
  cells: Fig10GridCell[];
  /** In words, for the figure JSON and the notebook. */
  description: string;
}

const product = (rows: string[], QArs: number[]): Fig10GridCell[] =>
  rows.flatMap((row) => QArs.map((QAr) => ({ row, QAr })));

/**
 * The QAr sweep of a preset. `paper`: every row and ratio of Figure 10(a). `small` and `tiny`: the
 * issue's sweep, single, single+permute1 and multi5+permute at 0.1, 0.2, 0.4, 0.6, 0.8, 0.9 (18
 * runs; at `tiny` a mixed run takes about 15 min on one core, so the sweep is about 2.5 hours on two
 * workers; the 0.8 seed-0 runs are also Figure 1's and Figure 3's MIX cells). `smoke`: single at
 * 0.2 and 0.8.
 */
export function fig10Grid(preset: PresetName): Fig10Grid {
  const grid = (rows: string[], QArs: number[], why: string): Fig10Grid => ({
    rows,
    QArs,
    cells: product(rows, QArs),
    description: `${rows.join(", ")} x QAr ${QArs.join(", ")} (${why})`,
  });
  switch (preset) {
    case "paper":
      return grid([...FIG10_ROWS], [...FIG10_QARS], "the paper's Figure 10(a) grid");
    case "small":
    case "tiny":
      return grid(
        ["single", "single+permute1", "multi5+permute"],
        [0.1, 0.2, 0.4, 0.6, 0.8, 0.9],
        "reduced: three rows, six of the paper's seven ratios",
      );
    case "smoke":
      return grid(["single"], [0.2, 0.8], "plumbing check only");
  }
}

/** Options of {@linkcode fig10}. */
export interface Fig10Options extends FindingRunOptions {
  preset?: PresetName;
  /** Keep only these rows of the preset's grid (default: all of them). */
  rows?: string[];
  /** Seeds per cell (default 1: seed 0; the paper shows one run per cell). */
  seeds?: number;
  /** Use only mixed runs already in the cache. */
  onlyCached?: boolean;
}

/** One cell of our Figure 10 beside the paper's. */
export interface Fig10Cell {
  row: string;
  QAr: number;
  /** P_test QA mean accuracy, mean over seeds (%); null where no run is cached (onlyCached). */
  ours: number | null;
  std: number;
  seeds: number;
  /** P_train QA mean accuracy (in-distribution), mean over seeds. */
  inDist: number | null;
  /** The paper's Figure 10(a) value; null when the paper has no such row or ratio. */
  paper: number | null;
  cacheKeys: string[];
}

/** Figure 10's numbers. */
export interface Fig10Result {
  preset: PresetName;
  grid: Fig10Grid;
  cells: Fig10Cell[];
  wallSeconds: number;
}

/** The paper's Figure 10(a) value of a row at a ratio, or null. */
export function paperFig10(row: string, QAr: number): number | null {
  if (!FIG10_ROWS.includes(row)) return null;
  try {
    return paperCell("10", row, "QAr", String(QAr), { panel: "a" });
  } catch {
    return null;
  }
}

function gridOf(opts: Fig10Options, preset: PresetName): Fig10Grid {
  const g = fig10Grid(preset);
  if (!opts.rows) return g;
  for (const r of opts.rows) {
    if (!g.rows.includes(r)) {
      throw new Error(
        `Figure 10 row "${r}" is not in the ${preset} grid; allowed: ${g.rows.join(", ")}`,
      );
    }
  }
  const rows = g.rows.filter((r) => opts.rows!.includes(r));
  return { ...g, rows, cells: g.cells.filter((c) => rows.includes(c.row)) };
}

/** The mixed-training requests of Figure 10: one per (row, QAr) cell of the grid and seed. */
export function fig10Requests(opts: Fig10Options = {}): (MixedRequest & { QAr: number })[] {
  const preset = opts.preset ?? currentPreset();
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i);
  return gridOf(opts, preset).cells.flatMap((c) =>
    seeds.map((seed) => ({ ...rowRequest(preset, c.row, seed), QAr: c.QAr }))
  );
}

/** Runs (or reads) the sweep and aggregates it. */
export async function fig10(opts: Fig10Options = {}): Promise<Fig10Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const grid = gridOf(opts, preset);
  const all = fig10Requests({ ...opts, preset });
  const reqs = [];
  for (const r of all) {
    if (!opts.onlyCached || await isDone({ ...r, kind: "mixed" })) reqs.push(r);
  }
  if (opts.onlyCached && !reqs.length) {
    throw new Error("no cached mixed run of Figure 10 (PLM_ONLY_CACHED is set): run it first");
  }
  await ensureRuns(reqs.map((r) => ({ ...r, kind: "mixed" as const })), {
    ...opts,
    defaultWorkers: getPreset(preset).workers,
  });
  const done = [];
  for (const r of reqs) done.push({ request: r, result: await mixedTrain(r) });
  const cells: Fig10Cell[] = [];
  for (const row of grid.rows) {
    for (const QAr of grid.QArs) {
      const inGrid = grid.cells.some((c) => c.row === row && c.QAr === QAr);
      const mine = done.filter((d) => d.request.config === row && d.request.QAr === QAr);
      const s = meanStd(mine.map((d) => qaGenerationAccuracy(d.result.qa, "mean")));
      const inDist = meanStd(mine.map((d) => qaGenerationAccuracy(d.result.qa, "mean", "P_train")));
      if (!inGrid && !mine.length) {
        // A hole of a non-rectangular grid: drawn grey with the paper's value.
        cells.push({
          row,
          QAr,
          ours: null,
          std: 0,
          seeds: 0,
          inDist: null,
          paper: paperFig10(row, QAr),
          cacheKeys: [],
        });
        continue;
      }
      cells.push({
        row,
        QAr,
        ours: mine.length ? s.mean : null,
        std: s.std,
        seeds: s.n,
        inDist: mine.length ? inDist.mean : null,
        paper: paperFig10(row, QAr),
        cacheKeys: mine.map((d) => d.result.cacheKey),
      });
    }
  }
  return { preset, grid, cells, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Figure 10 as a polars table: one row per (row, QAr), ours beside the paper. */
export function fig10Table(res: Fig10Result): pl.DataFrame {
  const r1 = (v: number | null) => v === null ? null : +v.toFixed(1);
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    QAr: c.QAr,
    ours: r1(c.ours),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
    qa_P_train: r1(c.inDist),
  })));
}

/** The heatmap in the paper's layout: rows x QAr, each cell "ours (paper)". */
export function fig10Spec(res: Fig10Result): VegaLiteSpec {
  return heatmapSpec(
    res.cells.map((c) => ({
      row: c.row,
      column: String(c.QAr),
      ours: c.ours,
      paper: c.paper,
    })),
    {
      title:
        `Figure 10: P_test QA mean accuracy after mixed training vs QAr, ours (paper) [${res.preset}]`,
      rowOrder: FIG3_ROWS.filter((r) => res.grid.rows.includes(r)).reverse(),
      columnOrder: res.grid.QArs.map(String),
      rowTitle: "bioS data",
      columnTitle: "QAr (fraction of QA rows)",
      cellWidth: 90,
    },
  );
}

/** The interactive version (hover: ours ± std, seeds, P_train accuracy, paper). */
export function fig10Plotly(res: Fig10Result): PlotlyFigure {
  const rows = FIG3_ROWS.filter((r) => res.grid.rows.includes(r)).reverse();
  const xs = res.grid.QArs.map(String);
  const at = (r: string, q: string) => res.cells.find((c) => c.row === r && String(c.QAr) === q);
  return {
    data: [{
      type: "heatmap",
      x: xs,
      y: rows,
      z: rows.map((r) => xs.map((q) => at(r, q)?.ours ?? null)),
      text: rows.map((r) =>
        xs.map((q) => {
          const c = at(r, q);
          if (!c) return "";
          const o = c.ours === null ? "–" : c.ours.toFixed(1);
          return c.paper === null ? o : `${o} (${c.paper})`;
        })
      ),
      customdata: rows.map((r) =>
        xs.map((q) => [at(r, q)?.std ?? 0, at(r, q)?.seeds ?? 0, at(r, q)?.inDist ?? null])
      ),
      texttemplate: "%{text}",
      hovertemplate: "%{y}, QAr %{x}<br>P_test %{z:.1f} ± %{customdata[0]:.1f} " +
        "(%{customdata[1]} seeds)<br>P_train %{customdata[2]:.1f}<br>(paper in brackets)" +
        "<extra></extra>",
      colorscale: accuracyColorscale(),
      colorbar: { title: { text: "ours" } },
      zmin: 0,
      zmax: 100,
    }],
    layout: {
      title: {
        text: `Figure 10: P_test QA mean after mixed training vs QAr, ours (paper), ` +
          `preset ${res.preset}`,
      },
      xaxis: { title: { text: "QAr (fraction of QA rows)" }, type: "category" },
      // Top to bottom as in the static figure (plotly draws the first row at the bottom).
      yaxis: { title: { text: "bioS data" }, type: "category", autorange: "reversed" },
      height: 200 + 40 * rows.length,
      width: 320 + 100 * xs.length,
      margin: { l: 200 },
    },
  };
}

/** Writes figures/fig10.{svg,png,html,json}. */
export async function saveFig10(
  res: Fig10Result,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure("fig10", fig10Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig10Plotly(res),
    plotlyScript: "beside",
    data: res,
  });
}
