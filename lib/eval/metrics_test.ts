import * as tf from "@tensorflow/tfjs-core";
import {
  accuracyRows,
  exactMatch,
  maskedWordAccuracy,
  qaAccuracy,
  type QAEvalItem,
  qaExactMatchTeacherForced,
  qaFirstTokenAccuracy,
  spanCorrectness,
  teacherForcedAccuracy,
} from "./metrics.ts";
import { greedyGenerate } from "./generate.ts";
import { maskBatch, wordSpans, wordStarts } from "../train/masked_lm.ts";
import { createGPT, gptConfig } from "../model/gpt.ts";
import { hashLM, markovLM, useCpu } from "./_test_utils.ts";
import { Rng } from "../util/rng.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";

Deno.test("exactMatch: whole attribute, prefix of the generation, no partial credit", () => {
  assert(exactMatch([5, 6, 7], [5, 6, 7]));
  assert(exactMatch(Int32Array.of(5, 6, 7, 0, 9), [5, 6, 7]));
  assert(!exactMatch([5, 6], [5, 6, 7]));
  assert(!exactMatch([5, 6, 8], [5, 6, 7]));
  assert(!exactMatch([4, 5, 6, 7], [5, 6, 7]));
  assertThrows(() => exactMatch([1], []), "target is empty");
});

Deno.test("accuracyRows: per attribute in the paper's order, then the unweighted mean", () => {
  const rows = accuracyRows([
    { attribute: "univ", split: "P_test", correct: true },
    { attribute: "b_date", split: "P_test", correct: false },
    { attribute: "b_date", split: "P_test", correct: true },
    { attribute: "b_date", split: "P_test", correct: true },
    { attribute: "univ", split: "P_train", correct: false },
  ], "m");
  assertEquals(rows, [
    { attribute: "b_date", split: "P_test", metric: "m", accuracy: 200 / 3, n: 3 },
    { attribute: "univ", split: "P_test", metric: "m", accuracy: 100, n: 1 },
    { attribute: "mean", split: "P_test", metric: "m", accuracy: (200 / 3 + 100) / 2, n: 4 },
    { attribute: "univ", split: "P_train", metric: "m", accuracy: 0, n: 1 },
    { attribute: "mean", split: "P_train", metric: "m", accuracy: 0, n: 1 },
  ]);
});

Deno.test("teacherForcedAccuracy: first token vs whole attribute", async () => {
  await useCpu();
  // Deterministic chain 1 -> 2 -> 3 -> 4 -> 5; other tokens lead to 0.
  const model = markovLM(8, {
    1: { 2: 1 },
    2: { 3: 1 },
    3: { 4: 1 },
    4: { 5: 1 },
    6: { 0: 1 },
    7: { 0: 1 },
  });
  const items = [
    // b_date span [1, 4) = 2 3 4: all right. univ span [4, 6) = 5 7: first right, second wrong.
    {
      ids: [1, 2, 3, 4, 5, 7],
      spans: [{ attribute: "b_date", start: 1, end: 4 }, { attribute: "univ", start: 4, end: 6 }],
      split: "P_train",
    },
    // b_date span [1, 3) = 6 3: first wrong.
    { ids: [1, 6, 3], spans: [{ attribute: "b_date", start: 1, end: 3 }], split: "P_train" },
  ];
  const first = await teacherForcedAccuracy(model, items, { mode: "first", batchSize: 1 });
  const whole = await teacherForcedAccuracy(model, items, { mode: "whole", metric: "bioWhole" });
  const acc = (rows: typeof first) =>
    Object.fromEntries(rows.map((r) => [r.attribute, r.accuracy]));
  assertEquals(acc(first), { b_date: 50, univ: 100, mean: 75 });
  assertEquals(acc(whole), { b_date: 50, univ: 0, mean: 25 });
  assertEquals(first[0].metric, "firstToken");
  assertEquals(whole[0].metric, "bioWhole");
  await assertRejects(
    () =>
      teacherForcedAccuracy(
        model,
        [{ ids: [1, 2], spans: [{ attribute: "x", start: 0, end: 1 }] }],
        { mode: "first" },
      ),
    "1 <= start < end <= 2",
  );
});

