/**
 * Figure 8 (paper §6, Result 6) and Figure 17 (Appendix G): celebrity data helps the minority.
 * Beside the minority (the tiny preset's N people, a weakly augmented format) a disjoint celebrity
 * population with richly augmented biographies is pretrained together; QA finetuning uses the
 * celebrities only, and QA accuracy is measured on every minority person. Without celebrities the
 * row is the ordinary protocol (finetune on the minority's P_train, test its P_test), as in the
 * paper, where those rows repeat Figure 3 / 12(a).
 *
 * Pairs (paper Figure 8): bioS single+permute1 (+CEL: celebrities multi5+permute) and bioR single
 * (+CEL: celebrities bioR multi5); ours uses the bioR-like (grammar) text. Figure 17 adds bioS
 * single, bioS single+permute1+fullname and bioR single+fullname (celebrities bioR
 * multi5+fullname). The "+wiki" control (half the training text from BookCorpus + Wikipedia) is
 * run with Debian's `fortunes` as the general English text (lib/data/general_text.ts): neither
 * WikiBook corpus is installable here.
 * @module
 */
import { getPreset, rowOverrides } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import type { CelebritySpec, FinetuneRequest } from "../runs/experiments.ts";
import type { GeneralTextSpec } from "../data/general_text.ts";
import { datasetFor } from "../runs/experiments.ts";
import { paperCell } from "./paper.ts";
import {
  cachedOnly,
  ensureQA,
  type FindingRunOptions,
  majorityBaseline,
  rowRequest,
} from "./runs.ts";
import { qaAccuracyOf, type QACell, qaCells, qaHeatmap } from "./fig12a.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";

/** One row of Figures 8/17: a minority format, with or without celebrities. */
export interface CelebrityRow {
  /** Our row label, e.g. "bioS single+permute1+CEL". */
  label: string;
  /** The minority's configuration. */
  minority: string;
  /** The celebrities' configuration; absent for the minority alone. */
  celebrities?: string;
  /** The +wiki control: general English text as half the pretraining tokens. */
  general?: GeneralTextSpec;
  /** The paper's figure and row ("bioS"/"bioR" family and row name). */
  paper: { figure: "8" | "17"; data: "bioS" | "bioR"; row: string };
}

/**
 * The paper's +wiki control with our stand-in text: general English as half the pretraining tokens
 * (lib/data/general_text.ts: Debian's fortunes, since WikiBook is not installable here).
 */
export const WIKI_CONTROL: GeneralTextSpec = { source: "fortunes", fraction: 0.5 };

const row = (
  data: "bioS" | "bioR",
  minority: string,
  celebrities: string | "wiki" | undefined,
  figure: "8" | "17",
): CelebrityRow => {
  const name = minority.replace(/^bioR:/, "");
  const paperRow = celebrities === "wiki" ? `${name}+wiki` : celebrities ? `${name}+CEL` : name;
  return {
    label: `${data} ${paperRow}`,
    minority,
    ...(celebrities === "wiki" ? { general: WIKI_CONTROL } : celebrities ? { celebrities } : {}),
    paper: { figure, data, row: paperRow },
  };
};

/** Figure 8's rows (the +wiki row with our stand-in text, see the module doc). */
export const FIG8_ROWS: readonly CelebrityRow[] = [
  row("bioS", "single+permute1", undefined, "8"),
  row("bioS", "single+permute1", "multi5+permute", "8"),
  row("bioR", "bioR:single", undefined, "8"),
  row("bioR", "bioR:single", "bioR:multi5", "8"),
  row("bioR", "bioR:single", "wiki", "8"),
];

/** Figure 17's extra rows (beyond Figure 8's). */
export const FIG17_ROWS: readonly CelebrityRow[] = [
  row("bioS", "single", undefined, "17"),
  row("bioS", "single", "multi5+permute", "17"),
  row("bioS", "single+permute1+fullname", undefined, "17"),
  row("bioS", "single+permute1+fullname", "multi5+permute", "17"),
  row("bioR", "bioR:single+fullname", undefined, "17"),
  row("bioR", "bioR:single+fullname", "bioR:multi5+fullname", "17"),
  row("bioR", "bioR:single+fullname", "wiki", "17"),
];

/**
 * Celebrities per run: as many as the minority (N), the paper's ratio, at every preset. Measured at
 * `tiny` (seed 0): N/5 = 100 celebrities (half the pretraining text of N) lifted the minority's QA
 * 3.6 -> 14.8% (bioS single+permute1) and 2.5 -> 4.6% (bioR-like single); N = 500 lifted it to
 * 61.2% and 17.7% (paper 86.8 and 76.3), so the cheaper ratio hid the finding. Every celebrity has
 * five entries and each entry gets the preset's passes, so the celebrities add five times the
 * minority's text: a `tiny` +CEL pretraining takes about 4,800 steps (22-34 minutes) where the
 * minority alone takes 800 and N/5 celebrities 1,600.
 */
export function celebrityCount(preset: PresetName): number {
  return getPreset(preset).people;
}

/**
 * The QA request of a row at a seed; `count` celebrities (default {@linkcode celebrityCount}, the
 * paper's ratio being one celebrity per minority person).
 */
export function celebrityRequest(
  r: CelebrityRow,
  preset: PresetName,
  seed: number,
  opts: { count?: number } = {},
): FinetuneRequest {
  if (r.general) return { ...rowRequest(preset, r.minority, seed), general: r.general };
  if (!r.celebrities) return rowRequest(preset, r.minority, seed);
  const count = opts.count ?? celebrityCount(preset);
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`celebrities: the count must be a positive integer, got ${count}`);
  }
  const celebrities: CelebritySpec = { count, config: r.celebrities };
  // The window must hold the celebrities' longest biography too (CELEBRITY_SEQ_LEN).
  const overrides = rowOverrides(preset, r.minority, { celebrities: r.celebrities });
  return { preset, config: r.minority, seed, ...(overrides ? { overrides } : {}), celebrities };
}

