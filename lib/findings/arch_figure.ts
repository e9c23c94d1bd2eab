/**
 * The architecture figures: the paper's Figure-3 protocol run on another model. Figure 12(c)
 * (Appendix D) is bioS on the downsized Llama, Figure 12(b) bioR on it; Figure 9 (§7, Result 7) is
 * bioS on GBERT, the bidirectional GPT trained by whole-word masked language modelling. Each row is
 * BIO pretraining + LoRA QA finetuning (the QA block) and mixed training at QAr 0.8 (the MIX
 * block; GBERT adds a MIX_0.2 block at QAr 0.2, which the paper does not print), P_test accuracy
 * beside the paper's, with the GPT's own numbers on the same rows (cached runs of Figure 3, or of
 * Figure 12(a) for bioR) for the contrast the paper draws.
 * @module
 */
import pl from "nodejs-polars";
import { ARCH_PASSES, getPreset, PAPER_QAR } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import {
  type FinetuneRequest,
  pretrain,
  qaFinetune,
  type RunRequest,
} from "../runs/experiments.ts";
import { type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import { qProbe } from "../runs/probes.ts";
import { paperCell } from "./paper.ts";
import { paperRowOf } from "./fig12a.ts";
import { isBioRConfig } from "../data/bior.ts";
import {
  cachedOnly,
  ensureQA,
  ensureRuns,
  type FindingRunOptions,
  isDone,
  rowRequest,
} from "./runs.ts";
import { meanStd } from "./stats.ts";
import { heatmapSpec, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { AccuracyRow } from "../eval/metrics.ts";

/** The architectures these figures are drawn for. */
export type FigureArch = "llama" | "gbert";

/**
 * The rows drawn at `tiny` on bioS: the paper's headline contrast (single vs multi5+permute) and
 * the most augmented row (multi5+permute+fullname), which for GBERT is one of the few rows that
 * extract.
 */
export const ARCH_ROWS: readonly string[] = ["single", "multi5+permute", "multi5+permute+fullname"];
/**
 * The bioR rows of Figure 12(b) at `tiny`: the paper's contrast on the Llama, single (7.6%)
 * against multi5+fullname (92.1%), with multi5 between (89.7%).
 */
export const ARCH_BIOR_ROWS: readonly string[] = [
  "bioR:single",
  "bioR:multi5",
  "bioR:multi5+fullname",
];

const COLUMNS = ["mean", ...ATTRIBUTES];
/**
 * The QA ratio of GBERT's second MIX block (our addition beside the paper's QAr 0.8 column of
 * Figure 9): at 0.2 the masked-LM objective keeps most of the budget, the other end of Figure 10's
 * sweep. The paper prints no numbers for it.
 */
export const LOW_QAR = 0.2;
/** A block of an architecture figure ("MIX_0.2": mixed training at {@linkcode LOW_QAR}). */
export type ArchBlock = "QA" | "MIX" | "MIX_0.2" | "Q_first" | "Q_whole";
const BLOCKS = ["QA", "MIX", "MIX_0.2", "Q_first", "Q_whole"] as const;
/** Each block's columns (the paper's Figure 9: no mean for the probes; Q-whole has no b_date). */
const BLOCK_COLUMNS: Record<ArchBlock, readonly string[]> = {
  QA: COLUMNS,
  MIX: COLUMNS,
  "MIX_0.2": COLUMNS,
  Q_first: ATTRIBUTES,
  Q_whole: ATTRIBUTES.filter((a) => a !== "b_date"),
};

/** One architecture figure: the model, the data family, the paper's figure and panel. */
export interface ArchFigureInfo {
  arch: FigureArch;
  /** The paper's figure number and panel (as `data/paper/fig<figure>.json` names them). */
  figure: string;
  panel?: string;
  /** The model's name in titles. */
  model: string;
  data: "bioS" | "bioR";
  /** Rows drawn by default. */
  rows: readonly string[];
  /** Whether the paper's figure has Q-probing blocks (Figure 9: Q-first and Q-whole). */
  qprobe?: boolean;
  /** Whether a second MIX block runs at {@linkcode LOW_QAR} (GBERT). */
  lowMix?: boolean;
}

/** The architecture figures by name (the name is the figure's file and `deno task finding`'s). */
export const ARCH_FIGURES = {
  fig12c: {
    arch: "llama",
    figure: "12",
    panel: "c",
    model: "Llama",
    data: "bioS",
    rows: ARCH_ROWS,
  },
  fig12b: {
    arch: "llama",
    figure: "12",
    panel: "b",
    model: "Llama",
    data: "bioR",
    rows: ARCH_BIOR_ROWS,
  },
  fig9: {
    arch: "gbert",
    figure: "9",
    model: "GBERT",
    data: "bioS",
    rows: ARCH_ROWS,
    qprobe: true,
    lowMix: true,
  },
} as const satisfies Record<string, ArchFigureInfo>;
/** One architecture figure's name. */
export type ArchFigureName = keyof typeof ARCH_FIGURES;

/** Options of {@linkcode archFigure}. */
export interface ArchFigureOptions extends FindingRunOptions {
  preset?: PresetName;
  rows?: string[];
  /** Seeds per row (default 1: seed 0). */
  seeds?: number;
  /** Run the MIX block's mixed-training runs (default true); false draws only cached ones. */
  mix?: boolean;
  /**
   * Q-probe each row's pretrained model (seed 0) at the preset's rank, where the paper's figure
   * has Q blocks (default: the figure's `qprobe`); false draws only cached probes.
   */
  qprobe?: boolean;
  onlyCached?: boolean;
}

/** One cell: our P_test accuracy (mean over seeds) beside the paper's and our GPT's. */
export interface ArchCell {
  row: string;
  /** QA finetune, mixed training, or Q-probing from the name (first token / whole attribute). */
  block: ArchBlock;
  column: string;
  ours: number;
  std: number;
  seeds: number;
  /** The paper's value, or null where it prints none (the MIX_0.2 block). */
  paper: number | null;
  /** Our GPT on the same row and block (seed 0, cached runs only), or null. */
  gpt: number | null;
}

/** What an architecture figure shows, with provenance. */
export interface ArchFigureResult {
  /** Which figure (see {@linkcode ARCH_FIGURES}). */
  name: ArchFigureName;
  arch: FigureArch;
  preset: PresetName;
  cells: ArchCell[];
  runs: {
    row: string;
    block: ArchBlock;
    seed: number;
    qaInDist: number;
    qaOutDist: number;
    wallSeconds: number;
    cacheKey: string;
  }[];
  /**
   * How well each row's pretrained model (seed 0) memorized its biographies: the mean over the
   * six attributes, on P_train, of the first token and of the whole attribute predicted at the
   * attribute's place in the biography (for GBERT: the attribute's tokens all masked, predicted in
   * place, see lib/eval/metrics.ts). For GBERT also `maskedWord`, each word of a value masked
   * alone, the task its objective trains (NaN for a causal model). A model that never memorized
   * cannot be asked to extract.
   */
  memorization: { row: string; firstToken: number; whole: number; maskedWord: number }[];
  wallSeconds: number;
}

/** A row's run request on an architecture (the row's own overrides kept; `ARCH_PASSES`). */
export function archRequest(
  arch: FigureArch | undefined,
  preset: PresetName,
  row: string,
  seed: number,
): RunRequest {
  const r = rowRequest(preset, row, seed);
  if (!arch) return r;
  const passes = ARCH_PASSES[preset]?.[arch];
  return {
    ...r,
    overrides: {
      ...r.overrides,
      model: { ...r.overrides?.model, arch },
      ...(passes === undefined
        ? {}
        : { pretrain: { ...r.overrides?.pretrain, exposures: passes } }),
    },
  };
}

/** The block a mixed run's QA ratio draws in. */
const mixBlock = (QAr: number): ArchBlock => QAr === LOW_QAR ? "MIX_0.2" : "MIX";

const mean = (rows: AccuracyRow[], column: string, split = "P_test", metric?: string) =>
  rows.find((m) =>
    m.split === split && m.attribute === column &&
    (metric === undefined ? m.metric !== "qaFirstToken" : m.metric === metric)
  )?.accuracy ?? NaN;

/** Runs (or reads from the cache) an architecture figure's QA, MIX and Q-probe runs. */
export async function archFigure(
  name: ArchFigureName,
  opts: ArchFigureOptions = {},
): Promise<ArchFigureResult> {
  const t0 = performance.now();
  const info: ArchFigureInfo = ARCH_FIGURES[name];
  const { arch } = info;
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...info.rows];
  for (const r of rows) {
    if (isBioRConfig(r) !== (info.data === "bioR")) {
      throw new Error(
        `${name}: row "${r}" is not ${info.data} data; allowed: ${info.data} configurations ` +
          `(drawn by default: ${info.rows.join(", ")})`,
      );
    }
  }
  const seeds = Array.from({ length: opts.seeds ?? 1 }, (_, i) => i);
  const all: FinetuneRequest[] = rows.flatMap((row) =>
    seeds.map((s) => archRequest(arch, preset, row, s))
  );
  const reqs = opts.onlyCached ? await cachedOnly(all) : all;
  const mixReqs: (MixedRequest & { QAr: number })[] = [];
  const qars = "lowMix" in info && info.lowMix ? [PAPER_QAR, LOW_QAR] : [PAPER_QAR];
  for (const r of qars.flatMap((QAr) => all.map((r) => ({ ...r, QAr })))) {
    const run = opts.mix !== false && !opts.onlyCached;
    if (run || await isDone({ ...r, kind: "mixed" })) mixReqs.push(r);
  }
  // Q-probes of seed 0's pretrained models (the preset's rank), where the figure has Q blocks.
  const qReqs: FinetuneRequest[] = [];
  if (info.qprobe || opts.qprobe) {
    const run = opts.qprobe !== false && !opts.onlyCached;
    for (const r of all.filter((r) => r.seed === 0)) {
      if (run || await isDone({ ...r, kind: "qprobe" })) qReqs.push(r);
    }
  }
  const runOpts = { ...opts, defaultWorkers: getPreset(preset).workers };
  await ensureRuns([
    ...reqs.map((r) => ({ ...r, kind: "qa" as const })),
    ...qReqs.map((r) => ({ ...r, kind: "qprobe" as const })),
    ...mixReqs.map((r) => ({ ...r, kind: "mixed" as const })),
  ], runOpts);
  const qa = await ensureQA(reqs, runOpts);
  const mix = [];
  for (const r of mixReqs) mix.push({ request: r, result: await mixedTrain(r) });
  const probes: { request: FinetuneRequest; result: Awaited<ReturnType<typeof qProbe>> }[] = [];
  for (const r of qReqs) {
    probes.push({ request: r, result: await qProbe(r, {}, { progress: false }) });
  }
  /**
   * A Q-probe result as accuracy rows of a block, the shape QA's rows have: per attribute and the
   * mean over them, on P_test and on the P_train people the probe was fitted to.
   */
  const asRows = (q: Awaited<ReturnType<typeof qProbe>>, block: "Q_first" | "Q_whole") => {
    const mine = q.rows.filter((x) =>
      x.target === (block === "Q_first" ? "first_token" : "whole_attribute")
    );
    return (["P_test", "P_train"] as const).flatMap((split) => {
      const acc = mine.map((x) => split === "P_test" ? x.accuracy : x.trainAccuracy);
      const n = split === "P_test" ? q.nTest : q.nTrain;
      return [...mine.map((x, i) => ({ attribute: x.attribute, accuracy: acc[i], n })), {
        attribute: "mean",
        accuracy: acc.reduce((a, b) => a + b, 0) / Math.max(1, acc.length),
        n: n * mine.length,
      }].map((c): AccuracyRow => ({ split, metric: block, ...c }));
    });
  };
  // The GPT on the same rows (seed 0), where Figure 3's runs are cached.
  const gpt = new Map<string, AccuracyRow[]>();
  for (const row of rows) {
    const r = archRequest(undefined, preset, row, 0);
    if (await isDone({ ...r, kind: "qa" })) gpt.set(`QA|${row}`, (await qaFinetune(r)).qa);
    for (const QAr of qars) {
      const m = { ...r, QAr };
      if (await isDone({ ...m, kind: "mixed" })) {
        gpt.set(`${mixBlock(QAr)}|${row}`, (await mixedTrain(m)).qa);
      }
    }
    if (qReqs.length && await isDone({ ...r, kind: "qprobe" })) {
      const q = await qProbe(r, {}, { progress: false });
      for (const b of ["Q_first", "Q_whole"] as const) {
        gpt.set(`${b}|${row}`, asRows(q, b));
      }
    }
  }
  const memorization: ArchFigureResult["memorization"] = [];
  for (const r of qa.filter((d) => d.request.seed === 0)) {
    const pre = await pretrain(r.request, { progress: false });
    memorization.push({
      row: r.request.config,
      firstToken: mean(pre.memorization, "mean", "P_train", "bioFirstToken"),
      whole: mean(pre.memorization, "mean", "P_train", "bioWholeAttribute"),
      maskedWord: mean(pre.memorization, "mean", "P_train", "bioMaskedWord"),
    });
  }
  const { figure, panel, data } = info;
  const cells: ArchCell[] = [];
  const runs: ArchFigureResult["runs"] = [];
  const qDone = (b: "Q_first" | "Q_whole") =>
    probes.map((d) => ({
      request: d.request,
      // A probe records its training and evaluation time, not a wall time.
      result: {
        qa: asRows(d.result, b),
        wallSeconds: d.result.training.seconds + d.result.evalSeconds,
      },
      cacheKey: d.result.cacheKey,
    }));
  const blocks = {
    QA: qa.map((d) => ({ ...d, cacheKey: d.result.cacheKey })),
    MIX: mix.filter((d) => d.request.QAr === PAPER_QAR)
      .map((d) => ({ ...d, cacheKey: d.result.cacheKey })),
    "MIX_0.2": mix.filter((d) => d.request.QAr === LOW_QAR)
      .map((d) => ({ ...d, cacheKey: d.result.cacheKey })),
    Q_first: qDone("Q_first"),
    Q_whole: qDone("Q_whole"),
  };
  for (const block of BLOCKS) {
    const done = blocks[block];
    for (const row of rows) {
      const mine = done.filter((d) => d.request.config === row);
      if (!mine.length) continue;
      for (const column of BLOCK_COLUMNS[block]) {
        const s = meanStd(mine.map((d) => mean(d.result.qa, column)));
        const g = gpt.get(`${block}|${row}`);
        cells.push({
          row,
          block,
          column,
          ours: s.mean,
          std: s.std,
          seeds: s.n,
          paper: block === "MIX_0.2"
            ? null
            : paperCell(figure, paperRowOf(row), block, column, { panel, data }),
          gpt: g ? mean(g, column) : null,
        });
      }
      for (const d of mine) {
        runs.push({
          row,
          block,
          seed: d.request.seed,
          qaInDist: mean(d.result.qa, "mean", "P_train"),
          qaOutDist: mean(d.result.qa, "mean"),
          wallSeconds: d.result.wallSeconds ?? NaN,
          cacheKey: d.cacheKey,
        });
      }
    }
  }
  return {
    name,
    arch,
    preset,
    cells,
    runs,
    memorization,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** The result as a table: one row per (row, block, column): ours ± std, the paper, our GPT. */
export function archTable(res: ArchFigureResult): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    block: c.block,
    column: c.column,
    ours: +c.ours.toFixed(1),
    std: +c.std.toFixed(1),
    paper: c.paper,
    gpt: c.gpt === null ? null : +c.gpt.toFixed(1),
  })));
}

