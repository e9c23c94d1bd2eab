/**
 * Q-probing of the BIO-pretrained models (paper §5.2, Result 5).
 *
 * - Figure 7: the model reads only a person's full name (EOS + name + EOS); a rank-16 embedding
 *   update + BatchNorm + linear head on the last layer at the final token predicts each attribute:
 *   "Q-first" (first token; the birth month for the birth date) and "Q-whole" (the whole value,
 *   no birth date). Beside it, the QA-finetune accuracy of the same rows (Figure 3's QA block),
 *   taken from the cache only when present (never run here), and the Pearson correlation between
 *   QA accuracy and Q-probing accuracy across rows: the paper's claim is that they track.
 * - Figure 16: rank 16 vs rank 64 for a preset-dependent subset.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { type FinetuneRequest, qaFinetune } from "../runs/experiments.ts";
import { PAPER_CONFIG_NAMES, paperCell } from "./paper.ts";
import { FIG3_ROWS, fig3Requests } from "./fig3.ts";
import { fig12aRequests, paperRowOf } from "./fig12a.ts";
import { isBioRConfig } from "../data/bior.ts";
import { isCached } from "./runs.ts";
import {
  heatmapPlotly,
  type ProbeFigureOptions,
  type ProbeRunInfo,
  probeRunInfo,
  qProbeRuns,
  rankAblationRows,
} from "./probing.ts";
import { meanOrNull, pearson, stdOrZero } from "./stats.ts";
import { heatmapSpec, VEGA_LITE_SCHEMA, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";

/** The blocks of Figure 7: QA (Figure 3's), Q-first, Q-whole. */
export type Fig7Block = "QA" | "Q_first" | "Q_whole";

/** Rows of Figure 7 in the paper's order. */
export const FIG7_ROWS: readonly string[] = FIG3_ROWS;

/** The columns of each block, as the paper prints them. */
export const FIG7_BLOCKS: Readonly<Record<Fig7Block, readonly string[]>> = {
  QA: ["mean", ...ATTRIBUTES],
  Q_first: [...ATTRIBUTES],
  Q_whole: ATTRIBUTES.filter((a) => a !== "b_date"),
};

/** A heatmap column name: "QA mean", "Qf b_month", "Qw univ" (the paper's headers). */
export function fig7Column(block: Fig7Block, column: string): string {
  if (block === "QA") return `QA ${column}`;
  if (block === "Q_first") return `Qf ${column === "b_date" ? "b_month" : column}`;
  return `Qw ${column}`;
}

/** Every heatmap column, in the paper's order. */
export function fig7Columns(blocks: readonly Fig7Block[] = ["QA", "Q_first", "Q_whole"]): string[] {
  return blocks.flatMap((b) => FIG7_BLOCKS[b].map((c) => fig7Column(b, c)));
}

/**
 * The paper's value: Figure 7 (= 16a) at rank 16, Figure 16b at rank 64; QA comes from Figure 7's
 * QA block (= Figure 3). A rank the paper did not run (the `tiny` preset's rank 0) is compared with
 * the paper's main probe, rank 16.
 */
export function paperFig7Cell(
  row: string,
  block: Fig7Block,
  column: string,
  rank = 16,
  data: "bioS" | "bioR" = isBioRConfig(row) ? "bioR" : "bioS",
): number | null {
  if (data === "bioR") {
    // bioR rows (bioR-like grammar data here): QA is Figure 12(a)'s, Q-probing Figure 16(c, d)'s
    // (the paper's bioR ranks are 32 and 128).
    const name = paperRowOf(row);
    if (block === "QA") return paperCell("12", name, "QA", column, { panel: "a" });
    return paperCell("16", name, block, column, { panel: rank >= 128 ? "d" : "c" });
  }
  if (block === "QA") return paperCell("7", row, "QA", column);
  if (rank === 64) return paperCell("16", row, block, column, { panel: "b" });
  return paperCell("7", row, block, column);
}

