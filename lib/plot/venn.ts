/**
 * Five-set Venn diagrams, the form of the paper's Figures 6 and 15 (§5.1.1, Appendix E): five
 * congruent ellipses turned by 72° about a common centre, which cut the plane into all 31
 * non-empty intersections (and the outside). Each region carries a number in a bubble coloured on
 * the accuracy ramp; regions without data stay empty.
 *
 * The geometry (minor/major axis 0.62, centres 0.21 from the middle, each ellipse turned 21°
 * from its radius) came from a grid search that maximized the smallest of the 31 regions. Which
 * set goes on which ellipse is chosen per diagram so that the regions that have data are the
 * roomiest ones.
 * @module
 */
import type { VegaLiteSpec } from "./render.ts";
import { ACCURACY_SCHEME, accuracyColor, accuracyColorscale } from "./colors.ts";
import { VEGA_LITE_SCHEMA } from "./specs.ts";
import type { PlotlyFigure } from "./plotly.ts";

/** Semi-minor axis (the semi-major is 1). */
const B = 0.62;
/** Distance of each ellipse's centre from the diagram's centre. */
const D = 0.21;
/** Turn of each ellipse's major axis from its radius, radians. */
const PHI = (21 * Math.PI) / 180;
/** Half the side of the square the diagram is drawn in. */
export const VENN_EXTENT = 1.45;

/** The outline colours of the five ellipses. */
export const VENN_SET_COLORS: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#b279a2",
  "#e45756",
];

interface Ellipse {
  cx: number;
  cy: number;
  /** Turn of the major axis, radians. */
  angle: number;
}

/** The five ellipses, ellipse k centred at angle 90° + 72°k. */
export function vennEllipses(): Ellipse[] {
  return Array.from({ length: 5 }, (_, k) => {
    const t = Math.PI / 2 + (2 * Math.PI * k) / 5;
    return { cx: D * Math.cos(t), cy: D * Math.sin(t), angle: t + PHI };
  });
}

/** The outline of ellipse `k` as `steps` points (closed: the first point repeats at the end). */
export function ellipseOutline(k: number, steps = 96): { x: number; y: number }[] {
  const e = vennEllipses()[k];
  const pts = Array.from({ length: steps }, (_, i) => {
    const s = (2 * Math.PI * i) / steps;
    const u = Math.cos(s), v = B * Math.sin(s);
    return {
      x: e.cx + u * Math.cos(e.angle) - v * Math.sin(e.angle),
      y: e.cy + u * Math.sin(e.angle) + v * Math.cos(e.angle),
    };
  });
  return [...pts, { ...pts[0] }];
}

/**
 * How far (x, y) lies inside ellipse `e` (positive) or outside it (negative), roughly in the
 * diagram's units: the normalized radius' distance from 1, times the semi-minor axis.
 */
function depthIn(e: Ellipse, x: number, y: number): number {
  const dx = x - e.cx, dy = y - e.cy;
  const u = dx * Math.cos(e.angle) + dy * Math.sin(e.angle);
  const v = -dx * Math.sin(e.angle) + dy * Math.cos(e.angle);
  return (1 - Math.sqrt(u * u + (v * v) / (B * B))) * B;
}

/** Where a region's number goes: the point deepest inside it, and how deep that is. */
export interface RegionAnchor {
  x: number;
  y: number;
  /** Distance from the point to the region's nearest edge (diagram units). */
  room: number;
}

let anchors: RegionAnchor[] | undefined;

/**
 * The anchor of every region, indexed by its membership mask over ellipses (bit k = inside
 * ellipse k; 0 = outside all, anchored below the diagram). Computed once on a grid.
 */
