/**
 * Golden traces of the engine (lib/runs/golden.ts):
 *
 *   deno task golden            compare every case with its record; exit 1 on a difference
 *   deno task golden --update   re-record every case (after bumping a stage in versions.ts)
 *   deno task golden data eval  only these cases
 * @module
 */
import { parseArgs } from "node:util";
import {
  caseVersions,
  checkTrace,
  computeTraces,
  GOLDEN_CASES,
  goldenPath,
  readRecord,
} from "../runs/golden.ts";
import { writeJsonAtomic } from "../util/fs.ts";

const USAGE = `usage: deno task golden [--update] [case ...]; cases: ${
  GOLDEN_CASES.map((c) => c.name).join(", ")
}`;

/** Parses the arguments, compares or records; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { update: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    console.error(`golden: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = GOLDEN_CASES.map((c) => c.name);
  const unknown = parsed.positionals.filter((p) => !names.includes(p));
  if (unknown.length) {
    console.error(`golden: unknown case(s) ${unknown.join(", ")}; allowed: ${names.join(", ")}`);
    return 2;
  }
  const only = parsed.positionals.length ? parsed.positionals : undefined;
  const t0 = performance.now();
  const traces = await computeTraces({ only });
  let failed = 0;
  for (const c of GOLDEN_CASES) {
    if (!traces.has(c.name)) continue;
    const trace = traces.get(c.name);
    if (parsed.values.update) {
      await writeJsonAtomic(goldenPath(c.name), { case: c.name, versions: caseVersions(c), trace });
      console.log(`golden: recorded ${c.name}`);
      continue;
    }
    const why = checkTrace(c, await readRecord(c.name), trace);
    if (why) failed++;
    console.log(why ? `golden: FAIL ${why}` : `golden: ok ${c.name}`);
  }
  console.log(`golden: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
