import { assert, assertEquals } from "../util/assert.ts";
import { pProbe, probeSpec, qProbe } from "./probes.ts";
import { finishedRun, setRunsDir } from "./cache.ts";
import {
  buildModel,
  datasetFor,
  loadPretrained,
  pretrain,
  pretrainSpec,
  resolvePreset,
} from "./experiments.ts";
import { pProbe as runPProbe } from "../probe/p_probe.ts";

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

Deno.test("P-probing reads what the model knows: Figure 5's diagonal on the archived tiny single model", async () => {
  // The committed tiny model of bioS single (seed 0); the probe runs with tiny's settings, uncached.
  const req = { preset: "tiny" as const, config: "single", seed: 0 };
  const archived = await finishedRun("pretrain", pretrainSpec(req));
  assert(archived, "the archived tiny single model is missing from data/results");
  const pre = await pretrain(req, { progress: false });
  const p = resolvePreset(req);
  const ds = datasetFor(req.config, p.people, req.seed);
  const model = buildModel(p, ds, req.seed);
  try {
    await loadPretrained(model, pre.dir);
    const r = runPProbe(model, ds, {
      rank: p.probe.pRank,
      classifier: p.probe.classifier,
      epochs: p.probe.pEpochs,
      batchSize: p.probe.pBatchSize,
      lr: p.probe.lr,
      weightDecay: p.probe.weightDecay,
      classifierPerPosition: p.probe.pClassifierPerPosition,
    });
    // single has one order: position i is right before its i-th attribute, where the model's own
    // next-token prediction is its BIO first-token accuracy.
    const order = ds.bios[0].spans.map((s) => s.attribute);
    for (const [i, attribute] of order.entries()) {
      const probe = r.cells.find((c) =>
        c.target === "first_token" && c.position === i && c.attribute === attribute
      )!.accuracy!;
      const own = pre.memorization.find((m) =>
        m.metric === "bioFirstToken" && m.split === "P_test" && m.attribute === attribute
      )!.accuracy;
      assert(
        Math.abs(probe - own) <= 2,
        `${attribute} at position ${i}: probe ${probe}, model ${own}`,
      );
    }
  } finally {
    model.dispose();
  }
});
