/**
 * `deno task data`: generate a bioS or bioR-like (grammar) dataset directory.
 *
 * ```sh
 * deno run -A lib/cli/data.ts --config multi5+permute --people 1000 --seed 7 --out DIR [--celebrities N]
 * deno run -A lib/cli/data.ts --config bioR:multi5 --people 1000 --seed 7 --out DIR   # bioR-like (grammar)
 * ```
 *
 * Bad arguments exit with code 2 and a one-line message naming the problem and the allowed
 * values; nothing is left behind (the directory is written atomically).
 * @module
 */
import { parseArgs } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import { DATA_CONFIGS, parseBioConfig } from "../data/bios.ts";
import { DEFAULT_CELEBRITY_CONFIG, generateDataset } from "../data/dataset.ts";
import { writeDataset } from "../data/io.ts";
import { nameSpaceSize } from "../data/people.ts";

/**
 * Most people (minority + celebrities) one run may generate: a memory guard. It covers the paper's
 * CEL runs (100,000 + 100,000); 250,000 people under multi5+permute+fullname need about 2.5 GB of
 * the V8 heap, and 400,000 exceeded Deno's default 4 GB heap limit (measured).
 */
export const MAX_PEOPLE = 250_000;

/** A command-line error: exit code 2 and one line on stderr. */
export class UsageError extends Error {}

/** Parsed arguments of the data command. */
export interface DataArgs {
  config: string;
  people: number;
  seed: number;
  out: string;
  celebrities: number;
  celebrityConfig: string;
}

const USAGE = "usage: data --config NAME --people N --seed S --out DIR [--celebrities N] " +
  "[--celebrity-config NAME]";

function positiveInt(
  flag: string,
  raw: string | undefined,
  opts: { min: number; max: number },
): number {
  if (raw === undefined) throw new UsageError(`missing --${flag}; ${USAGE}`);
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
    throw new UsageError(
      `--${flag} must be an integer in ${opts.min}..${opts.max}, got "${raw}"` +
        (flag === "people" || flag === "celebrities"
          ? ` (memory guard ${MAX_PEOPLE} people in all; the name space holds ${nameSpaceSize()})`
          : ""),
    );
  }
  return n;
}

function checkConfig(flag: string, name: string | undefined): string {
  if (name === undefined) {
    throw new UsageError(`missing --${flag}; allowed: ${DATA_CONFIGS.join(", ")}`);
  }
  try {
    return parseBioConfig(name).name;
  } catch {
    throw new UsageError(`unknown --${flag} "${name}"; allowed: ${DATA_CONFIGS.join(", ")}`);
  }
}

/** Checks that `out` can be created (its nearest existing ancestor is a writable directory). */
function checkOut(out: string | undefined): string {
  if (out === undefined || out === "") throw new UsageError(`missing --out DIR; ${USAGE}`);
  const target = path.resolve(out);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) {
      throw new UsageError(`--out ${out} exists and is not a directory`);
    }
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes("manifest.json")) {
      throw new UsageError(
        `--out ${out} is a non-empty directory that is not a dataset; choose a new or empty one`,
      );
    }
  }
  let dir = path.dirname(target);
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error();
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out} is not writable: ${dir} is not a writable directory`);
  }
  return out;
}

/** Parses and validates the command line; throws {@link UsageError}. */
export function parseDataArgs(args: string[]): DataArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        people: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        celebrities: { type: "string" },
        "celebrity-config": { type: "string" },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]}; ${USAGE}`);
  }
  const config = checkConfig("config", values.config);
  const people = positiveInt("people", values.people, { min: 1, max: MAX_PEOPLE });
  const celebrities = values.celebrities === undefined
    ? 0
    : positiveInt("celebrities", values.celebrities, { min: 1, max: MAX_PEOPLE - people });
  const celebrityConfig = checkConfig(
    "celebrity-config",
    values["celebrity-config"] ?? DEFAULT_CELEBRITY_CONFIG,
  );
  const seed = positiveInt("seed", values.seed ?? "0", { min: 0, max: 0xffffffff });
  const out = checkOut(values.out);
  return { config, people, seed, out, celebrities, celebrityConfig };
}

/** Runs the command; returns the exit code (0 ok, 2 usage error). */
export function main(args: string[]): number {
  let a: DataArgs;
  try {
    a = parseDataArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const t0 = performance.now();
  const dataset = generateDataset({
    config: a.config,
    people: a.people,
    seed: a.seed,
    celebrities: a.celebrities ? { count: a.celebrities, config: a.celebrityConfig } : undefined,
  });
  try {
    const m = writeDataset(a.out, dataset);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${
        m.config.startsWith("bioR:") ? "bioR-like (grammar)" : "bioS"
      } ${m.config} seed ${m.seed}: ${m.counts.minority} people` +
        (m.counts.celebrity ? ` + ${m.counts.celebrity} celebrities (${a.celebrityConfig})` : "") +
        ` (${m.counts.P_train} P_train, ${m.counts.P_test} P_test), ${m.counts.bios} bios ` +
        `(${m.tokens.minority.mean.toFixed(1)} GPT-2 tokens/entry), ${m.counts.qa} QA, ` +
        `vocab ${m.counts.vocab}, ${s.toFixed(2)} s -> ${path.resolve(a.out)}`,
    );
  } catch (e) {
    console.error(`error: cannot write --out ${a.out}: ${(e as Error).message.split("\n")[0]}`);
    return 2;
  }
  return 0;
}

if (import.meta.main) Deno.exit(main(Deno.args));
