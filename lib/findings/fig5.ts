/**
 * P-probing of the BIO-pretrained models (paper §5.1, Result 4).
 *
 * - Figure 5: first-token accuracy of a rank-2 probe at the six special positions of a biography
 *   entry (the token before each attribute value, in order of appearance) for the 16 bioS rows;
 *   a cell (i, f) exists only where attribute f comes at or after position i, so fixed-order rows
 *   (single, fullname, multiM) have 21 of the 36 cells, as in the paper. The whole-attribute view
 *   is Figure 13(c).
 * - Figure 13: rank 2 vs rank 4, first-token and whole-attribute, for a preset-dependent subset.
 * - Figures 6 / 15: the closer look on bioS couple1/2/5 data, accuracy split by which of the
 *   other five attributes were already seen (the paper's 5-set Venn diagrams, drawn here as an
 *   UpSet-style bar chart: one bar per non-empty region).
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { P_POSITIONS, vennBreakdown } from "../probe/p_probe.ts";
import {
  PAPER_CONFIG_NAMES,
  paperPanel,
  paperPProbe,
  type PaperVennCell,
  type PaperVennPanel,
} from "./paper.ts";
import { FIG3_ROWS } from "./fig3.ts";
import {
  heatmapPlotly,
  pProbeRuns,
  type ProbeFigureOptions,
  type ProbeRunInfo,
  probeRunInfo,
  rankAblationRows,
} from "./probing.ts";
import { meanOrNull, stdOrZero } from "./stats.ts";
import { type HeatmapCell, heatmapSpec, VEGA_LITE_SCHEMA, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";

/** The paper's short attribute names in P-probing columns (b_date's first token is the month). */
export const P_PROBE_SHORT: Readonly<Record<Attribute, string>> = {
  b_date: "bmonth",
  b_city: "bcity",
  univ: "univ",
  major: "major",
  c_name: "cname",
  c_city: "ccity",
};

/** The attributes of a P-probing target: six for first-token, five (no birth date) for whole. */
export function pProbeAttributes(target: ProbeTarget): Attribute[] {
  return target === "first_token" ? [...ATTRIBUTES] : ATTRIBUTES.filter((a) => a !== "b_date");
}

/** The column name of cell (position, attribute), the paper's "i-field": "0-bmonth", "5-ccity". */
export function pProbeColumn(position: number, attribute: Attribute): string {
  return `${position}-${P_PROBE_SHORT[attribute]}`;
}

/** The columns of a P-probing heatmap, position-major (36 first-token, 30 whole-attribute). */
export function pProbeColumns(target: ProbeTarget = "first_token"): string[] {
  const attrs = pProbeAttributes(target);
  return Array.from({ length: P_POSITIONS }, (_, i) => attrs.map((a) => pProbeColumn(i, a))).flat();
}

/** Rows of Figure 5 in the paper's order. */
export const FIG5_ROWS: readonly string[] = FIG3_ROWS;

/**
 * The paper's P-probing value of a cell: first-token rank 2 = Figure 5 (= 13a), first-token rank
 * 4 = 13b, whole-attribute rank 2 = 13c, rank 4 = 13d; null where the paper leaves the cell blank
 * ("–": the attribute was already seen). A rank the paper did not run (the `tiny` preset's rank 0)
 * is compared with the paper's main probe, rank 2.
 */
export function paperPProbeCell(
  row: string,
  attribute: Attribute,
  position: number,
  opts: { target?: ProbeTarget; rank?: number } = {},
): number | null {
  const target = opts.target ?? "first_token";
  const rank = opts.rank === 4 ? 4 : 2;
  if (target === "whole_attribute" && attribute === "b_date") return null;
  const panel = target === "first_token"
    ? (rank === 2 ? undefined : "b")
    : (rank === 2 ? "c" : "d");
  const values = panel === undefined
    ? paperPProbe(row, attribute)
    : paperPProbe(row, attribute, { figure: "13", panel });
  return values[position] ?? null;
}

/** One P-probing cell of ours beside the paper's. */
export interface PProbeFigCell {
  row: string;
  target: ProbeTarget;
  rank: number;
  position: number;
  attribute: Attribute;
  column: string;
  /** Mean P_test accuracy over seeds (%); null where no test entry defines the cell. */
  ours: number | null;
  std: number;
  seeds: number;
  /** Test entries defining the cell (seed 0). */
  n: number;
  paper: number | null;
}

