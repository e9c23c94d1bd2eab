import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";
import { Rng } from "./rng.ts";

Deno.test("Rng: same seed gives the same stream, other seeds and streams differ", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8), d = new Rng(7, 1);
  const xa = Array.from({ length: 5 }, () => a.nextU32());
  assertEquals(xa, Array.from({ length: 5 }, () => b.nextU32()));
  assertNotEquals(xa, Array.from({ length: 5 }, () => c.nextU32()));
  assertNotEquals(xa, Array.from({ length: 5 }, () => d.nextU32()));
});

Deno.test("Rng: state round trip resumes the exact stream", () => {
  const a = new Rng(3);
  a.next();
  const s = a.getState();
  const x = [a.next(), a.next()];
  const b = new Rng(99);
  b.setState(s);
  assertEquals([b.next(), b.next()], x);
});

Deno.test("Rng: int is uniform enough and in range; bad input throws", () => {
  const r = new Rng(1);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 20000; i++) counts[r.int(10)]++;
  for (const c of counts) assert(c > 1800 && c < 2200, `count ${c}`);
  assertThrows(() => r.int(0));
  assertThrows(() => new Rng(-1));
});
