/**
 * Reruns one finding alone and writes its figure:
 *
 *   deno task finding fig3 --preset tiny [--rows single,multi5+permute] [--seeds 3] [--workers 2]
 *
 * `--results DIR` reads and writes runs in DIR instead of data/runs/ (e.g. a cluster sweep's
 * results, with `--only-cached`: see lib/cli/sweep.ts).
 *
 * It builds whatever the figure needs (data, pretrained models, finetuned models), reusing every
 * run already in the cache (data/runs/), and writes figures/<figure>.{svg,png,html,json}.
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { parsePreset, PRESETS } from "../config/preset.ts";
import { fig3, fig3Table, saveFig3 } from "../findings/fig3.ts";
import { fig2, saveFig2 } from "../findings/fig2.ts";
import { fig1, type Fig1Data, fig1Table, saveFig1 } from "../findings/fig1.ts";
import { fig10, fig10Table, saveFig10 } from "../findings/fig10.ts";
import { fig5, saveFig5 } from "../findings/fig5.ts";
import { fig13, saveFig13 } from "../findings/fig13.ts";
import { fig6, saveFig6 } from "../findings/fig6.ts";
import { fig16, fig7, saveFig16, saveFig7 } from "../findings/fig7.ts";
import { fig12a, qaTable, saveFig12a } from "../findings/fig12a.ts";
import { celebrityCount, FIG17_ROWS, fig8, FIG8_ROWS, saveFig8 } from "../findings/fig8.ts";
import { fig14, saveFig14 } from "../findings/fig14.ts";
import { fig16c, fig16d, saveFig16c } from "../findings/fig16c.ts";
import { fig18, saveFig18 } from "../findings/fig18.ts";
import { figuresDir, onlyCachedFromEnv } from "../findings/runs.ts";
import { archTable, saveArchFigure } from "../findings/arch_figure.ts";
import { fig12b, fig12bEffects } from "../findings/fig12b.ts";
import { fig12c, fig12cEffects } from "../findings/fig12c.ts";
import { fig9, fig9Effects } from "../findings/fig9.ts";
import { setRunsDir } from "../runs/cache.ts";
import { saveSummary, summaryMarkdown } from "../findings/summary.ts";
import { saveSites, sitesTable, storageSites } from "../findings/sites.ts";
import {
  BIOR_SCALE_GRID,
  BIOR_SCALE_ROWS,
  saveScale,
  type ScaleResult,
  scaleStudy,
} from "../findings/scale.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import {
  fig1Effects,
  fig3Effects,
  fig5Effects,
  fig6Effects,
  fig7Effects,
  reportEffects,
} from "../findings/effects.ts";

/** What a finding is asked for on the command line. */
export interface FindingArgs {
  preset: PresetName;
  rows?: string[];
  seeds?: number;
  workers?: number;
  onlyCached: boolean;
  /** fig3: also run the mixed-training runs of its rows (the MIX columns). */
  mix: boolean;
  /** sites: the model depth (default: the preset's; another pretrains its own models). */
  depth?: number;
  /** scale: the grid points to compute (1-based); the others are drawn from the cache. */
  points?: number[];
  /** fig8, fig17, fig18, fig19: celebrities per +CEL run (default: N, the paper's ratio); another
   * count names the figures with a suffix (fig8_cel100). */
  celebrities?: number;
}

/** One finding: what it draws, and how to compute and save it into `dir`. */
export interface Finding {
  describe: string;
  /** Computes the figure (running what is missing), saves it; returns the files written. */
  run(args: FindingArgs, dir: string): Promise<string[]>;
}

/** A figure-name suffix for a non-default celebrity count ("_cel100"), so defaults stay drawn. */
const celebritySuffix = (a: FindingArgs): string =>
  a.celebrities === undefined || a.celebrities === celebrityCount(a.preset)
    ? ""
    : `_cel${a.celebrities}`;

/** The paths of saved figures (some figures save more than one). */
const files = (...saved: object[]): string[] =>
  saved.flatMap((s) => Object.values(s).filter((f): f is string => typeof f === "string"));

