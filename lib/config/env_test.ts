import { assertEquals, assertThrows } from "../util/assert.ts";
import { envFlag, envList, envPositiveInt, envString } from "./env.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("env: empty is unset, values trimmed, bad numbers name the variable", () => {
  assertEquals(envString("PLM_RESULTS", env({ PLM_RESULTS: "  " })), undefined);
  assertEquals(envString("PLM_RESULTS", env({ PLM_RESULTS: " off " })), "off");
  assertEquals(envPositiveInt("PLM_SEEDS", env({})), undefined);
  assertEquals(envPositiveInt("PLM_SEEDS", env({ PLM_SEEDS: "3" })), 3);
  assertThrows(
    () => envPositiveInt("PLM_SEEDS", env({ PLM_SEEDS: "0" })),
    'PLM_SEEDS must be a positive integer, got "0"',
  );
  assertEquals([
    envFlag("PLM_ONLY_CACHED", env({ PLM_ONLY_CACHED: "1" })),
    envFlag("PLM_ONLY_CACHED", env({ PLM_ONLY_CACHED: "no" })),
  ], [true, false]);
  assertEquals(envList("PLM_ROWS", env({ PLM_ROWS: "single, multi5+permute,," })), [
    "single",
    "multi5+permute",
  ]);
});

Deno.test("env: the toolkit reads its variables only through lib/config/env.ts", async () => {
  // A PLM_ name (or PRESET_ENV) read anywhere but env.ts, literally or through a variable (a
  // local getter would hide its names from env.ts's table); tests may set their own.
  const offenders: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (p.endsWith(".ts") && !p.endsWith("_test.ts") && !p.endsWith("config/env.ts")) {
        if (/Deno\.env\.get\(\s*(["'`]?(PLM_|PRESET_ENV)|[a-z])/.test(await Deno.readTextFile(p))) {
          offenders.push(p);
        }
      }
    }
  };
  await walk(new URL("../", import.meta.url).pathname.replace(/\/$/, ""));
  await walk(new URL("../../bench", import.meta.url).pathname);
  assertEquals(offenders, []);
});
