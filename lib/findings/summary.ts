/**
 * The table of findings: each paper figure's headline numbers, ours beside the paper's, read from
 * the figure JSONs the findings wrote (`figures/<name>.json`). The README's table is this table, so
 * a number there can always be traced to a figure file and its provenance.
 *
 *   deno task finding summary --preset tiny     # prints it, writes figures/summary.{md,json}
 * @module
 */
import { join } from "node:path";
import pl from "nodejs-polars";
import { meanOrNull } from "./stats.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** One line of the table of findings. */
export interface SummaryLine {
  /** The paper's figure, e.g. "1a", "3 (QA)", "6/15". */
  figure: string;
  /** What is measured, in words. */
  finding: string;
  /** Ours (% or a correlation), null where our run did not produce it. */
  ours: number | null;
  /** The paper's, null where the paper gives no number. */
  paper: number | null;
  /** The figure JSON it comes from (relative to the figures folder). */
  file: string;
}

/** A figure JSON as `saveFigure` writes it; only `data` is read. */
export interface FigureJson {
  data: Record<string, unknown>;
  provenance?: { commit?: string; date?: string; preset?: string };
}

/** The figure files the summary reads (without `.json`), in table order. */
export const SUMMARY_FIGURES = [
  "fig1a",
  "fig1a_bior",
  "fig3",
  "fig3_mix",
  "fig10",
  "fig5",
  "fig13",
  "fig6",
  "fig15",
  "fig7",
  "fig16",
  "fig16c",
  "fig16d",
  "fig12a",
  "fig14",
  "fig8",
  "fig17",
  "fig18",
  "fig19",
  "fig12b",
  "fig12c",
  "fig9",
  "sites",
  "sites_L4",
  "scale",
  "scale_bior",
] as const;

type Cell = Record<string, unknown> & { ours: number | null; paper: number | null };
const cellsOf = (f: FigureJson | undefined): Cell[] => (f?.data.cells as Cell[] | undefined) ?? [];
const num = (x: unknown): number | null => typeof x === "number" && Number.isFinite(x) ? x : null;

/** The headline rows a summary reports for the per-row figures (when present). */
export const SUMMARY_ROWS = ["single", "single+permute1", "multi5", "multi5+permute"] as const;

/** Mean of ours and of the paper over cells that both define (ours null: not measured). */
function pairedMean(cells: readonly Cell[]): { ours: number | null; paper: number | null } {
  const both = cells.filter((c) => num(c.ours) !== null);
  return {
    ours: meanOrNull(both.map((c) => c.ours as number)),
    paper: meanOrNull(both.map((c) => c.paper).filter((p): p is number => num(p) !== null)),
  };
}

/** Per (row, rank) of `cells`, rows in order of appearance and ranks ascending: the paired mean. */
function rowRankMeans(
  cells: readonly Cell[],
): { row: string; rank: number; ours: number | null; paper: number | null }[] {
  const ranks = [...new Set(cells.map((c) => c.rank as number))].sort((a, b) => a - b);
  return [...new Set(cells.map((c) => c.row as string))].flatMap((row) =>
    ranks.map((rank) => ({
      row,
      rank,
      mine: cells.filter((c) => c.row === row && c.rank === rank),
    }))
      .filter((x) => x.mine.length > 0)
      .map((x) => ({ row: x.row, rank: x.rank, ...pairedMean(x.mine) }))
  );
}

/**
 * The table of findings from parsed figure JSONs (a missing figure contributes no line). Pure, so
 * tests feed it synthetic figures.
 */
