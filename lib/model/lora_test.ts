import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createGPT, gptConfig } from "./gpt.ts";
import { createLoRA } from "./lora.ts";
import { getWeights } from "./params.ts";
import { trainSteps } from "../train/loop.ts";
import { Rng } from "../util/rng.ts";
import type { Batch, BatchSource } from "../contracts.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";

await tf.setBackend("cpu");

const config = gptConfig("tiny", {
  vocabSize: 13,
  seqLen: 8,
  nLayer: 2,
  nHead: 2,
  dModel: 8,
  rotaryPct: 0.5,
});

function source(): BatchSource {
  const rng = new Rng(3);
  return {
    next(): Batch {
      const inputs = new Int32Array(16).map(() => rng.int(13));
      const targets = new Int32Array(16).map(() => rng.int(13));
      return { batchSize: 2, seqLen: 8, inputs, targets, mask: new Float32Array(16).fill(1) };
    },
    getState: () => rng.getState(),
    setState: () => {},
  };
}

Deno.test("LoRA: starts at the base model, trains only adapters, changes the output", async () => {
  const model = createGPT(config, { seed: 1 });
  const lora = createLoRA(model, { r: 4, rEmbedding: 3, seed: 2 });
  // q/v: 2 layers x 2 x (8x4 + 4x8); embedding: 13x3 + 3x8.
  assertEquals(lora.numParams(), 2 * 2 * 64 + 39 + 24);
  assertEquals(Object.keys(lora.variables).length, 10);
  const ids = tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32");
  const base = tf.tidy(() => model.logits(ids).dataSync());
  const withLora = tf.tidy(() => model.logits(ids, lora.forward).dataSync());
  assertEquals(withLora, base);
  const before = getWeights(model);
  await trainSteps(model, source(), {
    steps: 3,
    lr: { peak: 1e-2 },
    weightDecay: 0.01,
    trainable: lora.variables,
    forward: lora.forward,
    progress: false,
  });
  assertEquals(getWeights(model), before);
  const after = tf.tidy(() => model.logits(ids, lora.forward).dataSync());
  assert(Math.abs(after[0] - base[0]) > 1e-6);
  for (const k of ["h0.q.B", "h1.v.B", "emb.A"]) {
    assert(lora.variables[k].dataSync().some((x) => x !== 0), `${k} was not trained`);
  }
  lora.dispose();
  ids.dispose();
  model.dispose();
});

Deno.test("LoRA: gradients of adapters and embedding update match finite differences", () => {
  const model = createGPT({ ...config, initStd: 0.3 }, { seed: 1 });
  const lora = createLoRA(model, { r: 2, rEmbedding: 2, alpha: 4, seed: 2 });
  // Make every factor non-zero so that all paths carry gradient.
  tf.tidy(() => {
    for (const v of Object.values(lora.variables)) {
      v.assign(tf.randomNormal(v.shape, 0, 0.3, "float32", 4));
    }
  });
  const batch = source().next();
  const vars = Object.values(lora.variables);
  const { grads } = tf.variableGrads(() => model.loss(batch, lora.forward), vars);
  const eps = 1e-2;
  for (const [name, v] of Object.entries(lora.variables)) {
    const g = grads[v.name].dataSync();
    const w0 = v.dataSync().slice() as Float32Array;
    const i = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]))[0];
    const at = (d: number) => {
      const w = w0.slice();
      w[i] += d;
      v.assign(tf.tensor(w, v.shape));
      return tf.tidy(() => model.loss(batch, lora.forward).dataSync()[0]);
    };
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    v.assign(tf.tensor(w0, v.shape));
    assertAlmostEquals(g[i], fd, 2e-3 + 2e-2 * Math.abs(fd), `${name}: ${g[i]} vs ${fd}`);
  }
  tf.dispose(Object.values(grads));
  lora.dispose();
  model.dispose();
});

Deno.test("LoRA: 'all' trains the embedding itself; bad ranks are errors", () => {
  const model = createGPT(config, { seed: 1 });
  const lora = createLoRA(model, { r: 8, rEmbedding: "all" });
  assert(lora.variables.wte === model.params.wte);
  assertEquals(lora.forward.embeddingUpdate, undefined);
  assertEquals(lora.forward.lora?.scale, 1);
  lora.dispose();
  assert(!model.params.wte.isDisposed);
  assertThrows(() => createLoRA(model, { r: -1, rEmbedding: 0 }), "LoRA r");
  assertThrows(() => createLoRA(model, { r: 2, rEmbedding: 1.5 }), "rEmbedding");
  model.dispose();
});
