import { assert, assertEquals } from "../util/assert.ts";
import { pProbe, probeSpec, qProbe } from "./probes.ts";
import { setRunsDir } from "./cache.ts";

Deno.test("probeSpec: the preset's probe settings per kind, overrides in the key", () => {
  const paper = { preset: "paper" as const, config: "single", seed: 0 };
  assertEquals(
    [probeSpec("p", paper).probe.rank, probeSpec("q", paper).probe.rank],
    [2, 16],
  );
  assertEquals(probeSpec("p", paper).probe.classifier, "linear");
  assertEquals([probeSpec("p", paper).probe.epochs, probeSpec("q", paper).probe.epochs], [30, 120]);
  const tiny = { ...paper, preset: "tiny" as const };
  assertEquals(probeSpec("p", tiny).probe.classifier, "readout");
  assertEquals([probeSpec("p", tiny).probe.rank, probeSpec("q", tiny).probe.rank], [0, 16]);
  assertEquals(probeSpec("q", tiny, { rank: 64 }).probe.rank, 64);
  assertEquals(probeSpec("p", tiny, { classifier: "linear" }).probe.classifier, "linear");
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
