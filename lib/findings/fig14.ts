/**
 * Figure 14 (paper Appendix E): P-probing on bioR, the Figure 5 protocol (a rank-2 probe at the
 * six special positions, first-token and whole-attribute) on bioR single and multi5 (the paper
 * also draws the fullname and multi3 rows). Ours runs on the bioR-like (grammar) text: there the
 * special positions are the tokens before each attribute's value in order of FIRST APPEARANCE in
 * the entry, because the grammar varies the order (fused pairs, shuffled clauses), as the paper's
 * Llama rewrites do; each value occurs once per entry, so its first appearance is its only one.
 * @module
 */
import { getPreset } from "../config/presets.ts";
import { currentPreset } from "../config/preset.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { BIOR_ROWS } from "../data/bior.ts";
import type { ProbeFigureOptions } from "./probing.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import {
  checkRows,
  positionPanels,
  type PProbeFigResult,
  pProbeFigure,
  pProbePanelCells,
  pProbePanelColumns,
  targetWords,
} from "./p_probing.ts";

/** Every bioR row Figure 14 accepts (the paper's six). */
export const FIG14_ALL_ROWS: readonly string[] = BIOR_ROWS;
/** Rows run by default: bioR single and multi5, the paper's contrast. */
export const FIG14_ROWS: readonly string[] = ["bioR:single", "bioR:multi5"];

/** P-probing of the bioR rows (default single and multi5) at the preset's rank. */
export async function fig14(opts: ProbeFigureOptions = {}): Promise<PProbeFigResult> {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG14_ROWS];
  checkRows(rows, FIG14_ALL_ROWS, "14");
  return await pProbeFigure(preset, rows, [getPreset(preset).probe.pRank], { ...opts, preset });
}

/** The heatmap of one target: a panel per special position, ours (paper's Figure 14). */
export function fig14Spec(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget } = {},
): VegaLiteSpec {
  const target = opts.target ?? "first_token";
  const rank = res.ranks[0];
  return heatmapSpec(pProbePanelCells(res, target, rank), {
    title: `Figure 14: P-probing ${targetWords(target)} accuracy on bioR-like (grammar) data, ` +
      `rank ${rank}, ours (paper: Llama bioR, rank 2) [${res.preset}]`,
    subtitle: [
      "one panel per special position i (the token before the i-th attribute in order of first " +
      "appearance); – = attribute already seen",
    ],
    rowOrder: [...FIG14_ALL_ROWS.filter((r) => res.rows.includes(r)), "baseline"],
    columnOrder: pProbePanelColumns(target),
    panelOrder: positionPanels(),
    panelColumns: 2,
    rowTitle: "bioR-like pretraining data",
    labelLines: 2,
    cellWidth: 46,
    fontSize: 10,
  });
}

/** Writes fig14.{svg,png,json} (first-token) and fig14_whole.{svg,png}. */
export async function saveFig14(
  res: PProbeFigResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  await saveFigure("fig14_whole", fig14Spec(res, { target: "whole_attribute" }), {
    dir: opts.dir,
    preset: res.preset,
  });
  return await saveFigure("fig14", fig14Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    backend: res.runs[0]?.backend,
    data: { ...res, paperSource: "data/paper/fig14.json (panels a-d)" },
  });
}
