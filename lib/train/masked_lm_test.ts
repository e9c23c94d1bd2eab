import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { maskBatch, MaskedLMBatches, wordStarts } from "./masked_lm.ts";
import { archOverrides, createGPT, gptConfig } from "../model/gpt.ts";
import { teacherForcedAccuracy } from "../eval/metrics.ts";
import { Rng } from "../util/rng.ts";
import type { Batch, BatchSource } from "../contracts.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";

await tf.setBackend("cpu");

const EOS = 0, MASK = 99;

/** A BIO-like batch: every token a target (the causal mask marks token i+1 at i), no padding. */
function bioBatch(B: number, T: number, seed: number): Batch {
  const rng = new Rng(seed);
  const inputs = new Int32Array(B * T).map((_, i) => i % T === 0 ? EOS : 1 + rng.int(90));
  return {
    batchSize: B,
    seqLen: T,
    inputs,
    targets: new Int32Array(B * T),
    mask: new Float32Array(B * T).fill(1),
  };
}

Deno.test("masking statistics: 15% of words, their tokens 80% mask / 10% random / 10% kept", () => {
  const wordStart = new Uint8Array(100).fill(1); // every token its own word
  const b = bioBatch(64, 128, 1);
  const m = maskBatch(b, { maskId: MASK, wordStart, eos: EOS, seed: 0 }, new Rng(5));
  let chosen = 0, masked = 0, random = 0, kept = 0, eligible = 0;
  for (let i = 0; i < b.inputs.length; i++) {
    if (b.inputs[i] === EOS) {
      assertEquals(m.mask[i], 0); // EOS never masked
      continue;
    }
    eligible++;
    assertEquals(m.targets[i], b.inputs[i]); // in place: the target is the original token
    if (!m.mask[i]) {
      assertEquals(m.inputs[i], b.inputs[i]);
      continue;
    }
    chosen++;
    if (m.inputs[i] === MASK) masked++;
    else if (m.inputs[i] === b.inputs[i]) kept++;
    else random++;
  }
  assertAlmostEquals(chosen / eligible, 0.15, 0.01);
  assertAlmostEquals(masked / chosen, 0.8, 0.02);
  assertAlmostEquals(random / chosen, 0.1 * 89 / 90 + 0, 0.02); // a random token may equal the original
  assertAlmostEquals(kept / chosen, 0.1 + 0.1 / 90, 0.02);
});

Deno.test("whole-word masking: a word's tokens are chosen together", () => {
  // Even ids start a word, odd ids continue it: words are (even, odd, odd, ...).
  const wordStart = new Uint8Array(100).map((_, id) => id % 2 === 0 ? 1 : 0);
  const b = bioBatch(32, 64, 2);
  const m = maskBatch(b, { maskId: MASK, wordStart, eos: EOS, seed: 0 }, new Rng(6));
  let words = 0;
  for (let r = 0; r < 32; r++) {
    for (let i = 2; i < 64; i++) {
      const at = r * 64 + i;
      if (!wordStart[b.inputs[at]] && b.inputs[at - 1] !== EOS) {
        assertEquals(m.mask[at], m.mask[at - 1], `row ${r} token ${i} split from its word`);
        words++;
      }
    }
  }
  assert(words > 100);
});