export function regionAnchors(): RegionAnchor[] {
  if (anchors) return anchors;
  const es = vennEllipses();
  const out: RegionAnchor[] = Array.from({ length: 32 }, () => ({ x: 0, y: 0, room: -1 }));
  const n = 260, r = 1.3;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = -r + (2 * r * i) / (n - 1), y = -r + (2 * r * j) / (n - 1);
      let mask = 0, room = Infinity;
      es.forEach((e, k) => {
        const d = depthIn(e, x, y);
        if (d > 0) mask |= 1 << k;
        room = Math.min(room, Math.abs(d));
      });
      if (mask && room > out[mask].room) out[mask] = { x, y, room };
    }
  }
  const missing = out.slice(1).findIndex((a) => a.room < 0);
  if (missing >= 0) throw new Error(`Venn geometry lacks region ${missing + 1}`);
  // "None seen": in the bottom-left corner, outside every ellipse, under its own label.
  out[0] = { x: -1.22, y: -1.25, room: 0.12 };
  anchors = out;
  return out;
}

/**
 * The ellipse of each set: the assignment (of the 120) under which the regions in `used` (each a
 * list of set names) have the most room, the smallest of them first, then the sum.
 */
export function placeSets(sets: readonly string[], used: readonly (readonly string[])[]): number[] {
  if (sets.length !== 5) throw new Error(`a five-set Venn needs 5 sets, got ${sets.length}`);
  const a = regionAnchors();
  const perms: number[][] = [];
  const rec = (p: number[]) => {
    if (p.length === 5) return void perms.push(p);
    for (let k = 0; k < 5; k++) if (!p.includes(k)) rec([...p, k]);
  };
  rec([]);
  let best = perms[0], bestMin = -Infinity, bestSum = -Infinity;
  for (const p of perms) {
    const rooms = used.filter((u) => u.length > 0).map((u) =>
      a[u.reduce((m, s) => m | (1 << p[sets.indexOf(s)]), 0)].room
    );
    const min = Math.min(...rooms), sum = rooms.reduce((s, v) => s + v, 0);
    if (min > bestMin + 1e-9 || (Math.abs(min - bestMin) <= 1e-9 && sum > bestSum)) {
      best = p, bestMin = min, bestSum = sum;
    }
  }
  return best;
}

/** One region with a number. */
export interface VennRegion {
  /** The sets the region lies in ([] = outside all: drawn under the diagram). */
  sets: string[];
  value: number;
  /** Hover text. */
  note?: string;
  /** Drawn bold with a dark rim (e.g. the coupled attribute was seen). */
  emphasis?: boolean;
}

/** One diagram. */
export interface VennPanel {
  title: string;
  /** Lines under the title. */
  subtitle?: string[];
  /** The five sets, named as their labels read. */
  sets: string[];
  regions: VennRegion[];
}

interface Placed {
  ellipse: number[];
  outlines: { set: string; k: number; color: string; i: number; x: number; y: number }[];
  labels: { set: string; k: number; color: string; x: number; y: number }[];
  bubbles: (VennRegion & { x: number; y: number; room: number; label: string; region: string })[];
}

/** Where everything of one panel goes. */
function place(panel: VennPanel): Placed {
  for (const r of panel.regions) {
    const bad = r.sets.filter((s) => !panel.sets.includes(s));
    if (bad.length) {
      throw new Error(`Venn region names ${bad.join(", ")}; allowed: ${panel.sets.join(", ")}`);
    }
  }
  const ellipse = placeSets(panel.sets, panel.regions.map((r) => r.sets));
  const a = regionAnchors();
  const outlines = panel.sets.flatMap((set, s) =>
    ellipseOutline(ellipse[s]).map((p, i) => ({ set, k: s, color: VENN_SET_COLORS[s], i, ...p }))
  );
  // Each set's name just outside the far end of its ellipse.
  const labels = panel.sets.map((set, s) => {
    const far = ellipseOutline(ellipse[s], 360).reduce((m, p) =>
      Math.hypot(p.x, p.y) > Math.hypot(m.x, m.y) ? p : m
    );
    const len = Math.hypot(far.x, far.y);
    const out = (len + 0.12) / len;
    return { set, k: s, color: VENN_SET_COLORS[s], x: far.x * out, y: far.y * out };
  });
  if (panel.regions.some((r) => r.sets.length === 0)) {
    const none = a[0];
    labels.push({ set: "none seen", k: -1, color: "#555555", x: none.x, y: none.y + 0.2 });
  }
  const bubbles = panel.regions.map((r) => {
    const mask = r.sets.reduce((m, s) => m | (1 << ellipse[panel.sets.indexOf(s)]), 0);
    return {
      ...r,
      x: a[mask].x,
      y: a[mask].y,
      room: a[mask].room,
      label: r.value.toFixed(1),
      region: r.sets.length ? r.sets.join(" + ") : "none seen",
    };
  });
  return { ellipse, outlines, labels, bubbles };
}