/** Figure 1 on one of its rows: the table, the effect checks, the saved figures. */
async function runFig1(a: FindingArgs, dir: string, data: Fig1Data): Promise<string[]> {
  const res = await fig1({ ...a, data });
  console.log(fig1Table(res).toString());
  reportEffects(fig1Effects(res));
  return files(...Object.values(await saveFig1(res, { dir })));
}

/** Prints every cell of a scale study, one line each. */
function printScale(res: ScaleResult): void {
  const r1 = (v: number | null) => v === null ? "-" : v.toFixed(1);
  for (const c of res.cells) {
    console.log(`${c.point} | ${c.row} | ${c.measure}: ${r1(c.ours)} (paper ${r1(c.paper)})`);
  }
}

/** The findings this CLI can run. */
export const FINDINGS: Record<string, Finding> = {
  fig1: {
    describe: "Figure 1: mixed training on bioS single (a: P_test QA per attribute, b: curves)",
    run: (a, dir) => runFig1(a, dir, "bioS"),
  },
  fig1c: {
    describe: "Figure 1(c) and (a)'s bioR row: mixed training on the bioR-like single " +
      "(Figure 12(a)'s mixed run)",
    run: (a, dir) => runFig1(a, dir, "bioR"),
  },
  fig2: {
    describe:
      "QA finetune grid (LoRA q/v rank x embedding rank, + full) for single and multi5+permute",
    run: async (a, dir) => files(await saveFig2(await fig2(a), { dir })),
  },
  fig3: {
    describe: "Figure 3: 16 bioS rows, P_test QA after pretrain + QA finetune (--mix: + MIX)",
    run: async (a, dir) => {
      // Without --mix this is notebook 03's figure: the QA block alone.
      const res = await fig3({ ...a, mix: a.mix ? true : "none" });
      console.log(fig3Table(res).toString());
      reportEffects(fig3Effects(res));
      // With the MIX block it is notebook 04's figure; fig3 stays the QA block of notebook 03.
      return files(await saveFig3(res, { dir, name: a.mix ? "fig3_mix" : "fig3" }));
    },
  },
  fig5: {
    describe: "Figure 5 (+13c): P-probing accuracy at the six special positions, 16 bioS rows",
    run: async (a, dir) => {
      const res = await fig5(a);
      reportEffects(fig5Effects(res));
      return files(await saveFig5(res, { dir }));
    },
  },
  fig6: {
    describe: "Figures 6/15: P-probing on bioS couple data, by the attributes seen before",
    run: async (a, dir) => {
      const res = await fig6({ ...a, rows: undefined });
      reportEffects(fig6Effects(res));
      const saved = await saveFig6(res, { dir });
      return files(saved.fig6 ?? {}, saved.fig15, saved.bars);
    },
  },
  fig7: {
    describe: "Figure 7: Q-probing from the name alone beside QA accuracy, with correlations",
    run: async (a, dir) => {
      const res = await fig7(a);
      reportEffects(fig7Effects(res));
      return files(await saveFig7(res, { dir }));
    },
  },
  fig12a: {
    describe: "Figure 12(a): the six bioR-like (grammar) rows, P_test QA after pretrain + QA " +
      "finetune (--mix: + MIX)",
    run: async (a, dir) => {
      const res = await fig12a(a);
      console.log(qaTable(res.cells).toString());
      for (const t of res.targets) {
        console.log(`${t.name}: ${t.ours?.toFixed(1)} (target ${t.target})`);
      }
      return files(await saveFig12a(res, { dir }));
    },
  },
  fig8: {
    describe:
      "Figure 8: minority QA with and without celebrities (bioS single+permute1, bioR-like " +
      "single, and its +wiki control with Debian's fortunes as the general text)",
    run: async (a, dir) => {
      const res = await fig8({
        ...a,
        rows: a.rows ?? FIG8_ROWS.map((r) => r.label),
        celebrities: a.celebrities,
      });
      console.log(qaTable(res.cells).toString());
      for (const r of res.ratios) {
        console.log(
          `${r.minority}: ${r.without.toFixed(1)} -> +CEL ${r.with.toFixed(1)} ` +
            `(${r.ratio.toFixed(1)}x; target >= 3x)`,
        );
      }
      return files(await saveFig8(res, { dir, name: `fig8${celebritySuffix(a)}` }));
    },
  },
  fig17: {
    describe: "Figure 17: Figure 8 plus the other minority formats (bioS single, " +
      "single+permute1+fullname, bioR-like single+fullname with celebrities and +wiki)",
    run: async (a, dir) => {
      const rows = a.rows ?? [...FIG8_ROWS, ...FIG17_ROWS].map((r) => r.label);
      const res = await fig8({ ...a, rows, celebrities: a.celebrities });
      console.log(qaTable(res.cells).toString());
      return files(await saveFig8(res, { dir, name: `fig17${celebritySuffix(a)}` }));
    },
  },
  fig18: {
    describe: "Figure 18: P-probing of the minority with and without celebrities " +
      "(a: first-token, fig18; b: whole-attribute, fig18b)",
    run: async (a, dir) => {
      const res = await fig18({ ...a, probe: "P" });
      const suffix = celebritySuffix(a);
      return files(
        await saveFig18(res, { dir, suffix }),
        await saveFig18(res, { dir, target: "whole_attribute", suffix }),
      );
    },
  },
  fig19: {
    describe: "Figure 19: Q-probing of the minority with and without celebrities",
    run: async (a, dir) =>
      files(
        await saveFig18(await fig18({ ...a, probe: "Q" }), { dir, suffix: celebritySuffix(a) }),
      ),
  },
  fig16c: {
    describe: "Figure 16(c): Q-probing of bioR-like rows (single, multi5) beside their QA",
    run: async (a, dir) => files(await saveFig16c(await fig16c(a), { dir })),
  },
  fig16d: {
    describe: "Figure 16(d): the same Q-probing at the paper's larger bioR rank, 128",
    run: async (a, dir) => files(await saveFig16c(await fig16d(a), { dir })),
  },
  fig14: {
    describe: "Figure 14: P-probing on bioR-like (grammar) single and multi5 (positions = " +
      "attributes in order of first appearance)",
    run: async (a, dir) => files(await saveFig14(await fig14(a), { dir })),
  },
  fig13: {
    describe: "Figure 13: P-probing with rank-2 vs rank-4 embedding updates",
    run: async (a, dir) => files(await saveFig13(await fig13(a), { dir })),
  },
  fig16: {
    describe: "Figure 16: Q-probing with rank-16 vs rank-64 embedding updates",
    run: async (a, dir) => files(await saveFig16(await fig16(a), { dir })),
  },
  sites: {
    describe:
      "where the knowledge sits: rank-0 probes at the name, the ending token and position 0, " +
      "after every layer (our addition; --depth N for deeper models)",
    run: async (a, dir) => {
      const res = await storageSites(a);
      console.log(sitesTable(res).toString());
      return files(await saveSites(res, { dir }));
    },
  },
  scale: {
    describe: "where the effects appear: QA, MIX, P-probe position 0, Q-first and BIO " +
      "memorization against model size, passes and people (our addition; days at tiny: " +
      "--only-cached draws the points that ran)",
    run: async (a, dir) => {
      const res = await scaleStudy({ ...a, rows: a.rows, points: a.points });
      printScale(res);
      return files(await saveScale(res, { dir }));
    },
  },
  scale_bior: {
    describe: "the scale study on the bioR-like multi5 (Figure 12(a)'s target row): tiny, 3x " +
      "passes, 4 layers d=256, and both (figures/scale_bior; --only-cached draws what ran)",
    run: async (a, dir) => {
      const res = await scaleStudy({
        ...a,
        grid: BIOR_SCALE_GRID,
        rows: a.rows ?? [...BIOR_SCALE_ROWS],
        points: a.points,
      });
      printScale(res);
      return files(await saveScale(res, { dir, name: "scale_bior" }));
    },
  },
  summary: {
    describe: "the table of findings (ours vs paper) from the figure JSONs already written",
    run: async (_a, dir) => {
      const { lines, files } = await saveSummary(dir);
      console.log(summaryMarkdown(lines));
      return files;
    },
  },
  fig12b: {
    describe:
      "Figure 12(b): bioR-like (grammar) on the Llama variant, QA and MIX (bioR single, multi5(+fullname))",
    run: async (a, dir) => {
      const res = await fig12b({ ...a, mix: a.mix });
      console.log(archTable(res).toString());
      reportEffects(fig12bEffects(res));
      return files(await saveArchFigure(res, { dir }));
    },
  },
  fig12c: {
    describe:
      "Figure 12(c): bioS on the Llama variant, QA and MIX (single, multi5+permute(+fullname))",
    run: async (a, dir) => {
      const res = await fig12c({ ...a, mix: true });
      console.log(archTable(res).toString());
      reportEffects(fig12cEffects(res));
      return files(await saveArchFigure(res, { dir }));
    },
  },
  fig9: {
    describe: "Figure 9: bioS on GBERT (bidirectional, whole-word masked LM), QA and MIX",
    run: async (a, dir) => {
      const res = await fig9({ ...a, mix: a.mix });
      console.log(archTable(res).toString());
      for (const m of res.memorization) {
        console.log(
          `${m.row}: recovered in place (P_train): each word masked alone ` +
            `${m.maskedWord.toFixed(1)}%; the whole attribute masked, first token ` +
            `${m.firstToken.toFixed(1)}%, whole ${m.whole.toFixed(1)}%`,
        );
      }
      reportEffects(fig9Effects(res));
      return files(await saveArchFigure(res, { dir }));
    },
  },
  fig10: {
    describe: "Figure 10: mixed training, P_test QA accuracy against the QA ratio QAr",
    run: async (a, dir) => {
      const res = await fig10(a);
      console.log(fig10Table(res).toString());
      return files(await saveFig10(res, { dir }));
    },
  },
};

