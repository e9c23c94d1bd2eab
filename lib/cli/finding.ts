/**
 * Reruns one finding alone and writes its figure:
 *
 *   deno task finding fig3 --preset tiny [--rows single,multi5+permute] [--seeds 3] [--workers 2]
 *
 * It builds whatever the figure needs (data, pretrained models, finetuned models), reusing every
 * run already in the cache (data/runs/), and writes figures/<figure>.{svg,png,html,json}.
 * @module
 */
import { parseArgs } from "node:util";
import { parsePreset, PRESETS } from "../config/preset.ts";
import { fig3, fig3Table, saveFig3 } from "../findings/fig3.ts";
import { fig2, saveFig2 } from "../findings/fig2.ts";
import { figuresDir } from "../findings/runs.ts";
import { currentPreset } from "../config/preset.ts";

/** The findings this CLI can run, with what each draws. */
export const FINDINGS: Record<string, string> = {
  fig2: "QA finetune grid (LoRA q/v rank x embedding rank, + full) for single and multi5+permute",
  fig3: "QA columns of Figure 3: 16 bioS rows, P_test accuracy after pretrain + QA finetune",
};

const USAGE = `usage: deno task finding <${Object.keys(FINDINGS).join("|")}> ` +
  `[--preset ${PRESETS.join("|")}] [--rows a,b] [--seeds N] [--workers N] [--out DIR]`;

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
    for (const [k, v] of Object.entries(FINDINGS)) console.log(`  ${k}: ${v}`);
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
    const rows = values.rows?.split(",").map((s) => s.trim()).filter(Boolean);
    const opts = {
      preset,
      rows,
      seeds: int("seeds", values.seeds),
      workers: int("workers", values.workers),
    };
    const t0 = performance.now();
    if (name === "fig3") {
      const res = await fig3(opts);
      console.log(fig3Table(res).toString());
      const saved = await saveFig3(res, { dir });
      console.log(`wrote ${Object.values(saved).join(", ")}`);
    } else if (name === "fig2") {
      const res = await fig2(opts);
      const saved = await saveFig2(res, { dir });
      console.log(`wrote ${Object.values(saved).join(", ")}`);
    }
    console.log(`${name} done in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
    return 0;
  } catch (e) {
    console.error(`finding ${name} failed: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
