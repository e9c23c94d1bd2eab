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
import type { WorkerRequest } from "../runs/request.ts";
import { ensureRuns, type FindingRunOptions, isDone, rowRequest } from "./runs.ts";
import { FIG3_ROWS, HEADLINE_ROWS } from "./fig3.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { BELOW_BASELINE_MARK, BELOW_BASELINE_NOTE, cellLabel } from "../plot/specs.ts";
import { accuracyColorscale } from "../plot/colors.ts";

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
  /** The panel the cell is drawn in, when the figure has panels. */
  panel?: string;
  /** Ours below the majority-guess baseline: marked as in the static figure. */
  belowBaseline?: boolean;
}

/** Options of {@link heatmapPlotly}. */
export interface HeatmapPlotlyOptions {
  title: string;
  rowOrder: string[];
  columnOrder: string[];
  cellWidth?: number;
  rowTitle?: string;
  columnTitle?: string;
  /** Small multiples, one per panel, in this order (cells carry `panel`). */
  panelOrder?: string[];
  /** Panels per line (default 3). */
  panelColumns?: number;
}

/**
 * A plotly heatmap whose cells read "ours (paper)" and whose hover adds each cell's note, on the
 * static figures' colour ramp (dark = high), with its title and axis titles, cells below the
 * majority-guess baseline marked, and optionally one panel per `panel` (as the static figure).
 */
export function heatmapPlotly(
  cells: readonly PlotlyHeatCell[],
  opts: HeatmapPlotlyOptions,
): PlotlyFigure {
  const rows = opts.rowOrder.filter((r) => cells.some((c) => c.row === r));
  const cols = opts.columnOrder.filter((k) => cells.some((c) => c.column === k));
  const panels = opts.panelOrder?.filter((p) => cells.some((c) => c.panel === p)) ?? [""];
  const key = (p: string, r: string, k: string) => `${p}\u0000${r}\u0000${k}`;
  const at = new Map(
    cells.map((c) => [key(opts.panelOrder ? c.panel ?? "" : "", c.row, c.column), c]),
  );
  const perLine = opts.panelOrder ? Math.min(opts.panelColumns ?? 3, panels.length) : 1;
  const lines = Math.ceil(panels.length / perLine);
  const anyBelow = cells.some((c) => c.belowBaseline);
  const data = panels.map((p, i) => {
    const get = (r: string, k: string) => at.get(key(p, r, k));
    const axis = i === 0 ? "" : String(i + 1);
    return {
      type: "heatmap",
      name: p || undefined,
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      x: cols,
      y: rows,
      z: rows.map((r) => cols.map((k) => get(r, k)?.ours ?? null)),
      text: rows.map((r) =>
        cols.map((k) => {
          const c = get(r, k);
          if (!c) return "";
          const label = cellLabel(c.ours, c.paper);
          return c.belowBaseline ? `${label} ${BELOW_BASELINE_MARK}` : label;
        })
      ),
      customdata: rows.map((r) => cols.map((k) => get(r, k)?.note ?? "")),
      texttemplate: "%{text}",
      hovertemplate: `${p ? `${p}: ` : ""}%{y} / %{x}<br>ours (paper): %{text}<br>` +
        "%{customdata}<extra></extra>",
      colorscale: accuracyColorscale(),
      zmin: 0,
      zmax: 100,
      showscale: i === 0,
      colorbar: { title: { text: "ours" } },
    };
  });
  const cellW = opts.cellWidth ?? 72;
  const left = 40 + Math.max(...rows.map((r) => r.length)) * 7;
  const layout: Record<string, unknown> = {
    title: {
      text: anyBelow ? `${opts.title}<br><sub>${BELOW_BASELINE_NOTE}</sub>` : opts.title,
    },
    height: 170 + lines * (60 + 28 * rows.length),
    width: left + 140 + perLine * (cellW * cols.length + 30),
    margin: { l: left, t: 150 },
  };
  panels.forEach((_, i) => {
    const axis = i === 0 ? "" : String(i + 1);
    layout[`xaxis${axis}`] = {
      type: "category",
      side: "top",
      tickangle: opts.panelOrder ? 0 : -45,
      ...(i === 0 || opts.panelOrder ? { title: { text: opts.columnTitle ?? "" } } : {}),
    };
    layout[`yaxis${axis}`] = {
      type: "category",
      autorange: "reversed",
      showticklabels: i % perLine === 0,
      ...(i % perLine === 0 ? { title: { text: opts.rowTitle ?? "" } } : {}),
    };
  });
  if (opts.panelOrder) {
    layout.grid = { rows: lines, columns: perLine, pattern: "independent", ygap: 0.25 };
    layout.annotations = panels.map((p, i) => {
      const axis = i === 0 ? "" : String(i + 1);
      return {
        text: `<b>${p}</b>`,
        showarrow: false,
        xref: `x${axis} domain`,
        yref: `y${axis} domain`,
        x: 0.5,
        y: -0.04,
        yanchor: "top",
      };
    });
  }
  return { data, layout };
}