const USAGE = `usage: deno task finding <${Object.keys(FINDINGS).join("|")}> ` +
  `[--preset ${
    PRESETS.join("|")
  }] [--rows a,b] [--seeds N] [--workers N] [--only-cached] [--mix] ` +
  `[--points i,j (scale)] [--celebrities N (fig8, fig17, fig18, fig19)] [--out DIR] [--results DIR]`;

/** Parses the arguments and runs the finding; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        preset: { type: "string" },
        rows: { type: "string" },
        seeds: { type: "string" },
        workers: { type: "string" },
        out: { type: "string" },
        results: { type: "string" },
        "only-cached": { type: "boolean" },
        mix: { type: "boolean" },
        depth: { type: "string" },
        points: { type: "string" },
        celebrities: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`finding: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    for (const [k, v] of Object.entries(FINDINGS)) console.log(`  ${k}: ${v.describe}`);
    return 0;
  }
  const name = positionals[0];
  if (!name || !(name in FINDINGS)) {
    console.error(
      `finding: unknown finding "${name ?? ""}"; allowed: ${
        Object.keys(FINDINGS).join(", ")
      }\n${USAGE}`,
    );
    return 2;
  }
  const int = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`--${flag} must be a positive integer, got "${v}"`);
    }
    return n;
  };
  try {
    const preset = values.preset
      ? parsePreset(values.preset, { source: "--preset" })
      : currentPreset();
    const dir = values.out ?? figuresDir(preset);
    // A cluster sweep's results folder (deno task sweep --results) stands in for the run cache.
    if (values.results) setRunsDir(resolve(values.results));
    const rows = values.rows?.split(",").map((s) => s.trim()).filter(Boolean);
    const args: FindingArgs = {
      preset,
      rows,
      seeds: int("seeds", values.seeds),
      workers: int("workers", values.workers),
      onlyCached: values["only-cached"] ?? onlyCachedFromEnv(),
      mix: values.mix ?? false,
      depth: int("depth", values.depth),
      points: values.points?.split(",").map((v) => int("points", v.trim())!),
      celebrities: int("celebrities", values.celebrities),
    };
    const t0 = performance.now();
    const written = await FINDINGS[name].run(args, dir);
    console.log(`wrote ${written.join(", ")}`);
    console.log(`${name} done in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
    return 0;
  } catch (e) {
    console.error(`finding ${name} failed: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