/** Random QA items for a model: half of the targets are its greedy answers, half perturbed ones. */
async function itemsFor(model: ReturnType<typeof hashLM>, seed: number): Promise<QAEvalItem[]> {
  const rng = new Rng(seed);
  const V = model.config.vocabSize;
  const attrs = ["b_date", "b_city", "univ", "major", "c_name", "c_city"];
  const prompts = Array.from(
    { length: 60 },
    () => Int32Array.from({ length: 1 + rng.int(8) }, () => rng.int(V)),
  );
  const lens = prompts.map(() => 1 + rng.int(4));
  const greedy = await greedyGenerate(model, prompts, { maxNewTokens: lens });
  return prompts.map((prompt, i) => {
    const target = Int32Array.from(greedy[i]);
    // Perturb one token of 2/3 of the targets, mostly the last ones (partial matches).
    if (i % 3 !== 0) {
      const j = rng.int(2) ? target.length - 1 : rng.int(target.length);
      target[j] = (target[j] + 1 + rng.int(V - 1)) % V;
    }
    return { prompt, target, attribute: attrs[i % 6], split: i % 2 ? "P_test" : "P_train" };
  });
}

Deno.test("qaExactMatchTeacherForced equals greedy decoding + exact match", async () => {
  await useCpu();
  for (const seed of [1, 2, 3]) {
    const model = hashLM(9, seed);
    const items = await itemsFor(model, seed);
    const fast = await qaExactMatchTeacherForced(model, items, { batchSize: 16 });
    const slow = await qaAccuracy(model, items, { decoding: "greedy", batchSize: 7 });
    assertEquals(fast, slow);
    // Also with a longer generation than the target: the rest is ignored.
    const longer = await qaAccuracy(model, items, { decoding: "greedy", maxNewTokens: 6 });
    assertEquals(longer.map((r) => r.accuracy), fast.map((r) => r.accuracy));
    const mean = fast.find((r) => r.attribute === "mean" && r.split === "P_test")!;
    assert(mean.accuracy > 0 && mean.accuracy < 100, `mean ${mean.accuracy}`);
  }
});

Deno.test("qaFirstTokenAccuracy counts only the first answer token", async () => {
  await useCpu();
  const model = hashLM(9, 4);
  const items = await itemsFor(model, 4);
  const first = await qaFirstTokenAccuracy(model, items);
  const whole = await qaExactMatchTeacherForced(model, items);
  assertEquals(first[0].metric, "qaFirstToken");
  for (let i = 0; i < first.length; i++) assert(first[i].accuracy >= whole[i].accuracy);
});