/** One cell of Figure 7 / 16. */
export interface Fig7Cell {
  row: string;
  block: Fig7Block;
  /** "mean" or an attribute (Q_first b_date = the birth month). */
  column: string;
  /** Probe rank (QA cells: the figure's first rank, for layout only). */
  rank: number;
  /** Mean over seeds, %; null where nothing is cached (QA) or defined. */
  ours: number | null;
  std: number;
  seeds: number;
  paper: number | null;
}

/** One Pearson correlation between QA accuracy and Q-probing accuracy, ours and the paper's. */
export interface Fig7Correlation {
  /** What is paired, in words. */
  name: string;
  /** Pairs used (rows, or row x attribute). */
  n: number;
  ours: number | null;
  /** The same correlation on the paper's numbers for the same rows. */
  paper: number | null;
}

/** Figure 7 / 16 numbers. */
export interface Fig7Result {
  preset: PresetName;
  ranks: number[];
  rows: string[];
  missingRows: string[];
  /** Rows whose QA-finetune results were in the cache (and their seeds). */
  qaRows: { row: string; seeds: number[] }[];
  cells: Fig7Cell[];
  correlations: Fig7Correlation[];
  runs: ProbeRunInfo[];
  wallSeconds: number;
}

/**
 * The QA results of `rows` that the cache holds (Figure 3's requests, Figure 12(a)'s for bioR
 * rows; nothing is run).
 */
async function cachedQA(preset: PresetName, rows: readonly string[]) {
  const out: { request: FinetuneRequest; result: Awaited<ReturnType<typeof qaFinetune>> }[] = [];
  const bioR = rows.filter(isBioRConfig), bioS = rows.filter((r) => !isBioRConfig(r));
  const reqs = [
    ...(bioS.length ? fig3Requests({ preset, rows: bioS }) : []),
    ...(bioR.length ? fig12aRequests({ preset, rows: bioR }) : []),
  ];
  for (const req of reqs) {
    if (await isCached(req)) {
      out.push({ request: req, result: await qaFinetune(req, { progress: false }) });
    }
  }
  return out;
}

