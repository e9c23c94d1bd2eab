import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";
import {
  cached,
  canonicalJson,
  packageVersions,
  readJsonIfExists,
  runKey,
  setResultsDir,
  setRunsDir,
  type StoredSpec,
} from "./cache.ts";
import { pretrainSpec } from "./experiments.ts";
import { KIND_STAGES, kindVersions, type RunKind, STAGE_VERSIONS } from "./versions.ts";
import { join } from "node:path";

Deno.test("canonicalJson and runKey ignore key order but see every value", () => {
  assertEquals(
    canonicalJson({ b: 1, a: { d: 2, c: 3 } }),
    canonicalJson({ a: { c: 3, d: 2 }, b: 1 }),
  );
  assertEquals(runKey("pretrain", { a: 1, b: 2 }), runKey("pretrain", { b: 2, a: 1 }));
  assertNotEquals(runKey("pretrain", { a: 1, b: 2 }), runKey("pretrain", { a: 1, b: 3 }));
  assertEquals(runKey("pretrain", { a: 1 }).length, 16);
});

Deno.test("runKey: the spec, the versions of the kind's stages and the packages, no source", () => {
  const spec = pretrainSpec({ preset: "tiny", config: "single", seed: 0 });
  // Kinds that depend on other stages get other keys for the same spec.
  assertNotEquals(runKey("pretrain", spec), runKey("finetune", spec));
  assertEquals(kindVersions("pretrain"), {
    data: STAGE_VERSIONS.data,
    tokenizer: STAGE_VERSIONS.tokenizer,
    model: STAGE_VERSIONS.model,
    train: STAGE_VERSIONS.train,
  });
  // The weights of a pretraining run do not depend on how they are measured.
  assert(!KIND_STAGES.pretrain.includes("eval"));
  assert(KIND_STAGES.finetune.includes("eval") && KIND_STAGES.mixed.includes("mixed"));
  assertThrows(() => kindVersions("nope" as RunKind), "allowed: pretrain, finetune");
  const pk = packageVersions();
  assert(/^\d+\.\d+\.\d+/.test(pk["@tensorflow/tfjs-core"]), JSON.stringify(pk));
  assert(/^\d+\.\d+\.\d+/.test(pk["gpt-tokenizer"]), JSON.stringify(pk));
});

Deno.test("cached computes once, then reuses; a changed spec recomputes; spec.json says why", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  try {
    let calls = 0;
    const f = () => cached("pretrain", { x: 1 }, () => Promise.resolve({ v: ++calls }));
    const a = await f();
    const b = await f();
    assertEquals([a.v, a.cached, b.v, b.cached], [1, false, 1, true]);
    const c = await cached("pretrain", { x: 2 }, () => Promise.resolve({ v: ++calls }));
    assertEquals([c.v, c.cached], [2, false]);
    assert(a.cacheKey !== c.cacheKey);
    const stored = await readJsonIfExists<StoredSpec>(
      join(dir, "pretrain", a.cacheKey, "spec.json"),
    );
    assertEquals(stored, {
      kind: "pretrain",
      versions: kindVersions("pretrain"),
      packages: packageVersions(),
      spec: { x: 1 },
    });
    assertEquals(runKey(stored!.kind, stored!.spec), a.cacheKey);
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
