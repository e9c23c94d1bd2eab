import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createGPT, type GPTConfig, gptConfig, rotaryEmbed, validateGPTConfig } from "./gpt.ts";
import { countParams, getWeights } from "./params.ts";
import { Rng } from "../util/rng.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import type { Batch } from "../contracts.ts";

await tf.setBackend("cpu");

/** A very small config: 2 layers, head dim 4 with 2 rotary dims, vocab 11. */
const small: GPTConfig = gptConfig("tiny", {
  vocabSize: 11,
  seqLen: 8,
  nLayer: 2,
  nHead: 2,
  dModel: 8,
  rotaryPct: 0.5,
  initStd: 0.3, // large enough that every path (rotary included) matters in the gradient
});

function randomBatch(c: GPTConfig, B: number, T: number, seed: number): Batch {
  const rng = new Rng(seed);
  const inputs = new Int32Array(B * T).map(() => rng.int(c.vocabSize));
  const targets = new Int32Array(B * T).map(() => rng.int(c.vocabSize));
  const mask = new Float32Array(B * T).map(() => (rng.next() < 0.8 ? 1 : 0));
  return { batchSize: B, seqLen: T, inputs, targets, mask };
}

Deno.test("config: presets, overrides and the paper's 124M size", () => {
  assertEquals(gptConfig("tiny").nLayer, 2);
  assertEquals(gptConfig("small", { dModel: 128 }).dModel, 128);
  // GPT-2 small without its 1024x768 position table: 124,439,808 - 786,432.
  assertEquals(countParams(gptConfig("gpt2-124m")), 123_653_376);
});

Deno.test("config: bad values give errors naming the field", () => {
  const bad = (o: Partial<GPTConfig>, msg: string) => assertThrows(() => gptConfig("tiny", o), msg);
  bad({ dModel: 130 }, "divisible by nHead");
  bad({ rotaryPct: 1.5 }, "rotaryPct must be in [0, 1]");
  bad({ rotaryPct: -0.1 }, "rotaryPct must be in [0, 1]");
  bad({ dModel: 12, nHead: 2, rotaryPct: 0.5 }, "must be even"); // 3 rotary dims
  bad({ nLayer: 0 }, "nLayer must be a positive integer");
  bad({ vocabSize: 2.5 }, "vocabSize must be a positive integer");
  bad({ layerNormEps: 0 }, "layerNormEps must be a positive number");
  bad({ dropout: 1 }, "dropout must be in [0, 1)");
  // deno-lint-ignore no-explicit-any
  bad({ norm: "batchnorm" as any }, "GPTConfig.norm");
  // deno-lint-ignore no-explicit-any
  bad({ nEmbd: 3 } as any, 'unknown field "nEmbd"');
  // deno-lint-ignore no-explicit-any
  assertThrows(() => gptConfig("huge" as any), 'unknown GPT preset "huge"');
  validateGPTConfig(gptConfig("tiny", { rotaryPct: 0 }));
});

Deno.test("init: deterministic from the seed, residual projections scaled", () => {
  const a = createGPT(small, { seed: 3 });
  const b = createGPT(small, { seed: 3 });
  const c = createGPT(small, { seed: 4 });
  const wa = getWeights(a), wb = getWeights(b), wc = getWeights(c);
  assertEquals(wa, wb);
  assert(wa.wte[0] !== wc.wte[0]);
  assertEquals(Array.from(wa["h0.ln1.g"]), new Array(8).fill(1));
  const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const big = createGPT(gptConfig("tiny", { vocabSize: 100 }), { seed: 0 });
  const wbig = getWeights(big);
  assertAlmostEquals(std(wbig["h0.attn.wq"]), 0.02, 0.001);
  assertAlmostEquals(std(wbig["h0.attn.wo"]), 0.02 / Math.sqrt(4), 0.0005);
  for (const m of [a, b, c, big]) m.dispose();
});

