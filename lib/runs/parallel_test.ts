import { assertEquals } from "../util/assert.ts";
import { failureLine } from "./parallel.ts";

Deno.test("failureLine: the error, not the last stack frames", () => {
  const tail = [
    "pretrain multi5 s0 | 3/782",
    "run failed: RangeError: PackedBatches: doc 1303 has 134 tokens",
    "    at new PackedBatches (file:///lib/train/packing.ts:155:10)",
    "    at async runRequest (file:///lib/cli/run.ts:44:15)",
  ];
  assertEquals(failureLine(tail), "run failed: RangeError: PackedBatches: doc 1303 has 134 tokens");
  assertEquals(failureLine(["    at x"]), "    at x");
  assertEquals(failureLine([]), "(no output)");
});