Deno.test("qaAccuracy with beam search scores the beam's answer", async () => {
  await useCpu();
  // From 0 greedy says 1 3, the beam finds 2 7 (see generate_test.ts).
  const model = markovLM(10, {
    0: { 1: 0.6, 2: 0.4 },
    1: { 3: 0.25, 4: 0.25, 5: 0.25, 6: 0.25 },
    2: { 7: 0.9, 9: 0.1 },
  });
  const items: QAEvalItem[] = [
    { prompt: [0], target: [2, 7], attribute: "major", split: "P_test" },
    { prompt: [0], target: [1, 3], attribute: "univ", split: "P_test" },
  ];
  const beam = await qaAccuracy(model, items);
  const greedy = await qaAccuracy(model, items, { decoding: "greedy" });
  const acc = (rows: typeof beam) => rows.map((r) => [r.attribute, r.metric, r.accuracy]);
  assertEquals(acc(beam), [["univ", "qaGenerationBeam4", 0], ["major", "qaGenerationBeam4", 100], [
    "mean",
    "qaGenerationBeam4",
    50,
  ]]);
  assertEquals(acc(greedy), [["univ", "qaGenerationGreedy", 100], [
    "major",
    "qaGenerationGreedy",
    0,
  ], ["mean", "qaGenerationGreedy", 50]]);
  const before = tf.memory().numTensors;
  await qaAccuracy(model, items);
  await qaExactMatchTeacherForced(model, items);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("a bidirectional model is asked each span masked, with EOS after the item and as padding", async () => {
  await useCpu();
  // Vocabulary 0..5: EOS = 4 (the data's last id), mask = 5 (the model's last). The stub sees the
  // rows it is given and predicts token 3 at every mask that has EOS somewhere to its right, as a
  // masked LM that reads the document's end to place its answer; elsewhere token 0.
  const V = 6, EOS = 4, MASK = 5;
  const seen: number[][] = [];
  const model = {
    config: { vocabSize: V, seqLen: 16, dModel: 2, causal: false },
    logits(ids: tf.Tensor2D): tf.Tensor3D {
      const [B, L] = ids.shape;
      const rows = ids.arraySync();
      seen.push(...rows);
      const out = new Float32Array(B * L * V);
      rows.forEach((row, b) =>
        row.forEach((t, p) => {
          const eosAfter = row.slice(p + 1).includes(EOS);
          out[(b * L + p) * V + (t === MASK && eosAfter ? 3 : 0)] = 1;
        })
      );
      return tf.tensor3d(out, [B, L, V]);
    },
    hidden(ids: tf.Tensor2D): tf.Tensor3D {
      return tf.zeros([ids.shape[0], ids.shape[1], 2]);
    },
  };
  const items = [
    { ids: Int32Array.from([EOS, 1, 3, 3]), spans: [{ attribute: "a", start: 2, end: 4 }] },
    { ids: Int32Array.from([EOS, 1, 2, 3, 3]), spans: [{ attribute: "a", start: 3, end: 5 }] },
  ];
  const got = await spanCorrectness(model, items, { mode: "whole", pad: 0 });
  assertEquals(got, [[true], [true]]);
  // Every row asked: the item with its span masked, then EOS, padded with EOS (never with `pad`).
  assertEquals(seen.map((r) => r.join(",")).sort(), ["4,1,2,5,5,4", "4,1,5,5,4,4"]);
});

Deno.test("wordSpans: the words masked_lm masks together (leading space or punctuation starts one)", () => {
  // " September 1, 1993" and " Bellevue, WA" as GPT-2 pieces.
  const texts = [" September", " 1", ",", " 1993", " Bell", "evue", " WA", "1996"];
  const ws = wordStarts((id) => texts[id], texts.length);
  assertEquals(wordSpans([0, 1, 2, 3], 0, 4, ws), [[0, 1], [1, 2], [2, 3], [3, 4]]);
  assertEquals(wordSpans([9, 4, 5, 2, 6], 1, 5, ws), [[1, 3], [3, 4], [4, 5]]);
  // The span's first token starts a word even when its text continues one ("evue", "1996").
  assertEquals(wordSpans([4, 5, 7, 6], 1, 3, ws), [[1, 3]]);
  assertEquals(wordSpans([4, 5, 7, 6], 2, 4, ws), [[2, 3], [3, 4]]);
  // The same words as maskBatch's: over a biography row (every token a target after the leading
  // EOS), each word of wordSpans is chosen or not as a whole.
  const rng = new Rng(7);
  const T = 48, B = 16, EOS = 0;
  const table = new Uint8Array(40).map(() => rng.int(3) === 0 ? 1 : 0);
  const inputs = new Int32Array(B * T).map((_, i) => i % T === 0 ? EOS : 1 + rng.int(38));
  const batch = {
    batchSize: B,
    seqLen: T,
    inputs,
    targets: new Int32Array(B * T),
    mask: new Float32Array(B * T).fill(1),
  };
  const m = maskBatch(
    batch,
    { maskId: 39, wordStart: table, eos: EOS, seed: 0, wordRate: 0.5 },
    rng,
  );
  let words = 0, changes = 0;
  for (let r = 0; r < B; r++) {
    const row = inputs.subarray(r * T, (r + 1) * T);
    const chosen = wordSpans(row, 1, T, table).map(([a, b]) => {
      for (let p = a + 1; p < b; p++) assertEquals(m.mask[r * T + p], m.mask[r * T + a]);
      return m.mask[r * T + a];
    });
    words += chosen.length;
    for (let k = 1; k < chosen.length; k++) changes += chosen[k] !== chosen[k - 1] ? 1 : 0;
  }
  // Neighbouring words are drawn independently (rate 0.5: about half the boundaries change).
  assert(words > 150 && changes > words / 4, `${words} words, ${changes} changes`);
});

/**
 * A bidirectional stub over ids 0..9 (EOS 10, mask 11): at a mask token it predicts the nearest
 * visible token on its left plus its distance (so a run 1 2 3 ... is recovered from its left
 * neighbour), elsewhere the token itself. Records every row it is asked.
 */
function countingStub(causal = false) {
  const V = 12, MASK = 11;
  const seen: number[][] = [];
  const model = {
    config: { vocabSize: V, seqLen: 16, dModel: 2, causal },
    logits(ids: tf.Tensor2D): tf.Tensor3D {
      const [B, L] = ids.shape;
      const rows = ids.arraySync();
      seen.push(...rows);
      const out = new Float32Array(B * L * V);
      rows.forEach((row, b) =>
        row.forEach((t, p) => {
          let d = 1;
          while (p - d >= 0 && row[p - d] === MASK) d++;
          const guess = t !== MASK ? t : p - d < 0 ? 0 : (row[p - d] + d) % V;
          out[(b * L + p) * V + guess] = 1;
        })
      );
      return tf.tensor3d(out, [B, L, V]);
    },
    hidden(ids: tf.Tensor2D): tf.Tensor3D {
      return tf.zeros([ids.shape[0], ids.shape[1], 2]);
    },
  };
  return { model, seen };
}

Deno.test("maskedWordAccuracy: each word of a value masked alone, the rest visible, EOS after", async () => {
  await useCpu();
  const EOS = 10, M = 11;
  // Ids 2, 4, 6, 8 start a word; 3, 5, 7 continue one (EOS, 10, is a start, as punctuation is).
  const wordStart = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1]);
  const spans = [{ attribute: "b_date", start: 2, end: 5 }, {
    attribute: "univ",
    start: 5,
    end: 8,
  }];
  const items = [
    // b_date = 2 3 | 4: two words; univ = 5 | 6 7: its first token starts a word (span start).
    { ids: Int32Array.from([EOS, 1, 2, 3, 4, 5, 6, 7]), spans, split: "P_train" },
    // univ = 8 | 6 7: 8 does not follow 4, and 6 7 does not follow 8 (the stub misses both).
    { ids: Int32Array.from([EOS, 1, 2, 3, 4, 8, 6, 7]), spans, split: "P_test" },
  ];
  const { model, seen } = countingStub();
  const before = tf.memory().numTensors;
  const rows = await maskedWordAccuracy(model, items, { wordStart, batchSize: 3 });
  assertEquals(tf.memory().numTensors, before);
  // One query per word (4 per item), in batches of 3 rows.
  assertEquals(seen.length, 8);
  assertEquals(
    seen.map((r) => r.join(",")).sort(),
    [
      [EOS, 1, M, M, 4, 5, 6, 7, EOS],
      [EOS, 1, 2, 3, M, 5, 6, 7, EOS],
      [EOS, 1, 2, 3, 4, M, 6, 7, EOS],
      [EOS, 1, 2, 3, 4, 5, M, M, EOS],
      [EOS, 1, M, M, 4, 8, 6, 7, EOS],
      [EOS, 1, 2, 3, M, 8, 6, 7, EOS],
      [EOS, 1, 2, 3, 4, M, 6, 7, EOS],
      [EOS, 1, 2, 3, 4, 8, M, M, EOS],
    ].map((r) => r.join(",")).sort(),
  );
  // Every query masks exactly one contiguous run: one word.
  for (const r of seen) {
    const at = r.flatMap((t, p) => t === M ? [p] : []);
    assert(at.length >= 1 && at[at.length - 1] - at[0] === at.length - 1, `row ${r}`);
  }
  const metric = "bioMaskedWord";
  assertEquals(rows, [
    { attribute: "b_date", split: "P_train", metric, accuracy: 100, n: 2 },
    { attribute: "univ", split: "P_train", metric, accuracy: 100, n: 2 },
    { attribute: "mean", split: "P_train", metric, accuracy: 100, n: 4 },
    { attribute: "b_date", split: "P_test", metric, accuracy: 100, n: 2 },
    { attribute: "univ", split: "P_test", metric, accuracy: 0, n: 2 },
    { attribute: "mean", split: "P_test", metric, accuracy: 50, n: 4 },
  ]);
  const named = await maskedWordAccuracy(model, items.slice(0, 1), { wordStart, metric: "w" });
  assertEquals(named.map((r) => r.metric), ["w", "w", "w"]);
});

