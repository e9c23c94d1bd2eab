import { assert, assertEquals } from "../util/assert.ts";
import { pProbe, probeSpec, qProbe } from "./probes.ts";
import { setRunsDir } from "./cache.ts";

Deno.test("probeSpec: paper defaults per kind, rank in the key", () => {
  const req = { preset: "smoke" as const, config: "single", seed: 0 };
  assertEquals(probeSpec("p", req).probe.rank, 2);
  assertEquals(probeSpec("q", req).probe.rank, 16);
  assertEquals(probeSpec("q", req, { rank: 64 }).probe.rank, 64);
});

Deno.test("pProbe/qProbe runs at smoke: pretrain, probe, cache", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  try {
    const req = { preset: "smoke" as const, config: "single+permute1", seed: 0 };
    const p = await pProbe(req, { steps: 2 }, { progress: false });
    assert(!p.cached);
    assertEquals(p.cells.length, 11 * 6);
    const q = await qProbe(req, { steps: 2, rank: 4 }, { progress: false });
    assertEquals(q.rows.length, 11);
    assertEquals(q.pretrainKey, p.pretrainKey);
    const again = await pProbe(req, { steps: 2 }, { progress: false });
    assert(again.cached);
    assertEquals(again.cells, p.cells);
  } finally {
    setRunsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
