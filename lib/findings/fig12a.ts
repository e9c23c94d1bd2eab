/**
 * Figure 12(a) (paper Appendix D): the Figure 3 protocol on bioR. Each of the six bioR rows is BIO
 * pretrained, then QA finetuned on P_train and tested on P_test (the QA block); the MIX block is
 * mixed training (QAr = 0.8) from scratch. The paper's bioR is Llama-30B prose on GPT2-302M; ours
 * is the bioR-like (grammar) text of lib/data/bior.ts on the preset's model, so the comparison is
 * of the pattern (single low, multiM high), not of the exact numbers.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset, PAPER_QAR } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { BIOR_ROWS } from "../data/bior.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { datasetFor, type FinetuneRequest } from "../runs/experiments.ts";
import { type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import type { AccuracyRow } from "../eval/metrics.ts";
import { paperCell } from "./paper.ts";
import {
  cachedOnly,
  ensureQA,
  ensureRuns,
  type FindingRunOptions,
  isDone,
  majorityBaseline,
  rowRequest,
} from "./runs.ts";
import { meanStd } from "./stats.ts";
import { type HeatmapCell, heatmapSpec, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";

/** Rows of Figure 12(a): the six bioR-like configurations, in the paper's order. */
export const FIG12A_ROWS: readonly string[] = BIOR_ROWS;
/** Columns: the mean, then the six attributes. */
export const QA_COLUMNS: readonly string[] = ["mean", ...ATTRIBUTES];

/** One cell: our mean over seeds beside the paper's value. */
export interface QACell {
  row: string;
  block: "QA" | "MIX";
  column: string;
  ours: number;
  std: number;
  seeds: number;
  paper: number | null;
}

/** Options of {@link fig12a}. */
export interface Fig12aOptions extends FindingRunOptions {
  preset?: PresetName;
  /** Rows to run (default all six). */
  rows?: string[];
  /** Seeds per row (default 1: every bioR row is a new pretraining). */
  seeds?: number;
  onlyCached?: boolean;
  /** MIX block: true runs the mixed runs; false (default) shows only cached ones. */
  mix?: boolean;
}

/** Figure 12(a)'s cells and runs. */
export interface Fig12aResult {
  preset: PresetName;
  cells: QACell[];
  runs: { row: string; seed: number; block: "QA" | "MIX"; qaInDist: number; cacheKey: string }[];
  /** The issue's targets at tiny: multi5 QA mean >= 75%, single <= 25%. */
  targets: { name: string; ours: number | null; target: string; met: boolean | null }[];
  wallSeconds: number;
}

/** P_test (or `split`) generation accuracy of an attribute or the mean. */
export function qaAccuracyOf(qa: AccuracyRow[], column: string, split = "P_test"): number {
  const r = qa.find((m) =>
    m.split === split && m.attribute === column && m.metric !== "qaFirstToken"
  );
  if (!r) throw new Error(`no ${split} accuracy for "${column}"`);
  return r.accuracy;
}

/** Cells of one (row, block) from several seeds' accuracy rows. */
export function qaCells(
  row: string,
  block: "QA" | "MIX",
  results: AccuracyRow[][],
  paper: (column: string) => number | null,
): QACell[] {
  return QA_COLUMNS.map((column) => {
    const s = meanStd(results.map((qa) => qaAccuracyOf(qa, column)));
    return { row, block, column, ours: s.mean, std: s.std, seeds: s.n, paper: paper(column) };
  });
}

/** The paper's row name of one of our bioR rows ("bioR:multi5" -> "multi5"). */
export function paperRowOf(row: string): string {
  return row.replace(/^bioR:/, "");
}

function checkRows(rows: string[]): void {
  for (const r of rows) {
    if (!FIG12A_ROWS.includes(r)) {
      throw new Error(`unknown Figure 12a row "${r}"; allowed: ${FIG12A_ROWS.join(", ")}`);
    }
  }
}

/** The QA-finetune requests of Figure 12(a). */
export function fig12aRequests(opts: Fig12aOptions = {}): FinetuneRequest[] {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG12A_ROWS];
  checkRows(rows);
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i);
  return rows.flatMap((row) => seeds.map((seed) => rowRequest(preset, row, seed)));
}

