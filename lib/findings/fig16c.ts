/**
 * Figure 16(c) (paper Appendix F): Q-probing on bioR, the Figure 7 protocol (a probe on the last
 * layer at the ending token after the full name alone; first token and whole attribute) beside the
 * QA accuracy of the same rows (Figure 12(a)). The paper probes bioR at rank 32 (panel c; 128 in
 * panel d): single Q-first far below multi5's, as on bioS. Ours runs on the bioR-like (grammar)
 * text at the preset's Q-probing rank (16 at `tiny`, whose 250 training people a larger rank fits
 * exactly), rows bioR single and multi5 by default.
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

/** Q-probing of bioR rows (default single and multi5) at the preset's Q rank. */
export async function fig16c(opts: ProbeFigureOptions = {}): Promise<Fig7Result> {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG16C_ROWS];
  checkRows(rows, BIOR_ROWS, "16c");
  return await qProbeFigure(preset, rows, [getPreset(preset).probe.qRank], { ...opts, preset });
}

/** QA (Figure 12a) | Q-first | Q-whole on bioR, ours (paper: Llama bioR, rank 32). */
export function fig16cSpec(res: Fig7Result): VegaLiteSpec {
  const rank = res.ranks[0];
  return widenRowLabels(heatmapSpec(heatCells(res, rank), {
    title: `Figure 16c: QA accuracy | Q-probing (rank ${rank}) on bioR-like (grammar) data, ` +
      `ours (paper: Llama bioR, rank 32) [${res.preset}]`,
    rowOrder: [...BIOR_ROWS.filter((r) => res.rows.includes(r)), "baseline"],
    columnOrder: fig7Columns(),
    rowTitle: "bioR-like pretraining data",
    cellWidth: 74,
  }));
}

/** Writes fig16c.{svg,png,json}. */
export async function saveFig16c(
  res: Fig7Result,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure("fig16c", fig16cSpec(res), {
    dir: opts.dir,
    preset: res.preset,
    backend: res.runs[0]?.backend,
    data: { ...res, paperSource: "data/paper/fig16.json panel c (QA: fig12.json panel a)" },
  });
}
