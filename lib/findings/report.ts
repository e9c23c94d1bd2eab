/**
 * The report of all findings: figures/index.html, one page that opens offline with every paper
 * figure the toolkit covers (ours beside the paper's values drawn the same way), the table of
 * findings, the coverage of all 19 paper figures, the deviations of each notebook and each
 * figure's provenance. Built from the figure JSONs and PNGs alone (no run is read).
 *
 *   deno task report [--dir figures]
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COVERAGE, type FigureCoverage } from "./coverage.ts";
import { type FigureJson, summarize } from "./summary.ts";
import { fig3Spec } from "./fig3.ts";
import { fig5Spec } from "./fig5.ts";
import { fig13Spec } from "./fig13.ts";
import { fig16Spec, fig7Spec } from "./fig7.ts";
import { fig10Spec } from "./fig10.ts";
import { fig1aSpec } from "./fig1.ts";
import { fig2Spec } from "./fig2.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import { renderSvg, svgToPng } from "../plot/render.ts";
import { writeFileAtomic } from "../util/fs.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// deno-lint-ignore no-explicit-any
type Json = any;

/** A copy of a result whose cells carry the paper's value as "ours" and no bracketed value. */
function paperCells(data: Json, ours = "ours", paper = "paper"): Json {
  return {
    ...data,
    cells: (data.cells ?? []).map((c: Json) => ({
      ...c,
      [ours]: c[paper] ?? null,
      [paper]: null,
      std: 0,
    })),
  };
}

function retitle(spec: VegaLiteSpec, text: string): VegaLiteSpec {
  const s = spec as unknown as { title?: unknown };
  const old = s.title as { subtitle?: string[] } | string | undefined;
  const subtitle = typeof old === "object" && old?.subtitle ? old.subtitle : [];
  s.title = subtitle.length ? { text, subtitle } : text;
  return spec;
}

/**
 * The paper's values of a figure drawn with our figure's own spec (same rows, layout and colour
 * scale), or null where the paper's figure has no cell values transcribed (Venn summaries,
 * curves).
 */
export function paperTwin(name: string, data: Json): VegaLiteSpec | null {
  const title = (n: string) => `The paper's ${n} (its values, drawn as ours)`;
  switch (name) {
    case "fig1a":
    case "fig1a_bior":
      return retitle(fig1aSpec(paperCells(data)), title("Figure 1(a)"));
    case "fig2":
      return retitle(fig2Spec(paperCells(data, "test", "paperTest")), title("Figure 2 / 11k"));
    case "fig3":
      return retitle(fig3Spec(paperCells(data)), title("Figure 3 (QA)"));
    case "fig3_mix":
      return retitle(fig3Spec(paperCells(data)), title("Figure 3 (QA and MIX)"));
    case "fig5":
      return retitle(fig5Spec(paperCells(data)), title("Figure 5"));
    case "fig7":
      return retitle(fig7Spec(paperCells(data)), title("Figure 7"));
    case "fig10":
      return retitle(fig10Spec(paperCells(data)), title("Figure 10(a)"));
    case "fig13":
      return retitle(fig13Spec(paperCells(data)), title("Figure 13 (a, b)"));
    case "fig16":
      return retitle(fig16Spec(paperCells(data)), title("Figure 16 (a, b)"));
    default:
      return null;
  }
}

/** Where a figure came from, as the report prints it. */
export interface ReportProvenance {
  commit: string;
  preset: string;
  date: string;
  /** Seeds of the runs behind the figure, when the JSON lists its runs. */
  seeds: number[];
}