/** The heatmap: rows × (block, attribute), "ours (paper)". */
export function archSpec(res: ArchFigureResult): VegaLiteSpec {
  const { figure, panel, model, data, rows }: ArchFigureInfo = ARCH_FIGURES[res.name];
  return widenRowLabels(heatmapSpec(
    res.cells.map((c) => ({
      row: c.row,
      column: `${c.block} ${c.column}`,
      ours: c.ours,
      paper: c.paper,
    })),
    {
      title:
        `Figure ${figure}${panel ?? ""}: ${data} on ${model}, P_test accuracy, QA = pretrain + ` +
        `LoRA finetune, MIX = mixed training (QAr=${PAPER_QAR}` +
        (res.cells.some((c) => c.block === "MIX_0.2") ? `; MIX_0.2: QAr=${LOW_QAR}` : "") +
        `), ours (paper) [${res.preset}]`,
      rowOrder: [
        ...rows.filter((r) => res.cells.some((c) => c.row === r)),
        ...new Set(res.cells.map((c) => c.row).filter((r) => !rows.includes(r))),
      ],
      columnOrder: BLOCKS
        .flatMap((b) => BLOCK_COLUMNS[b].map((c) => `${b} ${c}`))
        .filter((c) => res.cells.some((x) => `${x.block} ${x.column}` === c)),
      rowTitle: `${data} pretraining data`,
      columnTitle: "attribute",
    },
  ));
}

/** Writes figures/<fig12b|fig12c|fig9>.{svg,png,json}. */
export async function saveArchFigure(
  res: ArchFigureResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure(res.name, archSpec(res), {
    dir: opts.dir,
    preset: res.preset,
    data: res,
  });
}
