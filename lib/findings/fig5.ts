/**
 * Figure 5 (paper §5.1, Result 4): first-token accuracy of a rank-2 P-probe at the six special
 * positions of a biography entry (the token before each attribute value, in order of appearance)
 * for the 16 bioS rows; a cell (i, f) exists only where attribute f comes at or after position i,
 * so fixed-order rows (single, fullname, multiM) have 21 of the 36 cells, as in the paper. The
 * whole-attribute view is Figure 13(c)'s layout.
 * @module
 */
import { getPreset } from "../config/presets.ts";
import { currentPreset } from "../config/preset.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { FIG3_ROWS } from "./fig3.ts";
import { heatmapPlotly, type ProbeFigureOptions } from "./probing.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import {
  checkRows,
  positionPanels,
  type PProbeFigResult,
  pProbeFigure,
  pProbePanelCells,
  pProbePanelColumns,
  rowOrder,
  targetWords,
} from "./p_probing.ts";

/** Rows of Figure 5 in the paper's order. */
export const FIG5_ROWS: readonly string[] = FIG3_ROWS;

/**
 * Figure 5: P-probing of every row (default all 16) at the preset's rank (paper: 2), first-token
 * and whole-attribute.
 */
export async function fig5(opts: ProbeFigureOptions = {}): Promise<PProbeFigResult> {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG5_ROWS];
  checkRows(rows, FIG5_ROWS, "5");
  return await pProbeFigure(preset, rows, [getPreset(preset).probe.pRank], { ...opts, preset });
}

/**
 * The Figure 5 heatmap (first-token by default; whole-attribute = Figure 13c's layout), in six
 * panels, one per special position i (the paper's 36 "i-field" columns split at the position),
 * so the cells stay legible at notebook width.
 */
export function fig5Spec(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number } = {},
): VegaLiteSpec {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  const probe = getPreset(res.preset).probe;
  return heatmapSpec(pProbePanelCells(res, target, rank), {
    title: `${target === "first_token" ? "Figure 5" : "Figure 13(c)"}: P-probing ` +
      `${targetWords(target)} accuracy, rank ${rank}` +
      (probe.classifier === "readout" ? " (readout classifier)" : "") +
      `, ours (paper: rank 2) [${res.preset}]`,
    subtitle: [
      "one panel per special position i (the token before the i-th attribute of an entry); " +
      "– = attribute already seen",
    ],
    rowOrder: rowOrder(),
    columnOrder: pProbePanelColumns(target),
    panelOrder: positionPanels(),
    panelColumns: 2,
    rowTitle: "bioS pretraining data",
    labelLines: 2,
    cellWidth: 46,
    fontSize: 10,
  });
}

/** The interactive Figure 5 (hover: test entries defining the cell, seeds), in the same panels. */
export function fig5Plotly(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number } = {},
): PlotlyFigure {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  return heatmapPlotly(
    pProbePanelCells(res, target, rank).map((c) => ({
      row: c.row,
      column: c.column,
      panel: c.panel,
      belowBaseline: c.belowBaseline,
      ours: c.ours,
      paper: c.paper,
      note: `n=${c.n} test entries, ${c.seeds} seed(s), sd ${c.std.toFixed(1)}`,
    })),
    {
      title: `${target === "first_token" ? "Figure 5" : "Figure 13(c)"}: P-probing ` +
        `${targetWords(target)}, rank ${rank}, ours (paper), preset ${res.preset}`,
      rowOrder: rowOrder(),
      columnOrder: pProbePanelColumns(target),
      panelOrder: positionPanels(),
      panelColumns: 2,
      rowTitle: "bioS pretraining data",
      columnTitle: "attribute",
      cellWidth: 84,
    },
  );
}

/** Writes fig5.{svg,png,html,json} (first-token) and fig5_whole.{svg,png,html}. */
export async function saveFig5(
  res: PProbeFigResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  await saveFigure("fig5_whole", fig5Spec(res, { target: "whole_attribute" }), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig5Plotly(res, { target: "whole_attribute" }),
    plotlyScript: "beside",
  });
  return await saveFigure("fig5", fig5Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig5Plotly(res),
    plotlyScript: "beside",
    backend: res.runs[0]?.backend,
    data: { ...res, paperSource: "data/paper/fig5.json (first-token), fig13.json panel c (whole)" },
  });
}
