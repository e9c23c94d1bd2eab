/** The Llama and GBERT variants on the WASM backend (with our kernels) against the CPU one. */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./backend.ts";
import { type Arch, archOverrides, createGPT, gptConfig } from "./gpt.ts";
import { trainSteps } from "../train/loop.ts";
import { Rng } from "../util/rng.ts";
import type { Batch } from "../contracts.ts";
import { assert, assertAlmostEquals } from "../util/assert.ts";

await initBackend({ backend: "wasm", quiet: true });

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

async function oneStep(arch: Arch, backend: string) {
  await tf.setBackend(backend);
  const config = gptConfig("tiny", {
    vocabSize: 97,
    seqLen: 16,
    nLayer: 2,
    nHead: 4,
    dModel: 32,
    ...archOverrides(arch),
  });
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

for (const arch of ["llama", "gbert"] as const) {
  Deno.test(`${arch}: wasm and cpu agree on logits, loss, gradient norm and one step`, async () => {
    const wasm = await oneStep(arch, "wasm");
    const cpu = await oneStep(arch, "cpu");
    await tf.setBackend("wasm");
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    assert(maxDiff(cpu.logits, wasm.logits) < 1e-4, `logits differ`);
    assertAlmostEquals(wasm.loss, cpu.loss, 1e-4);
    assertAlmostEquals(wasm.norm, cpu.norm, 1e-3 * cpu.norm);
    assert(maxDiff(cpu.wte, wasm.wte) < 1e-4, `wte differs after a step`);
  });
}
