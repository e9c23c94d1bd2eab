/**
 * The interactive figures as drawn from the committed figure JSONs: each has a title, titled axes
 * where it has visible ones, and heatmaps on the static figures' colour ramp (dark = high).
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../util/assert.ts";
import { normalizePlotlyFigure, type PlotlyFigure, plotlyTitleText } from "../plot/plotly.ts";
import { accuracyColorscale } from "../plot/colors.ts";
import { fig1aPlotly, fig1bPlotly } from "./fig1.ts";
import { fig2Plotly } from "./fig2.ts";
import { fig3Plotly } from "./fig3.ts";
import { fig5Plotly } from "./fig5.ts";
import { fig6Plotly } from "./fig6.ts";
import { fig13Plotly } from "./fig13.ts";
import { fig16Plotly, fig7Plotly } from "./fig7.ts";
import { fig10Plotly } from "./fig10.ts";
import { sitesPlotly } from "./sites.ts";

const FIGURES = fileURLToPath(new URL("../../figures/", import.meta.url));

// deno-lint-ignore no-explicit-any
type Json = any;
// deno-lint-ignore no-explicit-any
const DRAW: Record<string, (data: any) => PlotlyFigure> = {
  fig1a: fig1aPlotly,
  fig1b: fig1bPlotly,
  fig2: fig2Plotly,
  fig3: fig3Plotly,
  fig3_mix: fig3Plotly,
  fig5: fig5Plotly,
  fig6: fig6Plotly,
  fig15: fig6Plotly,
  fig7: fig7Plotly,
  fig10: fig10Plotly,
  fig13: fig13Plotly,
  fig16: fig16Plotly,
  sites: sitesPlotly,
};

async function figureData(name: string): Promise<Json | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${FIGURES}${name}.json`)).data;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

for (const [name, draw] of Object.entries(DRAW)) {
  Deno.test(`interactive ${name}: title, axis titles, and the accuracy ramp`, async () => {
    const data = await figureData(name);
    if (data === null) return console.log(`figures/${name}.json absent: nothing to check`);
    const fig = normalizePlotlyFigure(draw(data));
    assert(plotlyTitleText(fig).length > 10, `${name} has no title`);
    const layout = fig.layout ?? {};
    for (const t of fig.data) {
      for (const key of ["xaxis", "yaxis"] as const) {
        const ref = typeof t[key] === "string" ? (t[key] as string) : key[0];
        const axis = layout[`${key[0]}axis${ref.slice(1)}`] as Json;
        if (axis?.visible === false) continue; // the Venn diagrams' hidden frames
        // A trace on the first axes of a figure must say what its axes are.
        if (ref === key[0]) {
          assert(axis?.title?.text, `${name}: ${key} of a ${t.type} trace has no title`);
        }
      }
      if (t.type === "heatmap") {
        assertEquals(t.colorscale, accuracyColorscale(), `${name}: not the accuracy ramp`);
        assertEquals([t.zmin, t.zmax], [0, 100]);
      }
    }
    // Heatmap axes are categories: plotly reads "0", "128" as numbers otherwise (blank fig2).
    for (const [k, v] of Object.entries(layout)) {
      if (/^[xy]axis\d*$/.test(k) && (v as Json).visible !== false) {
        const onHeatmap = fig.data.some((t) =>
          t.type === "heatmap" && ((t[k.startsWith("x") ? "xaxis" : "yaxis"] as string) ??
              k[0]) === `${k[0]}${k.slice(5)}`
        );
        if (onHeatmap) assertEquals((v as Json).type, "category", `${name}: ${k} not categorical`);
      }
    }
  });
}