/** Figure 5 (or 13): P-probing cells for some rows and ranks. */
export interface PProbeFigResult {
  preset: PresetName;
  ranks: number[];
  /** Rows drawn (the baseline row is in `cells` too). */
  rows: string[];
  /** Rows asked for but left out (no cached probe while `onlyCached`). */
  missingRows: string[];
  cells: PProbeFigCell[];
  runs: ProbeRunInfo[];
  wallSeconds: number;
}

async function pProbeFigure(
  preset: PresetName,
  rows: string[],
  ranks: number[],
  opts: ProbeFigureOptions,
): Promise<PProbeFigResult> {
  const t0 = performance.now();
  const got = await pProbeRuns(preset, rows, ranks, opts);
  const cells: PProbeFigCell[] = [];
  for (const rank of ranks) {
    for (const row of got.rows) {
      const mine = got.runs.filter((r) => r.row === row && r.rank === rank);
      for (const target of ["first_token", "whole_attribute"] as const) {
        for (const attribute of pProbeAttributes(target)) {
          for (let position = 0; position < P_POSITIONS; position++) {
            const hit = (r: (typeof mine)[number]) =>
              r.result.cells.find((c) =>
                c.target === target && c.attribute === attribute && c.position === position
              );
            const accs = mine.map((r) => hit(r)?.accuracy ?? null);
            cells.push({
              row,
              target,
              rank,
              position,
              attribute,
              column: pProbeColumn(position, attribute),
              ours: meanOrNull(accs),
              std: stdOrZero(accs),
              seeds: accs.filter((a) => a !== null).length,
              n: mine.length ? hit(mine[0])?.n ?? 0 : 0,
              paper: paperPProbeCell(row, attribute, position, { target, rank }),
            });
          }
        }
      }
    }
  }
  // The majority-guess row: the same at every position, measured on our own P_test.
  const first = got.runs[0]?.result;
  if (first) {
    for (const rank of ranks) {
      for (const t of first.tasks) {
        for (let position = 0; position < P_POSITIONS; position++) {
          cells.push({
            row: "baseline",
            target: t.target,
            rank,
            position,
            attribute: t.attribute,
            column: pProbeColumn(position, t.attribute),
            ours: t.baseline,
            std: 0,
            seeds: 1,
            n: first.nTest,
            paper: paperPProbeCell("baseline", t.attribute, position, { target: t.target, rank }),
          });
        }
      }
    }
  }
  return {
    preset,
    ranks,
    rows: got.rows,
    missingRows: got.missingRows,
    cells,
    runs: got.runs.map((r) => probeRunInfo("pprobe", r)),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

function checkRows(rows: readonly string[], allowed: readonly string[], figure: string): void {
  for (const r of rows) {
    if (!allowed.includes(r)) {
      throw new Error(`unknown Figure ${figure} row "${r}"; allowed: ${allowed.join(", ")}`);
    }
  }
}

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

/** The cells of one target and rank, in the layout of the paper's heatmaps. */
function cellsOf(res: PProbeFigResult, target: ProbeTarget, rank: number): PProbeFigCell[] {
  return res.cells.filter((c) => c.target === target && c.rank === rank);
}

const rowOrder = () => [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"];
const targetWords = (t: ProbeTarget) => t === "first_token" ? "first-token" : "whole-attribute";

/** P-probing as a polars table: one line per (row, target, rank, position, attribute). */
export function pProbeTable(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number } = {},
): pl.DataFrame {
  const cells = res.cells.filter((c) =>
    (opts.target === undefined || c.target === opts.target) &&
    (opts.rank === undefined || c.rank === opts.rank)
  );
  return pl.DataFrame(cells.map((c) => ({
    row: c.row,
    target: c.target,
    rank: c.rank,
    position: c.position,
    attribute: c.attribute,
    ours: c.ours === null ? null : +c.ours.toFixed(1),
    paper: c.paper,
    n: c.n,
    seeds: c.seeds,
  })));
}

/**
 * A wide view: one line per row, one column per attribute, each the accuracy at `position`
 * (default 0, where the paper's contrast is sharpest), ours and paper side by side.
 */
export function pProbeWideTable(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number; position?: number } = {},
): pl.DataFrame {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  const position = opts.position ?? 0;
  const cells = cellsOf(res, target, rank).filter((c) => c.position === position);
  const rows = rowOrder().filter((r) => cells.some((c) => c.row === r));
  const r1 = (v: number | null) => v === null ? null : +v.toFixed(1);
  return pl.DataFrame(rows.map((row) => {
    const line: Record<string, unknown> = { row };
    for (const a of pProbeAttributes(target)) {
      const c = cells.find((x) => x.row === row && x.attribute === a);
      line[`${P_PROBE_SHORT[a]}`] = r1(c?.ours ?? null);
      line[`${P_PROBE_SHORT[a]} paper`] = c?.paper ?? null;
    }
    return line;
  }));
}

/**
 * The mean over attributes of a row's accuracy at `position` (first-token by default), ours; null
 * if no attribute is defined there. Figure 5's headline: multi5+permute at position 0.
 */
export function pProbePositionMean(
  res: PProbeFigResult,
  row: string,
  opts: { position?: number; target?: ProbeTarget; rank?: number } = {},
): number | null {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  const position = opts.position ?? 0;
  return meanOrNull(
    cellsOf(res, target, rank).filter((c) => c.row === row && c.position === position)
      .map((c) => c.ours),
  );
}

/** The Figure 5 heatmap (first-token by default; whole-attribute = Figure 13c's layout). */
export function fig5Spec(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number } = {},
): VegaLiteSpec {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  const cells: HeatmapCell[] = cellsOf(res, target, rank).map((c) => ({
    row: c.row,
    column: c.column,
    ours: c.ours,
    paper: c.paper,
  }));
  const probe = getPreset(res.preset).probe;
  return heatmapSpec(cells, {
    title: `${target === "first_token" ? "Figure 5" : "Figure 13(c)"}: P-probing ` +
      `${targetWords(target)} accuracy, rank ${rank}` +
      (probe.classifier === "readout" ? " (readout classifier)" : "") +
      `, ours (paper: rank 2) [${res.preset}]`,
    rowOrder: rowOrder(),
    columnOrder: pProbeColumns(target),
    rowTitle: "bioS pretraining data",
    columnTitle: "special position i - attribute (– = already seen)",
    cellWidth: 70,
  });
}