/** Q-probes `rows` at each of `ranks` (missing runs are run) beside their cached QA. */
export async function qProbeFigure(
  preset: PresetName,
  rows: string[],
  ranks: number[],
  opts: ProbeFigureOptions,
): Promise<Fig7Result> {
  const t0 = performance.now();
  const got = await qProbeRuns(preset, rows, ranks, opts);
  const qa = await cachedQA(preset, got.rows);
  const cells: Fig7Cell[] = [];
  for (const row of got.rows) {
    const mineQA = qa.filter((q) => q.request.config === row);
    for (const column of FIG7_BLOCKS.QA) {
      const accs = mineQA.map((q) =>
        q.result.qa.find((m) =>
          m.split === "P_test" && m.attribute === column && m.metric !== "qaFirstToken"
        )?.accuracy ?? null
      );
      cells.push({
        row,
        block: "QA",
        column,
        rank: ranks[0],
        ours: meanOrNull(accs),
        std: stdOrZero(accs),
        seeds: accs.filter((a) => a !== null).length,
        paper: paperFig7Cell(row, "QA", column),
      });
    }
    for (const rank of ranks) {
      const mine = got.runs.filter((r) => r.row === row && r.rank === rank);
      for (const block of ["Q_first", "Q_whole"] as const) {
        const target: ProbeTarget = block === "Q_first" ? "first_token" : "whole_attribute";
        for (const column of FIG7_BLOCKS[block]) {
          const accs = mine.map((r) =>
            r.result.rows.find((x) => x.target === target && x.attribute === column)?.accuracy ??
              null
          );
          cells.push({
            row,
            block,
            column,
            rank,
            ours: meanOrNull(accs),
            std: stdOrZero(accs),
            seeds: accs.filter((a) => a !== null).length,
            paper: paperFig7Cell(row, block, column, rank),
          });
        }
      }
    }
  }
  // The majority-guess row, measured on our own P_test.
  const first = got.runs[0]?.result;
  const data = rows.every(isBioRConfig) ? "bioR" : "bioS";
  if (first) {
    for (const rank of ranks) {
      for (const r of first.rows) {
        const block: Fig7Block = r.target === "first_token" ? "Q_first" : "Q_whole";
        cells.push({
          row: "baseline",
          block,
          column: r.attribute,
          rank,
          ours: r.baseline,
          std: 0,
          seeds: 1,
          paper: paperFig7Cell("baseline", block, r.attribute, rank, data),
        });
      }
    }
  }
  return {
    preset,
    ranks,
    rows: got.rows,
    missingRows: got.missingRows,
    qaRows: got.rows.map((row) => ({
      row,
      seeds: qa.filter((q) => q.request.config === row).map((q) => q.request.seed),
    })).filter((q) => q.seeds.length > 0),
    cells,
    correlations: fig7Correlations(cells, ranks[0]),
    runs: got.runs.map((r) => probeRunInfo("qprobe", r)),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The correlations between QA accuracy and Q-probing accuracy across rows (baseline excluded), on
 * our numbers and on the paper's numbers of the same rows:
 * - per (row, attribute): QA accuracy of the attribute vs its Q-whole accuracy (5 attributes) and
 *   vs its Q-first accuracy (6; the birth date's QA vs the birth month's Q-first);
 * - per row: QA mean vs the mean Q-whole and the mean Q-first accuracy.
 */
export function fig7Correlations(cells: readonly Fig7Cell[], rank = 16): Fig7Correlation[] {
  const rows = [...new Set(cells.map((c) => c.row))].filter((r) => r !== "baseline");
  const get = (row: string, block: Fig7Block, column: string) =>
    cells.find((c) =>
      c.row === row && c.block === block && c.column === column &&
      (block === "QA" || c.rank === rank)
    );
  const blockMean = (row: string, block: Fig7Block, side: "ours" | "paper") =>
    meanOrNull(FIG7_BLOCKS[block].map((k) => get(row, block, k)?.[side] ?? null));
  const pairsOf = (row: string, block: "Q_first" | "Q_whole") =>
    FIG7_BLOCKS[block].map((a) => ({ qa: get(row, "QA", a), q: get(row, block, a) }));
  const result = (
    name: string,
    xo: (number | null)[],
    yo: (number | null)[],
    xp: (number | null)[],
    yp: (number | null)[],
  ): Fig7Correlation => {
    // Pairs where ours exist on both sides (the paper is read at the same pairs).
    const keep = xo.map((x, i) => x !== null && yo[i] !== null);
    const pick = (v: (number | null)[]) => v.filter((_, i) => keep[i]);
    return {
      name,
      n: keep.filter(Boolean).length,
      ours: pearson(pick(xo), pick(yo)),
      paper: pearson(pick(xp), pick(yp)),
    };
  };
  const out: Fig7Correlation[] = [];
  for (const block of ["Q_whole", "Q_first"] as const) {
    const pairs = rows.flatMap((r) => pairsOf(r, block));
    out.push(result(
      `QA vs ${block === "Q_whole" ? "Q-whole" : "Q-first"}, per (row, attribute)`,
      pairs.map((p) => p.qa?.ours ?? null),
      pairs.map((p) => p.q?.ours ?? null),
      pairs.map((p) => p.qa?.paper ?? null),
      pairs.map((p) => p.q?.paper ?? null),
    ));
  }
  for (const block of ["Q_whole", "Q_first"] as const) {
    out.push(result(
      `QA mean vs ${block === "Q_whole" ? "Q-whole" : "Q-first"} mean, per row`,
      rows.map((r) => get(r, "QA", "mean")?.ours ?? null),
      rows.map((r) => blockMean(r, block, "ours")),
      rows.map((r) => get(r, "QA", "mean")?.paper ?? null),
      rows.map((r) => blockMean(r, block, "paper")),
    ));
  }
  return out;
}

function checkRows(rows: readonly string[]): void {
  for (const r of rows) {
    if (!FIG7_ROWS.includes(r)) {
      throw new Error(`unknown Figure 7 row "${r}"; allowed: ${FIG7_ROWS.join(", ")}`);
    }
  }
}

/** Figure 7: rank-16 Q-probing of every row (default all 16), beside the cached QA accuracy. */
export async function fig7(opts: ProbeFigureOptions = {}): Promise<Fig7Result> {
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG7_ROWS];
  checkRows(rows);
  return await qProbeFigure(preset, rows, [getPreset(preset).probe.qRank], { ...opts, preset });
}

/** The rows of Figure 16 at a preset, restricted to `rows` when given (see `rankAblationRows`). */
export function fig16Rows(preset: PresetName, rows?: readonly string[]): string[] {
  const sub = rankAblationRows(preset);
  return rows ? sub.filter((r) => rows.includes(r)) : sub;
}

/** Figure 16 (a, b): rank 16 vs rank 64 Q-probing of the preset's subset. */
export async function fig16(opts: ProbeFigureOptions = {}): Promise<Fig7Result> {
  const preset = opts.preset ?? currentPreset();
  const rows = fig16Rows(preset, opts.rows);
  if (rows.length === 0) throw new Error("Figure 16: none of the rows is in the preset's subset");
  return await qProbeFigure(preset, rows, [16, 64], { ...opts, preset });
}

/** The mean Q-probing accuracy of a row over a block's attributes (ours), at `rank`. */
export function qProbeMean(
  res: Fig7Result,
  row: string,
  block: "Q_first" | "Q_whole" = "Q_first",
  rank = res.ranks[0],
): number | null {
  return meanOrNull(
    res.cells.filter((c) => c.row === row && c.block === block && c.rank === rank)
      .map((c) => c.ours),
  );
}

/** Figure 7 as a polars table: one line per (row, block, column, rank). */
export function fig7Table(res: Fig7Result): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    block: c.block,
    column: c.column,
    rank: c.block === "QA" ? null : c.rank,
    ours: c.ours === null ? null : +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    seeds: c.seeds,
    paper: c.paper,
  })));
}

