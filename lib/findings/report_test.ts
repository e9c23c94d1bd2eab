import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../util/assert.ts";
import {
  markdownTableHtml,
  notebookDeviations,
  paperTwin,
  reportHtml,
  reportProvenance,
} from "./report.ts";
import { COVERAGE } from "./coverage.ts";
import { renderSvg } from "../plot/render.ts";
import { Browser, findChromium } from "../plot/browser.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const fig3 = {
  provenance: { commit: "0123456789abcdef", preset: "tiny", date: "2026-12-03T00:00:00Z" },
  data: {
    preset: "tiny",
    cells: [
      { row: "single", block: "QA", column: "mean", ours: 3.2, std: 0.4, seeds: 3, paper: 9.7 },
      { row: "baseline", block: "QA", column: "mean", ours: 2.9, std: 0, seeds: 1, paper: 2.7 },
    ],
    runs: [{ row: "single", seed: 0 }, { row: "single", seed: 2 }, { row: "single", seed: 1 }],
    mixRuns: [],
    rowOrder: [],
  },
};

Deno.test("paperTwin draws the paper's values in our figure's layout, titled as the paper's", async () => {
  const spec = paperTwin("fig3", fig3.data);
  assert(spec !== null);
  const svg = await renderSvg(spec);
  assert(svg.includes("The paper&#39;s Figure 3") || svg.includes("The paper's Figure 3"));
  assert(svg.includes(">9.7<"), "the paper's value is not drawn as the cell");
  assert(!svg.includes("3.2"), "our value leaked into the paper's twin");
  assertEquals(paperTwin("fig6", {}), null); // Venn summaries: no cell values to draw
});

Deno.test("reportProvenance: commit, preset, date and the seeds of the runs", () => {
  assertEquals(reportProvenance(fig3), {
    commit: "0123456789abcdef",
    preset: "tiny",
    date: "2026-12-03T00:00:00Z",
    seeds: [0, 1, 2],
  });
});

Deno.test("notebook deviations become an HTML table", () => {
  const nb = {
    cells: [
      { cell_type: "markdown", source: "# title" },
      {
        cell_type: "markdown",
        source: ["## Deviations from the paper\n", "\n", "| | paper | ours |\n", "| - | - | - |\n"]
          .concat(["| scale | N=100k | `tiny`: **500** |\n"]),
      },
    ],
  };
  const md = notebookDeviations(nb)!;
  assertEquals(md.split("\n").length, 3);
  assertEquals(
    markdownTableHtml(md),
    "<table><tr><th></th><th>paper</th><th>ours</th></tr><tr><td>scale</td><td>N=100k</td>" +
      "<td><code>tiny</code>: <b>500</b></td></tr></table>",
  );
  assertEquals(notebookDeviations({ cells: [] }), null);
});

Deno.test("reportHtml: coverage of all 19 figures, the findings, ours beside the paper's", () => {
  const html = reportHtml({
    figs: { fig3 },
    twins: new Set(["fig3"]),
    deviations: [{ notebook: "03_qa_finetune", table: "| a | b |\n| - | - |\n| 1 | 2 |" }],
    pngs: new Set(["fig3"]),
    htmls: new Set(["fig3"]),
  });
  for (let n = 1; n <= 19; n++) assert(html.includes(`Figure ${n}`), `Figure ${n} missing`);
  assertEquals(COVERAGE.length, 19);
  assert(html.includes('<img src="fig3.png"') && html.includes('<img src="paper/fig3.png"'));
  assert(html.includes('<a href="fig3.html">interactive</a>'));
  assert(
    html.includes("commit <code>0123456789ab</code>, preset <code>tiny</code>, seeds 0, 1, 2"),
  );
  assert(html.includes("single: P_test QA mean"), "the table of findings is missing");
  assert(html.includes("notebook 03_qa_finetune"));
  assert(!/(src|href)="https?:/.test(html), "the page must not need the network");
});

const index = `${ROOT}figures/index.html`;
const chromium = findChromium();
Deno.test({
  name: chromium
    ? "figures/index.html renders offline in Chromium: every figure drawn, no console error"
    : "figures/index.html in a browser (skipped: no Chromium; `deno task setup --with-chromium`)",
  ignore: !chromium,
  fn: async () => {
    await Deno.stat(index).catch(() => {
      throw new Error("figures/index.html is missing: run `deno task report`");
    });
    const browser = await Browser.launch();
    try {
      const page = await browser.open(index);
      const imgs = await page.evaluate<{ src: string; w: number; h: number; natural: number }[]>(
        `(() => { document.querySelectorAll("details").forEach((d) => d.open = true);
          return [...document.images].map((i) => ({ src: i.getAttribute("src"),
            w: i.clientWidth, h: i.clientHeight, natural: i.naturalWidth })); })()`,
      );
      assert(imgs.length >= 10, `only ${imgs.length} figures on the page`);
      const empty = imgs.filter((i) => !(i.w > 0 && i.h > 0 && i.natural > 0)).map((i) => i.src);
      assertEquals(empty, [], "figures drawn empty (missing or broken files)");
      assertEquals(page.problems, []);
      await page.close();
    } finally {
      await browser.close();
    }
  },
});
