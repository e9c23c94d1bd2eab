/**
 * vega-lite spec builders for the paper's figure layouts: accuracy heatmaps with the paper's
 * value beside ours, and learning curves (bars or lines) with the paper's numbers as reference
 * lines.
 * @module
 */
import type { VegaLiteSpec } from "./render.ts";
import { ACCURACY_SCHEME } from "./colors.ts";

/** vega-lite v5 schema: our specs use nothing newer, and Jupyter front ends render v5 bundles. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** One heatmap cell: our number and, where the paper gives one, the paper's. */
export interface HeatmapCell {
  row: string;
  column: string;
  ours: number | null;
  paper?: number | null;
  /** The panel the cell is drawn in (see {@link HeatmapOptions.panelOrder}). */
  panel?: string;
  /**
   * Ours is below the majority-guess baseline of its attribute: the cell is outlined and its
   * label marked with {@link BELOW_BASELINE_MARK}, so a reader does not take it for a signal.
   */
  belowBaseline?: boolean;
}

/** The mark after a cell's label when ours is below the majority-guess baseline. */
export const BELOW_BASELINE_MARK = "▾";

/** The caption that explains {@link BELOW_BASELINE_MARK}. */
export const BELOW_BASELINE_NOTE = `${BELOW_BASELINE_MARK} outlined: ours below the ` +
  "majority-guess baseline (no signal)";

/** Options for {@link heatmapSpec}. */
export interface HeatmapOptions {
  title?: string;
  /** Lines under the title (e.g. what the cells read). */
  subtitle?: string[];
  /** Row order top to bottom (default: first appearance). */
  rowOrder?: string[];
  /** Column order left to right (default: first appearance). */
  columnOrder?: string[];
  /** The row drawn as a baseline: grey, below the others (default "baseline"). */
  baseline?: string;
  /** Color scale domain (default: [0, 100], accuracies in percent). */
  domain?: [number, number];
  /** How numbers are written in the cells (default: one decimal). */
  format?: (v: number) => string;
  /** Width of one cell in pixels (default 78). */
  cellWidth?: number;
  /** Height of one cell in pixels (default 26; 30 with two-line labels). */
  cellHeight?: number;
  /** Cell text: "ours (paper)" on one line (default) or ours over "(paper)" on two. */
  labelLines?: 1 | 2;
  /** Font size of the cell text (default 11). */
  fontSize?: number;
  /** Axis titles. */
  rowTitle?: string;
  columnTitle?: string;
  /** Legend title for the color scale (default "ours"). */
  legendTitle?: string;
  /**
   * Panels: cells are drawn in small multiples by their `panel`, in this order, wrapped after
   * `panelColumns` panels (default 3). Without it the heatmap is one panel.
   */
  panelOrder?: string[];
  panelColumns?: number;
}

const fmt1 = (v: number) => v.toFixed(1);

/** The text of one heatmap cell: "ours (paper)", "ours", "– (paper)" or "–". */
export function cellLabel(
  ours: number | null,
  paper?: number | null,
  format: (v: number) => string = fmt1,
): string {
  const o = ours === null || !Number.isFinite(ours) ? "–" : format(ours);
  return paper === null || paper === undefined || !Number.isFinite(paper)
    ? o
    : `${o} (${format(paper)})`;
}

function firstAppearance(values: string[]): string[] {
  return [...new Set(values)];
}

/** Appends the values `order` misses, in their order of appearance, so nothing is dropped. */
function completeOrder(order: string[] | undefined, values: string[]): string[] {
  const seen = firstAppearance(values);
  if (!order) return seen;
  return [...order, ...seen.filter((v) => !order.includes(v))];
}

/**
 * The pixels vega reserves for an axis label of `text` at `fontSize` (default 10, vega's). Without
 * a canvas vega estimates a text's width as 0.8 x font size per character and cuts a label longer
 * than the axis' labelLimit with "…"; a limit of at least this keeps the whole label.
 */
export function labelWidth(text: string, fontSize = 10): number {
  return Math.ceil(text.length * fontSize * 0.8) + 4;
}