/** The correlations as a polars table. */
export function fig7CorrelationTable(res: Fig7Result): pl.DataFrame {
  const r3 = (v: number | null) => v === null ? null : +v.toFixed(3);
  return pl.DataFrame(res.correlations.map((c) => ({
    correlation: c.name,
    pairs: c.n,
    ours: r3(c.ours),
    paper_same_rows: r3(c.paper),
  })));
}

const rowOrder = () => [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"];

/**
 * The majority-guess baseline of a Q-probing cell (same block, attribute and rank), or undefined
 * for QA cells, which have no baseline row here.
 */
function qBaseline(res: Fig7Result, c: Fig7Cell): number | undefined {
  if (c.block === "QA") return undefined;
  return res.cells.find((b) =>
    b.row === "baseline" && b.block === c.block && b.column === c.column && b.rank === c.rank
  )?.ours ?? undefined;
}

/** Heatmap cells of a rank: QA | Q-first | Q-whole, marked where below the majority guess. */
export function heatCells(res: Fig7Result, rank: number, label?: (row: string) => string) {
  return res.cells.filter((c) => c.block === "QA" || c.rank === rank).map((c) => {
    const base = c.row === "baseline" ? undefined : qBaseline(res, c);
    return {
      row: label && c.row !== "baseline" ? label(c.row) : c.row,
      column: fig7Column(c.block, c.column),
      ours: c.ours,
      paper: c.paper,
      belowBaseline: base !== undefined && c.ours !== null && c.ours < base,
      note: `${c.seeds} seed(s), sd ${c.std.toFixed(1)}`,
    };
  });
}

/** The Figure 7 heatmap: QA block | Q-first | Q-whole, ours (paper). */
export function fig7Spec(res: Fig7Result): VegaLiteSpec {
  return heatmapSpec(heatCells(res, res.ranks[0]), {
    title: `Figure 7: QA accuracy | Q-probing (rank ${res.ranks[0]}) first-token | whole, ` +
      `ours (paper) [${res.preset}]`,
    rowOrder: rowOrder(),
    columnOrder: fig7Columns(),
    rowTitle: "bioS pretraining data",
    cellWidth: 78,
  });
}

/** The interactive Figure 7. */
export function fig7Plotly(res: Fig7Result): PlotlyFigure {
  return heatmapPlotly(heatCells(res, res.ranks[0]), {
    title: `Figure 7: QA accuracy | Q-probing (rank ${res.ranks[0]}) first-token | whole, ` +
      `ours (paper), preset ${res.preset}`,
    rowOrder: rowOrder(),
    columnOrder: fig7Columns(),
    rowTitle: "bioS pretraining data",
    columnTitle: "QA = QA finetune; Qf = Q-probe first token; Qw = Q-probe whole attribute",
  });
}

/**
 * QA accuracy vs Q-probing accuracy per (row, attribute), ours beside the paper's. Q-first by
 * default: it is what notebook 06's text and the paper's Result 5 rest on (at `tiny` Q-whole sits
 * below the majority guess on every row, so its scatter shows no signal).
 */
export function fig7ScatterSpec(res: Fig7Result, block: "Q_whole" | "Q_first" = "Q_first") {
  const rank = res.ranks[0];
  const values: Record<string, unknown>[] = [];
  for (const row of res.rows) {
    for (const a of FIG7_BLOCKS[block]) {
      const qa = res.cells.find((c) => c.row === row && c.block === "QA" && c.column === a);
      const q = res.cells.find((c) =>
        c.row === row && c.block === block && c.column === a && c.rank === rank
      );
      if (!qa || !q) continue;
      if (qa.ours !== null && q.ours !== null) {
        values.push({ who: "ours", row, attribute: a, qa: qa.ours, q: q.ours });
      }
      if (qa.paper !== null && q.paper !== null) {
        values.push({ who: "paper", row, attribute: a, qa: qa.paper, q: q.paper });
      }
    }
  }
  const name = block === "Q_whole" ? "Q-whole" : "Q-first";
  const corr = res.correlations.find((c) => c.name.startsWith(`QA vs ${name},`));
  const f = (v: number | null | undefined) => v === null || v === undefined ? "n/a" : v.toFixed(2);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: [
        `Figure 7: QA accuracy vs ${name} accuracy per (row, attribute) [${res.preset}]`,
        `Pearson r: ours ${f(corr?.ours)} (${corr?.n ?? 0} pairs), paper ${f(corr?.paper)}`,
      ],
    },
    data: { values },
    facet: { column: { field: "who", type: "nominal", title: null } },
    spec: {
      width: 300,
      height: 300,
      mark: { type: "point", filled: true, size: 50 },
      encoding: {
        x: {
          field: "q",
          type: "quantitative",
          title: `${name} accuracy (%)`,
          scale: { domain: [0, 100] },
        },
        y: {
          field: "qa",
          type: "quantitative",
          title: "QA accuracy (%)",
          scale: { domain: [0, 100] },
        },
        color: { field: "attribute", type: "nominal" },
        tooltip: [{ field: "row" }, { field: "attribute" }, { field: "qa" }, { field: "q" }],
      },
    },
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/** Writes fig7.{svg,png,html,json} and fig7_correlation.{svg,png}. */
export async function saveFig7(
  res: Fig7Result,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  if (res.correlations.some((c) => c.n > 0)) {
    await saveFigure("fig7_correlation", fig7ScatterSpec(res), {
      dir: opts.dir,
      preset: res.preset,
    });
  }
  return await saveFigure("fig7", fig7Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig7Plotly(res),
    plotlyScript: "beside",
    backend: res.runs[0]?.backend,
    data: { ...res, paperSource: "data/paper/fig7.json (QA block = Figure 3)" },
  });
}

