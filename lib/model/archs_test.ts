import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  archOverrides,
  createGPT,
  type GPTConfig,
  gptConfig,
  MODEL_ARCHS,
  silu,
  validateGPTConfig,
} from "./gpt.ts";
import { countParams } from "./params.ts";
import { Rng } from "../util/rng.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import type { Batch } from "../contracts.ts";

await tf.setBackend("cpu");

/** A very small Llama: 2 layers, d 16, head dim 8 (all of it rotary), SwiGLU width 2.6875 * 16 = 43. */
const llama: GPTConfig = gptConfig("tiny", {
  vocabSize: 11,
  seqLen: 8,
  nLayer: 2,
  nHead: 2,
  dModel: 16,
  ...MODEL_ARCHS.llama,
  initStd: 0.15, // large enough that every path matters, small enough for eps = 1e-2
});

function randomBatch(c: GPTConfig, B: number, T: number, seed: number): Batch {
  const rng = new Rng(seed);
  const inputs = new Int32Array(B * T).map(() => rng.int(c.vocabSize));
  const targets = new Int32Array(B * T).map(() => rng.int(c.vocabSize));
  const mask = new Float32Array(B * T).map(() => (rng.next() < 0.8 ? 1 : 0));
  return { batchSize: B, seqLen: T, inputs, targets, mask };
}

/** Central finite differences on the largest-gradient entries of `names`, against tf.variableGrads. */
function checkGradients(config: GPTConfig, names: string[]) {
  const m = createGPT(config, { seed: 5 });
  const batch = randomBatch(config, 2, 6, 11);
  const { grads } = tf.variableGrads(() => m.loss(batch), m.variables);
  const eps = 1e-2;
  for (const name of names) {
    const v = m.params[name];
    assert(v, `no parameter ${name}`);
    const g = grads[v.name].dataSync();
    const base = v.dataSync().slice() as Float32Array;
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    for (const i of new Set([0, ...order.slice(0, 3)])) {
      const at = (delta: number) => {
        const w = base.slice();
        w[i] += delta;
        v.assign(tf.tensor(w, v.shape));
        return m.loss(batch).dataSync()[0];
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(base, v.shape));
      const tol = 2e-3 + 2e-2 * Math.abs(fd);
      assert(
        Math.abs(fd - g[i]) <= tol,
        `${name}[${i}]: finite difference ${fd} vs gradient ${g[i]}`,
      );
    }
  }
  tf.dispose(Object.values(grads));
  m.dispose();
}

Deno.test("llama: config, no biases, SwiGLU's three matrices, parameters close to the GPT's", () => {
  validateGPTConfig(llama);
  const m = createGPT(llama, { seed: 0 });
  const names = Object.keys(m.params);
  assert(!names.some((n) => /\.b[a-z]*$/.test(n) && !n.endsWith(".g")), names.join(","));
  assert(!names.includes("h0.ln1.b"), "RMSNorm has no bias");
  assertEquals(m.params["h0.mlp.wgate"].shape, [16, 43]);
  assertEquals(m.params["h0.mlp.wfc"].shape, [16, 43]);
  assertEquals(m.params["h0.mlp.wproj"].shape, [43, 16]);
  m.dispose();
  // At tiny (2L/d128/4H, vocab 3,082) the Llama has within 1% of the GPT's parameters.
  const gpt = gptConfig("tiny");
  const ll = gptConfig("tiny", archOverrides("llama"));
  assertEquals(ll.mlpRatio * ll.dModel, 344);
  const ratio = countParams(ll) / countParams(gpt);
  assert(Math.abs(ratio - 1) < 0.01, `params ratio ${ratio}`);
  assertThrows(() => archOverrides("t5"), 'unknown architecture "t5"; allowed: gpt, llama, gbert');
  // deno-lint-ignore no-explicit-any
  assertThrows(() => gptConfig("tiny", { mlp: "relu" as any }), 'GPTConfig.mlp must be "gelu" or');
});

Deno.test("silu is x * sigmoid(x)", () => {
  const y = silu(tf.tensor1d([-2, 0, 1.5])).dataSync();
  for (const [i, x] of [-2, 0, 1.5].entries()) {
    assertAlmostEquals(y[i], x / (1 + Math.exp(-x)), 1e-6);
  }
});

Deno.test("llama gradients match central finite differences (RMSNorm, SwiGLU, full rotary)", () => {
  checkGradients(llama, [
    "wte",
    "h0.ln1.g",
    "h1.ln2.g",
    "lnf.g",
    "h0.attn.wq",
    "h1.attn.wk",
    "h0.mlp.wgate",
    "h0.mlp.wfc",
    "h1.mlp.wproj",
  ]);
});

Deno.test("gbert gradients match central finite differences (bidirectional attention)", () => {
  const gbert = gptConfig("tiny", {
    vocabSize: 11,
    seqLen: 8,
    nLayer: 2,
    nHead: 2,
    dModel: 8,
    rotaryPct: 0.5,
    initStd: 0.3,
    ...archOverrides("gbert"),
  });
  assertEquals(gbert.causal, false);
  checkGradients(gbert, ["wte", "h0.attn.wq", "h1.attn.wk", "h0.attn.wv", "h0.mlp.wfc"]);
});

Deno.test("a tiny Llama learns: loss on a fixed sequence set falls well below chance", () => {
  const c = gptConfig("tiny", {
    vocabSize: 13,
    seqLen: 8,
    nLayer: 1,
    nHead: 2,
    dModel: 16,
    ...archOverrides("llama"),
  });
  const m = createGPT(c, { seed: 1 });
  // Four fixed sequences: token t+1 is a function of token t (next = 3t+1 mod 13).
  const rng = new Rng(3);
  const B = 4, T = 8;
  const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let t = rng.int(13);
    for (let i = 0; i < T; i++) {
      inputs[b * T + i] = t;
      t = (3 * t + 1) % 13;
      targets[b * T + i] = t;
    }
  }
  const batch: Batch = {
    batchSize: B,
    seqLen: T,
    inputs,
    targets,
    mask: new Float32Array(B * T).fill(1),
  };
  const opt = tf.train.adam(3e-2);
  const first = tf.tidy(() => m.loss(batch).dataSync()[0]);
  for (let s = 0; s < 60; s++) {
    tf.tidy(() => void opt.minimize(() => m.loss(batch), false, m.variables));
  }
  const last = tf.tidy(() => m.loss(batch).dataSync()[0]);
  assert(first > 2, `initial loss ${first} should be near ln 13 = 2.56`);
  assert(last < 0.2, `loss after 60 steps ${last}`);
  opt.dispose();
  m.dispose();
});
