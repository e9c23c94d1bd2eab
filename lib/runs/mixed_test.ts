import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { mixedSpec, mixedTrain } from "./mixed.ts";
import { pretrainSpec, pretrainSteps } from "./experiments.ts";
import { getPreset } from "../config/presets.ts";
import { setRunsDir } from "./cache.ts";

Deno.test("mixedSpec: the pretraining spec, the paper's budget by default, QAr checked", () => {
  const req = { preset: "smoke" as const, config: "single", seed: 0 };
  const s = mixedSpec(req);
  assertEquals(s.pretrain, pretrainSpec(req).pretrain);
  assertEquals([s.stepsFactor, s.QAr], [1, 0.8]);
  assertEquals(mixedSpec({ ...req, stepsFactor: 2 }).stepsFactor, 2);
  assertThrows(() => mixedSpec({ ...req, QAr: 1.5 }), "QAr must be in (0, 1)");
  assertThrows(() => mixedSpec({ ...req, stepsFactor: 0 }), "stepsFactor must be positive");
});

Deno.test("mixedTrain at smoke: trains, records the learning curves, caches", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  try {
    const req = {
      preset: "smoke" as const,
      config: "single",
      seed: 0,
      curvePoints: 2,
      stepsFactor: 2,
    };
    const a = await mixedTrain(req, { progress: false });
    assert(!a.cached);
    assertEquals(a.steps, 2 * pretrainSteps(getPreset("smoke"), 0));
    assert(a.curve.length >= 2, `curve has ${a.curve.length} points`);
    for (
      const k of [
        "qaFirstInDist",
        "qaFirstOutDist",
        "bioFirstInDist",
        "qaGenerationOutDist",
      ] as const
    ) {
      assert(a.curve.every((c) => c[k] >= 0 && c[k] <= 100), k);
    }
    assert(a.qa.some((r) => r.split === "P_test" && r.metric === "qaGenerationGreedy"));
    const b = await mixedTrain(req, { progress: false });
    assert(b.cached);
    assertEquals(b.qa, a.qa);
  } finally {
    setRunsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
