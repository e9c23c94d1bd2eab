/** The model on the WASM backend (through initBackend, with our kernels) against the CPU one. */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./backend.ts";
import { createGPT, gptConfig } from "./gpt.ts";
import { trainSteps } from "../train/loop.ts";
import { Rng } from "../util/rng.ts";
import type { Batch } from "../contracts.ts";
import { assert, assertAlmostEquals, assertEquals } from "../util/assert.ts";

await initBackend({ backend: "wasm", quiet: true });

const config = gptConfig("tiny", { vocabSize: 97, seqLen: 16, nLayer: 2, nHead: 4, dModel: 32 });

function batch(): Batch {
  const rng = new Rng(8);
  const n = 3 * 16;
  return {
    batchSize: 3,
    seqLen: 16,
    inputs: new Int32Array(n).map(() => rng.int(97)),
    targets: new Int32Array(n).map(() => rng.int(97)),
    mask: new Float32Array(n).map((_, i) => (i % 5 === 0 ? 0 : 1)),
  };
}

async function oneStep(backend: string) {
  await tf.setBackend(backend);
  const model = createGPT(config, { seed: 4 });
  const b = batch();
  const ids = tf.tensor2d(b.inputs, [3, 16], "int32");
  const logits = tf.tidy(() => model.logits(ids).dataSync());
  const res = await trainSteps(model, { next: () => b, getState: () => 0, setState: () => {} }, {
    steps: 1,
    lr: { peak: 1e-2 },
    progress: false,
  });
  const wte = model.params.wte.dataSync();
  ids.dispose();
  model.dispose();
  return { logits, loss: res.history[0].loss, norm: res.history[0].gradNorm, wte };
}

Deno.test("wasm and cpu agree: forward logits, loss, gradient norm and one AdamW step", async () => {
  const wasm = await oneStep("wasm");
  const cpu = await oneStep("cpu");
  await tf.setBackend("wasm");
  let maxDiff = 0;
  for (let i = 0; i < cpu.logits.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(cpu.logits[i] - wasm.logits[i]));
  }
  assert(maxDiff < 1e-4, `max logit difference ${maxDiff}`);
  assertAlmostEquals(wasm.loss, cpu.loss, 1e-4);
  assertAlmostEquals(wasm.norm, cpu.norm, 1e-3 * cpu.norm);
  let wDiff = 0;
  for (let i = 0; i < cpu.wte.length; i++) {
    wDiff = Math.max(wDiff, Math.abs(cpu.wte[i] - wasm.wte[i]));
  }
  assert(wDiff < 1e-4, `max wte difference after a step ${wDiff}`);
  assertEquals(tf.getBackend(), "wasm");
});
