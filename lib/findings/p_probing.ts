/**
 * P-probing cells as the paper draws them (paper §5.1): the columns ("i-field": special position i,
 * attribute f), the runs of a set of rows and ranks averaged over seeds beside the paper's numbers,
 * and tables of them. Figures 5 (fig5.ts) and 13 (fig13.ts) draw these cells.
 * @module
 */
import pl from "nodejs-polars";
import { type PresetName } from "../config/preset.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { P_POSITIONS } from "../probe/p_probe.ts";
import { PAPER_CONFIG_NAMES, paperPProbe } from "./paper.ts";
import { pProbeRuns, type ProbeFigureOptions, type ProbeRunInfo, probeRunInfo } from "./probing.ts";
import { meanOrNull, stdOrZero } from "./stats.ts";

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
  if (row.startsWith("bioR:")) {
    // bioR rows (bioR-like grammar data here) compare with Figure 14, laid out as Figure 13.
    const p14 = target === "first_token" ? (rank === 2 ? "a" : "b") : (rank === 2 ? "c" : "d");
    return paperPProbe(row.slice(5), attribute, { figure: "14", panel: p14, data: "bioR" })[
      position
    ] ?? null;
  }
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

/** P-probing cells of `rows` at `ranks` (probes run or read from the cache), the baseline row
 * measured on our own P_test. */
export async function pProbeFigure(
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

/** Throws naming the figure and the allowed rows when a row is not one of them. */
export function checkRows(
  rows: readonly string[],
  allowed: readonly string[],
  figure: string,
): void {
  for (const r of rows) {
    if (!allowed.includes(r)) {
      throw new Error(`unknown Figure ${figure} row "${r}"; allowed: ${allowed.join(", ")}`);
    }
  }
}

/** The cells of one target and rank, in the layout of the paper's heatmaps. */
export function cellsOf(res: PProbeFigResult, target: ProbeTarget, rank: number): PProbeFigCell[] {
  return res.cells.filter((c) => c.target === target && c.rank === rank);
}

/**
 * The majority-guess baseline of each (target, rank, attribute, position), from the result's
 * baseline row: the accuracy a probe reaches by always answering the most common value.
 */
export function pProbeBaselines(res: PProbeFigResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of res.cells) {
    if (c.row === "baseline" && c.ours !== null) {
      out.set(`${c.target}/${c.rank}/${c.attribute}/${c.position}`, c.ours);
    }
  }
  return out;
}

/** One P-probing cell placed in Figure 5's panels: one panel per special position. */
export interface PProbePanelCell extends PProbeFigCell {
  /** "position i". */
  panel: string;
  /** Ours below the majority guess of the attribute (baseline row excluded). */
  belowBaseline: boolean;
}

/** The panel of special position `i`. */
export const positionPanel = (i: number): string => `position ${i}`;

/** The panels of a P-probing figure, in order. */
export const positionPanels = (): string[] =>
  Array.from({ length: P_POSITIONS }, (_, i) => positionPanel(i));

/**
 * The cells of one target and rank laid out in panels: the panel is the special position, the
 * column the attribute's short name (the paper's "i-field" split at the dash), and each cell
 * flagged when ours is below the majority-guess baseline.
 */
export function pProbePanelCells(
  res: PProbeFigResult,
  target: ProbeTarget,
  rank: number,
): PProbePanelCell[] {
  const base = pProbeBaselines(res);
  return cellsOf(res, target, rank).map((c) => {
    const b = base.get(`${c.target}/${c.rank}/${c.attribute}/${c.position}`);
    return {
      ...c,
      column: P_PROBE_SHORT[c.attribute],
      panel: positionPanel(c.position),
      belowBaseline: c.row !== "baseline" && c.ours !== null && b !== undefined && c.ours < b,
    };
  });
}

/** The panels' columns: the attributes' short names, in the paper's order. */
export function pProbePanelColumns(target: ProbeTarget = "first_token"): string[] {
  return pProbeAttributes(target).map((a) => P_PROBE_SHORT[a]);
}

/** Row order of the heatmaps: the paper's, baseline last. */
export const rowOrder =
  (): string[] => [...PAPER_CONFIG_NAMES.filter((r) => r !== "baseline"), "baseline"];
/** "first-token" or "whole-attribute". */
export const targetWords = (t: ProbeTarget): string =>
  t === "first_token" ? "first-token" : "whole-attribute";

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
