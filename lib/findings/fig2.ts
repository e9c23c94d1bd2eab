/**
 * Figure 2 (and Figure 11k): the QA-finetuning grid. For a model pretrained on bioS single, no
 * finetuning choice (LoRA rank r on the attention query/value matrices x rank r' of an update of
 * the token embedding, or full finetuning) makes P_test QA work (paper: 4.4-11.0%), while the same
 * grid on multi5+permute works almost everywhere (Figure 11k). Cells: P_test QA generation
 * accuracy, with P_train QA first-token accuracy beside it as in the paper.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import type { FinetuneRequest } from "../runs/experiments.ts";
import { paperFinetuneGrid, paperGridCell } from "./paper.ts";
import { ensureQA, type FindingRunOptions, isCached, rowRequest } from "./runs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import { cellLabel, VEGA_LITE_SCHEMA } from "../plot/specs.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { ACCURACY_SCHEME, accuracyColorscale } from "../plot/colors.ts";

/** The two pretraining rows drawn side by side. */
export const FIG2_ROWS: readonly string[] = ["single", "multi5+permute"];

/** The grid of a preset: q/v ranks x embedding ranks ("0" frozen, "all" trainable). */
export function fig2Grid(preset: PresetName): { qvRanks: number[]; embeddingRanks: string[] } {
  return preset === "paper"
    ? { qvRanks: [32, 16, 8, 4, 2], embeddingRanks: ["0", "16", "32", "64", "128", "all"] }
    : preset === "smoke"
    ? { qvRanks: [8], embeddingRanks: ["0", "all"] }
    : { qvRanks: [16, 2], embeddingRanks: ["0", "128", "all"] };
}

/** One grid cell of ours beside the paper's. */
export interface Fig2Cell {
  row: string;
  /** q/v rank, or "full" for full finetuning. */
  qvRank: string;
  /** Embedding rank ("0", "16", ..., "all"), or "full". */
  embeddingRank: string;
  test: number;
  trainFirstToken: number;
  paperTest: number | null;
  paperTrainFirstToken: number | null;
  cacheKey: string;
}

/** Figure 2's numbers. */
export interface Fig2Result {
  preset: PresetName;
  seed: number;
  grid: { qvRanks: number[]; embeddingRanks: string[] };
  cells: Fig2Cell[];
  /** Cells of the grid with no cached run (only with `onlyCached`): not drawn. */
  missing: { row: string; qvRank: string; embeddingRank: string }[];
  wallSeconds: number;
}

/** Options of {@linkcode fig2}. */
export interface Fig2Options extends FindingRunOptions {
  preset?: PresetName;
  rows?: string[];
  /** Only seed 0 is used (the paper shows one run per cell). */
  seeds?: number;
  /** Draw only the cells already in the cache (the others are listed in `missing`). */
  onlyCached?: boolean;
}

/** Runs (or reads) every cell of the grid for each row. */
export async function fig2(opts: Fig2Options = {}): Promise<Fig2Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? [...FIG2_ROWS];
  for (const r of rows) {
    if (!FIG2_ROWS.includes(r)) {
      throw new Error(`unknown Figure 2 row "${r}"; allowed: ${FIG2_ROWS.join(", ")}`);
    }
  }
  const grid = fig2Grid(preset);
  const seed = 0;
  const reqs: FinetuneRequest[] = [];
  const where: { row: string; qvRank: string; embeddingRank: string }[] = [];
  for (const row of rows) {
    reqs.push({ ...rowRequest(preset, row, seed), finetune: { method: "full" } });
    where.push({ row, qvRank: "full", embeddingRank: "full" });
    for (const r of grid.qvRanks) {
      for (const e of grid.embeddingRanks) {
        const rEmbedding = e === "all" ? "all" : Number(e);
        reqs.push({
          ...rowRequest(preset, row, seed),
          finetune: { method: "lora", r, rEmbedding },
        });
        where.push({ row, qvRank: String(r), embeddingRank: e });
      }
    }
  }
  const missing: Fig2Result["missing"] = [];
  const use: number[] = [];
  for (let i = 0; i < reqs.length; i++) {
    if (!opts.onlyCached || await isCached(reqs[i])) use.push(i);
    else missing.push(where[i]);
  }
  const done = await ensureQA(use.map((i) => reqs[i]), {
    ...opts,
    defaultWorkers: getPreset(preset).workers,
  });
  const cells = done.map((d, k) => {
    const w = where[use[k]];
    const acc = (split: string, metric: (m: string) => boolean) =>
      d.result.qa.find((m) => m.split === split && m.attribute === "mean" && metric(m.metric))!
        .accuracy;
    let paper: { test: number; trainFirstToken: number } | null = null;
    const pg = paperFinetuneGrid(w.row);
    if (w.qvRank === "full") paper = pg.fullFinetune;
    else if (pg.qvRanks.includes(Number(w.qvRank)) && pg.embeddingRanks.includes(w.embeddingRank)) {
      paper = paperGridCell(pg, Number(w.qvRank), w.embeddingRank);
    }
    return {
      ...w,
      test: acc("P_test", (m) => m !== "qaFirstToken"),
      trainFirstToken: acc("P_train", (m) => m === "qaFirstToken"),
      paperTest: paper?.test ?? null,
      paperTrainFirstToken: paper?.trainFirstToken ?? null,
      cacheKey: d.result.cacheKey,
    };
  });
  return { preset, seed, grid, cells, missing, wallSeconds: (performance.now() - t0) / 1000 };
}

