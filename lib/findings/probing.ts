/**
 * What the probing findings (Figures 5, 6, 7, 13, 15, 16) share: which probe runs a figure needs
 * (one per row, seed and embedding rank, on the BIO-pretrained model of that row), running the
 * missing ones in worker processes, reading them from the cache, and the interactive heatmap.
 * @module
 */
import { envPositiveInt } from "../config/env.ts";
import { getPreset } from "../config/presets.ts";
import type { PresetName } from "../config/preset.ts";
import type { RunRequest } from "../runs/experiments.ts";
import { pProbe, qProbe } from "../runs/probes.ts";
import type { WorkerRequest } from "../cli/run.ts";
import { ensureRuns, type FindingRunOptions, isDone, rowRequest } from "./runs.ts";
import { FIG3_ROWS, HEADLINE_ROWS } from "./fig3.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { cellLabel } from "../plot/specs.ts";

/** A probe kind as the worker requests name it. */
export type ProbeKind = "pprobe" | "qprobe";

/** Options shared by the probing findings. */
export interface ProbeFigureOptions extends FindingRunOptions {
  preset?: PresetName;
  /** Rows to probe (default: every row of the figure). */
  rows?: string[];
  /** Probe (and pretraining) seeds per row, 0..seeds-1 (default 1: the paper shows one run). */
  seeds?: number;
  /** Draw only what the cache holds (`PLM_ONLY_CACHED`): rows without cached probes are left out
   * and listed in the result's `missingRows`. */
  onlyCached?: boolean;
  /** Probe steps (default: the paper's epochs scaled to the preset's N); tests use a few. */
  probeSteps?: number;
}

/**
 * The rows of the rank ablations (Figures 13 and 16) at a preset: at `tiny` and `smoke` the two
 * rows the paper's headline rests on, at `small` the four headline rows of Figure 3, at `paper`
 * all 16.
 */
export function rankAblationRows(preset: PresetName): string[] {
  if (preset === "paper") return [...FIG3_ROWS];
  if (preset === "small") return [...HEADLINE_ROWS];
  return ["single", "multi5+permute"];
}

/**
 * Probe steps from `PLM_PROBE_STEPS` (a positive integer), else undefined (the paper's epochs
 * scaled to the preset's N). A longer probe is a separate cached run.
 */
export function probeStepsFromEnv(): number | undefined {
  return envPositiveInt("PLM_PROBE_STEPS");
}

/** The worker requests of a probing figure: one per (row, seed, rank), in that order. */
export function probeRequests(
  kind: ProbeKind,
  preset: PresetName,
  rows: readonly string[],
  ranks: readonly number[],
  opts: { seeds?: number; steps?: number } = {},
): (RunRequest & { kind: ProbeKind; probe: { rank: number; steps?: number } })[] {
  const seeds = opts.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new Error(`seeds must be a positive integer, got ${seeds}`);
  }
  return rows.flatMap((config) =>
    Array.from({ length: seeds }, (_, seed) => seed).flatMap((seed) =>
      ranks.map((rank) => ({
        kind,
        ...rowRequest(preset, config, seed),
        probe: opts.steps === undefined ? { rank } : { rank, steps: opts.steps },
      }))
    )
  );
}

/** Time and size of one probe run, as a figure reports it. */
export interface ProbeRunInfo {
  row: string;
  seed: number;
  kind: ProbeKind;
  rank: number;
  steps: number;
  batchSize: number;
  /** Probe training (all 11 task heads), seconds. */
  trainSeconds: number;
  evalSeconds: number;
  nTrain: number;
  nTest: number;
  trainableParams: number;
  firstLoss: number;
  finalLoss: number;
  backend: string;
  cacheKey: string;
}

type PResult = Awaited<ReturnType<typeof pProbe>>;
type QResult = Awaited<ReturnType<typeof qProbe>>;

/** One probe run read from the cache. */
export interface ProbeRun<R> {
  row: string;
  seed: number;
  rank: number;
  result: R;
}

/** What a probing figure got: the runs, the rows they cover and the rows left out. */
export interface ProbeRuns<R> {
  runs: ProbeRun<R>[];
  rows: string[];
  missingRows: string[];
}