/** Runs (or reads) Figure 12(a)'s runs and aggregates them beside the paper's Figure 12(a). */
export async function fig12a(opts: Fig12aOptions = {}): Promise<Fig12aResult> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const all = fig12aRequests({ ...opts, preset });
  const reqs = opts.onlyCached ? await cachedOnly(all) : all;
  const mixReqs: (MixedRequest & { QAr: number })[] = [];
  for (const r of all.map((r) => ({ ...r, QAr: PAPER_QAR }))) {
    if ((opts.mix && !opts.onlyCached) || await isDone({ ...r, kind: "mixed" })) mixReqs.push(r);
  }
  const runOpts = { ...opts, defaultWorkers: getPreset(preset).workers };
  await ensureRuns([
    ...reqs.map((r) => ({ ...r, kind: "qa" as const })),
    ...mixReqs.map((r) => ({ ...r, kind: "mixed" as const })),
  ], runOpts);
  const done = await ensureQA(reqs, runOpts);
  const mixed = [];
  for (const r of mixReqs) mixed.push({ request: r, result: await mixedTrain(r) });
  const paper = (row: string, block: string) => (column: string) =>
    paperCell("12", paperRowOf(row), block, column, { panel: "a" });
  const cells: QACell[] = [];
  const runs: Fig12aResult["runs"] = [];
  for (const row of FIG12A_ROWS) {
    const qa = done.filter((d) => d.request.config === row);
    if (qa.length) cells.push(...qaCells(row, "QA", qa.map((d) => d.result.qa), paper(row, "QA")));
    const mix = mixed.filter((d) => d.request.config === row);
    if (mix.length) {
      cells.push(...qaCells(row, "MIX", mix.map((d) => d.result.qa), paper(row, "MIX")));
    }
    for (const d of qa) {
      runs.push({
        row,
        seed: d.request.seed,
        block: "QA",
        qaInDist: qaAccuracyOf(d.result.qa, "mean", "P_train"),
        cacheKey: d.result.cacheKey,
      });
    }
    for (const d of mix) {
      runs.push({
        row,
        seed: d.request.seed,
        block: "MIX",
        qaInDist: qaAccuracyOf(d.result.qa, "mean", "P_train"),
        cacheKey: d.result.cacheKey,
      });
    }
  }
  // Majority guess on our own P_test (bioR rows share bioS's people for a seed).
  const base = majorityBaseline(datasetFor("single", getPreset(preset).people, 0));
  for (const block of mixed.length ? (["QA", "MIX"] as const) : (["QA"] as const)) {
    for (const column of QA_COLUMNS) {
      cells.push({
        row: "baseline",
        block,
        column,
        ours: base[column],
        std: 0,
        seeds: 1,
        paper: paperCell("12", "baseline", block, column, { panel: "a" }),
      });
    }
  }
  const mean = (row: string) =>
    cells.find((c) => c.row === row && c.block === "QA" && c.column === "mean")?.ours ?? null;
  const target = (name: string, ours: number | null, text: string, ok: (v: number) => boolean) => ({
    name,
    ours,
    target: text,
    met: ours === null ? null : ok(ours),
  });
  return {
    preset,
    cells,
    runs,
    targets: [
      target("bioR:multi5 QA mean", mean("bioR:multi5"), ">= 75", (v) => v >= 75),
      target("bioR:single QA mean", mean("bioR:single"), "<= 25", (v) => v <= 25),
    ],
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** The cells as a polars table. */
export function qaTable(cells: readonly QACell[]): pl.DataFrame {
  return pl.DataFrame(cells.map((c) => ({
    row: c.row,
    block: c.block,
    column: c.column,
    ours: +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
  })));
}

/** A heatmap of QA cells, "ours (paper)" per cell, blocks side by side when MIX is present. */
export function qaHeatmap(
  cells: readonly QACell[],
  opts: { title: string; rowOrder: string[]; rowTitle: string },
): VegaLiteSpec {
  const withMix = cells.some((c) => c.block === "MIX" && c.row !== "baseline");
  const shown = cells.filter((c) => withMix || c.block === "QA");
  const label = (c: { block: string; column: string }) =>
    withMix ? `${c.block} ${c.column}` : c.column;
  const hc: HeatmapCell[] = shown.map((c) => ({
    row: c.row,
    column: label(c),
    ours: c.ours,
    paper: c.paper,
  }));
  const columns = (withMix ? ["QA", "MIX"] : ["QA"]).flatMap((block) =>
    QA_COLUMNS.map((column) => label({ block, column }))
  );
  return widenRowLabels(heatmapSpec(hc, {
    title: opts.title,
    rowOrder: opts.rowOrder,
    columnOrder: columns,
    rowTitle: opts.rowTitle,
    columnTitle: "attribute",
  }));
}

/** Writes figures/fig12a.{svg,png,json}. */
export async function saveFig12a(
  res: Fig12aResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  const spec = qaHeatmap(res.cells, {
    title: `Figure 12(a): P_test accuracy on bioR-like (grammar) data, QA = BIO pretrain + QA ` +
      `finetune${
        res.cells.some((c) => c.block === "MIX" && c.row !== "baseline")
          ? `, MIX = mixed training (QAr=${PAPER_QAR})`
          : ""
      }, ours (paper: Llama bioR) [${res.preset}]`,
    rowOrder: [...FIG12A_ROWS, "baseline"],
    rowTitle: "bioR-like pretraining data",
  });
  return await saveFigure("fig12a", spec, {
    dir: opts.dir,
    preset: res.preset,
    data: { ...res, paperSource: "data/paper/fig12.json panel a" },
  });
}
