import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { renderSvg } from "./render.ts";
import {
  ellipseOutline,
  placeSets,
  regionAnchors,
  vennEllipses,
  type VennPanel,
  vennPlotly,
  vennSpec,
} from "./venn.ts";

/** The membership mask of a point: bit k set when it is inside ellipse k. */
function maskAt(x: number, y: number): number {
  return vennEllipses().reduce((m, e, k) => {
    const dx = x - e.cx, dy = y - e.cy;
    const u = dx * Math.cos(e.angle) + dy * Math.sin(e.angle);
    const v = -dx * Math.sin(e.angle) + dy * Math.cos(e.angle);
    return u * u + (v * v) / (0.62 * 0.62) < 1 ? m | (1 << k) : m;
  }, 0);
}

Deno.test("the five ellipses cut the plane into all 31 regions, each anchor inside its own", () => {
  const a = regionAnchors();
  assertEquals(a.length, 32);
  for (let mask = 0; mask < 32; mask++) {
    assertEquals(maskAt(a[mask].x, a[mask].y), mask, `anchor of region ${mask}`);
    assert(a[mask].room > 0.02, `region ${mask} has room ${a[mask].room}`);
  }
  const o = ellipseOutline(0, 8);
  assertEquals(o.length, 9);
  assertEquals(o[0], o[8]); // closed
});

Deno.test("placeSets puts the regions with data where there is most room", () => {
  const sets = ["a", "b", "c", "d", "e"];
  const used = [["a"], ["a", "b"], ["a", "b", "c"], ["d", "e"]];
  const a = regionAnchors();
  const room = (p: number[]) =>
    Math.min(...used.map((u) => a[u.reduce((m, s) => m | (1 << p[sets.indexOf(s)]), 0)].room));
  const best = placeSets(sets, used);
  assertEquals([...best].sort(), [0, 1, 2, 3, 4]);
  assert(room(best) >= room([0, 1, 2, 3, 4]) - 1e-12);
  assert(room(best) >= room([4, 2, 0, 3, 1]) - 1e-12);
  assertThrows(() => placeSets(["a"], []), "needs 5 sets");
});

const panel: VennPanel = {
  title: "bioS couple2: birth city",
  subtitle: ["none seen: ours 1.0 (paper 56.9)"],
  sets: ["bmonth", "univ", "major", "cname", "ccity"],
  regions: [
    { sets: [], value: 1.04 },
    { sets: ["bmonth"], value: 92.1, emphasis: true },
    { sets: ["univ", "major"], value: 3.2, note: "n=12" },
  ],
};

Deno.test("vennSpec draws the outlines, the set names and every region's number", async () => {
  const svg = await renderSvg(vennSpec([panel, panel], { title: "Figure 6", columns: 2 }));
  for (const t of ["Figure 6", "bioS couple2: birth city", "bmonth", "ccity", "none seen"]) {
    assert(svg.includes(t), `SVG lacks "${t}"`);
  }
  for (const t of [">1.0<", ">92.1<", ">3.2<"]) assert(svg.includes(t), `SVG lacks ${t}`);
  // Five outlines per diagram, each a drawn path.
  const lines = svg.match(/<path[^>]*line mark[^>]*>/g) ?? [];
  assertEquals(lines.length, 10);
  assert(lines.every((l) => / d="M/.test(l)), "an outline has no path");
  assertThrows(
    () => vennSpec([{ ...panel, regions: [{ sets: ["nope"], value: 1 }] }], { title: "x" }),
    "Venn region names nope",
  );
});

Deno.test("vennPlotly: one marker trace per diagram, outlines as shapes below, titles as text", () => {
  const fig = vennPlotly([panel], { title: "Figure 6", subtitle: ["s"] });
  const layout = fig.layout as Record<string, unknown> & { shapes: { layer: string }[] };
  assertEquals(layout.shapes.length, 5);
  assert(layout.shapes.every((s) => s.layer === "below"));
  assertEquals((layout.title as { text: string }).text, "Figure 6<br><sub>s</sub>");
  const markers = fig.data.filter((t) => t.type === "scatter");
  assertEquals(markers.length, 1);
  assertEquals(markers[0].text, ["1.0", "92.1", "3.2"]);
});
