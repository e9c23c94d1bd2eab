/**
 * Memorization before extraction (paper Remark C.1): the paper judges knowledge extraction only
 * after the model has memorized the biographies (attribute next-token accuracy well above 99%).
 * This finding pretrains one model per bioS configuration and reports BIO first-token and
 * whole-attribute accuracy on P_train and P_test people, and the pretraining loss curves.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import type { RunRequest } from "../runs/experiments.ts";
import { FIG3_ROWS, fig3Requests } from "./fig3.ts";
import { ensurePretrained, type FindingRunOptions, isPretrained } from "./runs.ts";
import { heatmapSpec, lineSpec } from "../plot/specs.ts";
import { seriesStyles } from "../plot/colors.ts";
import type { VegaLiteSpec } from "../plot/render.ts";

/** Options of {@linkcode memorization}. */
export interface MemorizationOptions extends FindingRunOptions {
  preset?: PresetName;
  rows?: string[];
  seeds?: number;
  /** Use only pretrained models already in the cache. */
  onlyCached?: boolean;
}

/** One pretrained model's numbers. */
export interface MemorizationRun {
  row: string;
  seed: number;
  steps: number;
  finalLoss: number;
  tokensPerSec: number;
  wallSeconds: number;
  /** Accuracy (%) by metric ("bioFirstToken" | "bioWholeAttribute"), split and attribute. */
  accuracy: { metric: string; split: string; attribute: string; accuracy: number }[];
  curve: { step: number; loss: number }[];
  cacheKey: string;
}

/** Pretrains (or reads) the models of `rows` and collects their memorization. */
export async function memorization(opts: MemorizationOptions = {}): Promise<{
  preset: PresetName;
  runs: MemorizationRun[];
}> {
  const preset = opts.preset ?? currentPreset();
  let reqs: RunRequest[] = fig3Requests({ preset, rows: opts.rows, seeds: opts.seeds });
  if (opts.onlyCached) {
    const kept: RunRequest[] = [];
    for (const r of reqs) if (await isPretrained(r)) kept.push(r);
    reqs = kept;
  }
  const done = await ensurePretrained(reqs, { ...opts, defaultWorkers: getPreset(preset).workers });
  return {
    preset,
    runs: done.map(({ request, result }) => ({
      row: request.config,
      seed: request.seed,
      steps: result.training.steps,
      finalLoss: result.training.finalLoss,
      tokensPerSec: result.training.tokensPerSec,
      wallSeconds: result.wallSeconds,
      accuracy: result.memorization.map((m) => ({
        metric: m.metric,
        split: m.split,
        attribute: m.attribute,
        accuracy: m.accuracy,
      })),
      curve: result.training.curve.map((c) => ({ step: c.step, loss: c.loss })),
      cacheKey: result.cacheKey,
    })),
  };
}

/** One row per (row, seed): mean BIO accuracies on P_train and P_test, loss, speed. */
export function memorizationTable(res: { runs: MemorizationRun[] }): pl.DataFrame {
  const get = (r: MemorizationRun, metric: string, split: string) =>
    +(r.accuracy.find((a) => a.metric === metric && a.split === split && a.attribute === "mean")
      ?.accuracy ?? NaN).toFixed(1);
  return pl.DataFrame(res.runs.map((r) => ({
    row: r.row,
    seed: r.seed,
    bio_first_P_train: get(r, "bioFirstToken", "P_train"),
    bio_first_P_test: get(r, "bioFirstToken", "P_test"),
    bio_whole_P_train: get(r, "bioWholeAttribute", "P_train"),
    bio_whole_P_test: get(r, "bioWholeAttribute", "P_test"),
    final_loss: +r.finalLoss.toFixed(3),
    steps: r.steps,
    tokens_per_s: Math.round(r.tokensPerSec),
    minutes: +(r.wallSeconds / 60).toFixed(1),
  })));
}

/** Heatmap: rows x attributes of BIO whole-attribute accuracy on P_test (seed-averaged). */
export function memorizationSpec(res: { preset: string; runs: MemorizationRun[] }): VegaLiteSpec {
  const rows = [...new Set(res.runs.map((r) => r.row))];
  const cells = rows.flatMap((row) => {
    const mine = res.runs.filter((r) => r.row === row);
    const attrs = [...new Set(mine[0].accuracy.map((a) => a.attribute))];
    return attrs.map((attribute) => {
      const xs = mine.map((r) =>
        r.accuracy.find((a) =>
          a.metric === "bioWholeAttribute" && a.split === "P_test" && a.attribute === attribute
        )?.accuracy ?? NaN
      );
      return { row, column: attribute, ours: xs.reduce((a, b) => a + b, 0) / xs.length };
    });
  });
  return heatmapSpec(cells, {
    title: `BIO memorization: whole-attribute accuracy on P_test biographies [${res.preset}]`,
    rowOrder: FIG3_ROWS.filter((r) => rows.includes(r)),
    columnOrder: ["mean", "b_date", "b_city", "univ", "major", "c_name", "c_city"],
    rowTitle: "bioS pretraining data",
  });
}

/** Pretraining loss curves, one line per row (seed 0). */
export function lossCurveSpec(res: { preset: string; runs: MemorizationRun[] }): VegaLiteSpec {
  const points = res.runs.filter((r) => r.seed === res.runs[0].seed).flatMap((r) =>
    r.curve.map((c) => ({ x: c.step, y: c.loss, series: r.row }))
  );
  const maxLoss = Math.max(...points.map((p) => p.y));
  const minLoss = Math.min(...points.map((p) => p.y));
  const rows = [...new Set(points.map((p) => p.series))];
  const order = [
    ...FIG3_ROWS.filter((r) => rows.includes(r)),
    ...rows.filter((r) => !FIG3_ROWS.includes(r)),
  ];
  // 16 rows: one colour per augmentation, solid without "+fullname" and dashed with it, so no
  // two rows share a style (a 10-colour palette gave two rows the same colour).
  const styles = seriesStyles(order.length, order.map((r) => r.replace(/\+fullname$/, "")));
  return lineSpec(points, {
    title: `BIO pretraining loss [${res.preset}]`,
    yTitle: "training loss (nats/token, log scale)",
    // Log scale: the rows differ where the losses are small, which a linear axis squeezes flat.
    yDomain: [10 ** Math.floor(Math.log10(minLoss)), Math.ceil(maxLoss)],
    yLog: true,
    points: false,
    seriesOrder: order,
    styles: Object.fromEntries(order.map((r, i) => [r, styles[i]])),
    width: 520,
    height: 320,
  });
}