Deno.test("QA rows: the answer's tokens all become mask tokens, nothing else is a target", () => {
  // EOS, a 4-token question, a 3-token answer, EOS padding; the causal mask marks the answer.
  const inputs = Int32Array.from([EOS, 5, 6, 7, 8, 20, 21, 22, EOS, EOS]);
  const mask = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  const b: Batch = { batchSize: 1, seqLen: 10, inputs, targets: new Int32Array(10), mask };
  const m = maskBatch(
    b,
    { maskId: MASK, wordStart: new Uint8Array(100), eos: EOS, seed: 0 },
    new Rng(1),
  );
  assertEquals(Array.from(m.inputs), [EOS, 5, 6, 7, 8, MASK, MASK, MASK, EOS, EOS]);
  assertEquals(Array.from(m.mask), [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
  assertEquals(Array.from(m.targets.slice(5, 8)), [20, 21, 22]);
});

Deno.test("word starts from GPT-2 token texts; the source is resumable and deterministic", () => {
  const texts = [" Bell", "evue", ",", " WA", "1996", "."];
  assertEquals(Array.from(wordStarts((id) => texts[id], 6)), [1, 0, 1, 1, 0, 1]);
  const source = (): BatchSource => {
    let n = 0;
    return {
      next: () => bioBatch(2, 16, n++),
      getState: () => n,
      setState: (s) => n = s as number,
    };
  };
  const opts = { maskId: MASK, wordStart: new Uint8Array(100).fill(1), eos: EOS, seed: 3 };
  const a = new MaskedLMBatches(source(), opts);
  a.next();
  const state = a.getState();
  const next = a.next();
  const b = new MaskedLMBatches(source(), opts);
  b.setState(state);
  assertEquals(b.next(), next);
  assertThrows(() => new MaskedLMBatches(source(), { ...opts, wordRate: 0 }), "wordRate");
});

Deno.test("the bidirectional mask: GBERT's first position sees the last token", () => {
  const c = gptConfig("tiny", { vocabSize: 11, seqLen: 8, nLayer: 1, nHead: 2, dModel: 16 });
  const ids = [
    tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32"),
    tf.tensor2d([[1, 2, 3, 9]], [1, 4], "int32"),
  ];
  const first = (arch: "gpt" | "gbert") => {
    const m = createGPT({ ...c, ...archOverrides(arch) }, { seed: 1 });
    const out = ids.map((x) => tf.tidy(() => m.logits(x).dataSync()[0]));
    m.dispose();
    return out;
  };
  const [g0, g1] = first("gpt"), [b0, b1] = first("gbert");
  assertEquals(g0, g1);
  assert(b0 !== b1);
  tf.dispose(ids);
});

Deno.test("a tiny GBERT learns a handful of biographies (masked attribute recall)", async () => {
  // Six people: name n, then "born" b_n and "works" w_n, each attribute a single token; the
  // model must fill a masked attribute from the name and the other words.
  const people = 6, T = 8, V = 40; // ids: 0 EOS, 1-6 names, 10-15 births, 20-25 works, 30-31 words
  const bio = (p: number) => [EOS, 1 + p, 30, 10 + p, 31, 20 + p, EOS, EOS];
  const source: BatchSource = {
    next: () => {
      const R = 4 * people;
      const inputs = new Int32Array(R * T);
      for (let r = 0; r < R; r++) inputs.set(bio(r % people), r * T);
      const mask = new Float32Array(R * T).map((_, i) => i % T < 6 ? 1 : 0);
      return { batchSize: R, seqLen: T, inputs, targets: new Int32Array(R * T), mask };
    },
    getState: () => 0,
    setState: () => {},
  };
  const c = gptConfig("tiny", {
    vocabSize: V + 1,
    seqLen: T,
    nLayer: 2,
    nHead: 2,
    dModel: 32,
    ...archOverrides("gbert"),
    // Without a causal mask or position embedding, positions are only relative (rotary): the
    // whole head rotating finds them in fewer steps than the paper's quarter.
    rotaryPct: 1,
  });
  const m = createGPT(c, { seed: 0 });
  const batches = new MaskedLMBatches(source, {
    maskId: V,
    wordStart: new Uint8Array(V + 1).fill(1),
    eos: EOS,
    seed: 0,
  });
  const opt = tf.train.adam(3e-3);
  for (let s = 0; s < 250; s++) {
    const b = batches.next();
    tf.tidy(() => void opt.minimize(() => m.loss(b), false, m.variables));
  }
  const items = Array.from({ length: people }, (_, p) => ({
    ids: bio(p).slice(0, 6),
    spans: [{ attribute: "birth", start: 3, end: 4 }, { attribute: "work", start: 5, end: 6 }],
    split: "P_train",
  }));
  const rows = await teacherForcedAccuracy(m, items, { mode: "whole" });
  const mean = rows.find((r) => r.attribute === "mean")!.accuracy;
  assert(mean >= 90, `masked attribute recall ${mean}% (chance 17%)`);
  opt.dispose();
  m.dispose();
});
