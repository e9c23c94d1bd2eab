import { assert, assertEquals } from "../util/assert.ts";
import { main } from "./train.ts";
import { setRunsDir } from "../runs/cache.ts";

Deno.test("train CLI: bad configuration, preset and numbers exit 2 with a clear message", async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assertEquals(await main(["--config", "multi3"]), 2);
    assert(errors.at(-1)!.includes("allowed: single, single+fullname"));
    assertEquals(await main(["--config", "single", "--preset", "huge"]), 2);
    assert(errors.at(-1)!.includes("allowed values: smoke, tiny, small, paper"));
    assertEquals(await main(["--config", "single", "--people=-3"]), 2);
    assert(errors.at(-1)!.includes("--people must be an integer >= 2"));
    assertEquals(await main(["--config", "single", "--finetune", "half"]), 2);
    assert(errors.at(-1)!.includes('--finetune must be "full" or "lora"'));
  } finally {
    console.error = orig;
  }
});

Deno.test("train CLI: a smoke run pretrains, finetunes and prints both tables", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  const lines: string[] = [];
  const orig = console.log;
  console.log = (m: string) => lines.push(String(m));
  try {
    assertEquals(
      await main(["--preset", "smoke", "--config", "single+permute1", "--seed", "1"]),
      0,
    );
    const out = lines.join("\n");
    assert(out.includes("bioFirstToken") && out.includes("bioWholeAttribute"), out);
    assert(out.includes("P_test") && out.includes("qaFirstToken"), out);
  } finally {
    console.log = orig;
    setRunsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
