import { assert, assertEquals } from "../util/assert.ts";
import { FINDINGS, main } from "./finding.ts";

async function capture(f: () => Promise<number>) {
  const out: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (m: string) => out.push(String(m));
  console.error = (m: string) => out.push(String(m));
  try {
    return { code: await f(), text: out.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("finding CLI: unknown finding, preset or count exits non-zero naming what is allowed", async () => {
  let r = await capture(() => main(["fig99"]));
  assertEquals(r.code, 2);
  assert(r.text.includes(`allowed: ${Object.keys(FINDINGS).join(", ")}`), r.text);
  r = await capture(() => main(["fig3", "--preset", "huge"]));
  assertEquals(r.code, 1);
  assert(r.text.includes("smoke, tiny, small, paper"), r.text);
  r = await capture(() => main(["fig3", "--seeds", "0"]));
  assertEquals(r.code, 1);
  assert(r.text.includes("--seeds must be a positive integer"), r.text);
  r = await capture(() => main(["fig3", "--bogus"]));
  assertEquals(r.code, 2);
});

Deno.test("finding CLI: --help lists every finding with what it draws", async () => {
  const r = await capture(() => main(["--help"]));
  assertEquals(r.code, 0);
  for (const [name, f] of Object.entries(FINDINGS)) {
    assert(r.text.includes(`${name}: ${f.describe}`));
  }
});