/** Options of {@link fig8}. */
export interface Fig8Options extends FindingRunOptions {
  preset?: PresetName;
  /** Row labels to run (default Figure 8's four; Figure 17's are accepted too). */
  rows?: string[];
  seeds?: number;
  onlyCached?: boolean;
  /** Celebrities per +CEL run (default {@linkcode celebrityCount}; the paper: as many as N). */
  celebrities?: number;
}

/** Figures 8/17's cells, runs and the ratio with/without celebrities. */
export interface Fig8Result {
  preset: PresetName;
  celebrities: number;
  cells: QACell[];
  runs: { label: string; seed: number; qaInDist: number; cacheKey: string }[];
  /** Minority QA mean with celebrities over without, per pair (target: >= 3x at tiny). */
  ratios: { minority: string; without: number; with: number; ratio: number }[];
  /** How the rows drawn differ from the paper's (the +wiki text). */
  deviations: string[];
  wallSeconds: number;
}

/** Every row label Figures 8/17 know. */
export const CELEBRITY_ROW_LABELS: readonly string[] = [...FIG8_ROWS, ...FIG17_ROWS]
  .map((r) => r.label);

/** Runs (or reads) the rows and aggregates minority QA accuracy beside the paper's. */
export async function fig8(opts: Fig8Options = {}): Promise<Fig8Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const known = [...FIG8_ROWS, ...FIG17_ROWS];
  const rows = opts.rows
    ? opts.rows.map((l) => {
      const r = known.find((k) => k.label === l);
      if (!r) {
        throw new Error(
          `unknown Figure 8/17 row "${l}"; allowed: ${CELEBRITY_ROW_LABELS.join(", ")}`,
        );
      }
      return r;
    })
    : [...FIG8_ROWS];
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i);
  const all = rows.flatMap((r) =>
    seeds.map((s) => ({
      row: r,
      request: celebrityRequest(r, preset, s, { count: opts.celebrities }),
    }))
  );
  const keep = new Set(
    opts.onlyCached ? await cachedOnly(all.map((a) => a.request)) : all.map((a) => a.request),
  );
  const wanted = all.filter((a) => keep.has(a.request));
  const done = await ensureQA(wanted.map((a) => a.request), {
    ...opts,
    defaultWorkers: getPreset(preset).workers,
  });
  const cells: QACell[] = [];
  const runs: Fig8Result["runs"] = [];
  for (const r of rows) {
    const mine = done.filter((_, i) => wanted[i].row === r);
    if (!mine.length) continue;
    cells.push(
      ...qaCells(
        r.label,
        "QA",
        mine.map((d) => d.result.qa),
        (column) => paperCell(r.paper.figure, r.paper.row, "QA", column, { data: r.paper.data }),
      ),
    );
    for (const d of mine) {
      runs.push({
        label: r.label,
        seed: d.request.seed,
        qaInDist: qaAccuracyOf(d.result.qa, "mean", "P_train"),
        cacheKey: d.result.cacheKey,
      });
    }
  }
  const base = majorityBaseline(datasetFor("single", getPreset(preset).people, 0));
  for (const column of ["mean", "b_date", "b_city", "univ", "major", "c_name", "c_city"]) {
    cells.push({
      row: "baseline",
      block: "QA",
      column,
      ours: base[column],
      std: 0,
      seeds: 1,
      paper: paperCell("8", "baseline", "QA", column),
    });
  }
  const meanOf = (label: string) => cells.find((c) => c.row === label && c.column === "mean")?.ours;
  const ratios: Fig8Result["ratios"] = [];
  for (const r of rows.filter((r) => r.celebrities)) {
    const alone = known.find((k) => k.minority === r.minority && !k.celebrities && !k.general)!;
    const w = meanOf(r.label), wo = meanOf(alone.label);
    if (w !== undefined && wo !== undefined) {
      ratios.push({ minority: alone.label, without: wo, with: w, ratio: w / Math.max(wo, 1e-9) });
    }
  }
  return {
    preset,
    celebrities: opts.celebrities ?? celebrityCount(preset),
    cells,
    runs,
    ratios,
    deviations: rows.some((r) => r.general)
      ? [
        "+wiki rows: the general English text is Debian's fortunes package (quotations, " +
        "definitions, literature), not BookCorpus + Wikipedia, neither of which is installable " +
        "here; as in the paper it is half of the pretraining tokens",
      ]
      : [],
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** Writes figures/<name>.{svg,png,json} (default "fig8"; Figure 17's rows as "fig17"). */
export async function saveFig8(
  res: Fig8Result,
  opts: { dir?: string; name?: string } = {},
): Promise<SavedFigure> {
  const name = opts.name ?? "fig8";
  const order = [...FIG8_ROWS, ...FIG17_ROWS].map((r) => r.label)
    .filter((l) => res.cells.some((c) => c.row === l));
  const spec = qaHeatmap(res.cells, {
    title:
      `Figure ${
        name.replace(/^fig(\d+).*$/, "$1")
      }: minority QA accuracy with (+CEL) and without ` +
      `celebrities (${res.celebrities} celebrities; bioR = bioR-like grammar), ours (paper) ` +
      `[${res.preset}]`,
    rowOrder: [...order, "baseline"],
    rowTitle: "minority data (+CEL: with celebrities)",
  });
  return await saveFigure(name, spec, {
    dir: opts.dir,
    preset: res.preset,
    data: { ...res, paperSource: `data/paper/fig8.json, fig17.json` },
  });
}