export function summarize(figs: Partial<Record<string, FigureJson>>): SummaryLine[] {
  const out: SummaryLine[] = [];
  const add = (
    figure: string,
    finding: string,
    v: { ours: unknown; paper: unknown },
    file: string,
  ) => out.push({ figure, finding, ours: num(v.ours), paper: num(v.paper), file: `${file}.json` });

  // Figure 1(a): mixed training on bioS single, one line per step budget, then the contrast; then
  // its bioR row on the bioR-like data (the baseline only once).
  for (const [name, label] of [["fig1a", "bioS single"], ["fig1a_bior", "bioR-like single"]]) {
    for (const c of cellsOf(figs[name]).filter((c) => c.column === "mean")) {
      const f = num(c.stepsFactor) ?? 1;
      if (c.method === "baseline" && name !== "fig1a") continue;
      const what = c.method === "mixed"
        ? `${label}, mixed training (QAr 0.8${f === 1 ? "" : `, ${f}x steps`}): P_test QA mean`
        : c.method === "finetune"
        ? `${label}, BIO pretrain + QA finetune: P_test QA mean`
        : "majority-guess baseline, mean";
      add("1a", what, c, name);
    }
  }

  // Figure 3: QA (and MIX) means of the headline rows, and how the rows rank against the paper's.
  for (const [name, block] of [["fig3", "QA"], ["fig3_mix", "MIX"]] as const) {
    const cells = cellsOf(figs[name]).filter((c) => c.block === block && c.column === "mean");
    for (const row of [...SUMMARY_ROWS, "baseline"]) {
      const c = cells.find((x) => x.row === row);
      if (c) add(`3 (${block})`, `${row}: P_test QA mean`, c, name);
    }
    if (name === "fig3") {
      const order = (figs.fig3?.data.rowOrder as
        | { block: string; n: number; spearman: number | null }[]
        | undefined)?.find((o) => o.block === "QA");
      if (order?.spearman != null) {
        add(
          "3 (QA)",
          `row order vs the paper's: Spearman over ${order.n} row means`,
          { ours: order.spearman, paper: null },
          name,
        );
      }
    }
  }

  // Figure 3 MIX over every row that ran (the paper: 82.5-95.7 on every row), and the rows where
  // it beats QA (fig3_mix holds both blocks).
  const mixMeans = cellsOf(figs.fig3_mix).filter((c) =>
    c.column === "mean" && c.row !== "baseline"
  );
  const mix = mixMeans.filter((c) => c.block === "MIX" && num(c.ours) !== null);
  if (mix.length > SUMMARY_ROWS.length) {
    add("3 (MIX)", `mean over the ${mix.length} rows: P_test QA mean`, pairedMean(mix), "fig3_mix");
    const beats = (key: "ours" | "paper") =>
      mix.filter((m) => {
        const qa = mixMeans.find((c) => c.block === "QA" && c.row === m.row);
        const [x, q] = [num(m[key]), num(qa?.[key])];
        return x !== null && q !== null && x > q;
      }).length;
    add("3 (MIX)", `rows (of ${mix.length}) where MIX beats QA`, {
      ours: beats("ours"),
      paper: beats("paper"),
    }, "fig3_mix");
  }

  // Figure 10: every cell of the grid that ran.
  for (const c of cellsOf(figs.fig10)) {
    if (num(c.ours) !== null) add("10", `${c.row} at QAr ${c.QAr}: P_test QA mean`, c, "fig10");
  }

  // Figures 5 and 13: first-token accuracy at position 0, mean over the six attributes.
  for (const name of ["fig5", "fig13"] as const) {
    const cells = cellsOf(figs[name]).filter((c) =>
      c.target === "first_token" && c.position === 0 && c.row !== "baseline"
    );
    for (const m of rowRankMeans(cells)) {
      if (name === "fig5" && !(SUMMARY_ROWS as readonly string[]).includes(m.row)) continue;
      const what = `${m.row}: P-probe first-token at position 0, mean (rank ${m.rank})`;
      add(name === "fig5" ? "5" : "13", what, m, name);
    }
  }
  const d13 = (figs.fig13?.data.maxRankDifference as
    | { first_token?: { ours: number | null; paper: number | null } }
    | undefined)?.first_token;
  if (d13) add("13", "largest rank-4 vs rank-2 difference over first-token cells", d13, "fig13");

  // Figures 6/15: base accuracy and accuracy once the coupled attribute was seen.
  const venn = (figs.fig15 ?? figs.fig6)?.data.summary as
    | {
      row: string;
      target: string;
      coupledWith: string;
      base: number | null;
      coupledSeen: number | null;
      paper: { base?: number; coupledSeen?: number | [number, number] } | null;
    }[]
    | undefined;
  for (const s of venn ?? []) {
    const file = figs.fig15 ? "fig15" : "fig6";
    add("6/15", `${s.row}, ${s.target}: base (nothing seen)`, {
      ours: s.base,
      paper: s.paper?.base,
    }, file);
    // The paper prints some of these as a range: its midpoint.
    const p = s.paper?.coupledSeen;
    add("6/15", `${s.row}, ${s.target}: once ${s.coupledWith} was seen`, {
      ours: s.coupledSeen,
      paper: Array.isArray(p) ? (p[0] + p[1]) / 2 : p,
    }, file);
  }

  // Figures 7 and 16: Q-first mean per row and rank; Figure 7's QA-vs-Q correlations. Figure
  // 16(c) is bioR, whose paper probe has rank 32; 16(d) runs the paper's rank, 128.
  for (const name of ["fig7", "fig16", "fig16c", "fig16d"] as const) {
    const cells = cellsOf(figs[name]).filter((c) => c.block === "Q_first" && c.row !== "baseline");
    const figure = { fig7: "7", fig16: "16", fig16c: "16c (bioR-like)", fig16d: "16d (bioR-like)" }[
      name
    ];
    const paperRank = name === "fig16c" ? "; paper rank 32" : "";
    for (const m of rowRankMeans(cells)) {
      add(figure, `${m.row}: Q-first mean (rank ${m.rank}${paperRank})`, m, name);
    }
    const d = figs[name]?.data.maxRankDifference as
      | { ours: number | null; paper: number | null }
      | undefined;
    if (name === "fig16" && d) {
      add("16", "largest rank-64 vs rank-16 difference over Q-probe cells", d, name);
    }
    if (name === "fig7") {
      const corr = figs.fig7?.data.correlations as
        | { name: string; n: number; ours: number | null; paper: number | null }[]
        | undefined;
      for (const c of corr ?? []) {
        if (c.name.includes("Q-first")) add("7", `Pearson r, ${c.name} (n = ${c.n})`, c, name);
      }
    }
  }

  // bioR-like (grammar) rows, the minority with celebrities, and the other architectures: each
  // row's mean over its six attributes, per block (QA finetune, MIX). Figure 17 extends Figure 8's
  // rows, so it adds only the rows Figure 8 lacks; the minority's +CEL rows test every minority
  // person, not P_test (notebook 09), so those two figures do not say P_test.
  const perRowMean = [
    { name: "fig12a", figure: "12a (bioR-like)", tested: "P_test " },
    { name: "fig8", figure: "8", tested: "" },
    { name: "fig17", figure: "17", tested: "", skipRowsOf: "fig8" },
    { name: "fig12b", figure: "12b (Llama, bioR-like)", tested: "P_test " },
    { name: "fig12c", figure: "12c (Llama)", tested: "P_test " },
    { name: "fig9", figure: "9 (GBERT)", tested: "P_test " },
  ];
  for (const { name, figure, tested, skipRowsOf } of perRowMean) {
    const seen = new Set(cellsOf(skipRowsOf ? figs[skipRowsOf] : undefined).map((c) => c.row));
    for (const c of cellsOf(figs[name])) {
      if (c.column !== "mean" || c.row === "baseline" || seen.has(c.row)) continue;
      if (num(c.ours) !== null) add(figure, `${c.row}: ${tested}${c.block} mean`, c, name);
    }
  }
  const firstTokenAtName = (name: string) =>
    cellsOf(figs[name]).filter((c) => c.target === "first_token" && c.position === 0);
  for (const m of rowRankMeans(firstTokenAtName("fig14"))) {
    add("14", `${m.row}: P-probe first-token mean at position 0 (rank ${m.rank})`, m, "fig14");
  }
  // Figures 18 and 19 state one probe rank for the whole figure, so rows are not split by rank.
  const minorityProbes = [
    {
      name: "fig18",
      what: "P-probe first-token mean at position 0",
      cells: firstTokenAtName("fig18"),
    },
    {
      name: "fig19",
      what: "Q-first mean",
      cells: cellsOf(figs.fig19).filter((c) => c.target === "first_token"),
    },
  ];
  for (const { name, what, cells } of minorityProbes) {
    for (const row of new Set(cells.map((c) => c.row as string))) {
      add(name.slice(3), `${row}: ${what}`, pairedMean(cells.filter((c) => c.row === row)), name);
    }
  }

  // Where the knowledge sits (our addition): the last layer's mean per site, at each depth drawn.
  for (const name of ["sites", "sites_L4"] as const) {
    const data = figs[name]?.data as
      | {
        depth: number;
        cells: {
          row: string;
          layer: number;
          site: string;
          attribute: string;
          accuracy: number;
          paper: number | null;
        }[];
      }
      | undefined;
    if (!data) continue;
    const last = data.cells.filter((c) => c.layer === data.depth && c.attribute === "mean");
    for (const c of last) {
      add(
        "sites (ours)",
        `${c.row}, ${data.depth} layers, ${c.site}: first-token mean (rank 0, last layer)`,
        { ours: c.accuracy, paper: c.paper },
        name,
      );
    }
  }

  // Where the effects appear (our addition): at each grid point that ran, the measures the
  // `small` preset's targets name (notebook 07), beside the paper's value at its own scale.
  const SCALE_LINES: [string, string, string][] = [
    ["multi5+permute", "qa", "QA"],
    ["multi5+permute", "pprobe_pos0", "P-probe first-token at position 0"],
    ["multi5+permute", "qfirst", "Q-first"],
    ["single", "mix", "mixed training (pretraining budget)"],
    ["single", "mix_bio100", "mixed training (100 BIO passes)"],
  ];
  // The same study on the bioR-like multi5 (Figure 12(a)'s target row).
  const BIOR_SCALE_LINES: [string, string, string][] = [
    ["bioR:multi5", "qa", "QA"],
    ["bioR:multi5", "qfirst", "Q-first"],
  ];
  for (const [name, lines] of [["scale", SCALE_LINES], ["scale_bior", BIOR_SCALE_LINES]] as const) {
    const scaleCells = cellsOf(figs[name]);
    for (const point of new Set(scaleCells.map((c) => c.point as string))) {
      for (const [row, measure, what] of lines) {
        const c = scaleCells.find((x) =>
          x.point === point && x.row === row && x.measure === measure
        );
        if (c && num(c.ours) !== null) {
          add("scale (ours)", `${point}, ${row}: ${what}, mean`, c, name);
        }
      }
    }
  }
  return out;
}

