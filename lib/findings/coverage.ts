/**
 * Which of the paper's 19 figures the toolkit reproduces, in part or not at all, and why: the one
 * list the README's coverage table and the report page (figures/index.html) are made from.
 * @module
 */

/** How much of a paper figure the toolkit draws. */
export type CoverageStatus = "reproduced" | "partial" | "absent" | "no numbers";

/** One figure of the paper. */
export interface FigureCoverage {
  /** The paper's figure number. */
  figure: number;
  /** What the paper's figure shows, in words. */
  shows: string;
  status: CoverageStatus;
  /** What we draw of it, or why nothing. */
  note: string;
  /** Our figure files (figures/<name>.png), none when absent. */
  files: string[];
  /** The notebook that draws it. */
  notebook?: string;
}

/** The paper's figures (arXiv 2309.14316 v3), in order. */
export const COVERAGE: readonly FigureCoverage[] = [
  {
    figure: 1,
    shows: "mixed training: QA accuracy (a), learning curves on bioS (b) and bioR (c)",
    status: "reproduced",
    note: "bioS single: (a) and the (b) curves (notebook 04); bioR single on the bioR-like " +
      "(grammar) data: (a)'s second row and the (c) curves, from Figure 12(a)'s mixed run, one " +
      "seed (notebook 08)",
    files: ["fig1a", "fig1b", "fig1a_bior", "fig1c"],
    notebook: "04",
  },
  {
    figure: 2,
    shows: "LoRA / full finetuning grids on single data: 124M bioS, 302M bioR, 682M bioS/bioR",
    status: "partial",
    note: "(a) 124M-style bioS single grid, reduced to r in {16, 2} x r' in {0, 128, all} + " +
      "full; bioR and the 682M model absent",
    files: ["fig2"],
    notebook: "03",
  },
  {
    figure: 3,
    shows: "knowledge augmentation: QA finetune and mixed training on 16 bioS rows",
    status: "reproduced",
    note: "all 16 rows, QA (fig3) and MIX (fig3_mix) blocks",
    files: ["fig3", "fig3_mix"],
    notebook: "03, 04",
  },
  {
    figure: 4,
    shows: "illustration of P-probing's special positions",
    status: "no numbers",
    note: "an illustration; notebook 05 defines the positions in words",
    files: [],
    notebook: "05",
  },
  {
    figure: 5,
    shows: "P-probing first-token accuracy, 16 bioS rows x 6 positions",
    status: "reproduced",
    note: "all 16 rows; `tiny` probes with a rank-0 readout classifier, not the paper's rank 2",
    files: ["fig5"],
    notebook: "05",
  },
  {
    figure: 6,
    shows: "P-probing on bioS couple2, 5-set Venn diagrams",
    status: "reproduced",
    note: "Venn diagrams of couple2; only the paper's summary numbers are compared",
    files: ["fig6"],
    notebook: "05",
  },
  {
    figure: 7,
    shows: "Q-probing from the name beside QA accuracy, 16 bioS rows",
    status: "reproduced",
    note: "all 16 rows at the paper's rank 16, with the correlations the paper states in words",
    files: ["fig7", "fig7_correlation"],
    notebook: "06",
  },
  {
    figure: 8,
    shows: "celebrity data helps the minority group",
    status: "reproduced",
    note: "every row at `tiny`, one seed, with as many celebrities as minority people (the " +
      "paper's ratio): bioS minority (single+permute1) with and without multi5+permute " +
      "celebrities (QA 3.6 -> 61.2); bioR-like single with and without bioR-like multi5 " +
      "celebrities (2.5 -> 17.7) and +wiki, whose general English is Debian's fortunes " +
      "(WikiBook is not installable here); both pairs also with N/5 celebrities (fig8_cel100: " +
      "14.8 and 4.6)",
    files: ["fig8", "fig8_cel100"],
    notebook: "09",
  },
  {
    figure: 9,
    shows: "GBERT (bidirectional, whole-word masking) on bioS",
    status: "partial",
    note:
      "QA (pretrain, 540 passes as the paper's, + LoRA finetune) on the headline bioS rows at " +
      "`tiny`, one seed, with each row's masked-word memorization: single, multi5+permute and " +
      "multi5+permute+fullname, MIX (QAr 0.8 and 0.2) and Q-probing (Q-first, Q-whole) of " +
      "the same models; the other rows absent",
    files: ["fig9"],
    notebook: "10",
  },
  {
    figure: 10,
    shows: "mixed training against the QA ratio, bioS (a) and bioR (b)",
    status: "partial",
    note: "(a) single, single+permute1, multi5+permute at 6 of the 7 ratios; bioR (b) absent",
    files: ["fig10"],
    notebook: "04",
  },
  {
    figure: 11,
    shows: "finetuning grids (Figure 2's layout) for 12 more rows",
    status: "partial",
    note: "(k) bioS multi5+permute only, on Figure 2's reduced grid; the other 11 panels absent",
    files: ["fig2"],
    notebook: "03",
  },
  {
    figure: 12,
    shows: "Figure 3 analogues: bioR GPT2-302M, bioR and bioS Llama",
    status: "partial",
    note: "(a) all six bioR-like (grammar) rows at `tiny`, QA and MIX, one seed; (b) bioR-like " +
      "single, multi5, multi5+fullname on the Llama, QA and MIX; (c) bioS on the Llama at " +
      "`tiny` (headline rows), QA and MIX",
    files: ["fig12a", "fig12b", "fig12c"],
    notebook: "08, 10",
  },
  {
    figure: 13,
    shows: "P-probing at rank 2 vs 4, first-token and whole-attribute",
    status: "partial",
    note: "single and multi5+permute at ranks 2 and 4 at `tiny` (all 16 rows at `paper`)",
    files: ["fig13", "fig5_whole"],
    notebook: "05",
  },
  {
    figure: 14,
    shows: "P-probing on bioR",
    status: "partial",
    note: "bioR-like (grammar) single and multi5 at `tiny` (our bioR is a grammar, not Llama " +
      "rewrites)",
    files: ["fig14"],
    notebook: "08",
  },
  {
    figure: 15,
    shows: "P-probing Venn diagrams for bioS couple1/2/5",
    status: "reproduced",
    note: "all nine diagrams; only the paper's summary numbers are compared",
    files: ["fig15"],
    notebook: "05",
  },
  {
    figure: 16,
    shows: "Q-probing at rank 16 vs 64 on bioS (a, b), 32 vs 128 on bioR (c, d)",
    status: "partial",
    note:
      "(a, b) for single and multi5+permute at `tiny` (all 16 rows at `paper`); (c) bioR-like " +
      "single and multi5 at the preset's rank (16 at `tiny`; the paper's 32); (d) the same at the " +
      "paper's rank 128",
    files: ["fig16", "fig16c", "fig16d"],
    notebook: "06",
  },
  {
    figure: 17,
    shows: "celebrity helps the minority group, extended",
    status: "reproduced",
    note: "every row at `tiny`, one seed: per-attribute QA of the bioS minorities (single, " +
      "single+permute1, single+permute1+fullname) and the bioR-like ones (single, " +
      "single+fullname), each alone, with as many celebrities as minority people and " +
      "(bioR-like) +wiki (general text: Debian's fortunes); again with N/5 celebrities " +
      "(fig17_cel100)",
    files: ["fig17", "fig17_cel100"],
    notebook: "09",
  },
  {
    figure: 18,
    shows: "P-probing of the minority group with and without celebrities",
    status: "reproduced",
    note: "every row (bioS single, single+permute1 with and without celebrities, bioR-like " +
      "single and single+fullname alone, +wiki and +CEL) at `tiny`, one seed, (a) first-token " +
      "and (b) whole-attribute, at our P-probe rank 0 (the paper's: 2); again with N/5 " +
      "celebrities (fig18_cel100, fig18b_cel100)",
    files: ["fig18", "fig18b", "fig18_cel100", "fig18b_cel100"],
    notebook: "09",
  },
  {
    figure: 19,
    shows: "Q-probing of the minority group with and without celebrities",
    status: "reproduced",
    note: "every row (as Figure 18) at `tiny`, one seed, Q-probe rank 16 (the paper's: 16 on " +
      "bioS, 32 on bioR); again with N/5 celebrities (fig19_cel100)",
    files: ["fig19", "fig19_cel100"],
    notebook: "09",
  },
];

/** The coverage as a markdown table (the README's). */
export function coverageMarkdown(list: readonly FigureCoverage[] = COVERAGE): string {
  const rows = list.map((c) => [
    `Figure ${c.figure}`,
    c.shows,
    c.status,
    c.note,
    c.files.length ? c.files.map((f) => `\`figures/${f}.png\``).join(", ") : "–",
  ]);
  const head = ["figure", "what the paper shows", "here", "what we draw, or why not", "files"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