/** Figure 2 as a polars table. */
export function fig2Table(res: Fig2Result): pl.DataFrame {
  return pl.DataFrame(res.cells.map((c) => ({
    row: c.row,
    qv_rank: c.qvRank,
    embedding_rank: c.embeddingRank,
    test: +c.test.toFixed(1),
    train_first_token: +c.trainFirstToken.toFixed(1),
    paper_test: c.paperTest,
    paper_train_first_token: c.paperTrainFirstToken,
  })));
}

/** Side-by-side grids (one panel per pretraining row), each cell "ours (paper)" of P_test accuracy. */
export function fig2Spec(res: Fig2Result): VegaLiteSpec {
  const values = res.cells.map((c) => ({
    row: `pretrained on bioS ${c.row}`,
    y: c.qvRank === "full" ? "full finetune" : `q/v r=${c.qvRank}`,
    x: c.embeddingRank === "full"
      ? "full"
      : c.embeddingRank === "0"
      ? "r'=0 (frozen)"
      : `r'=${c.embeddingRank}`,
    ours: c.test,
    label: cellLabel(c.test, c.paperTest),
    train: `P_train first-token ${c.trainFirstToken.toFixed(1)}`,
  }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Figure 2 / 11k: P_test QA accuracy by finetuning method, ours (paper) [${res.preset}]`,
    data: { values },
    facet: {
      column: {
        field: "row",
        type: "nominal",
        title: null,
        sort: FIG2_ROWS.map((r) => `pretrained on bioS ${r}`),
      },
    },
    spec: {
      width: 78 * (res.grid.embeddingRanks.length + 1),
      height: 26 * (res.grid.qvRanks.length + 1),
      layer: [
        {
          mark: "rect",
          encoding: {
            x: {
              field: "x",
              type: "ordinal",
              title: "embedding update rank r'",
              sort: null,
              axis: { labelAngle: 0 },
            },
            y: { field: "y", type: "ordinal", title: "LoRA rank r on query/value", sort: null },
            color: {
              field: "ours",
              type: "quantitative",
              scale: { domain: [0, 100], scheme: ACCURACY_SCHEME },
              title: "ours",
            },
            tooltip: [{ field: "label" }, { field: "train" }],
          },
        },
        {
          mark: { type: "text", fontSize: 10 },
          encoding: {
            x: { field: "x", type: "ordinal", sort: null },
            y: { field: "y", type: "ordinal", sort: null },
            text: { field: "label" },
            // Dark cells are high on the shared ramp: white text there.
            color: { condition: { test: "datum.ours > 50", value: "white" }, value: "black" },
          },
        },
      ],
    },
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/** The interactive version: one heatmap per row. */
export function fig2Plotly(res: Fig2Result): PlotlyFigure {
  const rows = [...new Set(res.cells.map((c) => c.row))];
  const ys = ["full", ...res.grid.qvRanks.map(String)];
  const xs = ["full", ...res.grid.embeddingRanks];
  return {
    data: rows.map((row, i) => {
      const at = (y: string, x: string) =>
        res.cells.find((c) =>
          c.row === row && c.qvRank === y && (y === "full" ? true : c.embeddingRank === x)
        );
      return {
        type: "heatmap",
        name: row,
        xaxis: i === 0 ? "x" : `x${i + 1}`,
        yaxis: i === 0 ? "y" : `y${i + 1}`,
        x: xs,
        y: ys,
        z: ys.map((y) =>
          xs.map((x) => (y === "full") !== (x === "full") ? null : at(y, x)?.test ?? null)
        ),
        text: ys.map((y) =>
          xs.map((x) => {
            const c = (y === "full") !== (x === "full") ? undefined : at(y, x);
            return c
              ? `${cellLabel(c.test, c.paperTest)}<br>train 1st ${c.trainFirstToken.toFixed(0)}`
              : "";
          })
        ),
        texttemplate: "%{text}",
        zmin: 0,
        zmax: 100,
        colorscale: accuracyColorscale(),
        colorbar: { title: { text: "ours" } },
        showscale: i === 0,
      };
    }),
    layout: {
      title: {
        text: `Figure 2 / 11k: P_test QA accuracy by finetuning method, ours (paper), ` +
          `preset ${res.preset}`,
      },
      // "0", "128" and "full" are categories: left to plotly, the numbers make the axis linear
      // and "full" is dropped, which blanked the figure.
      ...Object.fromEntries(rows.flatMap((_, i) => {
        const n = i === 0 ? "" : String(i + 1);
        return [
          [`xaxis${n}`, { type: "category", title: { text: "embedding update rank r'" } }],
          [`yaxis${n}`, {
            type: "category",
            // Full finetuning on top, as in the static figure and the paper.
            autorange: "reversed",
            title: { text: i === 0 ? "LoRA rank r on query/value" : "" },
          }],
        ];
      })),
      grid: { rows: 1, columns: rows.length, pattern: "independent" },
      annotations: rows.map((r, i) => ({
        text: `pretrained on bioS ${r}`,
        showarrow: false,
        xref: `x${i === 0 ? "" : i + 1} domain`,
        yref: `y${i === 0 ? "" : i + 1} domain`,
        x: 0.5,
        y: 1.12,
      })),
      width: 520 * rows.length,
      height: 360,
    },
  };
}

/** Writes figures/fig2.{svg,png,html,json}. */
export async function saveFig2(res: Fig2Result, opts: { dir?: string } = {}): Promise<SavedFigure> {
  return await saveFigure("fig2", fig2Spec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: fig2Plotly(res),
    plotlyScript: "beside",
    data: res,
  });
}