/** The interactive Figure 5 (hover: test entries defining the cell, seeds). */
export function fig5Plotly(
  res: PProbeFigResult,
  opts: { target?: ProbeTarget; rank?: number } = {},
): PlotlyFigure {
  const target = opts.target ?? "first_token";
  const rank = opts.rank ?? res.ranks[0];
  return heatmapPlotly(
    cellsOf(res, target, rank).map((c) => ({
      row: c.row,
      column: c.column,
      ours: c.ours,
      paper: c.paper,
      note: `n=${c.n} test entries, ${c.seeds} seed(s), sd ${c.std.toFixed(1)}`,
    })),
    {
      title: `P-probing ${targetWords(target)}, rank ${rank}, preset ${res.preset}`,
      rowOrder: rowOrder(),
      columnOrder: pProbeColumns(target),
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

// ---------------------------------------------------------------------------------------------
// Figure 13: rank 2 vs rank 4

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

function fig13Cells(res: PProbeFigResult, target: ProbeTarget) {
  return res.cells.filter((c) => c.target === target).map((c) => ({
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

/** Figure 13 (a/b first-token or c/d whole-attribute): each row at rank 2 and at rank 4. */
export function fig13Spec(res: PProbeFigResult, target: ProbeTarget = "first_token"): VegaLiteSpec {
  return widenRowLabels(heatmapSpec(
    fig13Cells(res, target).map((c) => ({
      row: c.row,
      column: c.column,
      ours: c.ours,
      paper: c.paper,
    })),
    {
      title: `Figure 13: P-probing ${targetWords(target)}, rank ${res.ranks.join(" vs ")}, ` +
        `ours (paper) [${res.preset}]`,
      rowOrder: fig13RowOrder(res),
      columnOrder: pProbeColumns(target),
      rowTitle: "bioS data · probe rank",
      columnTitle: "special position i - attribute",
      cellWidth: 70,
    },
  ));
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
      ours: c.ours,
      paper: c.paper,
      note: `n=${c.n}, ${c.seeds} seed(s)`,
    })),
    {
      title: `Figure 13 (${targetWords(target)}), preset ${res.preset}`,
      rowOrder: fig13RowOrder(res),
      columnOrder: pProbeColumns(target),
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

// ---------------------------------------------------------------------------------------------
// Figures 6 / 15: closer P-probing on bioS couple data

/** The couple rows of Figure 15 (couple2 alone is Figure 6). */
export const FIG15_ROWS: readonly string[] = ["couple1", "couple2", "couple5"];
/** The three targets of the Venn diagrams and the attribute each is coupled with. */
export const VENN_TARGETS: readonly { target: Attribute; coupledWith: Attribute }[] = [
  { target: "b_city", coupledWith: "b_date" },
  { target: "major", coupledWith: "univ" },
  { target: "c_city", coupledWith: "c_name" },
];

/** The couple rows a preset draws: couple2 (Figure 6) at smoke, all three (Figure 15) otherwise. */
export function fig6Rows(preset: PresetName): string[] {
  return preset === "smoke" ? ["couple2"] : [...FIG15_ROWS];
}

/** The paper's summary of one Venn diagram (Figure 6 for couple2, Figure 15 otherwise). */
export function paperVenn(row: string, target: Attribute): PaperVennCell | null {
  for (const figure of row === "couple2" ? ["6", "15"] : ["15"]) {
    const panel = paperPanel(figure) as PaperVennPanel;
    const hit = panel.rows.find((r) => r.row === row)?.cells[target];
    if (hit) return hit;
  }
  return null;
}

/** One region of a Venn diagram: the other attributes seen before the probed position. */
export interface VennRegionCell {
  row: string;
  target: Attribute;
  coupledWith: Attribute;
  /** Seen attributes, e.g. [] (base), ["b_date"], ["univ", "major"]. */
  seen: Attribute[];
  /** "none", or the short names joined by "+". */
  region: string;
  coupledSeen: boolean;
  accuracy: number;
  n: number;
}

/** Our numbers for the summary the paper prints per Venn diagram. */
export interface VennSummary {
  row: string;
  target: Attribute;
  coupledWith: Attribute;
  base: number | null;
  /** Pooled over every region that contains the coupled attribute. */
  coupledSeen: number | null;
  /** [lo, hi] over regions where exactly one unrelated attribute was seen. */
  otherSingleSeen: [number, number] | null;
  paper: PaperVennCell | null;
}

/** Figure 6 / 15 numbers. */
export interface Fig6Result {
  preset: PresetName;
  rows: string[];
  missingRows: string[];
  /** What is broken down: first-token accuracy (the paper does not say which). */
  target: ProbeTarget;
  /** The embedding-update rank of the probes: the preset's P-probe rank (paper 2; `tiny` 0). */
  rank: number;
  regions: VennRegionCell[];
  summary: VennSummary[];
  runs: ProbeRunInfo[];
  /** How the figure is drawn, in words (a 5-set Venn is replaced by bars). */
  drawing: string;
  wallSeconds: number;
}

const regionName = (seen: readonly Attribute[]) =>
  seen.length ? seen.map((a) => P_PROBE_SHORT[a]).join("+") : "none";

/**
 * Figures 6/15: P-probing of the couple rows at the preset's P-probe rank (the paper's 2; `tiny`
 * uses Figure 5's rank-0 readout probe), broken down by the attributes seen.
 */
export async function fig6(opts: ProbeFigureOptions = {}): Promise<Fig6Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? fig6Rows(preset);
  checkRows(rows, FIG15_ROWS, "6/15");
  const rank = getPreset(preset).probe.pRank;
  const got = await pProbeRuns(preset, rows, [rank], { ...opts, preset });
  const regions: VennRegionCell[] = [];
  const summary: VennSummary[] = [];
  for (const row of got.rows) {
    const mine = got.runs.filter((r) => r.row === row);
    for (const { target, coupledWith } of VENN_TARGETS) {
      // Pooled over seeds: the right answers and entries of every region.
      const pooled = new Map<string, { seen: Attribute[]; right: number; n: number }>();
      for (const r of mine) {
        for (const g of vennBreakdown(r.result, target)) {
          const k = g.seen.join(",");
          const p = pooled.get(k) ?? { seen: g.seen, right: 0, n: 0 };
          p.right += (g.accuracy * g.n) / 100;
          p.n += g.n;
          pooled.set(k, p);
        }
      }
      const mineRegions: VennRegionCell[] = [...pooled.values()].map((p) => ({
        row,
        target,
        coupledWith,
        seen: p.seen,
        region: regionName(p.seen),
        coupledSeen: p.seen.includes(coupledWith),
        accuracy: (100 * p.right) / p.n,
        n: p.n,
      }));
      regions.push(...mineRegions);
      const withCoupled = mineRegions.filter((g) => g.coupledSeen);
      const nC = withCoupled.reduce((s, g) => s + g.n, 0);
      const singles = mineRegions.filter((g) => g.seen.length === 1 && !g.coupledSeen)
        .map((g) => g.accuracy);
      summary.push({
        row,
        target,
        coupledWith,
        base: mineRegions.find((g) => g.seen.length === 0)?.accuracy ?? null,
        coupledSeen: nC ? withCoupled.reduce((s, g) => s + g.accuracy * g.n, 0) / nC : null,
        otherSingleSeen: singles.length ? [Math.min(...singles), Math.max(...singles)] : null,
        paper: paperVenn(row, target),
      });
    }
  }
  return {
    preset,
    rows: got.rows,
    missingRows: got.missingRows,
    target: "first_token",
    rank,
    regions,
    summary,
    runs: got.runs.map((r) => probeRunInfo("pprobe", r)),
    drawing: "UpSet-style bars instead of the paper's 5-set Venn diagrams: one bar per non-empty " +
      "region (which of the other five attributes were seen before the probed position), dark " +
      "where the coupled attribute was seen; the paper's base accuracy is the black rule. The " +
      "paper prints only summary numbers here (base, coupled seen, one other attribute seen).",
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** The Venn summary as a polars table, ours beside the paper. */
export function fig6Table(res: Fig6Result): pl.DataFrame {
  const r1 = (v: number | null) => v === null ? null : +v.toFixed(1);
  const rng = (v: [number, number] | null) =>
    v === null ? null : `${v[0].toFixed(1)}-${v[1].toFixed(1)}`;
  const num = (v: number | [number, number] | undefined) =>
    v === undefined ? null : Array.isArray(v) ? rng(v) : v.toFixed(1);
  return pl.DataFrame(res.summary.map((s) => ({
    row: s.row,
    target: s.target,
    coupled_with: s.coupledWith,
    base: r1(s.base),
    base_paper: s.paper?.base ?? null,
    coupled_seen: r1(s.coupledSeen),
    coupled_seen_paper: num(s.paper?.coupledSeen),
    other_single_seen: rng(s.otherSingleSeen),
    other_single_seen_paper: rng(s.paper?.otherSingleSeen ?? null),
  })));
}

/** Every region as a polars table. */
export function fig6RegionsTable(res: Fig6Result): pl.DataFrame {
  return pl.DataFrame(res.regions.map((g) => ({
    row: g.row,
    target: g.target,
    region: g.region,
    coupled_seen: g.coupledSeen,
    accuracy: +g.accuracy.toFixed(1),
    n: g.n,
  })));
}

/** The UpSet-style chart: rows = couple data, columns = target, one bar per seen-set region. */
export function fig6Spec(res: Fig6Result, opts: { rows?: string[] } = {}): VegaLiteSpec {
  const rows = opts.rows ?? res.rows;
  const regions = res.regions.filter((g) => rows.includes(g.row));
  const sort = [...new Set(regions.map((g) => `${g.seen.length}\u0000${g.region}`))].sort()
    .map((k) => k.split("\u0000")[1]);
  const values = regions.map((g) => ({
    row: `bioS ${g.row}`,
    target: `${g.target} (coupled with ${g.coupledWith})`,
    region: g.region,
    accuracy: g.accuracy,
    n: g.n,
    seen: g.coupledSeen ? "coupled attribute seen" : "coupled attribute not seen",
    paperBase: res.summary.find((s) => s.row === g.row && s.target === g.target)?.paper?.base ??
      null,
  }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: [
        `Figures 6/15: P-probing ${targetWords(res.target)} accuracy by the attributes already ` +
        `seen [${res.preset}]`,
        "bars = ours per region (n entries on top); black rule = paper's base accuracy (none seen)",
      ],
    },
    data: { values },
    facet: {
      row: { field: "row", type: "nominal", title: null, sort: rows.map((r) => `bioS ${r}`) },
      column: { field: "target", type: "nominal", title: null },
    },
    spec: {
      width: 300,
      height: 170,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: {
              field: "region",
              type: "nominal",
              title: "seen before the probed position",
              sort,
              axis: { labelAngle: -60, labelLimit: 160 },
            },
            y: {
              field: "accuracy",
              type: "quantitative",
              title: "accuracy (%)",
              scale: { domain: [0, 100] },
            },
            color: {
              field: "seen",
              type: "nominal",
              title: null,
              scale: {
                domain: ["coupled attribute seen", "coupled attribute not seen"],
                range: ["#08519c", "#9ecae1"],
              },
              legend: { labelLimit: 300, orient: "bottom" },
            },
          },
        },
        {
          mark: { type: "text", dy: -6, fontSize: 9 },
          encoding: {
            x: { field: "region", type: "nominal", sort },
            y: { field: "accuracy", type: "quantitative" },
            text: { field: "n", type: "quantitative" },
          },
        },
        {
          mark: { type: "rule", color: "black", strokeWidth: 2 },
          encoding: { y: { field: "paperBase", type: "quantitative", aggregate: "mean" } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/** The interactive version: one bar trace per (row, target). */
export function fig6Plotly(res: Fig6Result, opts: { rows?: string[] } = {}): PlotlyFigure {
  const rows = opts.rows ?? res.rows;
  const data = rows.flatMap((row) =>
    VENN_TARGETS.map(({ target }) => {
      const gs = res.regions.filter((g) => g.row === row && g.target === target)
        .sort((a, b) => a.seen.length - b.seen.length);
      return {
        type: "bar",
        name: `${row} ${target}`,
        x: gs.map((g) => `${target}: ${g.region}`),
        y: gs.map((g) => g.accuracy),
        text: gs.map((g) => `n=${g.n}`),
        marker: { color: gs.map((g) => g.coupledSeen ? "#08519c" : "#9ecae1") },
        hovertemplate: `${row}<br>%{x}<br>%{y:.1f}% (%{text})<extra></extra>`,
      };
    })
  );
  return {
    data,
    layout: {
      title: `Figures 6/15 (UpSet-style), preset ${res.preset}`,
      barmode: "group",
      yaxis: { title: "accuracy (%)", range: [0, 100] },
      xaxis: { tickangle: -60 },
      height: 560,
      width: 1100,
      margin: { b: 200 },
    },
  };
}

/** Writes fig15.{svg,png,html,json} (every couple row) and, when couple2 is drawn, fig6.*. */
export async function saveFig6(
  res: Fig6Result,
  opts: { dir?: string } = {},
): Promise<{ fig6?: SavedFigure; fig15: SavedFigure }> {
  const common = { dir: opts.dir, preset: res.preset, backend: res.runs[0]?.backend };
  let fig6: SavedFigure | undefined;
  if (res.rows.includes("couple2")) {
    fig6 = await saveFigure("fig6", fig6Spec(res, { rows: ["couple2"] }), {
      ...common,
      plotly: fig6Plotly(res, { rows: ["couple2"] }),
      plotlyScript: "beside",
      data: {
        ...res,
        rows: ["couple2"],
        regions: res.regions.filter((g) => g.row === "couple2"),
        summary: res.summary.filter((s) => s.row === "couple2"),
        runs: res.runs.filter((r) => r.row === "couple2"),
        paperSource: "data/paper/fig6.json",
      },
    });
  }
  const fig15 = await saveFigure("fig15", fig6Spec(res), {
    ...common,
    plotly: fig6Plotly(res),
    plotlyScript: "beside",
    data: { ...res, paperSource: "data/paper/fig15.json" },
  });
  return { fig6, fig15 };
}