/** Reads the figure JSONs of {@linkcode SUMMARY_FIGURES} that exist in `dir`. */
export async function readFigures(dir: string): Promise<Partial<Record<string, FigureJson>>> {
  const figs: Partial<Record<string, FigureJson>> = {};
  for (const name of SUMMARY_FIGURES) {
    try {
      figs[name] = JSON.parse(await Deno.readTextFile(join(dir, `${name}.json`)));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new Error(
          `summary: cannot read ${join(dir, `${name}.json`)}: ${(e as Error).message}`,
        );
      }
    }
  }
  return figs;
}

/** The table of findings as a polars table (one decimal; correlations two, counts none). */
export function summaryTable(lines: readonly SummaryLine[]): pl.DataFrame {
  return pl.DataFrame(lines.map((l) => ({
    figure: l.figure,
    finding: l.finding,
    ours: l.ours === null ? null : round(l),
    paper: l.paper,
    file: l.file,
  })));
}

const isCorrelation = (l: SummaryLine) => /Spearman|Pearson/.test(l.finding);
const isCount = (l: SummaryLine) => l.finding.startsWith("rows (of");
const digits = (l: SummaryLine) => isCorrelation(l) ? 2 : isCount(l) ? 0 : 1;
const round = (l: SummaryLine) => +(l.ours as number).toFixed(digits(l));

