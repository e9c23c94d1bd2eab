/**
 * Copies the finished runs of a preset from the local cache (data/runs/) into the committed
 * results (data/results/), with the final weights of pretraining runs:
 *
 *   deno task archive [--preset tiny]
 *
 * Commit data/results/ afterwards: a fresh clone then draws every figure from those runs and only
 * computes what is missing (`PLM_RESULTS=off` recomputes everything).
 * @module
 */
import { parseArgs } from "node:util";
import { parsePreset, PRESETS } from "../config/preset.ts";
import { archiveRuns, pruneArchive } from "../runs/archive.ts";
import { resultsDir } from "../runs/cache.ts";

const USAGE = `usage: deno task archive [--preset ${PRESETS.join("|")}] (default tiny)\n` +
  `       deno task archive --prune [--dry-run]   remove archived runs of older stage versions`;

/** Parses the arguments, archives, prints a summary; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        preset: { type: "string" },
        prune: { type: "boolean" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`archive: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    if (values.prune) {
      const dryRun = values["dry-run"] ?? false;
      const stale = await pruneArchive({ dryRun });
      for (const r of stale) {
        console.log(`${dryRun ? "would remove" : "removed"} ${r.kind}/${r.key}`);
      }
      console.log(`archive --prune: ${stale.length} runs of older stage versions`);
      return 0;
    }
    const preset = parsePreset(values.preset ?? "tiny", { source: "--preset" });
    const runs = await archiveRuns(preset);
    const added = runs.filter((r) => r.added);
    const byKind = new Map<string, number>();
    for (const r of runs) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    const mb = added.reduce((a, r) => a + r.bytes, 0) / 2 ** 20;
    console.log(
      `archive ${preset}: ${added.length} runs added (${mb.toFixed(1)} MiB) to ${resultsDir()}; ` +
        `finished ${preset} runs in the local cache: ` +
        `${[...byKind].map(([k, n]) => `${n} ${k}`).join(", ") || "none"}`,
    );
    return 0;
  } catch (e) {
    console.error(`archive failed: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