/** Options of {@link vennSpec} and {@link vennPlotly}. */
export interface VennOptions {
  title: string;
  subtitle?: string[];
  /** Diagrams per line (default 3). */
  columns?: number;
  /** Side of one diagram in pixels (default 300). */
  size?: number;
  /** Legend title of the bubbles' colour (default "ours"). */
  legendTitle?: string;
}

/**
 * The diagrams as vega-lite: per panel, the five outlines with their set names, and one bubble
 * per region with data, coloured by its value on the accuracy ramp and labelled with it.
 */
export function vennSpec(panels: readonly VennPanel[], opts: VennOptions): VegaLiteSpec {
  const size = opts.size ?? 300;
  const scale = { domain: [-VENN_EXTENT, VENN_EXTENT], nice: false };
  const axis = null;
  const pxPerUnit = size / (2 * VENN_EXTENT);
  const cell = (panel: VennPanel) => {
    const p = place(panel);
    // Bubbles just large enough for their number; one in a narrow region may cross an outline,
    // its centre stays inside the region.
    const bubbles = p.bubbles.map((b) => {
      const r = Math.min(12, Math.max(11, b.room * pxPerUnit));
      return { ...b, area: Math.PI * r * r };
    });
    const x = { type: "quantitative", scale, axis };
    const y = { type: "quantitative", scale, axis };
    return {
      width: size,
      height: size,
      title: {
        text: panel.title,
        subtitle: panel.subtitle ?? [],
        fontSize: 11,
        subtitleFontSize: 10,
      },
      layer: [
        {
          data: { values: p.outlines },
          mark: { type: "line", strokeWidth: 1.8, opacity: 0.9 },
          encoding: {
            x: { ...x, field: "x" },
            y: { ...y, field: "y" },
            detail: { field: "set", type: "nominal" },
            order: { field: "i", type: "quantitative" },
            // Raw colours on the stroke channel: the colour scale belongs to the bubbles' values
            // (a layer's colour field would be read through it).
            stroke: { field: "color", type: "nominal", scale: null },
          },
        },
        {
          data: { values: p.labels },
          mark: { type: "text", fontSize: 10, fontWeight: "bold" },
          encoding: {
            x: { ...x, field: "x" },
            y: { ...y, field: "y" },
            text: { field: "set", type: "nominal" },
            fill: { field: "color", type: "nominal", scale: null },
          },
        },
        {
          data: { values: bubbles },
          mark: { type: "point", shape: "circle", filled: true, opacity: 1 },
          encoding: {
            x: { ...x, field: "x" },
            y: { ...y, field: "y" },
            size: { field: "area", type: "quantitative", scale: null },
            color: {
              field: "value",
              type: "quantitative",
              scale: { scheme: ACCURACY_SCHEME, domain: [0, 100] },
              title: opts.legendTitle ?? "ours",
              legend: { gradientLength: Math.min(200, size - 40) },
            },
            stroke: {
              condition: { test: "datum.emphasis", value: "black" },
              value: "white",
            },
            strokeWidth: { condition: { test: "datum.emphasis", value: 2 }, value: 1 },
            tooltip: [{ field: "region" }, { field: "label" }, { field: "note" }],
          },
        },
        {
          data: { values: bubbles },
          mark: { type: "text", fontSize: 9 },
          encoding: {
            x: { ...x, field: "x" },
            y: { ...y, field: "y" },
            text: { field: "label", type: "nominal" },
            fill: { condition: { test: "datum.value > 50", value: "white" }, value: "black" },
          },
        },
      ],
    };
  };
  const cols = opts.columns ?? 3;
  const lines: unknown[] = [];
  for (let i = 0; i < panels.length; i += cols) {
    lines.push({ hconcat: panels.slice(i, i + cols).map(cell) });
  }
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: opts.title, subtitle: opts.subtitle ?? [], anchor: "start" },
    vconcat: lines,
    config: { font: "DejaVu Sans", view: { stroke: null }, concat: { spacing: 16 } },
  };
  return spec as unknown as VegaLiteSpec;
}