/**
 * A heatmap of our accuracies, each cell reading "ours (paper)" (the paper's value in brackets),
 * in the layout of the paper's heatmap figures (rows and columns in the given order). A row named
 * like `options.baseline` is drawn in grey at the bottom, outside the color scale. Row labels are
 * given the room they need (never cut), the colour legend fits the plot's height, cells flagged
 * `belowBaseline` are outlined and marked, and with `panelOrder` the cells are drawn as small
 * multiples (one panel per `panel`).
 */
export function heatmapSpec(rows: HeatmapCell[], options: HeatmapOptions = {}): VegaLiteSpec {
  const baseline = options.baseline ?? "baseline";
  const format = options.format ?? fmt1;
  const domain = options.domain ?? [0, 100];
  const mid = (domain[0] + domain[1]) / 2;
  const twoLines = options.labelLines === 2;
  let rowOrder = completeOrder(options.rowOrder, rows.map((r) => r.row));
  if (!options.rowOrder?.includes(baseline) && rowOrder.includes(baseline)) {
    rowOrder = [...rowOrder.filter((r) => r !== baseline), baseline];
  }
  const columnOrder = completeOrder(options.columnOrder, rows.map((r) => r.column));
  const anyBelow = rows.some((r) => r.belowBaseline);
  const values = rows.map((r) => {
    const o = r.ours ?? null;
    let label = twoLines
      ? [cellLabel(o, null, format), ...(r.paper != null ? [`(${format(r.paper)})`] : [])]
        .join("\n")
      : cellLabel(o, r.paper, format);
    if (r.belowBaseline) label = `${label} ${BELOW_BASELINE_MARK}`;
    return {
      row: r.row,
      column: r.column,
      ...(options.panelOrder ? { panel: r.panel ?? "" } : {}),
      ours: o,
      paper: r.paper ?? null,
      label,
      isBaseline: r.row === baseline,
      below: r.belowBaseline === true,
    };
  });
  const cellHeight = options.cellHeight ?? (twoLines ? 30 : 26);
  const x = {
    field: "column",
    type: "nominal",
    sort: columnOrder,
    title: options.columnTitle ?? null,
    axis: { orient: "top", labelAngle: 0, domain: false, ticks: false },
  };
  const y = {
    field: "row",
    type: "nominal",
    sort: rowOrder,
    title: options.rowTitle ?? null,
    axis: {
      domain: false,
      ticks: false,
      labelLimit: Math.max(180, ...rowOrder.map((r) => labelWidth(r))),
    },
  };
  const layer = [
    {
      // Baseline cells and missing numbers: neutral grey, not on the color scale.
      transform: [{ filter: "datum.isBaseline || datum.ours === null" }],
      mark: { type: "rect", color: "#e6e6e6", stroke: "white" },
    },
    {
      transform: [{ filter: "!datum.isBaseline && datum.ours !== null" }],
      mark: { type: "rect", stroke: "white" },
      encoding: {
        color: {
          field: "ours",
          type: "quantitative",
          scale: { scheme: ACCURACY_SCHEME, domain },
          title: options.legendTitle ?? "ours",
          // A legend longer than the plot would be cut off at the figure's bottom edge.
          legend: { gradientLength: Math.max(40, Math.min(200, rowOrder.length * cellHeight)) },
        },
      },
    },
    ...(anyBelow
      ? [{
        transform: [{ filter: "datum.below" }],
        mark: {
          type: "rect",
          fill: null,
          stroke: "#d95f02",
          strokeWidth: 2,
          strokeDash: [4, 2],
          // Inside the cell, so neighbouring cells' white borders do not hide it.
          width: { band: 0.9 },
          height: { band: 0.84 },
        },
      }]
      : []),
    {
      mark: {
        type: "text",
        fontSize: options.fontSize ?? 11,
        ...(twoLines ? { lineBreak: "\n" } : {}),
      },
      encoding: {
        text: { field: "label", type: "nominal" },
        color: {
          condition: {
            test: `!datum.isBaseline && datum.ours !== null && datum.ours > ${mid}`,
            value: "white",
          },
          value: "black",
        },
      },
    },
  ];
  const subtitle = [...(options.subtitle ?? []), ...(anyBelow ? [BELOW_BASELINE_NOTE] : [])];
  const title = subtitle.length
    ? { title: { text: options.title ?? "", subtitle } }
    : options.title
    ? { title: options.title }
    : {};
  const size = { width: { step: options.cellWidth ?? 78 }, height: { step: cellHeight } };
  const config = { view: { stroke: null }, font: "DejaVu Sans" };
  if (options.panelOrder) {
    const panels = completeOrder(options.panelOrder, values.map((v) => v.panel ?? ""));
    const spec = {
      $schema: VEGA_LITE_SCHEMA,
      ...title,
      data: { values },
      facet: { field: "panel", type: "nominal", sort: panels, title: null },
      columns: options.panelColumns ?? 3,
      spec: { ...size, encoding: { x, y }, layer },
      resolve: { axis: { x: "independent" } },
      config: { ...config, header: { labelFontSize: 12, labelFontWeight: "bold" } },
    };
    return spec as unknown as VegaLiteSpec;
  }
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...title,
    data: { values },
    ...size,
    encoding: { x, y },
    layer,
    config,
  };
  return spec as unknown as VegaLiteSpec;
}

