import { join } from "node:path";
import { assert, assertEquals } from "../util/assert.ts";
import { setResultsDir, setRunsDir } from "./cache.ts";
import { pretrain, pretrainSpec } from "./experiments.ts";
import { STAGE_VERSIONS } from "./versions.ts";

Deno.test("pretrainSpec: what was asked, nothing derived from data", () => {
  const s = pretrainSpec({ preset: "tiny", config: "single", seed: 0 });
  assertEquals(s.pretrain.steps, undefined);
  assertEquals(s.pretrain.exposures, 100);
  // The paper fixes its steps; they stay in the spec.
  assertEquals(pretrainSpec({ preset: "paper", config: "single", seed: 0 }).pretrain.steps, 80_000);
});

Deno.test("pretrain: measurements of another eval version are taken again, weights kept", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  try {
    const req = { preset: "smoke" as const, config: "single", seed: 2 };
    const a = await pretrain(req, { progress: false });
    assertEquals(a.measured, { eval: STAGE_VERSIONS.eval });
    assert(a.steps > 0 && a.steps === a.training.steps);
    // As if measured by an older eval: the next read measures again from the kept weights.
    const path = join(a.dir, "result.json");
    const stored = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...stored, measured: { eval: 0 }, memorization: [] }),
    );
    const b = await pretrain(req, { progress: false });
    assert(b.cached);
    assertEquals(b.memorization, a.memorization);
    assertEquals(b.training, a.training);
    const rewritten = JSON.parse(await Deno.readTextFile(path));
    assertEquals([rewritten.measured, rewritten.memorization], [a.measured, a.memorization]);
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pretrain: a GBERT run without masked-word rows gets them from its weights", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  try {
    const req = {
      preset: "smoke" as const,
      config: "single",
      seed: 3,
      overrides: { model: { arch: "gbert" as const } },
    };
    const a = await pretrain(req, { progress: false });
    const words = a.memorization.filter((m) => m.metric === "bioMaskedWord");
    // Six attributes and their mean, on P_train and P_test.
    assertEquals(words.length, 14);
    // As if archived before the masked-word rows existed (same eval version).
    const path = join(a.dir, "result.json");
    const stored = JSON.parse(await Deno.readTextFile(path));
    const older = a.memorization.filter((m) => m.metric !== "bioMaskedWord");
    await Deno.writeTextFile(path, JSON.stringify({ ...stored, memorization: older }));
    const b = await pretrain(req, { progress: false });
    assert(b.cached);
    assertEquals(b.memorization, a.memorization);
    // A causal model's memorization carries no such rows.
    const gpt = await pretrain({ ...req, overrides: undefined }, { progress: false });
    assertEquals(gpt.memorization.filter((m) => m.metric === "bioMaskedWord"), []);
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
