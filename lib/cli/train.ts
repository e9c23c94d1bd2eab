/**
 * Pretrain -> QA finetune -> evaluate one bioS configuration from the command line:
 *
 *   deno task train --preset tiny --config single --seed 0 [--people 250] [--exposures 50]
 *                   [--finetune full|lora] [--pretrain-only]
 *
 * Runs are cached in data/runs/ (a finished run is reused; a killed one resumes from its last
 * checkpoint). Prints BIO memorization and QA accuracy on P_train (in-distribution) and P_test
 * (out-of-distribution) as tables.
 * @module
 */
import { parseArgs } from "node:util";
import pl from "nodejs-polars";
import { parsePreset, PRESETS } from "../config/preset.ts";
import { type DeepPartial, type Preset, rowOverrides } from "../config/presets.ts";
import { DATA_CONFIGS } from "../data/bios.ts";
import { type FinetuneRequest, pretrain, qaFinetune } from "../runs/experiments.ts";
import type { AccuracyRow } from "../eval/metrics.ts";

const USAGE =
  `usage: deno task train --config <${DATA_CONFIGS.join("|")}> [--preset ${PRESETS.join("|")}] ` +
  `[--seed N] [--people N] [--exposures N] [--finetune full|lora] [--pretrain-only]`;

/** Accuracy rows as a wide table: one row per (metric, split), one column per attribute. */
export function accuracyTable(rows: readonly AccuracyRow[]): pl.DataFrame {
  const keys = [...new Set(rows.map((r) => `${r.metric}|${r.split}`))];
  return pl.DataFrame(keys.map((k) => {
    const [metric, split] = k.split("|");
    const out: Record<string, string | number> = { metric, split };
    for (const r of rows) {
      if (r.metric === metric && r.split === split) out[r.attribute] = +r.accuracy.toFixed(1);
    }
    return out;
  }));
}

/** Parses the arguments, runs, prints; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        preset: { type: "string", default: "tiny" },
        config: { type: "string" },
        seed: { type: "string", default: "0" },
        people: { type: "string" },
        exposures: { type: "string" },
        finetune: { type: "string", default: "full" },
        "pretrain-only": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`train: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (flag: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${flag} must be an integer >= ${min}, got "${v}"`);
    }
    return n;
  };
  try {
    const preset = parsePreset(values.preset!, { source: "--preset" });
    const config = values.config;
    if (!config || !(DATA_CONFIGS as readonly string[]).includes(config)) {
      throw new Error(
        `--config "${config ?? ""}" is not a bioS or bioR-like configuration; allowed: ${
          DATA_CONFIGS.join(", ")
        }`,
      );
    }
    if (values.finetune !== "full" && values.finetune !== "lora") {
      throw new Error(`--finetune must be "full" or "lora", got "${values.finetune}"`);
    }
    const overrides: DeepPartial<Preset> = {};
    const people = int("people", values.people, 2);
    const exposures = int("exposures", values.exposures, 1);
    if (people) overrides.people = people;
    if (exposures) overrides.pretrain = { exposures };
    // The row's own needs first (a wider window for the longest biographies), as findings do.
    const rowModel = rowOverrides(preset, config)?.model;
    if (rowModel) overrides.model = rowModel;
    const req: FinetuneRequest = {
      preset,
      config,
      seed: int("seed", values.seed, 0)!,
      overrides,
      finetune: { method: values.finetune },
    };
    const t0 = performance.now();
    const pre = await pretrain(req);
    console.log(
      `pretrained ${config} (${pre.params} parameters, ${pre.training.steps} steps, ` +
        `${Math.round(pre.training.tokensPerSec)} tokens/s on ${pre.backend}, ` +
        `${pre.cached ? "cached" : `${(pre.wallSeconds / 60).toFixed(1)} min`}) in ${pre.dir}`,
    );
    console.log("BIO memorization (% of values, first entry of each person):");
    console.log(accuracyTable(pre.memorization).toString());
    if (!values["pretrain-only"]) {
      const ft = await qaFinetune(req);
      console.log(
        `QA finetuned (${values.finetune}, ${ft.training.steps} steps, ${
          ft.cached ? "cached" : `${ft.wallSeconds.toFixed(0)} s`
        }):`,
      );
      console.log(accuracyTable(ft.qa).toString());
    }
    console.log(`done in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
    return 0;
  } catch (e) {
    console.error(`train: ${(e as Error).message}`);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