async function collect<R>(
  kind: ProbeKind,
  preset: PresetName,
  rows: readonly string[],
  ranks: readonly number[],
  opts: ProbeFigureOptions,
  read: (req: RunRequest, settings: { rank: number; steps?: number }) => Promise<R>,
): Promise<ProbeRuns<R>> {
  const all = probeRequests(kind, preset, rows, ranks, {
    seeds: opts.seeds,
    steps: opts.probeSteps,
  });
  let reqs = all;
  const missingRows: string[] = [];
  if (opts.onlyCached) {
    const done: typeof all = [];
    for (const r of all) if (await isDone(r as WorkerRequest)) done.push(r);
    // A row is drawn when every rank has at least one cached seed.
    const keep = rows.filter((row) =>
      ranks.every((rank) => done.some((r) => r.config === row && r.probe.rank === rank))
    );
    for (const row of rows) if (!keep.includes(row)) missingRows.push(row);
    reqs = done.filter((r) => keep.includes(r.config));
    if (reqs.length === 0) {
      throw new Error(
        `no cached ${kind} run for any of ${
          rows.join(", ")
        } (PLM_ONLY_CACHED is set): run them first`,
      );
    }
  }
  await ensureRuns(reqs as WorkerRequest[], { ...opts, defaultWorkers: getPreset(preset).workers });
  const runs: ProbeRun<R>[] = [];
  for (const r of reqs) {
    const result = await read(rowRequest(r.preset, r.config, r.seed), r.probe);
    runs.push({ row: r.config, seed: r.seed, rank: r.probe.rank, result });
  }
  return { runs, rows: rows.filter((r) => !missingRows.includes(r)), missingRows };
}

/** Runs (missing ones in workers) or reads the P-probes of `rows` x seeds x `ranks`. */
export function pProbeRuns(
  preset: PresetName,
  rows: readonly string[],
  ranks: readonly number[],
  opts: ProbeFigureOptions = {},
): Promise<ProbeRuns<PResult>> {
  return collect("pprobe", preset, rows, ranks, opts, (req, s) => pProbe(req, s));
}

/** Runs (missing ones in workers) or reads the Q-probes of `rows` x seeds x `ranks`. */
export function qProbeRuns(
  preset: PresetName,
  rows: readonly string[],
  ranks: readonly number[],
  opts: ProbeFigureOptions = {},
): Promise<ProbeRuns<QResult>> {
  return collect("qprobe", preset, rows, ranks, opts, (req, s) => qProbe(req, s));
}

/** The time and size of a probe run. */
export function probeRunInfo(kind: ProbeKind, run: ProbeRun<PResult | QResult>): ProbeRunInfo {
  const r = run.result;
  return {
    row: run.row,
    seed: run.seed,
    kind,
    rank: run.rank,
    steps: r.training.steps,
    batchSize: r.training.batchSize,
    trainSeconds: r.training.seconds,
    evalSeconds: r.evalSeconds,
    nTrain: r.nTrain,
    nTest: r.nTest,
    trainableParams: r.trainableParams,
    firstLoss: r.training.firstLoss,
    finalLoss: r.training.finalLoss,
    backend: r.backend,
    cacheKey: r.cacheKey,
  };
}

/** One cell of an interactive heatmap. */
export interface PlotlyHeatCell {
  row: string;
  column: string;
  ours: number | null;
  paper: number | null;
  /** Extra hover text (e.g. "n=120, 1 seed"). */
  note?: string;
}

/** A plotly heatmap whose cells read "ours (paper)" and whose hover adds each cell's note. */
export function heatmapPlotly(
  cells: readonly PlotlyHeatCell[],
  opts: { title: string; rowOrder: string[]; columnOrder: string[]; cellWidth?: number },
): PlotlyFigure {
  const rows = opts.rowOrder.filter((r) => cells.some((c) => c.row === r));
  const cols = opts.columnOrder.filter((k) => cells.some((c) => c.column === k));
  const at = new Map(cells.map((c) => [`${c.row}\u0000${c.column}`, c]));
  const get = (r: string, k: string) => at.get(`${r}\u0000${k}`);
  return {
    data: [{
      type: "heatmap",
      x: cols,
      y: rows,
      z: rows.map((r) => cols.map((k) => get(r, k)?.ours ?? null)),
      text: rows.map((r) =>
        cols.map((k) => {
          const c = get(r, k);
          return c ? cellLabel(c.ours, c.paper) : "";
        })
      ),
      customdata: rows.map((r) => cols.map((k) => get(r, k)?.note ?? "")),
      texttemplate: "%{text}",
      hovertemplate: "%{y} / %{x}<br>ours (paper): %{text}<br>%{customdata}<extra></extra>",
      colorscale: "Blues",
      zmin: 0,
      zmax: 100,
    }],
    layout: {
      title: opts.title,
      yaxis: { autorange: "reversed" },
      xaxis: { side: "top", tickangle: -45 },
      height: 160 + 28 * rows.length,
      width: 260 + (opts.cellWidth ?? 72) * cols.length,
      margin: { l: 240, t: 120 },
    },
  };
}