/** The diagrams as plotly: outlines as shapes, bubbles as markers with hover text. */
export function vennPlotly(panels: readonly VennPanel[], opts: VennOptions): PlotlyFigure {
  const cols = Math.min(opts.columns ?? 3, panels.length);
  const lines = Math.ceil(panels.length / cols);
  const size = opts.size ?? 320;
  const data: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: {
      text: opts.subtitle?.length
        ? `${opts.title}<br><sub>${opts.subtitle.join("<br>")}</sub>`
        : opts.title,
      // At the very top, clear of the first line of diagrams' titles.
      y: 0.995,
      yanchor: "top",
    },
    grid: { rows: lines, columns: cols, pattern: "independent", ygap: 0.3, xgap: 0.1 },
    width: cols * (size + 40) + 160,
    height: lines * (size + 110) + 140 + 20 * (opts.subtitle?.length ?? 0),
    showlegend: false,
    margin: { t: 150 + 20 * (opts.subtitle?.length ?? 0) },
  };
  panels.forEach((panel, i) => {
    const n = i === 0 ? "" : String(i + 1);
    const p = place(panel);
    const range = [-VENN_EXTENT, VENN_EXTENT];
    const hidden = { range, visible: false, fixedrange: false };
    layout[`xaxis${n}`] = { ...hidden };
    layout[`yaxis${n}`] = { ...hidden, scaleanchor: `x${n}` };
    panel.sets.forEach((set, s) => {
      const pts = p.outlines.filter((o) => o.set === set);
      shapes.push({
        type: "path",
        xref: `x${n}`,
        yref: `y${n}`,
        path: "M " + pts.map((q) => `${q.x.toFixed(4)},${q.y.toFixed(4)}`).join(" L ") + " Z",
        line: { color: VENN_SET_COLORS[s], width: 2 },
        fillcolor: VENN_SET_COLORS[s],
        opacity: 0.12,
        // Under the bubbles, which would otherwise be tinted by every ellipse they lie in.
        layer: "below",
      });
    });
    for (const l of p.labels) {
      annotations.push({
        xref: `x${n}`,
        yref: `y${n}`,
        x: l.x,
        y: l.y,
        text: `<b>${l.set}</b>`,
        showarrow: false,
        font: { color: l.color, size: 12 },
      });
    }
    annotations.push({
      xref: `x${n} domain`,
      yref: `y${n} domain`,
      x: 0.5,
      y: 1.16,
      text: [`<b>${panel.title}</b>`, ...(panel.subtitle ?? [])].join("<br>"),
      showarrow: false,
      font: { size: 11 },
    });
    data.push({
      type: "scatter",
      mode: "markers+text",
      xaxis: `x${n}`,
      yaxis: `y${n}`,
      x: p.bubbles.map((b) => b.x),
      y: p.bubbles.map((b) => b.y),
      text: p.bubbles.map((b) => b.label),
      customdata: p.bubbles.map((b) => [b.region, b.note ?? ""]),
      hovertemplate: "%{customdata[0]}: %{text}<br>%{customdata[1]}<extra></extra>",
      textfont: {
        size: 10,
        color: p.bubbles.map((b) => b.value > 50 ? "white" : "black"),
      },
      marker: {
        size: 30,
        color: p.bubbles.map((b) => accuracyColor(b.value)),
        line: {
          color: p.bubbles.map((b) => b.emphasis ? "black" : "white"),
          width: p.bubbles.map((b) => b.emphasis ? 2 : 1),
        },
      },
    });
  });
  // One colour bar for the bubbles: an invisible heatmap carrying the shared scale.
  data.push({
    type: "heatmap",
    z: [[0, 100]],
    x: [100, 101],
    y: [100, 101],
    colorscale: accuracyColorscale(),
    zmin: 0,
    zmax: 100,
    opacity: 0,
    hoverinfo: "skip",
    colorbar: { title: { text: opts.legendTitle ?? "ours" } },
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout };
}
