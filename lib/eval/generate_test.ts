import * as tf from "@tensorflow/tfjs-core";
import { beamSearch, beamSearchScored, greedyGenerate } from "./generate.ts";
import { hashLM, markovLM, useCpu } from "./_test_utils.ts";
import { Rng } from "../util/rng.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../util/assert.ts";

// Tokens: 0 start, 1 a, 2 b, 3..6 x1..x4, 7 c, 8 STOP, 9 filler.
// Greedy takes a (0.6) then one of four x (0.25 each): 0.15 in all. Beam finds b c (0.4 * 0.9 = 0.36).
const STOP = 8;
const fork = () =>
  markovLM(10, {
    0: { 1: 0.6, 2: 0.4 },
    1: { 3: 0.25, 4: 0.25, 5: 0.25, 6: 0.25 },
    2: { 7: 0.9, 9: 0.1 },
    3: { [STOP]: 1 },
    4: { [STOP]: 1 },
    5: { [STOP]: 1 },
    6: { [STOP]: 1 },
    7: { [STOP]: 1 },
    9: { [STOP]: 1 },
  });

Deno.test("beamSearch finds the more probable sequence that greedy misses", async () => {
  await useCpu();
  const model = fork();
  const greedy = await greedyGenerate(model, [[0]], { maxNewTokens: 5, stopIds: [STOP] });
  assertEquals(Array.from(greedy[0]), [1, 3, STOP]);
  const [beam] = await beamSearchScored(model, [[0]], {
    beams: 4,
    maxNewTokens: 5,
    stopIds: [STOP],
  });
  assertEquals(Array.from(beam.ids), [2, 7, STOP]);
  assert(beam.finished);
  assertAlmostEquals(beam.logProb, Math.log(0.4 * 0.9), 1e-4);
  // One beam is greedy.
  const one = await beamSearch(model, [[0]], { beams: 1, maxNewTokens: 5, stopIds: [STOP] });
  assertEquals(Array.from(one[0]), [1, 3, STOP]);
});

Deno.test("generation stops at a stop id, keeps it, and respects maxNewTokens", async () => {
  await useCpu();
  const model = fork();
  const capped = await greedyGenerate(model, [[0], [2]], { maxNewTokens: [1, 5], stopIds: [STOP] });
  assertEquals(capped.map((x) => Array.from(x)), [[1], [7, STOP]]);
  // Without stop ids generation runs to maxNewTokens.
  const long = await greedyGenerate(model, [[2]], { maxNewTokens: 4 });
  assertEquals(long[0].length, 4);
  assertEquals(Array.from(long[0].subarray(0, 2)), [7, STOP]);
  // A finished hypothesis that no live one can beat ends beam search early.
  const [b] = await beamSearchScored(model, [[2]], { beams: 2, maxNewTokens: 6, stopIds: [STOP] });
  assertEquals(Array.from(b.ids), [7, STOP]);
  const none = await beamSearchScored(model, [[0]], { beams: 2, maxNewTokens: 1, stopIds: [STOP] });
  assertEquals(Array.from(none[0].ids), [1]);
  assert(!none[0].finished);
});

Deno.test("batched generation equals one-by-one on prompts of different lengths", async () => {
  await useCpu();
  const rng = new Rng(3);
  const V = 12;
  const stopIds = [0];
  const prompts = Array.from(
    { length: 11 },
    () => Int32Array.from({ length: 1 + rng.int(7) }, () => 1 + rng.int(V - 1)),
  );
  const maxNewTokens = prompts.map(() => 1 + rng.int(6));
  const model = hashLM(V, 5);
  const batched = await greedyGenerate(model, prompts, { maxNewTokens, stopIds, batchSize: 4 });
  const beamed = await beamSearchScored(model, prompts, { maxNewTokens, stopIds, batchSize: 8 });
  for (let i = 0; i < prompts.length; i++) {
    const o = { maxNewTokens: maxNewTokens[i], stopIds };
    assertEquals(batched[i], (await greedyGenerate(model, [prompts[i]], o))[0]);
    assertEquals(beamed[i], (await beamSearchScored(model, [prompts[i]], o))[0]);
  }
  // Steps, not prompts, drive the forward passes: 11 prompts in chunks of 4 -> 3 chunks.
  model.calls = [];
  await greedyGenerate(model, prompts, { maxNewTokens: 3, batchSize: 4 });
  assertEquals(model.calls.length, 3 * 3);
  assert(model.calls.every(([B]) => B <= 4));
});

Deno.test("beam search is exhaustive when beams cover the vocabulary", async () => {
  await useCpu();
  const V = 4;
  const model = hashLM(V, 11);
  const [b] = await beamSearchScored(model, [[1, 2]], { beams: 16, maxNewTokens: 2 });
  // Brute force over all V^2 continuations.
  let best = -Infinity;
  for (let x = 0; x < V; x++) {
    for (let y = 0; y < V; y++) {
      const lp = tf.tidy(() => {
        const l = model.logits(tf.tensor2d([[1, 2, x]], [1, 3], "int32"));
        const ls = tf.logSoftmax(l).arraySync() as number[][][];
        return ls[0][1][x] + ls[0][2][y];
      });
      best = Math.max(best, lp);
    }
  }
  assertAlmostEquals(b.logProb, best, 1e-4);
});

Deno.test("generation rejects empty prompts and too long inputs, and keeps no tensors", async () => {
  await useCpu();
  const model = hashLM(6, 1, 8);
  await assertRejects(() => greedyGenerate(model, [[]], { maxNewTokens: 1 }), "prompt 0 is empty");
  await assertRejects(
    () => beamSearch(model, [[1, 2, 3, 4, 5]], { maxNewTokens: 5 }),
    "more than the model's seqLen 8",
  );
  const before = tf.memory().numTensors;
  await greedyGenerate(model, [[1], [2, 3]], { maxNewTokens: 3 });
  await beamSearch(model, [[1], [2, 3]], { maxNewTokens: 3 });
  assertEquals(tf.memory().numTensors, before);
});
