/**
 * Display in the Deno Jupyter kernel, and nothing outside it.
 *
 * `Deno.jupyter` throws when touched outside `deno jupyter`, so it is only ever reached through
 * {@link inJupyter}, never at import time.
 * @module
 */
import { isPlotlyFigure, type MimeBundle, plotlyBundle, type PlotlyFigure } from "./plotly.ts";
import { renderSvg, svgToPng, type VegaLiteSpec } from "./render.ts";

/** The MIME type of vega-lite v5 specs (JupyterLab, VS Code). */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** A figure with both a static (vega-lite) and an interactive (plotly) version. */
export interface FigurePair {
  spec: VegaLiteSpec;
  plotly: PlotlyFigure;
}

/** Markdown to display (a plain string given to {@link show} counts as markdown too). */
export interface Markdown {
  markdown: string;
}

/** True inside the Deno Jupyter kernel. */
export function inJupyter(): boolean {
  try {
    return typeof Deno.jupyter?.display === "function";
  } catch {
    return false;
  }
}

const VL_KEYS = ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat"];

/** True when `x` looks like a vega-lite spec. */
export function isVegaLiteSpec(x: unknown): x is VegaLiteSpec {
  if (typeof x !== "object" || x === null) return false;
  const schema = (x as { $schema?: unknown }).$schema;
  if (typeof schema === "string") return schema.includes("vega-lite");
  return VL_KEYS.some((k) => k in x) && !Array.isArray((x as { data?: unknown }).data);
}

interface DataFrameLike {
  toHTML(): string;
  toString(): string;
}

function isDataFrame(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null &&
    typeof (x as DataFrameLike).toHTML === "function" &&
    typeof (x as { toRecords?: unknown }).toRecords === "function";
}

function specTitle(spec: VegaLiteSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === "string") return t;
  if (typeof t === "object" && t && typeof (t as { text?: unknown }).text === "string") {
    return (t as { text: string }).text;
  }
  return "";
}

/** A display: the MIME bundle and the metadata of its types (the PNG's display size). */
export interface Display {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/**
 * PNG zoom of figures shown in notebooks: sharp on high-DPI screens, drawn at the SVG's size
 * through the display metadata.
 */
export const NOTEBOOK_PNG_SCALE = 2;

/** The width and height an SVG document declares on its root element (0 when absent). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = svg.match(/<svg\b[^>]*>/)?.[0] ?? "";
  const num = (name: string) => Number(root.match(new RegExp(`\\b${name}="([0-9.]+)`))?.[1] ?? 0);
  return { width: num("width"), height: num("height") };
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * The static image of a figure: a PNG (base64) and its display size. A PNG is the one static form
 * every front end shows: the classic notebook hides SVG (and any unknown type) while a notebook is
 * untrusted, as every notebook opened from a clone is, and nbconvert's HTML export sanitizes
 * inline SVG down to its text. So figures carry a PNG and no SVG.
 */
export async function staticImage(
  spec: VegaLiteSpec,
): Promise<{ png: string; width: number; height: number }> {
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg, { scale: NOTEBOOK_PNG_SCALE, background: "white" });
  return { png: base64(png), ...svgSize(svg) };
}

function pngMetadata(img: { width: number; height: number }): Record<string, unknown> {
  return img.width > 0 && img.height > 0
    ? { "image/png": { width: img.width, height: img.height } }
    : {};
}

/**
 * What {@link show} displays for `x`, with the metadata of each type:
 * - a vega-lite spec: the spec, a PNG (sized by metadata), and text/plain;
 * - a plotly figure: the plotly JSON and text/plain (no static image: plotly needs a browser);
 * - `{spec, plotly}`: both interactive versions plus the PNG of the spec;
 * - a polars DataFrame: its HTML table and text;
 * - a string or `{markdown}`: markdown;
 * - anything else: `Deno.inspect` text.
 */
export async function toDisplay(x: unknown): Promise<Display> {
  const plain = (data: MimeBundle): Display => ({ data, metadata: {} });
  if (typeof x === "string") return plain({ "text/markdown": x, "text/plain": x });
  if (typeof x === "object" && x !== null && typeof (x as Markdown).markdown === "string") {
    const md = (x as Markdown).markdown;
    return plain({ "text/markdown": md, "text/plain": md });
  }
  if (isDataFrame(x)) return plain({ "text/html": x.toHTML(), "text/plain": x.toString() });
  if (
    typeof x === "object" && x !== null && "spec" in x && "plotly" in x &&
    isVegaLiteSpec((x as FigurePair).spec) && isPlotlyFigure((x as FigurePair).plotly)
  ) {
    const { spec, plotly } = x as FigurePair;
    const img = await staticImage(spec);
    return {
      data: { ...plotlyBundle(plotly, { png: img.png }), [VEGA_LITE_MIME]: spec },
      metadata: pngMetadata(img),
    };
  }
  if (isPlotlyFigure(x)) return plain(plotlyBundle(x));
  if (isVegaLiteSpec(x)) {
    const title = specTitle(x);
    const img = await staticImage(x);
    return {
      data: {
        [VEGA_LITE_MIME]: x,
        "image/png": img.png,
        "text/plain": `vega-lite figure${title ? ` "${title}"` : ""}`,
      },
      metadata: pngMetadata(img),
    };
  }
  return plain({ "text/plain": Deno.inspect(x, { colors: false }) });
}

/** The MIME bundle {@link show} would display for `x` (see {@link toDisplay}). */
export async function toBundle(x: unknown): Promise<MimeBundle> {
  return (await toDisplay(x)).data;
}

/**
 * Displays `x` in the Deno Jupyter kernel (see {@link toBundle} for what is understood); outside
 * Jupyter it does nothing. Always `await` it: an unawaited display prints `Promise { ... }` as
 * the cell's result. It resolves to nothing on purpose, since the kernel would print a returned
 * bundle as the cell's result, even after a `;`.
 */
export async function show(x: unknown): Promise<void> {
  if (!inJupyter()) return;
  const { data, metadata } = await toDisplay(x);
  // Deno.jupyter.display sends empty metadata; the PNG's display size needs ours.
  await Deno.jupyter.broadcast("display_data", { data, metadata, transient: {} });
}
