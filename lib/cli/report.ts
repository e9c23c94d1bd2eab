/**
 * Writes the report of all findings, figures/index.html (see lib/findings/report.ts), from the
 * figure files already drawn; it runs nothing.
 *
 *   deno task report [--dir figures] [--notebooks notebooks]
 * @module
 */
import { parseArgs } from "node:util";
import { writeReport } from "../findings/report.ts";

/** Parses the arguments and writes the report; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dir: { type: "string" },
        notebooks: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    console.error(`report: ${(e as Error).message}\nusage: deno task report [--dir DIR]`);
    return 2;
  }
  if (values.help) {
    console.log("usage: deno task report [--dir figures] [--notebooks notebooks]");
    return 0;
  }
  try {
    const files = await writeReport({ dir: values.dir, notebooks: values.notebooks });
    console.log(`report: wrote ${files.length} files, the page: ${files.at(-1)}`);
    return 0;
  } catch (e) {
    console.error(`report failed: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
