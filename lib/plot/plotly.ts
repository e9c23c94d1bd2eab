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
  fig: PlotlyFigure,
  options: { title?: string; plotlyScript?: "inline" | string } = {},
): Promise<string> {
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
 * A Jupyter MIME bundle for `fig`: the plotly JSON, an `image/svg+xml` fallback when `svg` is
 * given (front ends without a plotly renderer, such as the classic notebook, show that), and
 * text/plain.
 */
export function plotlyBundle(fig: PlotlyFigure, options: { svg?: string } = {}): MimeBundle {
  const title = fig.layout?.title as { text?: string } | string | undefined;
  const name = typeof title === "string" ? title : title?.text;
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout ?? {} },
    "text/plain": `plotly figure${name ? ` "${name}"` : ""}: ${fig.data.length} trace(s)`,
  };
  if (options.svg) bundle["image/svg+xml"] = options.svg;
  return bundle;
}
