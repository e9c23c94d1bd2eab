import { createProgress, inJupyter } from "./progress.ts";
import { assert, assertEquals } from "../util/assert.ts";

Deno.test("progress: lines mode is throttled and ends with the final line", () => {
  const out: string[] = [];
  const p = createProgress({
    total: 1000,
    mode: "lines",
    intervalMs: 60_000,
    write: (s) => out.push(s),
  });
  for (let i = 1; i <= 1000; i++) p.update(i, { loss: 1 / i, tokensPerSec: 1234.5 });
  p.done();
  assertEquals(out.length, 2); // the first update and the final line, nothing in between
  assert(out[1].includes("1000/1000"), out[1]);
  assert(out[1].includes("loss 0.0010") && out[1].includes("1235 tok/s"), out[1]);
});

Deno.test("progress: terminal mode redraws one line; silent prints nothing; not in Jupyter", () => {
  const out: string[] = [];
  const p = createProgress({
    total: 3,
    mode: "terminal",
    intervalMs: 0,
    write: (s) => out.push(s),
  });
  p.update(1, { loss: 2 });
  p.update(2, { extra: { acc: 0.51234 } });
  p.done();
  assert(out.every((s) => s.startsWith("\r")));
  assert(out[1].includes("acc 0.5123"), out[1]);
  assert(out.at(-1)!.endsWith("\n"));
  const silent: string[] = [];
  const q = createProgress({ total: 3, mode: "silent", write: (s) => silent.push(s) });
  q.update(1);
  q.done();
  assertEquals(silent, []);
  assertEquals(inJupyter(), false);
});
