/**
 * Figures 18 and 19 (paper Appendix G): P-probing (Figure 18) and Q-probing (Figure 19) of the
 * minority with and without celebrities. The probes read the same pretrained models as Figure 8
 * (lib/findings/fig8.ts); only minority entries and minority people are probed (P-probes train on
 * the minority's P_train entries and test on its P_test, Q-probes likewise), at the preset's probe
 * settings. Ours run the paper's rows (FIG18_ROWS).
 * @module
 */
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { P_POSITIONS } from "../probe/p_probe.ts";
import { pProbe, qProbe } from "../runs/probes.ts";
import { ensureRuns, type FindingRunOptions, isDone } from "./runs.ts";
import type { WorkerRequest } from "../runs/request.ts";
import { paperCell, paperPProbe } from "./paper.ts";
import {
  celebrityCount,
  celebrityRequest,
  type CelebrityRow,
  FIG17_ROWS,
  FIG8_ROWS,
} from "./fig8.ts";
import { P_PROBE_SHORT, positionPanels } from "./p_probing.ts";
import { type HeatmapCell, heatmapSpec, widenRowLabels } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";

/**
 * The paper's rows of Figures 18 and 19: Figure 8's five, bioS single (no celebrity pairing in the
 * paper) and the bioR single+fullname rows of Figure 17 (+wiki with our stand-in text, fig8.ts).
 */
export const FIG18_ROWS: readonly string[] = [
  "bioS single",
  "bioS single+permute1",
  "bioS single+permute1+CEL",
  "bioR single",
  "bioR single+wiki",
  "bioR single+CEL",
  "bioR single+fullname",
  "bioR single+fullname+wiki",
  "bioR single+fullname+CEL",
];

/** One probe cell of a row: P (position 0..5) or Q (position null). */
export interface MinorityProbeCell {
  row: string;
  probe: "P" | "Q";
  target: ProbeTarget;
  attribute: string;
  position: number | null;
  ours: number | null;
  paper: number | null;
  n: number;
}

/** Options of {@link fig18}. */
export interface Fig18Options extends FindingRunOptions {
  preset?: PresetName;
  /** Row labels (default {@linkcode FIG18_ROWS}; any Figure 8/17 row is accepted). */
  rows?: string[];
  onlyCached?: boolean;
  /** "P" (Figure 18, default) or "Q" (Figure 19). */
  probe?: "P" | "Q";
  /** Celebrities per +CEL run (default: fig8.ts's celebrityCount). */
  celebrities?: number;
}

/** Figures 18/19's cells. */
export interface Fig18Result {
  preset: PresetName;
  probe: "P" | "Q";
  rank: number;
  /** Celebrities per +CEL run. */
  celebrities: number;
  cells: MinorityProbeCell[];
  /** Rows asked for whose probe is not cached (with onlyCached). */
  missingRows: string[];
  runs: { label: string; cacheKey: string; pretrainKey: string }[];
  wallSeconds: number;
}

function rowsOf(labels: string[] | undefined): CelebrityRow[] {
  const known = [...FIG8_ROWS, ...FIG17_ROWS];
  return (labels ?? FIG18_ROWS).map((l) => {
    const r = known.find((k) => k.label === l);
    if (!r) {
      throw new Error(
        `unknown Figure 18/19 row "${l}"; allowed: ${known.map((k) => k.label).join(", ")}`,
      );
    }
    return r;
  });
}

/** The paper's P-probe value (Figure 18 a/b) or null when the paper has no such row or cell. */
function paperP(r: CelebrityRow, target: ProbeTarget, attribute: string, position: number) {
  try {
    const panel = target === "first_token" ? "a" : "b";
    return paperPProbe(r.paper.row, attribute as never, {
      figure: "18",
      panel,
      data: r.paper.data,
    })[position] ?? null;
  } catch {
    return null;
  }
}

function paperQ(r: CelebrityRow, target: ProbeTarget, attribute: string): number | null {
  try {
    const block = target === "first_token" ? "Q_first" : "Q_whole";
    return paperCell("19", r.paper.row, block, attribute, { data: r.paper.data });
  } catch {
    return null;
  }
}