Deno.test("forward: shapes, causality, bidirectional mode, no leaked tensors", () => {
  const start = tf.memory().numTensors;
  const m = createGPT(small, { seed: 1 });
  const bi = createGPT({ ...small, causal: false }, { seed: 1 });
  const ids = tf.tensor2d([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], [2, 5], "int32");
  const ids2 = tf.tensor2d([[1, 2, 3, 4, 9], [5, 4, 3, 2, 1]], [2, 5], "int32");
  const l1 = m.logits(ids), l2 = m.logits(ids2), hid = m.hidden(ids);
  assertEquals(l1.shape, [2, 5, 11]);
  assertEquals(hid.shape, [2, 5, 8]);
  const d1 = l1.arraySync(), d2 = l2.arraySync();
  // Changing the last token leaves every earlier position unchanged (causal)...
  assertEquals(d1[0].slice(0, 4), d2[0].slice(0, 4));
  assert(d1[0][4][0] !== d2[0][4][0]);
  // ...but not in the bidirectional model.
  const b1 = tf.tidy(() => bi.logits(ids).arraySync()),
    b2 = tf.tidy(() => bi.logits(ids2).arraySync());
  assert(b1[0][0][0] !== b2[0][0][0]);
  tf.dispose([ids, ids2, l1, l2, hid]);
  const base = tf.memory().numTensors;
  tf.tidy(() => void m.logits(tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32")));
  assertEquals(tf.memory().numTensors, base);
  assertThrows(
    () => tf.tidy(() => m.logits(tf.zeros([1, 9], "int32") as tf.Tensor2D)),
    "exceeds the context seqLen 8",
  );
  m.dispose();
  bi.dispose();
  assertEquals(tf.memory().numTensors, start); // dispose frees weights and cached constants
});

Deno.test("loss: masked mean cross-entropy equals a direct computation", () => {
  const m = createGPT(small, { seed: 2 });
  const batch = randomBatch(small, 2, 5, 7);
  const logits = m.logits(tf.tensor2d(batch.inputs, [2, 5], "int32")).dataSync();
  let sum = 0, count = 0;
  for (let i = 0; i < 10; i++) {
    if (!batch.mask[i]) continue;
    const row = Array.from(logits.slice(i * 11, (i + 1) * 11));
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
    sum += lse - row[batch.targets[i]];
    count++;
  }
  assertAlmostEquals(m.loss(batch).dataSync()[0], sum / count, 1e-5);
  m.dispose();
});

/** Central finite differences on a few entries of `names`, against tf.variableGrads. */
function checkGradients(
  config: GPTConfig,
  names: string[],
  opts: { perParam?: number; seed?: number } = {},
) {
  const m = createGPT(config, { seed: opts.seed ?? 5 });
  const batch = randomBatch(config, 2, 6, 11);
  const { grads } = tf.variableGrads(() => m.loss(batch), m.variables);
  const eps = 1e-2;
  for (const name of names) {
    const v = m.params[name];
    const g = grads[v.name].dataSync();
    const base = v.dataSync().slice() as Float32Array;
    // The entries with the largest gradients, plus the first: rotary dims are the first of a head.
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    const picks = [...new Set([0, ...order.slice(0, opts.perParam ?? 3)])];
    for (const i of picks) {
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

Deno.test("gradients match central finite differences (rotary, attention, MLP, norms, head)", () => {
  checkGradients(small, [
    "wte",
    "h0.attn.wq",
    "h0.attn.bq",
    "h1.attn.wk",
    "h0.attn.wv",
    "h1.attn.wo",
    "h0.mlp.wfc",
    "h1.mlp.wproj",
    "h0.ln1.g",
    "h1.ln2.b",
    "lnf.g",
  ]);
});

Deno.test("gradients: bidirectional, full rotary and RMSNorm variants", () => {
  checkGradients({ ...small, causal: false, rotaryPct: 1, norm: "rmsnorm" }, [
    "wte",
    "h0.attn.wq",
    "h1.attn.wk",
    "h0.ln1.g",
  ], { perParam: 2 });
});

Deno.test("rotary: GPT-NeoX rotate-half values and relative-position invariance of q.k", () => {
  const c = gptConfig("tiny", { dModel: 16, nHead: 2, rotaryPct: 0.5 }); // hd 8, rd 4
  const rng = new Rng(9);
  const vec = () => Array.from({ length: 16 }, () => rng.normal());
  const x = vec();
  // Position 3, NeoX: pairs (k, k + 2) for k < 2 within each head, angle 3 * 10000^(-2k/4).
  const y = rotaryEmbed(tf.tensor4d(x, [1, 1, 2, 8]), c, { offset: 3 }).dataSync();
  for (let h = 0; h < 2; h++) {
    for (let k = 0; k < 2; k++) {
      const a = 3 * Math.pow(10000, (-2 * k) / 4);
      const x1 = x[h * 8 + k], x2 = x[h * 8 + k + 2];
      assertAlmostEquals(y[h * 8 + k], x1 * Math.cos(a) - x2 * Math.sin(a), 1e-5);
      assertAlmostEquals(y[h * 8 + k + 2], x2 * Math.cos(a) + x1 * Math.sin(a), 1e-5);
    }
    for (let k = 4; k < 8; k++) assertAlmostEquals(y[h * 8 + k], x[h * 8 + k], 1e-6);
  }
  // q at position m and k at position n: the per-head score depends only on m - n.
  const q = tf.tensor4d(vec(), [1, 1, 2, 8]);
  const k = tf.tensor4d(vec(), [1, 1, 2, 8]);
  const score = (mPos: number, nPos: number) => {
    const qr = rotaryEmbed(q, c, { offset: mPos }).dataSync();
    const kr = rotaryEmbed(k, c, { offset: nPos }).dataSync();
    return [0, 1].map((h) => {
      let s = 0;
      for (let i = 0; i < 8; i++) s += qr[h * 8 + i] * kr[h * 8 + i];
      return s;
    });
  };
  const ref = score(5, 2);
  for (const shift of [1, 17, 100]) {
    const s = score(5 + shift, 2 + shift);
    for (let h = 0; h < 2; h++) assertAlmostEquals(s[h], ref[h], 1e-4);
  }
  assert(Math.abs(score(6, 2)[0] - ref[0]) > 1e-4); // and it does depend on the distance
});

Deno.test("dropout: only when a seed is given, and deterministic in it", () => {
  const m = createGPT({ ...small, dropout: 0.3 }, { seed: 1 });
  const batch = randomBatch(small, 2, 6, 3);
  const loss = (seed?: number) => tf.tidy(() => m.loss(batch, { dropoutSeed: seed }).dataSync()[0]);
  const plain = createGPT(small, { seed: 1 });
  assertEquals(loss(), tf.tidy(() => plain.loss(batch).dataSync()[0]));
  assertEquals(loss(7), loss(7));
  assert(loss(7) !== loss(8) && loss(7) !== loss());
  m.dispose();
  plain.dispose();
});
