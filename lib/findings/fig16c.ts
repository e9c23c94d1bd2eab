/**
 * Figure 16(c) (paper Appendix F): Q-probing on bioR, the Figure 7 protocol (a probe on the last
 * layer at the ending token after the full name alone; first token and whole attribute) beside the
 * QA accuracy of the same rows (Figure 12(a)). The paper probes bioR at rank 32 (panel c; 128 in
 * panel d): single Q-first far below multi5's, as on bioS. Ours runs on the bioR-like (grammar)
 * text at the preset's Q-probing rank (16 at `tiny`, whose 250 training people a larger rank fits
 * exactly), rows bioR single and multi5 by default. Figure 16(d) is the same at the paper's larger
 * bioR rank, 128, which we run as the paper does (`fig16d`): the paper finds the rank changes little.
 * @module
 */
import { getPreset } from "../config/presets.ts";
import { currentPreset } from "../config/preset.ts";
import { BIOR_ROWS } from "../data/bior.ts";
import type { ProbeFigureOptions } from "./probing.ts";
import { checkRows } from "./p_probing.ts";
import { fig7Columns, type Fig7Result, heatCells, qProbeFigure } from "./fig7.ts";
import { heatmapSpec, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";

/** Rows run by default: the paper's contrast. */
export const FIG16C_ROWS: readonly string[] = ["bioR:single", "bioR:multi5"];

/** The rank of Figure 16(d), the paper's (its larger bioR rank). */
export const FIG16D_RANK = 128;

/** Q-probing of bioR rows (default single and multi5) at the preset's Q rank. */
export async function fig16c(opts: ProbeFigureOptions = {}): Promise<Fig7Result> {
  return await bioRQProbes("c", opts);
}

/** Figure 16(d): the same rows at rank {@linkcode FIG16D_RANK}. */
export async function fig16d(opts: ProbeFigureOptions = {}): Promise<Fig7Result> {
  return await bioRQProbes("d", opts);
}

async function bioRQProbes(panel: "c" | "d", opts: ProbeFigureOptions): Promise<Fig7Result> {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG16C_ROWS];
  checkRows(rows, BIOR_ROWS, `16${panel}`);
  const rank = panel === "d" ? FIG16D_RANK : getPreset(preset).probe.qRank;
  return await qProbeFigure(preset, rows, [rank], { ...opts, preset });
}

/** The panel a result draws: d at the paper's larger rank, c otherwise. */
const panelOf = (res: Fig7Result) => res.ranks[0] >= FIG16D_RANK ? "d" : "c";

/** QA (Figure 12a) | Q-first | Q-whole on bioR, ours (paper: Llama bioR, rank 32 or 128). */
export function fig16cSpec(res: Fig7Result): VegaLiteSpec {
  const rank = res.ranks[0];
  const panel = panelOf(res);
  return widenRowLabels(heatmapSpec(heatCells(res, rank), {
    title: `Figure 16${panel}: QA accuracy | Q-probing (rank ${rank}) on bioR-like (grammar) ` +
      `data, ours (paper: Llama bioR, rank ${panel === "d" ? FIG16D_RANK : 32}) [${res.preset}]`,
    rowOrder: [...BIOR_ROWS.filter((r) => res.rows.includes(r)), "baseline"],
    columnOrder: fig7Columns(),
    rowTitle: "bioR-like pretraining data",
    cellWidth: 74,
  }));
}

/** Writes fig16c.{svg,png,json}, or fig16d.* for a result at rank {@linkcode FIG16D_RANK}. */
export async function saveFig16c(
  res: Fig7Result,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  const panel = panelOf(res);
  return await saveFigure(`fig16${panel}`, fig16cSpec(res), {
    dir: opts.dir,
    preset: res.preset,
    backend: res.runs[0]?.backend,
    data: { ...res, paperSource: `data/paper/fig16.json panel ${panel} (QA: fig12.json panel a)` },
  });
}