/** The provenance of a figure JSON: commit, preset, date and the seeds of its runs. */
export function reportProvenance(fig: FigureJson): ReportProvenance {
  const p = fig.provenance ?? {};
  const seeds = new Set<number>();
  for (const key of ["runs", "mixRuns"]) {
    for (const r of (fig.data[key] as { seed?: unknown }[] | undefined) ?? []) {
      if (typeof r.seed === "number") seeds.add(r.seed);
    }
  }
  if (typeof fig.data.seed === "number") seeds.add(fig.data.seed);
  return {
    commit: p.commit ?? "unknown",
    preset: p.preset ?? "unknown",
    date: p.date ?? "unknown",
    seeds: [...seeds].sort((a, b) => a - b),
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Inline markdown of the notebooks' tables: `code`, **bold**, _italic_. */
function inline(md: string): string {
  return esc(md).replace(/`([^`]+)`/g, "<code>$1</code>").replace(
    /\*\*([^*]+)\*\*/g,
    "<b>$1</b>",
  ).replace(/(^|[\s(])_([^_]+)_(?=[\s,.;:)]|$)/g, "$1<i>$2</i>");
}

/** A markdown pipe table as HTML (the header row, then the body). */
export function markdownTableHtml(md: string): string {
  const lines = md.split("\n").filter((l) => l.trim().startsWith("|"));
  const cells = (l: string) => l.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  const body = lines.filter((_, i) => i !== 1);
  return "<table>" + body.map((l, i) => {
    const tag = i === 0 ? "th" : "td";
    return `<tr>${cells(l).map((c) => `<${tag}>${inline(c)}</${tag}>`).join("")}</tr>`;
  }).join("") + "</table>";
}

/** The "Deviations from the paper" table of a notebook, as markdown (null when it has none). */
export function notebookDeviations(nb: Json): string | null {
  for (const c of nb.cells ?? []) {
    const src: string = Array.isArray(c.source) ? c.source.join("") : String(c.source ?? "");
    if (c.cell_type === "markdown" && /^## Deviations from the paper/m.test(src)) {
      return src.split("\n").filter((l) => l.trim().startsWith("|")).join("\n");
    }
  }
  return null;
}

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

const STATUS_COLOR: Record<string, string> = {
  reproduced: "#2e7d32",
  partial: "#b26a00",
  absent: "#9e9e9e",
  "no numbers": "#9e9e9e",
};

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** The figures folder (default figures/ of the repository). */
  dir?: string;
  /** The notebooks folder, for the deviations (default notebooks/). */
  notebooks?: string;
}

/**
 * Writes `<dir>/index.html` and the paper's twins of our heatmaps (`<dir>/paper/<name>.png`) from
 * the figure JSONs and PNGs in `dir`. Returns the files written.
 */
export async function writeReport(opts: ReportOptions = {}): Promise<string[]> {
  const dir = opts.dir ?? join(ROOT, "figures");
  const nbDir = opts.notebooks ?? join(ROOT, "notebooks");
  const written: string[] = [];
  const figs: Partial<Record<string, FigureJson>> = {};
  const names = new Set(COVERAGE.flatMap((c) => c.files));
  for (const n of [...names, "fig6", "fig15", "sites", "sites_L4", "scale"]) {
    const p = join(dir, `${n}.json`);
    if (await exists(p)) figs[n] = JSON.parse(await Deno.readTextFile(p));
  }
  await Deno.mkdir(join(dir, "paper"), { recursive: true });
  const twins = new Set<string>();
  for (const [n, f] of Object.entries(figs)) {
    const spec = f && paperTwin(n, f.data);
    if (!spec) continue;
    const png = await svgToPng(await renderSvg(spec), { scale: 2, background: "white" });
    const file = join(dir, "paper", `${n}.png`);
    await writeFileAtomic(file, png);
    written.push(file);
    twins.add(n);
  }
  const deviations: { notebook: string; table: string }[] = [];
  for await (const e of Deno.readDir(nbDir)) {
    if (!/^\d\d_.*\.ipynb$/.test(e.name)) continue;
    const t = notebookDeviations(JSON.parse(await Deno.readTextFile(join(nbDir, e.name))));
    if (t) deviations.push({ notebook: e.name.replace(/\.ipynb$/, ""), table: t });
  }
  deviations.sort((a, b) => a.notebook.localeCompare(b.notebook));
  const html = reportHtml({
    figs,
    twins,
    deviations,
    pngs: new Set(
      await Promise.all(
        [...names, "fig15_bars", "fig3_headline", "fig3_mix_headline", "sites", "sites_L4"].map(
          async (n) => (await exists(join(dir, `${n}.png`))) ? n : "",
        ),
      ),
    ),
    htmls: new Set(
      await Promise.all(
        [...names].map(async (n) => (await exists(join(dir, `${n}.html`))) ? n : ""),
      ),
    ),
  });
  const index = join(dir, "index.html");
  await writeFileAtomic(index, html);
  written.push(index);
  return written;
}

/** What {@link reportHtml} draws from. */
export interface ReportInput {
  figs: Partial<Record<string, FigureJson>>;
  /** Figures with a paper twin in paper/<name>.png. */
  twins: Set<string>;
  deviations: { notebook: string; table: string }[];
  /** Figures whose <name>.png exists. */
  pngs: Set<string>;
  /** Figures whose interactive <name>.html exists. */
  htmls: Set<string>;
}

function figureSection(c: FigureCoverage, input: ReportInput): string {
  const parts: string[] = [];
  for (const n of c.files) {
    const fig = input.figs[n];
    const prov = fig ? reportProvenance(fig) : null;
    const img = (src: string, alt: string) =>
      `<figure><img src="${esc(src)}" alt="${esc(alt)}"><figcaption>${
        esc(alt)
      }</figcaption></figure>`;
    const ours = input.pngs.has(n) ? img(`${n}.png`, `ours: ${n}.png`) : "";
    const paper = input.twins.has(n)
      ? img(`paper/${n}.png`, `the paper's values, same layout: paper/${n}.png`)
      : "";
    const links = [
      input.htmls.has(n) ? `<a href="${n}.html">interactive</a>` : "",
      fig ? `<a href="${n}.json">numbers (${n}.json)</a>` : "",
    ].filter(Boolean).join(" · ");
    const provText = prov
      ? `commit <code>${esc(prov.commit.slice(0, 12))}</code>, preset <code>${
        esc(prov.preset)
      }</code>, seeds ${prov.seeds.length ? prov.seeds.join(", ") : "–"}, drawn ${esc(prov.date)}`
      : "no figure file yet";
    const drawing = typeof fig?.data.drawing === "string"
      ? `<p class="note">${esc(fig.data.drawing)}</p>`
      : "";
    parts.push(
      `<div class="pair">${ours}${paper}</div><p class="prov">${links}${
        links ? " · " : ""
      }${provText}</p>${drawing}`,
    );
  }
  const extra = c.figure === 15 && input.pngs.has("fig15_bars")
    ? `<details><summary>The same regions as bars</summary><img src="fig15_bars.png" alt="fig15_bars.png"></details>`
    : "";
  return `<section id="figure-${c.figure}"><h2>Figure ${c.figure}: ${esc(c.shows)} <span ` +
    `class="status" style="background:${STATUS_COLOR[c.status]}">${c.status}</span></h2>` +
    `<p>${inline(c.note)}${c.notebook ? ` (notebook ${esc(c.notebook)})` : ""}</p>${
      parts.join("")
    }${extra}</section>`;
}