/** One point of a curve: x is the step (or a category for bars), y the accuracy. */
export interface CurvePoint {
  x: number | string;
  y: number | null;
  /** The curve this point belongs to (color); one unnamed series when absent. */
  series?: string;
}

/** A horizontal reference line, e.g. the paper's final accuracy. */
export interface ReferenceLine {
  y: number;
  /** Text drawn at the line's right end (default "paper"). */
  label?: string;
  /** Color it like this series (default: black). */
  series?: string;
}

/** Options for {@link lineSpec} and {@link barSpec}. */
export interface CurveOptions {
  title?: string;
  /** Axis titles (default "step" and "accuracy (%)"). */
  xTitle?: string;
  yTitle?: string;
  /** y scale domain (default: [0, 100]). */
  yDomain?: [number, number];
  /** Legend order of the series (default: first appearance). */
  seriesOrder?: string[];
  /** The paper's numbers, drawn as dashed lines. */
  reference?: ReferenceLine[];
  /** Plot size in pixels (default 420 x 260). */
  width?: number;
  height?: number;
  /** Log-scale the x axis (line charts only). */
  xLog?: boolean;
  /** Log-scale the y axis (line charts only; `yDomain` must then be positive). */
  yLog?: boolean;
  /** Draw a dot at every point (line charts; default true). Off for many dense series. */
  points?: boolean;
  /**
   * The colour and dash of each series (line charts), e.g. from `seriesStyles`: many series stay
   * distinct (vega's default palette has ten colours, so an 11th series repeats the first).
   */
  styles?: Record<string, { color: string; dash: number[] }>;
}

/** The parts line and bar charts share: data, the series color scale, the reference layers. */
function curveParts(
  points: CurvePoint[],
  options: CurveOptions,
): {
  values: { x: number | string; y: number | null; series: string }[];
  layers: unknown[];
  color: Record<string, unknown>;
  seriesOrder: string[];
} {
  const seriesOrder = completeOrder(
    options.seriesOrder,
    [
      ...points.map((p) => p.series ?? "ours"),
      ...(options.reference ?? []).flatMap((r) => r.series ? [r.series] : []),
    ],
  );
  const values = points.map((p) => ({ x: p.x, y: p.y, series: p.series ?? "ours" }));
  const color = {
    field: "series",
    type: "nominal",
    sort: seriesOrder,
    scale: { domain: seriesOrder },
    title: null,
  };
  const refs = (options.reference ?? []).map((r) => ({
    y: r.y,
    label: r.label ?? "paper",
    series: r.series ?? null,
  }));
  const layers: unknown[] = [];
  const rule = { type: "rule", strokeDash: [6, 4], strokeWidth: 1.5 };
  const y = { field: "y", type: "quantitative" };
  const colored = refs.filter((r) => r.series !== null);
  const plain = refs.filter((r) => r.series === null);
  // A series' reference line takes that series' color (the scale is shared across layers);
  // one without a series is black.
  if (colored.length) {
    layers.push({ data: { values: colored }, mark: rule, encoding: { y, color } });
  }
  if (plain.length) {
    layers.push({ data: { values: plain }, mark: { ...rule, color: "black" }, encoding: { y } });
  }
  if (refs.length) {
    layers.push({
      data: { values: refs },
      mark: { type: "text", align: "right", dy: -6, fontSize: 10, x: "width" },
      encoding: { y, text: { field: "label", type: "nominal" } },
    });
  }
  return { values, layers, color, seriesOrder };
}