/** Runs (or reads) the probes of each row's pretrained model on the minority. */
export async function fig18(opts: Fig18Options = {}): Promise<Fig18Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const probe = opts.probe ?? "P";
  const kind = probe === "P" ? "pprobe" : "qprobe";
  const pp = getPreset(preset).probe;
  const rank = probe === "P" ? pp.pRank : pp.qRank;
  const rows = rowsOf(opts.rows);
  const missingRows: string[] = [];
  const wanted: { row: CelebrityRow; req: WorkerRequest }[] = [];
  for (const r of rows) {
    const count = opts.celebrities;
    const req = { ...celebrityRequest(r, preset, 0, { count }), kind, probe: {} } as WorkerRequest;
    if (opts.onlyCached && !(await isDone(req))) missingRows.push(r.label);
    else wanted.push({ row: r, req });
  }
  if (!wanted.length) throw new Error(`no cached ${kind} run for ${missingRows.join(", ")}`);
  await ensureRuns(wanted.map((w) => w.req), {
    ...opts,
    defaultWorkers: getPreset(preset).workers,
  });
  const cells: MinorityProbeCell[] = [];
  const runs: Fig18Result["runs"] = [];
  for (const { row, req } of wanted) {
    if (probe === "P") {
      const res = await pProbe(req as Parameters<typeof pProbe>[0], {});
      runs.push({ label: row.label, cacheKey: res.cacheKey, pretrainKey: res.pretrainKey });
      for (const c of res.cells) {
        cells.push({
          row: row.label,
          probe,
          target: c.target,
          attribute: c.attribute,
          position: c.position,
          ours: c.accuracy,
          paper: paperP(row, c.target, c.attribute, c.position),
          n: c.n,
        });
      }
    } else {
      const res = await qProbe(req as Parameters<typeof qProbe>[0], {});
      runs.push({ label: row.label, cacheKey: res.cacheKey, pretrainKey: res.pretrainKey });
      for (const q of res.rows) {
        cells.push({
          row: row.label,
          probe,
          target: q.target,
          attribute: q.attribute,
          position: null,
          ours: q.accuracy,
          paper: paperQ(row, q.target, q.attribute),
          n: q.n,
        });
      }
    }
  }
  return {
    preset,
    probe,
    rank,
    celebrities: opts.celebrities ?? celebrityCount(preset),
    cells,
    missingRows,
    runs,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The heatmap: P in a panel per position (first-token, Figure 18a, or whole-attribute, 18b, by
 * `target`), or Q first-token and whole side by side (Figure 19).
 */
export function fig18Spec(
  res: Fig18Result,
  opts: { target?: ProbeTarget } = {},
): VegaLiteSpec {
  const target = opts.target ?? "first_token";
  const order = [...FIG18_ROWS, ...[...FIG8_ROWS, ...FIG17_ROWS].map((r) => r.label)]
    .filter((l, i, all) => all.indexOf(l) === i && res.cells.some((c) => c.row === l));
  if (res.probe === "P") {
    const hc: HeatmapCell[] = res.cells.filter((c) => c.target === target && c.n > 0)
      .map((c) => ({
        row: c.row,
        column: P_PROBE_SHORT[c.attribute as keyof typeof P_PROBE_SHORT],
        panel: `position ${c.position}`,
        ours: c.ours,
        paper: c.paper,
      }));
    return heatmapSpec(hc, {
      title:
        `Figure 18(${target === "first_token" ? "a" : "b"}): P-probing ${
          target === "first_token" ? "first-token" : "whole-attribute"
        } accuracy of the minority, with (+CEL: ${res.celebrities}) and without celebrities, rank ${res.rank}, ours ` +
        `(paper: rank 2) [${res.preset}]`,
      rowOrder: order,
      columnOrder: ATTRIBUTES.map((a) => P_PROBE_SHORT[a]),
      panelOrder: positionPanels().slice(0, P_POSITIONS),
      panelColumns: 2,
      rowTitle: "minority data",
      labelLines: 2,
      cellWidth: 46,
      fontSize: 10,
    });
  }
  const label = (c: MinorityProbeCell) =>
    `${c.target === "first_token" ? "Q-first" : "Q-whole"} ${c.attribute}`;
  const hc = res.cells.map((c) => ({ row: c.row, column: label(c), ours: c.ours, paper: c.paper }));
  return widenRowLabels(heatmapSpec(hc, {
    title:
      `Figure 19: Q-probing of the minority from the name, with (+CEL: ${res.celebrities}) and without ` +
      `celebrities, rank ${res.rank}, ours (paper) [${res.preset}]`,
    rowOrder: order,
    columnOrder: [
      ...ATTRIBUTES.map((a) => `Q-first ${a}`),
      ...ATTRIBUTES.filter((a) => a !== "b_date").map((a) => `Q-whole ${a}`),
    ],
    rowTitle: "minority data",
    columnTitle: "attribute",
  }));
}

/**
 * Writes figures/fig18.{svg,png,json} (P, first-token), fig18b.* (P, `target` whole_attribute) or
 * fig19.* (Q), by the result's probe; `suffix` is appended to the name (e.g. "_cel100").
 */
export async function saveFig18(
  res: Fig18Result,
  opts: { dir?: string; target?: ProbeTarget; suffix?: string } = {},
): Promise<SavedFigure> {
  const whole = res.probe === "P" && opts.target === "whole_attribute";
  const name = (res.probe === "P" ? (whole ? "fig18b" : "fig18") : "fig19") + (opts.suffix ?? "");
  return await saveFigure(name, fig18Spec(res, { target: opts.target }), {
    dir: opts.dir,
    preset: res.preset,
    data: { ...res, paperSource: `data/paper/${res.probe === "P" ? "fig18" : "fig19"}.json` },
  });
}
