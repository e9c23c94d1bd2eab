import { join } from "node:path";
import { assert, assertEquals } from "../util/assert.ts";
import { archiveRuns, presetOfSpec, pruneArchive } from "./archive.ts";
import { runKey, setResultsDir, setRunsDir, storedSpec } from "./cache.ts";
import { pretrain, pretrainSpec, qaFinetune } from "./experiments.ts";
import { latestCheckpoint, loadCheckpoint } from "../train/checkpoint.ts";

Deno.test("presetOfSpec tells a run's preset from its people and model", () => {
  const req = { config: "single", seed: 0 };
  assertEquals(presetOfSpec(pretrainSpec({ ...req, preset: "smoke" })), "smoke");
  assertEquals(presetOfSpec(pretrainSpec({ ...req, preset: "tiny" })), "tiny");
  assertEquals(presetOfSpec({ pretrain: pretrainSpec({ ...req, preset: "tiny" }) }), "tiny");
  assertEquals(presetOfSpec({ people: 7, model: {} }), undefined);
  // A row with its own wider window is still that preset's; another row with it is not.
  const wide = { preset: "tiny" as const, overrides: { model: { seqLen: 160 } }, seed: 0 };
  assertEquals(presetOfSpec(pretrainSpec({ ...wide, config: "multi5+fullname" })), "tiny");
  assertEquals(presetOfSpec(pretrainSpec({ ...wide, config: "single" })), undefined);
  // A scale-study point (lib/findings/scale.ts) keeps tiny's window and batch: it is tiny's.
  const scaled = {
    preset: "tiny" as const,
    config: "single",
    seed: 0,
    overrides: { people: 500, model: { nLayer: 4, dModel: 256 }, pretrain: { lr: 2e-3 } },
  };
  assertEquals(presetOfSpec(pretrainSpec(scaled)), "tiny");
  assertEquals(presetOfSpec({ ...pretrainSpec(scaled), stepsFactor: 5, QAr: 0.8 }), "tiny");
  const smallScaled = { ...scaled, preset: "small" as const, overrides: { people: 500 } };
  assertEquals(presetOfSpec(pretrainSpec(smallScaled)), "small");
});

Deno.test("archived runs are reused from a fresh cache, weights included", async () => {
  const cache = await Deno.makeTempDir();
  const archive = await Deno.makeTempDir();
  const fresh = await Deno.makeTempDir();
  const req = { preset: "smoke" as const, config: "single", seed: 3 };
  try {
    setResultsDir(null);
    setRunsDir(cache);
    const ft = await qaFinetune(req, { progress: false });
    // A run of another engine version (its key does not match its spec) is left out.
    await Deno.mkdir(join(cache, "pretrain", "0000000000000000"), { recursive: true });
    await Deno.writeTextFile(
      join(cache, "pretrain", "0000000000000000", "spec.json"),
      JSON.stringify({ kind: "pretrain", code: "old", spec: pretrainSpec(req) }),
    );
    await Deno.writeTextFile(join(cache, "pretrain", "0000000000000000", "result.json"), "{}");

    assertEquals(await archiveRuns("tiny", { from: cache, to: archive }), []);
    const runs = await archiveRuns("smoke", { from: cache, to: archive });
    assertEquals(runs.map((r) => [r.kind, r.added]).sort(), [["finetune", true], [
      "pretrain",
      true,
    ]]);
    const again = await archiveRuns("smoke", { from: cache, to: archive });
    assert(again.every((r) => !r.added));

    // Final weights only: no optimizer moments.
    const pre = runs.find((r) => r.kind === "pretrain")!;
    const ck = await loadCheckpoint(
      (await latestCheckpoint(join(archive, "pretrain", pre.key, "ckpt")))!,
    );
    assert(Object.keys(ck.tensors).length > 0);
    assert(Object.keys(ck.tensors).every((k) => k.startsWith("param/")));

    // A fresh cache finds both runs in the archive, with the weights where they are now.
    setRunsDir(fresh);
    setResultsDir(archive);
    const p = await pretrain(req, { progress: false });
    assert(p.cached);
    assertEquals(p.dir, join(archive, "pretrain", pre.key));
    const f = await qaFinetune(req, { progress: false });
    assert(f.cached);
    assertEquals(f.qa, ft.qa);
    // A finetune with other settings starts from the archived weights: same data, same weights,
    // so the same result as from the original checkpoint.
    const other = { ...req, finetune: { epochs: 2 } };
    const fromArchive = await qaFinetune(other, { progress: false });
    assert(!fromArchive.cached);
    setRunsDir(cache);
    setResultsDir(null);
    const fromCache = await qaFinetune(other, { progress: false });
    assertEquals(fromArchive.qa, fromCache.qa);
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    for (const d of [cache, archive, fresh]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("pruneArchive removes runs no key of today's versions reaches, and only those", async () => {
  const archive = await Deno.makeTempDir();
  try {
    const spec = pretrainSpec({ preset: "smoke", config: "single", seed: 0 });
    const put = async (kind: string, key: string, stored: unknown) => {
      await Deno.mkdir(join(archive, kind, key), { recursive: true });
      await Deno.writeTextFile(join(archive, kind, key, "spec.json"), JSON.stringify(stored));
    };
    const live = runKey("pretrain", spec);
    await put("pretrain", live, storedSpec("pretrain", spec));
    await put("pretrain", "0123456789abcdef", { kind: "pretrain", versions: { train: 0 }, spec });
    const dry = await pruneArchive({ dir: archive, dryRun: true });
    assertEquals(dry.map((r) => r.key), ["0123456789abcdef"]);
    assertEquals((await Array.fromAsync(Deno.readDir(join(archive, "pretrain")))).length, 2);
    await pruneArchive({ dir: archive });
    const left = (await Array.fromAsync(Deno.readDir(join(archive, "pretrain")))).map((e) =>
      e.name
    );
    assertEquals(left, [live]);
  } finally {
    await Deno.remove(archive, { recursive: true });
  }
});