/** The report page (pure: tests feed it synthetic input). */
export function reportHtml(input: ReportInput): string {
  const lines = summarize(input.figs);
  const f = (v: number | null) =>
    v === null
      ? "–"
      : Number.isInteger(v)
      ? String(v)
      : Math.abs(v) < 1
      ? v.toFixed(2)
      : v.toFixed(1);
  const findings = "<table><tr><th>figure</th><th>finding</th><th>ours</th><th>paper</th>" +
    "<th>from</th></tr>" +
    lines.map((l) =>
      `<tr><td>${esc(l.figure)}</td><td>${esc(l.finding)}</td><td class="num">${
        f(l.ours)
      }</td><td class="num">${f(l.paper)}</td><td><a href="${esc(l.file)}">${
        esc(l.file)
      }</a></td></tr>`
    ).join("") + "</table>";
  const coverage = "<table><tr><th>figure</th><th>what the paper shows</th><th>here</th>" +
    "<th>what we draw, or why not</th></tr>" +
    COVERAGE.map((c) =>
      `<tr><td>${
        c.files.length
          ? `<a href="#figure-${c.figure}">Figure ${c.figure}</a>`
          : `Figure ${c.figure}`
      }</td><td>${esc(c.shows)}</td><td><span class="status" style="background:${
        STATUS_COLOR[c.status]
      }">${c.status}</span></td><td>${inline(c.note)}</td></tr>`
    ).join("") + "</table>";
  const sections = COVERAGE.filter((c) => c.files.length).map((c) => figureSection(c, input))
    .join("\n");
  const deviations = input.deviations.map((d) =>
    `<details><summary>notebook ${esc(d.notebook)}</summary>${markdownTableHtml(d.table)}</details>`
  ).join("\n");
  const presets = [
    ...new Set(Object.values(input.figs).map((x) => x?.provenance?.preset).filter(Boolean)),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Physics of Language Models 3.1: findings</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: "DejaVu Sans", sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-top: 1px solid #ddd; padding-top: 0.8em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { color: white; border-radius: 4px; padding: 1px 6px; font-size: 0.8em; white-space: nowrap; }
.pair { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figure { margin: 0; flex: 1 1 600px; } figure img, details img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .prov, .note { font-size: 0.8em; color: #555; }
code { background: #f3f3f3; padding: 0 2px; }
</style>
</head>
<body>
<h1>Physics of Language Models, Part 3.1 (arXiv 2309.14316): our findings beside the paper's</h1>
<p>Preset ${presets.map((p) => `<code>${esc(String(p))}</code>`).join(", ") || "–"}. Every figure
is ours (left) beside the paper's values drawn with the same layout and colour scale (right), where
the paper's cell values are transcribed. Heatmap cells read "ours (paper)"; dark = high; a probe cell
outlined and marked ▾ is below the majority-guess baseline. Written by <code>deno task report</code>
from the figure files in this folder; it needs no network.</p>
<h2 id="coverage">Coverage of the paper's 19 figures</h2>
${coverage}
<h2 id="findings">Table of findings</h2>
${findings}
${sections}
<h2 id="deviations">Deviations from the paper, per notebook</h2>
${deviations}
</body>
</html>
`;
}
