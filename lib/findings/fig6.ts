/**
 * Figures 6 and 15 (paper §5.1, Appendix E): the closer look at P-probing on bioS couple1/2/5
 * data, accuracy split by which of the other five attributes were already seen, drawn as the paper
 * draws them: one 5-set Venn diagram per (couple row, probed attribute), each region with data
 * carrying its accuracy. An UpSet-style bar chart of the same regions is the extra `_bars` figure.
 * @module
 */
import pl from "nodejs-polars";
import { getPreset } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { ProbeTarget } from "../probe/head.ts";
import { vennBreakdown } from "../probe/p_probe.ts";
import { paperPanel, type PaperVennCell, type PaperVennPanel } from "./paper.ts";
import { pProbeRuns, type ProbeFigureOptions, type ProbeRunInfo, probeRunInfo } from "./probing.ts";
import { VEGA_LITE_SCHEMA } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { type VennPanel, vennPlotly, vennSpec } from "../plot/venn.ts";
import { checkRows, P_PROBE_SHORT, targetWords } from "./p_probing.ts";

/** The couple rows of Figure 15 (couple2 alone is Figure 6). */
export const FIG15_ROWS: readonly string[] = ["couple1", "couple2", "couple5"];
/** The three targets of the Venn diagrams and the attribute each is coupled with. */
export const VENN_TARGETS: readonly { target: Attribute; coupledWith: Attribute }[] = [
  { target: "b_city", coupledWith: "b_date" },
  { target: "major", coupledWith: "univ" },
  { target: "c_city", coupledWith: "c_name" },
];

/** The couple rows a preset draws: couple2 (Figure 6) at smoke, all three (Figure 15) otherwise. */
export function fig6Rows(preset: PresetName): string[] {
  return preset === "smoke" ? ["couple2"] : [...FIG15_ROWS];
}

/** The paper's summary of one Venn diagram (Figure 6 for couple2, Figure 15 otherwise). */
export function paperVenn(row: string, target: Attribute): PaperVennCell | null {
  for (const figure of row === "couple2" ? ["6", "15"] : ["15"]) {
    const panel = paperPanel(figure) as PaperVennPanel;
    const hit = panel.rows.find((r) => r.row === row)?.cells[target];
    if (hit) return hit;
  }
  return null;
}

/** One region of a Venn diagram: the other attributes seen before the probed position. */
export interface VennRegionCell {
  row: string;
  target: Attribute;
  coupledWith: Attribute;
  /** Seen attributes, e.g. [] (base), ["b_date"], ["univ", "major"]. */
  seen: Attribute[];
  /** "none", or the short names joined by "+". */
  region: string;
  coupledSeen: boolean;
  accuracy: number;
  n: number;
}

/** Our numbers for the summary the paper prints per Venn diagram. */
export interface VennSummary {
  row: string;
  target: Attribute;
  coupledWith: Attribute;
  base: number | null;
  /** Pooled over every region that contains the coupled attribute. */
  coupledSeen: number | null;
  /** [lo, hi] over regions where exactly one unrelated attribute was seen. */
  otherSingleSeen: [number, number] | null;
  paper: PaperVennCell | null;
}

/** Figure 6 / 15 numbers. */
export interface Fig6Result {
  preset: PresetName;
  rows: string[];
  missingRows: string[];
  /** What is broken down: first-token accuracy (the paper does not say which). */
  target: ProbeTarget;
  /** The embedding-update rank of the probes: the preset's P-probe rank (paper 2; `tiny` 0). */
  rank: number;
  regions: VennRegionCell[];
  summary: VennSummary[];
  runs: ProbeRunInfo[];
  /** How the figure is drawn, in words (a 5-set Venn is replaced by bars). */
  drawing: string;
  wallSeconds: number;
}

const regionName = (seen: readonly Attribute[]) =>
  seen.length ? seen.map((a) => P_PROBE_SHORT[a]).join("+") : "none";