Deno.test("maskedWordAccuracy refuses causal models and bad options", async () => {
  await useCpu();
  const wordStart = new Uint8Array(11).fill(1);
  const items = [{ ids: [10, 1, 2], spans: [{ attribute: "univ", start: 1, end: 3 }] }];
  await assertRejects(
    () => maskedWordAccuracy(countingStub(true).model, items, { wordStart }),
    "model must be bidirectional",
  );
  await assertRejects(
    () => maskedWordAccuracy(markovLM(12, {}), items, { wordStart }),
    "model must be bidirectional",
  );
  const { model } = countingStub();
  await assertRejects(
    () => maskedWordAccuracy(model, items, { wordStart: new Uint8Array(5) }),
    "options.wordStart must be a table of at least 11 entries",
  );
  await assertRejects(
    () => maskedWordAccuracy(model, items, {} as { wordStart: Uint8Array }),
    "options.wordStart",
  );
  await assertRejects(
    () => maskedWordAccuracy(model, items, { wordStart, batchSize: 0 }),
    "batchSize must be a positive integer",
  );
  await assertRejects(
    () => maskedWordAccuracy(model, [{ ids: [10, 11], spans: items[0].spans }], { wordStart }),
    "item 0 span univ [1, 3)",
  );
  await assertRejects(
    () => maskedWordAccuracy(model, [{ ids: [10, 11, 2], spans: items[0].spans }], { wordStart }),
    "allowed: data ids 0..10",
  );
});