// ---------------------------------------------------------------------------------------------
// Figure 16

/** Largest |rank 64 - rank 16| over the Q-probing cells, ours and the paper's (same rows). */
export function qRankDifference(
  res: Fig7Result,
  ranks: [number, number] = [16, 64],
): { ours: number | null; paper: number | null; cells: number } {
  let ours: number | null = null, paper: number | null = null, n = 0;
  for (const a of res.cells.filter((c) => c.block !== "QA" && c.rank === ranks[0])) {
    if (a.row === "baseline") continue;
    const b = res.cells.find((c) =>
      c.row === a.row && c.block === a.block && c.column === a.column && c.rank === ranks[1]
    );
    if (!b) continue;
    if (a.ours !== null && b.ours !== null) {
      ours = Math.max(ours ?? 0, Math.abs(b.ours - a.ours));
      n++;
    }
    if (a.paper !== null && b.paper !== null) {
      paper = Math.max(paper ?? 0, Math.abs(b.paper - a.paper));
    }
  }
  // Rounded: the paper's numbers have one decimal, their float differences do not.
  const r = (v: number | null) => v === null ? null : +v.toFixed(2);
  return { ours: r(ours), paper: r(paper), cells: n };
}

function fig16Cells(res: Fig7Result) {
  return res.ranks.flatMap((rank) =>
    heatCells(res, rank, (row) => `${row} · rank ${rank}`)
      .filter((c) => !c.column.startsWith("QA "))
      .filter((c) => c.row !== "baseline" || rank === res.ranks[0])
  );
}

