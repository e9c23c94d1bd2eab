/**
 * Static rendering: vega-lite spec -> SVG (vega, headless) -> PNG (resvg, system fonts).
 * @module
 */
import * as vega from "vega";
import * as vl from "vega-lite";

/** A vega-lite specification (the top-level type of the vega-lite package). */
export type VegaLiteSpec = vl.TopLevelSpec;

/**
 * Renders a vega-lite spec to an SVG string, headless (vega View with renderer "none").
 * Text widths are estimated since there is no canvas; fonts are named in the SVG and resolved
 * when the SVG is displayed or rasterized.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The part of @resvg/resvg-js we use. */
interface ResvgModule {
  Resvg: new (svg: string, options: Record<string, unknown>) => {
    render(): { asPng(): Uint8Array };
  };
}

/**
 * Loads @resvg/resvg-js. The specifier is kept out of the type checker on purpose: its typings
 * pull in @types/node, whose stricter node:assert overloads then break lib/util/assert.ts (and
 * anything else written against Deno's own node types) in every program that imports lib/plot.
 */
function loadResvg(): Promise<ResvgModule> {
  const specifier: string = "@resvg/resvg-js";
  return import(specifier) as Promise<ResvgModule>;
}

/** The font every figure falls back to: DejaVu comes with Debian's fonts-dejavu-core. */
export const DEFAULT_FONT = "DejaVu Sans";

/**
 * Rasterizes an SVG to PNG bytes with @resvg/resvg-js, using the system fonts.
 *
 * resvg is loaded on first use so that importing lib/plot needs no FFI permission.
 *
 * @param svg the SVG document
 * @param options.scale zoom factor (default 2, for sharp figures on high-DPI screens)
 * @param options.background CSS color behind transparent areas (default: keep transparency)
 */
export async function svgToPng(
  svg: string,
  options: { scale?: number; background?: string } = {},
): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0)) throw new Error(`svgToPng: scale must be > 0, got ${scale}`);
  const { Resvg } = await loadResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: options.background,
    font: {
      loadSystemFonts: true,
      // vega writes font-family "sans-serif"; map the generic names to a font that exists.
      defaultFontFamily: DEFAULT_FONT,
      sansSerifFamily: DEFAULT_FONT,
    },
  });
  return new Uint8Array(r.render().asPng());
}
