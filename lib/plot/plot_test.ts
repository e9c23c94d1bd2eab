import * as path from "node:path";
import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import {
  barSpec,
  cellLabel,
  heatmapSpec,
  inJupyter,
  isPlotlyFigure,
  isVegaLiteSpec,
  lineSpec,
  PLOTLY_MIME,
  plotlyBundle,
  plotlyHtml,
  provenance,
  renderSvg,
  saveFigure,
  show,
  svgToPng,
  toBundle,
  VEGA_LITE_MIME,
} from "./mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const cells = [
  { row: "bioS single", column: "birth date", ours: 9.72, paper: 9.7 },
  { row: "bioS single", column: "company city", ours: 3.14, paper: null },
  { row: "bioS multi5+permute", column: "birth date", ours: 96.25, paper: 96.4 },
  { row: "bioS multi5+permute", column: "company city", ours: null, paper: 98.1 },
  { row: "baseline", column: "birth date", ours: 1.0 },
  { row: "baseline", column: "company city", ours: 5.0 },
];

function layerValues(spec: Json): Json[] {
  return spec.data?.values ?? spec.layer[0].data.values;
}

Deno.test("cellLabel writes ours (paper)", () => {
  assertEquals(cellLabel(96.25, 96.4), "96.3 (96.4)");
  assertEquals(cellLabel(3.14, null), "3.1");
  assertEquals(cellLabel(null, 98.1), "– (98.1)");
  assertEquals(cellLabel(null), "–");
  assertEquals(cellLabel(0.5, 0.25, (v) => `${Math.round(v * 100)}%`), "50% (25%)");
});

Deno.test("heatmapSpec labels every cell ours (paper) and puts the baseline row last", async () => {
  const spec: Json = heatmapSpec(cells, {
    title: "P-probing",
    rowOrder: ["bioS multi5+permute", "bioS single"],
    columnOrder: ["company city", "birth date"],
  });
  const labels = layerValues(spec).map((v: Json) => v.label);
  assertEquals(labels, ["9.7 (9.7)", "3.1", "96.3 (96.4)", "– (98.1)", "1.0", "5.0"]);
  assertEquals(spec.encoding.y.sort, ["bioS multi5+permute", "bioS single", "baseline"]);
  assertEquals(spec.encoding.x.sort, ["company city", "birth date"]);
  assertEquals(layerValues(spec).filter((v: Json) => v.isBaseline).length, 2);
  const svg = await renderSvg(spec);
  for (const text of ["P-probing", "96.3 (96.4)", "9.7 (9.7)", "– (98.1)", "baseline"]) {
    assert(svg.includes(text), `SVG lacks "${text}"`);
  }
});

Deno.test("lineSpec and barSpec draw curves with the paper's reference lines", async () => {
  const points = [
    { x: 0, y: 0, series: "QA (train)" },
    { x: 100, y: 50, series: "QA (train)" },
    { x: 200, y: null, series: "QA (train)" },
    { x: 0, y: 0, series: "QA (test)" },
    { x: 100, y: 20, series: "QA (test)" },
  ];
  const reference = [{ y: 86.8, label: "paper 86.8", series: "QA (test)" }, { y: 99 }];
  const line: Json = lineSpec(points, { title: "mixed training", reference });
  assertEquals(line.layer.length, 4);
  assertEquals(line.layer[0].encoding.color.scale.domain, ["QA (train)", "QA (test)"]);
  const lineSvg = await renderSvg(line);
  for (const t of ["mixed training", "paper 86.8", "accuracy (%)", "step"]) {
    assert(lineSvg.includes(t), `line SVG lacks "${t}"`);
  }
  const bar: Json = barSpec(points, { xTitle: "epoch", reference: [{ y: 9.7 }] });
  assertEquals(bar.layer[0].mark.type, "bar");
  assertEquals(bar.layer[0].encoding.xOffset.field, "series");
  const barSvg = await renderSvg(bar);
  assert(barSvg.includes("epoch") && barSvg.includes(">paper<"), "bar SVG lacks its labels");
  // Without reference lines there is a single layer.
  assertEquals((lineSpec(points) as Json).layer.length, 1);
});

Deno.test("svgToPng writes PNG bytes and scales", async () => {
  const spec: Json = heatmapSpec(cells.slice(0, 2), { title: "png check" });
  const png = await svgToPng(await renderSvg(spec), { scale: 1 });
  assertEquals([...png.slice(0, 8)], PNG_MAGIC);
  const big = await svgToPng(await renderSvg(spec), { scale: 2 });
  assert(big.length > png.length, "scale 2 should give a larger PNG");
  await assertRejects(() => svgToPng("<svg/>", { scale: 0 }), "scale must be > 0");
});