function fig16RowOrder(res: Fig7Result): string[] {
  return [
    ...rowOrder().filter((r) => r !== "baseline").flatMap((r) =>
      res.ranks.map((k) => `${r} · rank ${k}`)
    ),
    "baseline",
  ];
}

/** Figure 16 (a vs b): Q-first and Q-whole at rank 16 and rank 64. */
export function fig16Spec(res: Fig7Result): VegaLiteSpec {
  return widenRowLabels(heatmapSpec(fig16Cells(res), {
    title: `Figure 16: Q-probing rank ${res.ranks.join(" vs ")}, ours (paper) [${res.preset}]`,
    rowOrder: fig16RowOrder(res),
    columnOrder: fig7Columns(["Q_first", "Q_whole"]),
    rowTitle: "bioS data · probe rank",
    cellWidth: 74,
  }));
}

/** The interactive Figure 16. */
export function fig16Plotly(res: Fig7Result): PlotlyFigure {
  return heatmapPlotly(fig16Cells(res), {
    title: `Figure 16: Q-probing rank ${res.ranks.join(" vs ")}, ours (paper), ` +
      `preset ${res.preset}`,
    rowOrder: fig16RowOrder(res),
    columnOrder: fig7Columns(["Q_first", "Q_whole"]),
    rowTitle: "bioS data · probe rank",
    columnTitle: "Qf = Q-probe first token; Qw = Q-probe whole attribute",
  });
}

/** Writes fig16.{svg,png,html,json}. */
export async function saveFig16(
  res: Fig7Result,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure("fig16", fig16Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig16Plotly(res),
    plotlyScript: "beside",
    backend: res.runs[0]?.backend,
    data: {
      ...res,
      maxRankDifference: qRankDifference(res),
      paperSource: "data/paper/fig16.json panels a, b",
    },
  });
}

/** Q-probing accuracy of an attribute for a row (ours, first rank), e.g. for assertions. */
export function qProbeCell(
  res: Fig7Result,
  row: string,
  attribute: Attribute,
  block: "Q_first" | "Q_whole" = "Q_first",
): number | null {
  return res.cells.find((c) =>
    c.row === row && c.block === block && c.column === attribute && c.rank === res.ranks[0]
  )?.ours ?? null;
}
