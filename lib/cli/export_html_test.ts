import * as path from "node:path";
import { assert, assertEquals } from "../util/assert.ts";
import { checkExport, exportHtml, figureOutputs, hasNbconvert } from "./export_html.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { renderSvg } from "../plot/render.ts";
import { toDisplay } from "../plot/show.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A notebook whose cells hold the given display outputs. */
function notebook(outputs: { data: Json; metadata?: Json }[]): Json {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: outputs.map((o, i) => ({
      id: `c${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: i + 1,
      source: `await show(figure${i});`,
      outputs: [{ output_type: "display_data", data: o.data, metadata: o.metadata ?? {} }],
    })),
  };
}

const spec = heatmapSpec([{ row: "single", column: "b_date", ours: 42.5, paper: 9.7 }], {
  title: "export check",
});

Deno.test("checkExport: a figure shows only as a PNG without an SVG beside it", () => {
  const nb = notebook([
    { data: { "image/png": ["iVBORw0K", "GgoAAA"], "text/plain": "f" } },
    { data: { "image/svg+xml": "<svg/>", "image/png": "AAAA", "text/plain": "g" } },
    { data: { "application/vnd.plotly.v1+json": {}, "text/plain": "h" } },
    { data: { "text/html": "<table></table>" } },
  ]);
  assertEquals(figureOutputs(nb).map((f) => f.cell), [1, 2, 3]);
  const page = '<img src="data:image/png;base64,iVBORw0KGgoAAA">';
  const got = checkExport(nb, page);
  assertEquals(got.figures, 3);
  assertEquals(got.shown, 1);
  assert(got.missing[0].startsWith("cell 2: an SVG beside the PNG"), got.missing[0]);
  assert(got.missing[1].startsWith("cell 3: no PNG"), got.missing[1]);
  assertEquals(checkExport(nb, "<p></p>").shown, 0);
});

const nbconvert = await hasNbconvert();
Deno.test({
  name: nbconvert
    ? "nbconvert's HTML export shows every figure show() displays, and drops SVG figures"
    : "nbconvert's HTML export shows every figure (skipped: /usr/bin/python3 cannot import " +
      "nbconvert; `deno task setup` installs jupyter-nbconvert)",
  ignore: !nbconvert,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "plm-export-" });
    try {
      const shown = await toDisplay(spec);
      const pair = await toDisplay({ spec, plotly: { data: [{ type: "bar", y: [1] }] } });
      // The old bundle (SVG as the static form), kept to show why it had to go.
      const svgOnly = { "image/svg+xml": await renderSvg(spec), "text/plain": "old" };
      const file = path.join(dir, "figures.ipynb");
      await Deno.writeTextFile(file, JSON.stringify(notebook([shown, pair, { data: svgOnly }])));
      const [html] = await exportHtml([file], dir);
      const page = await Deno.readTextFile(html);
      const nb = JSON.parse(await Deno.readTextFile(file));
      const check = checkExport(nb, page);
      assertEquals(check.figures, 3);
      assertEquals(check.shown, 2, check.missing.join("\n"));
      assert(check.missing[0].startsWith("cell 3: no PNG"), check.missing[0]);
      // The SVG figure's drawing is gone from the page: at most its text survives sanitizing.
      assert(!/<svg[^>]*>\s*<g/.test(page), "nbconvert kept an SVG drawing");
      // The PNG is drawn at the figure's size, from the display metadata.
      const size = shown.metadata["image/png"] as { width: number; height: number };
      assert(page.includes(`width="${size.width}"`), "the PNG's display width is not in the page");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
