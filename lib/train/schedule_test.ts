import { lrAt, validateSchedule } from "./schedule.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";

Deno.test("lrAt: linear warmup, peak, cosine to 10% of the peak", () => {
  const s = { peak: 1e-3, warmup: 10, total: 110 };
  assertAlmostEquals(lrAt(0, s), 1e-4, 1e-12); // warmup starts at peak / warmup
  assertAlmostEquals(lrAt(4, s), 5e-4, 1e-12);
  assertAlmostEquals(lrAt(9, s), 1e-3, 1e-12); // last warmup step is at the peak
  assertAlmostEquals(lrAt(10, s), 1e-3, 1e-12);
  assertAlmostEquals(lrAt(60, s), 1e-4 + 0.5 * 9e-4, 1e-12); // half-way through the cosine
  assertAlmostEquals(lrAt(110, s), 1e-4, 1e-12); // end = 10% of the peak
  assertAlmostEquals(lrAt(500, s), 1e-4, 1e-12);
  for (let i = 11; i < 110; i++) {
    if (!(lrAt(i, s) <= lrAt(i - 1, s))) throw new Error(`not decreasing at ${i}`);
  }
});

Deno.test("lrAt: no warmup, linear decay to 0 (probes) and constant", () => {
  const probe = { peak: 1e-3, total: 100, minRatio: 0, decay: "linear" as const };
  assertEquals(lrAt(0, probe), 1e-3);
  assertAlmostEquals(lrAt(50, probe), 5e-4, 1e-12);
  assertEquals(lrAt(100, probe), 0);
  assertEquals(lrAt(70, { peak: 2, total: 100, warmup: 5, decay: "constant" }), 2);
});

Deno.test("validateSchedule: clear errors", () => {
  assertThrows(() => validateSchedule({ peak: 1, total: 0 }), "schedule.total");
  assertThrows(() => validateSchedule({ peak: 1, total: 5, warmup: 6 }), "schedule.warmup");
  assertThrows(() => validateSchedule({ peak: -1, total: 5 }), "schedule.peak");
  assertThrows(() => validateSchedule({ peak: 1, total: 5, minRatio: 2 }), "schedule.minRatio");
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => validateSchedule({ peak: 1, total: 5, decay: "step" as any }),
    "schedule.decay",
  );
});