Deno.test("maskedWordAccuracy on a real (untrained) GBERT: one row per word, no tensor leaks", async () => {
  await useCpu();
  const c = gptConfig("tiny", { vocabSize: 12, seqLen: 16, nLayer: 1, nHead: 2, dModel: 16 });
  const empty = tf.memory().numTensors;
  const model = createGPT({ ...c, causal: false }, { seed: 3 });
  const wordStart = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1]);
  const spans = [{ attribute: "b_date", start: 2, end: 5 }, {
    attribute: "univ",
    start: 5,
    end: 8,
  }];
  const items = [{ ids: [10, 1, 2, 3, 4, 5, 6, 7], spans, split: "P_train" }];
  const rows = await maskedWordAccuracy(model, items, { wordStart, batchSize: 3 });
  assertEquals(rows.map((r) => [r.attribute, r.n]), [["b_date", 2], ["univ", 2], ["mean", 4]]);
  // The model keeps its per-length attention tables (freed by dispose); nothing else stays.
  const warm = tf.memory().numTensors;
  assertEquals(await maskedWordAccuracy(model, items, { wordStart, batchSize: 3 }), rows);
  assertEquals(tf.memory().numTensors, warm);
  model.dispose();
  assertEquals(tf.memory().numTensors, empty);
});
