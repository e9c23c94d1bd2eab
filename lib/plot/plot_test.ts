import * as path from "node:path";
import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import {
  ACCURACY_SCHEME,
  accuracyColor,
  accuracyColorscale,
  barSpec,
  BELOW_BASELINE_MARK,
  BELOW_BASELINE_NOTE,
  cellLabel,
  heatmapSpec,
  inJupyter,
  isPlotlyFigure,
  isVegaLiteSpec,
  lineSpec,
  normalizePlotlyFigure,
  NOTEBOOK_PNG_SCALE,
  PLOTLY_MIME,
  plotlyBundle,
  plotlyHtml,
  plotlyTitleText,
  provenance,
  renderSvg,
  saveFigure,
  seriesStyles,
  show,
  svgSize,
  svgToPng,
  toBundle,
  toDisplay,
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

Deno.test("heatmapSpec: whole row labels, a legend within the plot, below-baseline cells marked", async () => {
  const long = "single+permute2+fullname";
  const spec: Json = heatmapSpec([
    { row: long, column: "c", ours: 1, paper: 2, belowBaseline: true },
    { row: "baseline", column: "c", ours: 5 },
  ]);
  // vega cuts labels longer than labelLimit by its estimate of 0.8 x font size a character.
  assert(spec.encoding.y.axis.labelLimit >= long.length * 10 * 0.8, spec.encoding.y.axis);
  const legend = spec.layer[1].encoding.color.legend;
  assert(legend.gradientLength <= 2 * 26, `legend ${legend.gradientLength} px for 2 rows`);
  assertEquals(spec.title.subtitle, [BELOW_BASELINE_NOTE]);
  const svg = await renderSvg(spec);
  assert(svg.includes(long), "row label cut");
  assert(!svg.includes("…"), "a label was cut with …");
  assert(svg.includes(`1.0 (2.0) ${BELOW_BASELINE_MARK}`), "below-baseline cell not marked");
  assert(svg.includes('stroke-dasharray="4,2"'), "below-baseline cell not outlined");
  // Nothing flagged: no outline layer, no note.
  const plain: Json = heatmapSpec(cells, { title: "t" });
  assertEquals(plain.title, "t");
  assertEquals(plain.layer.length, 3);
});

Deno.test("heatmapSpec panels: one small heatmap per panel, two-line cells", async () => {
  const panelCells = [0, 1, 2].flatMap((i) => [
    { row: "r", column: "a", panel: `position ${i}`, ours: 10 * i, paper: 50 },
    { row: "r", column: "b", panel: `position ${i}`, ours: 90, paper: null },
  ]);
  const spec: Json = heatmapSpec(panelCells, {
    panelOrder: ["position 2", "position 0", "position 1"],
    panelColumns: 2,
    labelLines: 2,
  });
  assertEquals(spec.facet.sort, ["position 2", "position 0", "position 1"]);
  assertEquals(spec.columns, 2);
  assertEquals(spec.spec.layer.at(-1).mark.lineBreak, "\n");
  assertEquals(spec.data.values[0].label, "0.0\n(50.0)");
  assertEquals(spec.data.values[1].label, "90.0");
  const svg = await renderSvg(spec);
  for (const t of ["position 0", "position 1", "position 2", "(50.0)"]) {
    assert(svg.includes(t), `SVG lacks "${t}"`);
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
  const b = plotlyBundle(fig, { png: "iVBORw0KGgo=" });
  assertEquals(Object.keys(b).sort(), [PLOTLY_MIME, "image/png", "text/plain"].sort());
  assertEquals(b["text/plain"], 'plotly figure "t": 1 trace(s)');
  // plotly.js 3+ draws no title given as a string: both outputs carry {text}.
  assertEquals((b[PLOTLY_MIME] as Json).layout.title, { text: "t" });
  assert(html.includes('"title":{"text":"t"}'), "the page's title is not {text}");
});

Deno.test("normalizePlotlyFigure turns every string title into {text}, and only titles", () => {
  const fig = {
    data: [{ type: "heatmap", z: [[1]], colorbar: { title: "ours" } }],
    layout: {
      title: "figure",
      xaxis: { title: "x", type: "category" },
      yaxis2: { title: { text: "y2" } },
      coloraxis: { colorbar: { title: "c" } },
      annotations: [{ text: "kept" }],
    },
  };
  const n: Json = normalizePlotlyFigure(fig);
  assertEquals(n.layout.title, { text: "figure" });
  assertEquals(n.layout.xaxis, { title: { text: "x" }, type: "category" });
  assertEquals(n.layout.yaxis2.title, { text: "y2" });
  assertEquals(n.layout.coloraxis.colorbar.title, { text: "c" });
  assertEquals(n.data[0].colorbar.title, { text: "ours" });
  assertEquals(n.layout.annotations, [{ text: "kept" }]);
  assertEquals(fig.layout.title, "figure"); // the input is left alone
  assertEquals(plotlyTitleText(fig), "figure");
  assertEquals(plotlyTitleText(n), "figure");
});

Deno.test("the accuracy ramp runs light to dark in both renderers (dark = high)", () => {
  const scale = accuracyColorscale();
  assertEquals(scale[0][0], 0);
  assertEquals(scale.at(-1)![0], 1);
  const lum = (c: string) => {
    const [r, g, b] = c.match(/\d+/g)!.map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  for (let i = 1; i < scale.length; i++) assert(lum(scale[i][1]) < lum(scale[i - 1][1]));
  assertEquals(accuracyColor(100), scale.at(-1)![1]);
  assertEquals(accuracyColor(-5), scale[0][1]);
  assertEquals(ACCURACY_SCHEME, "blues");
});

Deno.test("seriesStyles gives 16 series 16 distinct styles, grouped ones one colour each", () => {
  const s = seriesStyles(16);
  assertEquals(new Set(s.map((x) => `${x.color}/${x.dash}`)).size, 16);
  const g = seriesStyles(4, ["a", "a", "b", "b"]);
  assertEquals(g[0].color, g[1].color);
  assert(g[0].color !== g[2].color);
  assertEquals(g[0].plotlyDash, "solid");
  assertEquals(g[1].plotlyDash, "dash");
  assertThrows(() => seriesStyles(2, ["a"]), "groups has 1 entries");
});

Deno.test("show does nothing outside Jupyter; toBundle builds the right MIME bundles", async () => {
  assertEquals(inJupyter(), false);
  const spec = heatmapSpec(cells, { title: "bundle" });
  await show(spec); // a no-op outside the kernel
  assert(isVegaLiteSpec(spec) && !isPlotlyFigure(spec));
  const vl = await toBundle(spec);
  // A PNG and no SVG: untrusted classic notebooks and nbconvert's HTML drop SVG.
  assertEquals(Object.keys(vl).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"].sort());
  assertEquals(vl["text/plain"], 'vega-lite figure "bundle"');
  const png = Uint8Array.from(atob(vl["image/png"] as string), (c) => c.charCodeAt(0));
  assertEquals([...png.subarray(0, 8)], PNG_MAGIC);
  const shown = await toDisplay(spec);
  const size = shown.metadata["image/png"] as { width: number; height: number };
  const svg = svgSize(await renderSvg(spec));
  // Drawn at the SVG's size although the PNG has NOTEBOOK_PNG_SCALE times the pixels.
  assertEquals(size, svg);
  assert(svg.width > 100 && svg.height > 50, JSON.stringify(svg));
  assertEquals(
    png[16] * 2 ** 24 + png[17] * 2 ** 16 + png[18] * 256 + png[19],
    svg.width * NOTEBOOK_PNG_SCALE,
  );
  const plotly = { data: [{ type: "scatter", y: [1, 2] }] };
  assert(isPlotlyFigure(plotly) && !isVegaLiteSpec(plotly));
  const pair = await toBundle({ spec, plotly });
  assertEquals(
    Object.keys(pair).sort(),
    [PLOTLY_MIME, VEGA_LITE_MIME, "image/png", "text/plain"].sort(),
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
