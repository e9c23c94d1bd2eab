/**
 * Figures in the paper's layouts: vega-lite specs rendered to SVG/PNG, plotly pages for
 * interaction, export with provenance, and display in the Deno Jupyter kernel.
 *
 * ```ts
 * import { heatmapSpec, saveFigure, show } from "../lib/plot/mod.ts";
 * const spec = heatmapSpec([{ row: "bioS single", column: "birth date", ours: 9.7, paper: 9.7 }]);
 * await saveFigure("fig_example", spec, { data: { rows: [] } });
 * await show(spec);
 * ```
 * @module
 */
export * from "./colors.ts";
export * from "./render.ts";
export * from "./specs.ts";
export * from "./plotly.ts";
export * from "./save.ts";
export * from "./show.ts";
