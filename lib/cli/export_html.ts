/**
 * Notebooks exported to HTML with the nbconvert that setup installs (Debian's 6.5), and the check
 * a reader's export depends on: every figure output of the notebook is an image in the page.
 *
 * nbconvert keeps one MIME type per output (HTML first, then SVG, then PNG) and sanitizes inline
 * SVG down to its text, so a figure shows only if it carries a PNG and no SVG; lib/plot/show.ts
 * displays figures that way, and this module checks the result.
 * @module
 */
import * as path from "node:path";
import { PYTHON } from "./notebooks.ts";
import type { PageProblem } from "../plot/browser.ts";

/** The MIME types of a figure output (interactive or static). */
export const FIGURE_MIMES = [
  "application/vnd.vegalite.v5+json",
  "application/vnd.plotly.v1+json",
  "image/png",
  "image/svg+xml",
];

/** True when Debian's Python can run nbconvert (`python3 -m nbconvert`). */
export async function hasNbconvert(): Promise<boolean> {
  try {
    const r = await new Deno.Command(PYTHON, {
      args: ["-c", "import nbconvert"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

/**
 * Exports notebooks to `<outDir>/<name>.html` with nbconvert's default (lab) template, as a reader
 * would; returns the pages' paths. Throws with nbconvert's output when it fails.
 */
export async function exportHtml(notebooks: string[], outDir: string): Promise<string[]> {
  await Deno.mkdir(outDir, { recursive: true });
  const r = await new Deno.Command(PYTHON, {
    args: ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, ...notebooks],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    throw new Error(
      `nbconvert --to html failed (exit ${r.code}):\n${new TextDecoder().decode(r.stderr)}`,
    );
  }
  return notebooks.map((nb) =>
    path.join(outDir, path.basename(nb).replace(/\.ipynb$/, "") + ".html")
  );
}

/** One figure output of a notebook. */
export interface FigureOutput {
  /** 1-based index of the cell. */
  cell: number;
  /** The output's MIME types. */
  mimes: string[];
  /** The PNG it carries (base64), or null. */
  png: string | null;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** The figure outputs of a notebook (outputs offering a figure MIME type), in order. */
export function figureOutputs(nb: Json): FigureOutput[] {
  const out: FigureOutput[] = [];
  (nb.cells ?? []).forEach((c: Json, i: number) => {
    for (const o of c.outputs ?? []) {
      const data = o.data ?? {};
      const mimes = Object.keys(data);
      if (!mimes.some((m) => FIGURE_MIMES.includes(m))) continue;
      const png = data["image/png"];
      out.push({
        cell: i + 1,
        mimes,
        png: png === undefined ? null : (Array.isArray(png) ? png.join("") : String(png))
          .replace(/\s+/g, ""),
      });
    }
  });
  return out;
}

/** What an exported page shows of a notebook's figures. */
export interface ExportCheck {
  figures: number;
  /** Figures shown as an image in the page. */
  shown: number;
  /** Why each of the others is not shown. */
  missing: string[];
}

/**
 * Checks that every figure output of `nb` is an image in the exported `html`: it must carry a
 * PNG, carry no SVG (nbconvert would pick the SVG and strip it), and that PNG must be in the page.
 */
export function checkExport(nb: Json, html: string): ExportCheck {
  const figures = figureOutputs(nb);
  const images = new Set(
    [...html.matchAll(/<img\b[^>]*src="data:image\/png;base64,([^"]+)"/g)].map((m) =>
      m[1].replace(/\s+/g, "")
    ),
  );
  const missing: string[] = [];
  for (const f of figures) {
    if (f.png === null) missing.push(`cell ${f.cell}: no PNG (${f.mimes.join(", ")})`);
    else if (f.mimes.includes("image/svg+xml")) {
      missing.push(`cell ${f.cell}: an SVG beside the PNG (nbconvert shows the stripped SVG)`);
    } else if (!images.has(f.png)) missing.push(`cell ${f.cell}: its PNG is not in the page`);
  }
  return { figures: figures.length, shown: figures.length - missing.length, missing };
}

/** The scripts Debian's nbconvert template loads from /usr/share/javascript (require.js, MathJax). */
const TEMPLATE_SCRIPTS = /^file:\/\/\/usr\/share\/javascript\/(requirejs|mathjax)\//;

/**
 * An exported page's problems (see lib/plot/browser.ts) less the template's own: Debian's
 * nbconvert points require.js and MathJax at /usr/share/javascript, which a minimal install
 * (no libjs-requirejs, libjs-mathjax) lacks; no figure depends on them.
 */
export function exportedPageProblems(problems: PageProblem[]): PageProblem[] {
  return problems.filter((p) => {
    const url = p.text.match(/\((file:[^)\s]+)\)$/)?.[1] ?? p.text.match(/(file:\S+)/)?.[1];
    return !(url && TEMPLATE_SCRIPTS.test(url));
  });
}
