/**
 * Display in the Deno Jupyter kernel, and nothing outside it.
 *
 * `Deno.jupyter` throws when touched outside `deno jupyter`, so it is only ever reached through
 * {@link inJupyter}, never at import time.
 * @module
 */
import { isPlotlyFigure, type MimeBundle, plotlyBundle, type PlotlyFigure } from "./plotly.ts";
import { renderSvg, type VegaLiteSpec } from "./render.ts";

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

/**
 * The MIME bundle {@link show} would display for `x`:
 * - a vega-lite spec: the spec, its SVG, and text/plain;
 * - a plotly figure: the plotly JSON and text/plain (no static image: plotly needs a browser);
 * - `{spec, plotly}`: both interactive versions plus the SVG of the spec;
 * - a polars DataFrame: its HTML table and text;
 * - a string or `{markdown}`: markdown;
 * - anything else: `Deno.inspect` text.
 */
export async function toBundle(x: unknown): Promise<MimeBundle> {
  if (typeof x === "string") return { "text/markdown": x, "text/plain": x };
  if (typeof x === "object" && x !== null && typeof (x as Markdown).markdown === "string") {
    const md = (x as Markdown).markdown;
    return { "text/markdown": md, "text/plain": md };
  }
  if (isDataFrame(x)) return { "text/html": x.toHTML(), "text/plain": x.toString() };
  if (
    typeof x === "object" && x !== null && "spec" in x && "plotly" in x &&
    isVegaLiteSpec((x as FigurePair).spec) && isPlotlyFigure((x as FigurePair).plotly)
  ) {
    const { spec, plotly } = x as FigurePair;
    const svg = await renderSvg(spec);
    return { ...plotlyBundle(plotly, { svg }), [VEGA_LITE_MIME]: spec };
  }
  if (isPlotlyFigure(x)) return plotlyBundle(x);
  if (isVegaLiteSpec(x)) {
    const title = specTitle(x);
    return {
      [VEGA_LITE_MIME]: x,
      "image/svg+xml": await renderSvg(x),
      "text/plain": `vega-lite figure${title ? ` "${title}"` : ""}`,
    };
  }
  return { "text/plain": Deno.inspect(x, { colors: false }) };
}

/**
 * Displays `x` in the Deno Jupyter kernel (see {@link toBundle} for what is understood); outside
 * Jupyter it does nothing. Always `await` it: an unawaited display prints `Promise { ... }` as
 * the cell's result. It resolves to nothing on purpose, since the kernel would print a returned
 * bundle as the cell's result, even after a `;`.
 */
export async function show(x: unknown): Promise<void> {
  if (!inJupyter()) return;
  const bundle = await toBundle(x);
  await Deno.jupyter.display(bundle as Deno.jupyter.MediaBundle, { raw: true });
}
