import { assert, assertEquals } from "../util/assert.ts";
import {
  checkTrace,
  computeTraces,
  firstDifference,
  GOLDEN_CASES,
  type GoldenCase,
  readRecord,
} from "./golden.ts";
import { STAGE_VERSIONS } from "./versions.ts";

// The traces run on the CPU backend, which this test file chooses: deno test gives each test file
// its own isolate (its own TF.js), so no other file's backend choice interferes.
Deno.test("golden traces: every stage computes the numbers its version pins", async (t) => {
  const traces = await computeTraces();
  for (const c of GOLDEN_CASES) {
    await t.step(c.name, async () => {
      const why = checkTrace(c, await readRecord(c.name), traces.get(c.name));
      assert(why === undefined, why);
    });
  }
});

const fake: GoldenCase = {
  name: "x",
  stages: ["data", "train"],
  compute: () => Promise.resolve(1),
};
const at = { data: STAGE_VERSIONS.data, train: STAGE_VERSIONS.train };

Deno.test("checkTrace: a moved trace fails until a version is bumped, then asks to re-record", () => {
  assertEquals(
    checkTrace(fake, { case: "x", versions: at, trace: { a: [1, 2] } }, { a: [1, 2] }),
    undefined,
  );
  const moved = checkTrace(fake, { case: "x", versions: at, trace: { a: [1, 2] } }, { a: [1, 3] });
  assert(moved?.includes("without a version bump") && moved.includes("a[1]: 2 != 3"), moved);
  const stale = checkTrace(fake, { case: "x", versions: { ...at, train: 0 }, trace: 1 }, 2);
  assert(stale?.includes("deno task golden --update"), stale);
  assert(checkTrace(fake, undefined, 1)?.includes("no record"));
});

Deno.test("firstDifference names the first differing path", () => {
  assertEquals(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 2] } }), undefined);
  assertEquals(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 5] } }), "a.b[1]: 2 != 5");
  assertEquals(firstDifference({ a: 1 }, { a: 1, c: null }), "c: undefined != null");
});
