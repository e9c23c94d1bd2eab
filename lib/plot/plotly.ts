/**
 * Interactive figures with plotly: a self-contained HTML page (plotly.js inlined from the npm
 * package `plotly.js-dist-min`, so it opens offline) and a Jupyter MIME bundle.
 *
 * plotly.js needs a DOM, so nothing here renders plotly itself: the bundle's static fallback is
 * an SVG the caller provides (usually the vega-lite twin of the same figure).
 * @module
 */
import { fileURLToPath } from "node:url";

/** A plotly figure: traces plus layout (and optional config), as plotly.js takes them. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** A Jupyter MIME bundle: MIME type -> content. */
export type MimeBundle = Record<string, unknown>;

/** The MIME type JupyterLab / VS Code render with plotly. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** True when `x` looks like a plotly figure (`data` is an array of trace objects). */
export function isPlotlyFigure(x: unknown): x is PlotlyFigure {
  if (typeof x !== "object" || x === null) return false;
  const d = (x as { data?: unknown }).data;
  return Array.isArray(d) && d.every((t) => typeof t === "object" && t !== null);
}

let plotlyJs: string | undefined;

/** The file of plotly.min.js inside node_modules. */
export function plotlyJsPath(): string {
  let url: string;
  try {
    url = import.meta.resolve("plotly.js-dist-min");
  } catch (err) {
    throw new Error(
      `cannot resolve plotly.js-dist-min (run \`deno task setup\`): ${(err as Error).message}`,
    );
  }
  if (!url.startsWith("file:")) {
    throw new Error(`plotly.js-dist-min resolved to ${url}, not a file: run \`deno task setup\``);
  }
  return fileURLToPath(url);
}

/** plotly.min.js as text (read once per process, about 4.8 MB). */
export async function plotlyJsSource(): Promise<string> {
  plotlyJs ??= await Deno.readTextFile(plotlyJsPath());
  return plotlyJs;
}

/** plotly.js 3+ ignores a title given as a plain string: it takes `{text: ...}`. */
function titleObject(t: unknown): unknown {
  return typeof t === "string" ? { text: t } : t;
}

/**
 * A copy of `fig` in the form plotly.js 3+ draws: every title (the figure's, each axis', each
 * colour bar's) given as a string becomes `{text: ...}`; older plotly took strings and newer
 * silently draws nothing, so figures written either way render with their titles.
 */
export function normalizePlotlyFigure(fig: PlotlyFigure): PlotlyFigure {
  const layout: Record<string, unknown> = { ...(fig.layout ?? {}) };
  if ("title" in layout) layout.title = titleObject(layout.title);
  for (const [k, v] of Object.entries(layout)) {
    if (/^[xy]axis\d*$|^coloraxis\d*$/.test(k) && typeof v === "object" && v !== null) {
      const axis = { ...(v as Record<string, unknown>) };
      if ("title" in axis) axis.title = titleObject(axis.title);
      const bar = axis.colorbar as Record<string, unknown> | undefined;
      if (bar && "title" in bar) axis.colorbar = { ...bar, title: titleObject(bar.title) };
      layout[k] = axis;
    }
  }
  const data = fig.data.map((t) => {
    const bar = t.colorbar as Record<string, unknown> | undefined;
    return bar && "title" in bar
      ? { ...t, colorbar: { ...bar, title: titleObject(bar.title) } }
      : t;
  });
  return { ...fig, data, layout };
}

/** The text of a figure's title, whichever form it is in ("" when it has none). */
export function plotlyTitleText(fig: PlotlyFigure): string {
  const t = fig.layout?.title as { text?: unknown } | string | undefined;
  if (typeof t === "string") return t;
  return typeof t?.text === "string" ? t.text : "";
}

/** JSON safe to put inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

/**
 * A complete HTML page showing `fig`.
 *
 * @param options.title the page title
 * @param options.plotlyScript `"inline"` (default) embeds plotly.js, so the page works offline on
 *   its own; any other string is used as the `src` of the script (e.g. "plotly.min.js" beside it)
 */
export async function plotlyHtml(
  figure: PlotlyFigure,
  options: { title?: string; plotlyScript?: "inline" | string } = {},
): Promise<string> {
  const fig = normalizePlotlyFigure(figure);
  const src = options.plotlyScript ?? "inline";
  const script = src === "inline"
    // "</script" cannot occur in minified plotly.js as a literal, but be sure.
    ? `<script>${(await plotlyJsSource()).replace(/<\/script/gi, "<\\/script")}</script>`
    : `<script src="${escapeHtml(src)}"></script>`;
  const title = escapeHtml(options.title ?? "figure");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${script}
</head>
<body style="margin:0">
<div id="figure" style="width:100%;height:100vh"></div>
<script>
Plotly.newPlot("figure", ${scriptJson(fig.data)}, ${scriptJson(fig.layout ?? {})}, ${
    scriptJson({ responsive: true, ...fig.config })
  });
</script>
</body>
</html>
`;
}

/**
 * A Jupyter MIME bundle for `fig`: the plotly JSON (titles as plotly 3+ takes them), a static
 * fallback when given, and text/plain. Front ends without a plotly renderer (the classic notebook,
 * nbconvert's HTML) show the fallback: `png` (base64) is the one that survives an untrusted
 * notebook and nbconvert's sanitizer; `svg` is dropped by both, so prefer `png`.
 */
export function plotlyBundle(
  figure: PlotlyFigure,
  options: { svg?: string; png?: string } = {},
): MimeBundle {
  const fig = normalizePlotlyFigure(figure);
  const name = plotlyTitleText(fig);
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout ?? {} },
    "text/plain": `plotly figure${name ? ` "${name}"` : ""}: ${fig.data.length} trace(s)`,
  };
  if (options.png) bundle["image/png"] = options.png;
  if (options.svg) bundle["image/svg+xml"] = options.svg;
  return bundle;
}