/** The table of findings as a markdown table (the README's). */
export function summaryMarkdown(lines: readonly SummaryLine[]): string {
  const fmt = (x: number | null, l: SummaryLine) => x === null ? "–" : x.toFixed(digits(l));
  return [
    "| figure | finding | ours | paper | from |",
    "| --- | --- | --- | --- | --- |",
    ...lines.map((l) =>
      `| ${l.figure} | ${l.finding} | ${fmt(l.ours, l)} | ${
        fmt(l.paper, l)
      } | \`figures/${l.file}\` |`
    ),
  ].join("\n") + "\n";
}

/** Writes `summary.md` and `summary.json` into `dir` from the figure JSONs there. */
export async function saveSummary(dir: string): Promise<{ lines: SummaryLine[]; files: string[] }> {
  const figs = await readFigures(dir);
  const lines = summarize(figs);
  const provenance = Object.fromEntries(
    Object.entries(figs).map(([k, f]) => [k, f?.provenance ?? null]),
  );
  const md = join(dir, "summary.md");
  const json = join(dir, "summary.json");
  await writeFileAtomic(md, summaryMarkdown(lines));
  await writeFileAtomic(json, JSON.stringify({ lines, provenance }, null, 2) + "\n");
  return { lines, files: [md, json] };
}
