import { assert, assertEquals, assertNotEquals } from "../util/assert.ts";
import { cached, canonicalJson, codeVersion, runKey, setRunsDir } from "./cache.ts";

Deno.test("canonicalJson and runKey ignore key order but see every value", () => {
  assertEquals(
    canonicalJson({ b: 1, a: { d: 2, c: 3 } }),
    canonicalJson({ a: { c: 3, d: 2 }, b: 1 }),
  );
  assertEquals(runKey({ a: 1, b: 2 }), runKey({ b: 2, a: 1 }));
  assertNotEquals(runKey({ a: 1, b: 2 }), runKey({ a: 1, b: 3 }));
  assertNotEquals(runKey({ a: 1 }, { code: "x" }), runKey({ a: 1 }, { code: "y" }));
  assertEquals(codeVersion().length, 16);
});

Deno.test("cached computes once, then reuses; a changed spec recomputes", async () => {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  try {
    let calls = 0;
    const f = () => cached("t", { x: 1 }, () => Promise.resolve({ v: ++calls }));
    const a = await f();
    const b = await f();
    assertEquals([a.v, a.cached, b.v, b.cached], [1, false, 1, true]);
    const c = await cached("t", { x: 2 }, () => Promise.resolve({ v: ++calls }));
    assertEquals([c.v, c.cached], [2, false]);
    assert(a.cacheKey !== c.cacheKey);
  } finally {
    setRunsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
});
