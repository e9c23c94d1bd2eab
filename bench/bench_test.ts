import { cpuPeakGflops, randomBatch, summarizeKernels, trainingFlops } from "./bench_lib.ts";
import { GPT_PRESETS } from "../lib/model/gpt.ts";
import { assert, assertEquals, assertThrows } from "../lib/util/assert.ts";

Deno.test("trainingFlops: 6 N tokens plus 12 L B T^2 d", () => {
  const c = GPT_PRESETS.tiny;
  assertEquals(trainingFlops(c, 1000, 2, 4), 6 * 1000 * 8 + 12 * 2 * 2 * 16 * 128);
});

Deno.test("randomBatch: deterministic ids in range, full mask", () => {
  const a = randomBatch(50, 2, 8), b = randomBatch(50, 2, 8);
  assertEquals(Array.from(a.inputs), Array.from(b.inputs));
  assert(a.inputs.every((t) => t >= 0 && t < 50) && a.targets.every((t) => t >= 0 && t < 50));
  assertEquals(a.mask.reduce((s, m) => s + m, 0), 16);
});

Deno.test("summarizeKernels: sums by name, largest first, shares of the total", () => {
  const s = summarizeKernels([
    { name: "A", kernelTimeMs: 1 },
    { name: "B", kernelTimeMs: 6 },
    { name: "A", kernelTimeMs: 2 },
    { name: "C", kernelTimeMs: { error: "n/a" } },
    { name: "unnamed scope", kernelTimeMs: 9 }, // a wrapper: its kernels are counted already
  ], 2);
  assertEquals(s, [
    { kernel: "B", calls: 1, ms: 6, share: 0.667 },
    { kernel: "A", calls: 2, ms: 3, share: 0.333 },
  ]);
});

Deno.test("cpuPeakGflops: PLM_PEAK_GFLOPS or the 2-core default", () => {
  const before = Deno.env.get("PLM_PEAK_GFLOPS");
  try {
    Deno.env.delete("PLM_PEAK_GFLOPS");
    assertEquals(cpuPeakGflops(), 456);
    Deno.env.set("PLM_PEAK_GFLOPS", "100");
    assertEquals(cpuPeakGflops(), 100);
    Deno.env.set("PLM_PEAK_GFLOPS", "fast");
    assertThrows(() => cpuPeakGflops(), "PLM_PEAK_GFLOPS");
  } finally {
    if (before === undefined) Deno.env.delete("PLM_PEAK_GFLOPS");
    else Deno.env.set("PLM_PEAK_GFLOPS", before);
  }
});