/**
 * Learning curves: accuracy (y) against step (x), one colored line per series, with the paper's
 * numbers as dashed reference lines.
 */
export function lineSpec(points: CurvePoint[], options: CurveOptions = {}): VegaLiteSpec {
  const { values, layers, color, seriesOrder } = curveParts(points, options);
  const numericX = points.every((p) => typeof p.x === "number");
  const styles = options.styles;
  if (styles) {
    const missing = seriesOrder.filter((k) => !styles[k]);
    if (missing.length) {
      throw new Error(`lineSpec: styles has no entry for series ${missing.join(", ")}`);
    }
    // The same field on colour and dash: vega-lite merges them into one legend.
    (color.scale as Record<string, unknown>).range = seriesOrder.map((k) => styles[k].color);
    color.legend = { symbolType: "stroke", symbolStrokeWidth: 2, labelLimit: 400 };
  }
  const dash = styles
    ? {
      strokeDash: {
        field: "series",
        type: "nominal",
        sort: seriesOrder,
        scale: { domain: seriesOrder, range: seriesOrder.map((k) => styles[k].dash) },
        title: null,
        legend: { symbolType: "stroke", symbolStrokeWidth: 2, labelLimit: 400 },
      },
    }
    : {};
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: options.height ?? 260,
    layer: [
      {
        data: { values },
        transform: [{ filter: "datum.y !== null" }],
        mark: { type: "line", point: options.points ?? true },
        encoding: {
          x: {
            field: "x",
            type: numericX ? "quantitative" : "ordinal",
            title: options.xTitle ?? "step",
            ...(numericX && options.xLog ? { scale: { type: "log" } } : {}),
          },
          y: {
            field: "y",
            type: "quantitative",
            title: options.yTitle ?? "accuracy (%)",
            scale: {
              domain: options.yDomain ?? [0, 100],
              ...(options.yLog ? { type: "log" } : {}),
            },
          },
          color,
          ...dash,
        },
      },
      ...layers,
    ],
    config: { font: "DejaVu Sans" },
  };
  return spec as unknown as VegaLiteSpec;
}

/**
 * Grouped bars: accuracy (y) per step or category (x), one bar per series, with the paper's
 * numbers as dashed reference lines.
 */
export function barSpec(points: CurvePoint[], options: CurveOptions = {}): VegaLiteSpec {
  const { values, layers, color, seriesOrder } = curveParts(points, options);
  const xOrder = firstAppearance(points.map((p) => String(p.x)));
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: options.height ?? 260,
    layer: [
      {
        data: { values: values.map((v) => ({ ...v, x: String(v.x) })) },
        transform: [{ filter: "datum.y !== null" }],
        mark: { type: "bar" },
        encoding: {
          x: {
            field: "x",
            type: "nominal",
            sort: xOrder,
            title: options.xTitle ?? "step",
            axis: { labelAngle: 0 },
          },
          xOffset: { field: "series", type: "nominal", sort: seriesOrder },
          y: {
            field: "y",
            type: "quantitative",
            title: options.yTitle ?? "accuracy (%)",
            scale: { domain: options.yDomain ?? [0, 100] },
          },
          color,
        },
      },
      ...layers,
    ],
    config: { font: "DejaVu Sans" },
  };
  return spec as unknown as VegaLiteSpec;
}

/**
 * Lets a heatmap's row labels run to at least `px` pixels (vega-lite cuts them at 180 by default;
 * {@link heatmapSpec} already gives its labels the room they need, which this never shrinks).
 */
export function widenRowLabels(spec: VegaLiteSpec, px = 320): VegaLiteSpec {
  const y = (spec as { encoding?: { y?: { axis?: Record<string, unknown> } } }).encoding?.y;
  if (y) {
    const have = typeof y.axis?.labelLimit === "number" ? y.axis.labelLimit : 0;
    y.axis = { ...(y.axis ?? {}), labelLimit: Math.max(have, px) };
  }
  return spec;
}
