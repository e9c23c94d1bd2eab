/**
 * Figure export: figures/<name>.svg, .png and optionally .html (plotly) and .json (the numbers
 * behind the figure, with provenance). Every file is written atomically (temp file + rename), so
 * a crash never leaves a half-written figure.
 * @module
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { currentPreset } from "../config/preset.ts";
import { type PlotlyFigure, plotlyHtml, plotlyJsSource } from "./plotly.ts";
import { renderSvg, svgToPng, type VegaLiteSpec } from "./render.ts";
import { writeFileAtomic } from "../util/fs.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where a figure or table came from. */
export interface Provenance {
  /** `git rev-parse HEAD` of the checkout, or "uncommitted". */
  commit: string;
  /** ISO 8601 time of writing. */
  date: string;
  /** The preset the numbers were computed at. */
  preset: string;
  /** The Deno version. */
  deno: string;
  /** The tfjs backend, when given. */
  backend?: string;
}

/**
 * Provenance for a figure or table: git commit (or "uncommitted" when there is no commit or no
 * git), date, preset (default: {@link currentPreset}), Deno version and, if given, the backend.
 */
export async function provenance(
  options: { backend?: string; preset?: string } = {},
): Promise<Provenance> {
  let commit = "uncommitted";
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const sha = new TextDecoder().decode(out.stdout).trim();
    if (out.success && /^[0-9a-f]{40,64}$/.test(sha)) commit = sha;
  } catch {
    // no git binary, or no permission to run it: keep "uncommitted"
  }
  const p: Provenance = {
    commit,
    date: new Date().toISOString(),
    preset: options.preset ?? currentPreset(),
    deno: Deno.version.deno,
  };
  if (options.backend !== undefined) p.backend = options.backend;
  return p;
}

/** Options for {@link saveFigure}. */
export interface SaveFigureOptions {
  /** Output folder (default "figures", relative to the current directory). */
  dir?: string;
  /** The numbers behind the figure, written as <name>.json with provenance. */
  data?: unknown;
  /** The interactive version, written as <name>.html. */
  plotly?: PlotlyFigure;
  /**
   * How the HTML gets plotly.js: "inline" (default; about 4.8 MB per page, opens offline) or
   * "beside" (one shared plotly.min.js written next to the pages, also offline).
   */
  plotlyScript?: "inline" | "beside";
  /** PNG zoom factor (default 2). */
  scale?: number;
  /** Recorded in the provenance. */
  backend?: string;
  /** Recorded in the provenance (default: {@link currentPreset}). */
  preset?: string;
}

/** The files {@link saveFigure} wrote. */
export interface SavedFigure {
  svg: string;
  png: string;
  html?: string;
  json?: string;
}

/**
 * Renders `spec` and writes <dir>/<name>.svg and .png, plus .html when `plotly` is given and
 * .json (`{figure, provenance, data}`) when `data` is given. Returns the paths written.
 */
export async function saveFigure(
  name: string,
  spec: VegaLiteSpec,
  options: SaveFigureOptions = {},
): Promise<SavedFigure> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new Error(`saveFigure: "${name}" is not a plain file name (letters, digits, _ . -)`);
  }
  const dir = options.dir ?? "figures";
  const base = path.join(dir, name);
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg, { scale: options.scale ?? 2, background: "white" });
  const saved: SavedFigure = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(saved.svg, svg);
  await writeFileAtomic(saved.png, png);
  if (options.plotly) {
    saved.html = `${base}.html`;
    const beside = options.plotlyScript === "beside";
    if (beside) {
      const js = path.join(dir, "plotly.min.js");
      const have = await Deno.stat(js).then((s) => s.size > 0, () => false);
      if (!have) await writeFileAtomic(js, await plotlyJsSource());
    }
    const html = await plotlyHtml(options.plotly, {
      title: name,
      plotlyScript: beside ? "plotly.min.js" : "inline",
    });
    await writeFileAtomic(saved.html, html);
  }
  if (options.data !== undefined) {
    saved.json = `${base}.json`;
    const prov = await provenance({ backend: options.backend, preset: options.preset });
    await writeFileAtomic(
      saved.json,
      JSON.stringify({ figure: name, provenance: prov, data: options.data }, null, 2) + "\n",
    );
  }
  return saved;
}