/**
 * Figures 6/15: P-probing of the couple rows at the preset's P-probe rank (the paper's 2; `tiny`
 * uses Figure 5's rank-0 readout probe), broken down by the attributes seen.
 */
export async function fig6(opts: ProbeFigureOptions = {}): Promise<Fig6Result> {
  const t0 = performance.now();
  const preset = opts.preset ?? currentPreset();
  const rows = opts.rows ?? fig6Rows(preset);
  checkRows(rows, FIG15_ROWS, "6/15");
  const rank = getPreset(preset).probe.pRank;
  const got = await pProbeRuns(preset, rows, [rank], { ...opts, preset });
  const regions: VennRegionCell[] = [];
  const summary: VennSummary[] = [];
  for (const row of got.rows) {
    const mine = got.runs.filter((r) => r.row === row);
    for (const { target, coupledWith } of VENN_TARGETS) {
      // Pooled over seeds: the right answers and entries of every region.
      const pooled = new Map<string, { seen: Attribute[]; right: number; n: number }>();
      for (const r of mine) {
        for (const g of vennBreakdown(r.result, target)) {
          const k = g.seen.join(",");
          const p = pooled.get(k) ?? { seen: g.seen, right: 0, n: 0 };
          p.right += (g.accuracy * g.n) / 100;
          p.n += g.n;
          pooled.set(k, p);
        }
      }
      const mineRegions: VennRegionCell[] = [...pooled.values()].map((p) => ({
        row,
        target,
        coupledWith,
        seen: p.seen,
        region: regionName(p.seen),
        coupledSeen: p.seen.includes(coupledWith),
        accuracy: (100 * p.right) / p.n,
        n: p.n,
      }));
      regions.push(...mineRegions);
      const withCoupled = mineRegions.filter((g) => g.coupledSeen);
      const nC = withCoupled.reduce((s, g) => s + g.n, 0);
      const singles = mineRegions.filter((g) => g.seen.length === 1 && !g.coupledSeen)
        .map((g) => g.accuracy);
      summary.push({
        row,
        target,
        coupledWith,
        base: mineRegions.find((g) => g.seen.length === 0)?.accuracy ?? null,
        coupledSeen: nC ? withCoupled.reduce((s, g) => s + g.accuracy * g.n, 0) / nC : null,
        otherSingleSeen: singles.length ? [Math.min(...singles), Math.max(...singles)] : null,
        paper: paperVenn(row, target),
      });
    }
  }
  return {
    preset,
    rows: got.rows,
    missingRows: got.missingRows,
    target: "first_token",
    rank,
    regions,
    summary,
    runs: got.runs.map((r) => probeRunInfo("pprobe", r)),
    drawing: "5-set Venn diagrams as the paper's: one per (couple row, probed attribute), the " +
      "sets being the other five attributes seen before the probed position; each region with " +
      "test entries shows our accuracy (bubble colour on the accuracy ramp, black rim where the " +
      "coupled attribute was seen), 'none seen' under the diagram. Only the paper's summary " +
      "numbers (base, coupled seen, one other attribute seen) are transcribed, so the paper's " +
      "values appear in each diagram's subtitle. The same regions as UpSet-style bars: *_bars.png.",
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

/** The Venn summary as a polars table, ours beside the paper. */
export function fig6Table(res: Fig6Result): pl.DataFrame {
  const r1 = (v: number | null) => v === null ? null : +v.toFixed(1);
  const rng = (v: [number, number] | null) =>
    v === null ? null : `${v[0].toFixed(1)}-${v[1].toFixed(1)}`;
  const num = (v: number | [number, number] | undefined) =>
    v === undefined ? null : Array.isArray(v) ? rng(v) : v.toFixed(1);
  return pl.DataFrame(res.summary.map((s) => ({
    row: s.row,
    target: s.target,
    coupled_with: s.coupledWith,
    base: r1(s.base),
    base_paper: s.paper?.base ?? null,
    coupled_seen: r1(s.coupledSeen),
    coupled_seen_paper: num(s.paper?.coupledSeen),
    other_single_seen: rng(s.otherSingleSeen),
    other_single_seen_paper: rng(s.paper?.otherSingleSeen ?? null),
  })));
}

/** Every region as a polars table. */
export function fig6RegionsTable(res: Fig6Result): pl.DataFrame {
  return pl.DataFrame(res.regions.map((g) => ({
    row: g.row,
    target: g.target,
    region: g.region,
    coupled_seen: g.coupledSeen,
    accuracy: +g.accuracy.toFixed(1),
    n: g.n,
  })));
}

/** The attribute's name in words, for the diagrams' titles. */
const ATTRIBUTE_WORDS: Readonly<Record<Attribute, string>> = {
  b_date: "birth date",
  b_city: "birth city",
  univ: "university",
  major: "major",
  c_name: "company name",
  c_city: "company city",
};

/** The Venn diagrams of the rows drawn: one per (row, target), the paper's summary beside ours. */
export function fig6VennPanels(res: Fig6Result, opts: { rows?: string[] } = {}): VennPanel[] {
  const rows = opts.rows ?? res.rows;
  const f = (v: number | null | undefined) => v === null || v === undefined ? "–" : v.toFixed(1);
  const p = (v: number | [number, number] | null | undefined) =>
    v === null || v === undefined ? "–" : Array.isArray(v) ? `${v[0]}-${v[1]}` : v.toFixed(1);
  return rows.flatMap((row) =>
    VENN_TARGETS.map(({ target, coupledWith }) => {
      const others = ATTRIBUTES.filter((a) => a !== target);
      const sum = res.summary.find((x) => x.row === row && x.target === target);
      return {
        title: `bioS ${row}: ${ATTRIBUTE_WORDS[target]}`,
        subtitle: [
          `none seen: ours ${f(sum?.base)} (paper ${p(sum?.paper?.base)})`,
          `coupled ${P_PROBE_SHORT[coupledWith]} seen: ours ${f(sum?.coupledSeen)} ` +
          `(paper ${p(sum?.paper?.coupledSeen)})`,
        ],
        sets: others.map((a) => P_PROBE_SHORT[a]),
        regions: res.regions.filter((g) => g.row === row && g.target === target).map((g) => ({
          sets: g.seen.map((a) => P_PROBE_SHORT[a]),
          value: g.accuracy,
          note: `n=${g.n} test entries`,
          emphasis: g.coupledSeen,
        })),
      };
    })
  );
}

function vennTitle(
  res: Fig6Result,
  rows: readonly string[],
): { title: string; subtitle: string[] } {
  return {
    title: `${rows.length === 1 && rows[0] === "couple2" ? "Figure 6" : "Figures 6/15"}: ` +
      `P-probing ${targetWords(res.target)} accuracy by the attributes already seen ` +
      `[${res.preset}]`,
    subtitle: [
      "each ellipse: that attribute was seen before the probed position; each number: our",
      "accuracy on the entries of that region; black rim: the coupled attribute was seen;",
      "the paper's summary numbers under each title (its regions are not transcribed)",
    ],
  };
}

/** Figures 6/15 as the paper draws them: a 5-set Venn diagram per (couple row, probed attribute). */
export function fig6Spec(res: Fig6Result, opts: { rows?: string[] } = {}): VegaLiteSpec {
  const rows = opts.rows ?? res.rows;
  return vennSpec(fig6VennPanels(res, { rows }), { ...vennTitle(res, rows), columns: 3 });
}

/** The interactive Venn diagrams (hover: the region and its test entries). */
export function fig6Plotly(res: Fig6Result, opts: { rows?: string[] } = {}): PlotlyFigure {
  const rows = opts.rows ?? res.rows;
  const t = vennTitle(res, rows);
  return vennPlotly(fig6VennPanels(res, { rows }), { ...t, columns: 3 });
}

/**
 * The extra UpSet-style chart: rows = couple data, columns = target, one bar per seen-set
 * region.
 */
export function fig6BarsSpec(res: Fig6Result, opts: { rows?: string[] } = {}): VegaLiteSpec {
  const rows = opts.rows ?? res.rows;
  const regions = res.regions.filter((g) => rows.includes(g.row));
  const sort = [...new Set(regions.map((g) => `${g.seen.length}\u0000${g.region}`))].sort()
    .map((k) => k.split("\u0000")[1]);
  const values = regions.map((g) => ({
    row: `bioS ${g.row}`,
    target: `${g.target} (coupled with ${g.coupledWith})`,
    region: g.region,
    accuracy: g.accuracy,
    n: g.n,
    seen: g.coupledSeen ? "coupled attribute seen" : "coupled attribute not seen",
    paperBase: res.summary.find((s) => s.row === g.row && s.target === g.target)?.paper?.base ??
      null,
  }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: [
        `Figures 6/15: P-probing ${targetWords(res.target)} accuracy by the attributes already ` +
        `seen [${res.preset}]`,
        "bars = ours per region (n entries on top); black rule = paper's base accuracy (none seen)",
      ],
    },
    data: { values },
    facet: {
      row: { field: "row", type: "nominal", title: null, sort: rows.map((r) => `bioS ${r}`) },
      column: { field: "target", type: "nominal", title: null },
    },
    spec: {
      width: 300,
      height: 170,
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x: {
              field: "region",
              type: "nominal",
              title: "seen before the probed position",
              sort,
              axis: { labelAngle: -60, labelLimit: 160 },
            },
            y: {
              field: "accuracy",
              type: "quantitative",
              title: "accuracy (%)",
              scale: { domain: [0, 100] },
            },
            color: {
              field: "seen",
              type: "nominal",
              title: null,
              scale: {
                domain: ["coupled attribute seen", "coupled attribute not seen"],
                range: ["#08519c", "#9ecae1"],
              },
              legend: { labelLimit: 300, orient: "bottom" },
            },
          },
        },
        {
          mark: { type: "text", dy: -6, fontSize: 9 },
          encoding: {
            x: { field: "region", type: "nominal", sort },
            y: { field: "accuracy", type: "quantitative" },
            text: { field: "n", type: "quantitative" },
          },
        },
        {
          mark: { type: "rule", color: "black", strokeWidth: 2 },
          encoding: { y: { field: "paperBase", type: "quantitative", aggregate: "mean" } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
    config: { font: "DejaVu Sans" },
  } as unknown as VegaLiteSpec;
}

/**
 * Writes fig15.{svg,png,html,json} (every couple row), fig15_bars.{svg,png} (the UpSet-style
 * extra) and, when couple2 is drawn, fig6.*.
 */
export async function saveFig6(
  res: Fig6Result,
  opts: { dir?: string } = {},
): Promise<{ fig6?: SavedFigure; fig15: SavedFigure; bars: SavedFigure }> {
  const common = { dir: opts.dir, preset: res.preset, backend: res.runs[0]?.backend };
  let fig6: SavedFigure | undefined;
  if (res.rows.includes("couple2")) {
    fig6 = await saveFigure("fig6", fig6Spec(res, { rows: ["couple2"] }), {
      ...common,
      plotly: fig6Plotly(res, { rows: ["couple2"] }),
      plotlyScript: "beside",
      data: {
        ...res,
        rows: ["couple2"],
        regions: res.regions.filter((g) => g.row === "couple2"),
        summary: res.summary.filter((s) => s.row === "couple2"),
        runs: res.runs.filter((r) => r.row === "couple2"),
        paperSource: "data/paper/fig6.json",
      },
    });
  }
  const fig15 = await saveFigure("fig15", fig6Spec(res), {
    ...common,
    plotly: fig6Plotly(res),
    plotlyScript: "beside",
    data: { ...res, paperSource: "data/paper/fig15.json" },
  });
  const bars = await saveFigure("fig15_bars", fig6BarsSpec(res), common);
  return { fig6, fig15, bars };
}
