import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { setResultsDir, setRunsDir } from "../runs/cache.ts";
import { getPreset } from "../config/presets.ts";
import { qaFinetune } from "../runs/experiments.ts";
import { cachedOnly, cacheEntry, isDone } from "./runs.ts";

Deno.test("cacheEntry: each worker kind is keyed under its own cache kind", () => {
  const req = { preset: "smoke" as const, config: "single", seed: 0 };
  assertEquals(cacheEntry({ ...req, kind: "qa" }).kind, "finetune");
  assertEquals(cacheEntry({ ...req, kind: "mixed", QAr: 0.5 }).kind, "mixed");
  const p = cacheEntry({ ...req, kind: "pprobe", probe: { rank: 4 } });
  assertEquals([p.kind, (p.spec as { probe: { rank: number } }).probe.rank], ["pprobe", 4]);
  const q = cacheEntry({ ...req, kind: "qprobe" });
  // Without settings, the preset's rank.
  assertEquals((q.spec as { probe: { rank: number } }).probe.rank, getPreset("smoke").probe.qRank);
});

Deno.test("cachedOnly keeps cached runs, drops rows without any, throws when none is cached", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    const single = { preset: "smoke" as const, config: "single", seed: 0 };
    const other = { preset: "smoke" as const, config: "multi5", seed: 0 };
    await assertRejects(() => cachedOnly([single, other]), "no cached qa run");
    assert(!(await isDone({ ...single, kind: "qa" })));
    await qaFinetune(single, { progress: false });
    assert(await isDone({ ...single, kind: "qa" }));
    assert(await isDone({ ...single, kind: "pretrain" }));
    assertEquals(await cachedOnly([single, other, { ...single, seed: 1 }]), [single]);
    assert(warnings.some((w) => w.includes("multi5")), warnings.join("\n"));
    await assertRejects(() => cachedOnly([single], "mixed"), "no cached mixed run");
  } finally {
    console.warn = warn;
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