Deno.test("saveFigure writes svg, png, html and json atomically and returns the paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = heatmapSpec(cells, { title: "Figure X: saved heatmap" });
    const plotly = {
      data: [{ type: "heatmap", z: [[1, 2], [3, 4]], x: ["a", "b"], y: ["r1", "r2"] }],
      layout: { title: { text: "Figure X" } },
    };
    const saved = await saveFigure("figX", spec, {
      dir,
      data: { rows: cells },
      plotly,
      backend: "wasm",
      preset: "smoke",
    });
    assertEquals(saved, {
      svg: path.join(dir, "figX.svg"),
      png: path.join(dir, "figX.png"),
      html: path.join(dir, "figX.html"),
      json: path.join(dir, "figX.json"),
    });
    const svg = await Deno.readTextFile(saved.svg);
    assert(svg.startsWith("<svg") && svg.includes("Figure X: saved heatmap"), "bad SVG");
    assert(svg.includes("96.3 (96.4)"), "SVG lacks a cell label");
    const png = await Deno.readFile(saved.png);
    assertEquals([...png.slice(0, 8)], PNG_MAGIC);
    assert(png.length > 5000, `PNG suspiciously small: ${png.length} bytes`);
    const html = await Deno.readTextFile(saved.html!);
    assert(html.includes("Plotly.newPlot") && html.length > 1_000_000, "plotly.js not inlined");
    const json = JSON.parse(await Deno.readTextFile(saved.json!));
    assertEquals(json.figure, "figX");
    assertEquals(json.data.rows.length, cells.length);
    assertEquals(json.provenance.preset, "smoke");
    assertEquals(json.provenance.backend, "wasm");
    assertEquals(json.provenance.deno, Deno.version.deno);
    // No temp files are left behind.
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names.sort(), ["figX.html", "figX.json", "figX.png", "figX.svg"]);

    // "beside": one shared plotly.min.js, small pages.
    const s2 = await saveFigure("figY", spec, { dir, plotly, plotlyScript: "beside" });
    assertEquals(s2.json, undefined);
    const page = await Deno.readTextFile(s2.html!);
    assert(page.includes('<script src="plotly.min.js">') && page.length < 10_000, "bad page");
    assert((await Deno.stat(path.join(dir, "plotly.min.js"))).size > 1_000_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveFigure refuses names that are paths", async () => {
  await assertRejects(() => saveFigure("../x", heatmapSpec(cells)), "not a plain file name");
});

Deno.test("provenance has a commit (or 'uncommitted'), date, preset and deno version", async () => {
  const p = await provenance({ preset: "tiny" });
  assert(p.commit === "uncommitted" || /^[0-9a-f]{40}$/.test(p.commit), p.commit);
  assert(!Number.isNaN(Date.parse(p.date)), p.date);
  assertEquals(p.preset, "tiny");
  assertEquals(p.deno, Deno.version.deno);
  assertEquals("backend" in p, false);
});

Deno.test("plotly HTML escapes its JSON and the bundle carries the plotly MIME type", async () => {
  const fig = { data: [{ type: "bar", x: ["</script><b>"], y: [1] }], layout: { title: "t" } };
  const html = await plotlyHtml(fig, { plotlyScript: "plotly.min.js" });
  assert(!html.includes("</script><b>"), "unescaped </script> in the page");
  const b = plotlyBundle(fig, { svg: "<svg/>" });
  assertEquals(Object.keys(b).sort(), [PLOTLY_MIME, "image/svg+xml", "text/plain"].sort());
  assertEquals(b["text/plain"], 'plotly figure "t": 1 trace(s)');
});

Deno.test("show does nothing outside Jupyter; toBundle builds the right MIME bundles", async () => {
  assertEquals(inJupyter(), false);
  const spec = heatmapSpec(cells, { title: "bundle" });
  await show(spec); // a no-op outside the kernel
  assert(isVegaLiteSpec(spec) && !isPlotlyFigure(spec));
  const vl = await toBundle(spec);
  assertEquals(Object.keys(vl).sort(), [VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort());
  assertEquals(vl["text/plain"], 'vega-lite figure "bundle"');
  const plotly = { data: [{ type: "scatter", y: [1, 2] }] };
  assert(isPlotlyFigure(plotly) && !isVegaLiteSpec(plotly));
  const pair = await toBundle({ spec, plotly });
  assertEquals(
    Object.keys(pair).sort(),
    [PLOTLY_MIME, VEGA_LITE_MIME, "image/svg+xml", "text/plain"].sort(),
  );
  assertEquals(await toBundle("# hi"), { "text/markdown": "# hi", "text/plain": "# hi" });
  assertEquals((await toBundle({ markdown: "*x*" }))["text/markdown"], "*x*");
  const df = {
    toHTML: () => "<table></table>",
    toRecords: () => [],
    toString: () => "shape: (0, 0)",
  };
  assertEquals(await toBundle(df), {
    "text/html": "<table></table>",
    "text/plain": "shape: (0, 0)",
  });
  assertEquals(await toBundle(42), { "text/plain": "42" });
});
