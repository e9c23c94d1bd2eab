/**
 * Figure 13 (paper Appendix E): P-probing at rank 2 vs rank 4, first-token and whole-attribute,
 * for a preset-dependent subset of rows: the embedding-update rank barely matters.
 * @module
 */
import { currentPreset, type PresetName } from "../config/preset.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { heatmapPlotly, type ProbeFigureOptions, rankAblationRows } from "./probing.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import {
  cellsOf,
  positionPanels,
  type PProbeFigResult,
  pProbeFigure,
  pProbePanelCells,
  pProbePanelColumns,
  rowOrder,
  targetWords,
} from "./p_probing.ts";

/**
 * The rows of Figure 13 at a preset, restricted to `rows` when given (e.g. PLM_ROWS): see
 * {@linkcode rankAblationRows}.
 */
export function fig13Rows(preset: PresetName, rows?: readonly string[]): string[] {
  const sub = rankAblationRows(preset);
  return rows ? sub.filter((r) => rows.includes(r)) : sub;
}

/** Figure 13: rank 2 vs rank 4 P-probing of the preset's subset (see {@linkcode fig13Rows}). */
export async function fig13(opts: ProbeFigureOptions = {}): Promise<PProbeFigResult> {
  const preset = opts.preset ?? currentPreset();
  const rows = fig13Rows(preset, opts.rows);
  if (rows.length === 0) throw new Error("Figure 13: none of the rows is in the preset's subset");
  return await pProbeFigure(preset, rows, [2, 4], { ...opts, preset });
}

/** Largest |rank b - rank a| over cells both define, ours and the paper's, per target. */
export function rankDifference(
  res: PProbeFigResult,
  target: ProbeTarget,
  ranks: [number, number] = [2, 4],
): { ours: number | null; paper: number | null; cells: number } {
  const a = cellsOf(res, target, ranks[0]).filter((c) => c.row !== "baseline");
  const b = cellsOf(res, target, ranks[1]);
  let ours: number | null = null, paper: number | null = null, n = 0;
  for (const c of a) {
    const d = b.find((x) => x.row === c.row && x.column === c.column);
    if (!d) continue;
    if (c.ours !== null && d.ours !== null) {
      ours = Math.max(ours ?? 0, Math.abs(d.ours - c.ours));
      n++;
    }
    if (c.paper !== null && d.paper !== null) {
      paper = Math.max(paper ?? 0, Math.abs(d.paper - c.paper));
    }
  }
  // Rounded: the paper's numbers have one decimal, their float differences do not.
  const r = (v: number | null) => v === null ? null : +v.toFixed(2);
  return { ours: r(ours), paper: r(paper), cells: n };
}

/** Both ranks' cells in Figure 5's panels, each row named with its rank. */
function fig13Cells(res: PProbeFigResult, target: ProbeTarget) {
  return res.ranks.flatMap((rank) => pProbePanelCells(res, target, rank)).map((c) => ({
    ...c,
    row: c.row === "baseline" ? "baseline" : `${c.row} · rank ${c.rank}`,
  })).filter((c) => !(c.row === "baseline" && c.rank !== res.ranks[0]));
}

function fig13RowOrder(res: PProbeFigResult): string[] {
  return [
    ...rowOrder().filter((r) => r !== "baseline").flatMap((r) =>
      res.ranks.map((k) => `${r} · rank ${k}`)
    ),
    "baseline",
  ];
}

/**
 * Figure 13 (a/b first-token or c/d whole-attribute): each row at rank 2 and at rank 4, in
 * Figure 5's panels (one per special position).
 */
export function fig13Spec(res: PProbeFigResult, target: ProbeTarget = "first_token"): VegaLiteSpec {
  return heatmapSpec(fig13Cells(res, target), {
    title: `Figure 13: P-probing ${targetWords(target)}, rank ${res.ranks.join(" vs ")}, ` +
      `ours (paper) [${res.preset}]`,
    subtitle: ["one panel per special position i; – = attribute already seen"],
    rowOrder: fig13RowOrder(res),
    columnOrder: pProbePanelColumns(target),
    panelOrder: positionPanels(),
    panelColumns: 2,
    rowTitle: "bioS data · probe rank",
    labelLines: 2,
    cellWidth: 46,
    fontSize: 10,
  });
}

/** The interactive Figure 13. */
export function fig13Plotly(
  res: PProbeFigResult,
  target: ProbeTarget = "first_token",
): PlotlyFigure {
  return heatmapPlotly(
    fig13Cells(res, target).map((c) => ({
      row: c.row,
      column: c.column,
      panel: c.panel,
      belowBaseline: c.belowBaseline,
      ours: c.ours,
      paper: c.paper,
      note: `n=${c.n}, ${c.seeds} seed(s)`,
    })),
    {
      title: `Figure 13: P-probing ${targetWords(target)}, rank ${res.ranks.join(" vs ")}, ` +
        `ours (paper), preset ${res.preset}`,
      rowOrder: fig13RowOrder(res),
      columnOrder: pProbePanelColumns(target),
      panelOrder: positionPanels(),
      panelColumns: 2,
      rowTitle: "bioS data · probe rank",
      columnTitle: "attribute",
      cellWidth: 84,
    },
  );
}

/** Writes fig13.{svg,png,html,json} (first-token) and fig13_whole.{svg,png,html}. */
export async function saveFig13(
  res: PProbeFigResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  await saveFigure("fig13_whole", fig13Spec(res, "whole_attribute"), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig13Plotly(res, "whole_attribute"),
    plotlyScript: "beside",
  });
  return await saveFigure("fig13", fig13Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig13Plotly(res),
    plotlyScript: "beside",
    backend: res.runs[0]?.backend,
    data: {
      ...res,
      maxRankDifference: {
        first_token: rankDifference(res, "first_token"),
        whole_attribute: rankDifference(res, "whole_attribute"),
      },
      paperSource: "data/paper/fig13.json panels a-d",
    },
  });
}
