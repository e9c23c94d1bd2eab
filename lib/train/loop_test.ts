import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createGPT, type GPTConfig, gptConfig } from "../model/gpt.ts";
import { getWeights } from "../model/params.ts";
import { Rng, type RngState } from "../util/rng.ts";
import { trainSteps } from "./loop.ts";
import { listCheckpoints } from "./checkpoint.ts";
import type { Batch, BatchSource } from "../contracts.ts";
import { assert, assertEquals, assertRejects } from "../util/assert.ts";

await tf.setBackend("cpu");

const config: GPTConfig = gptConfig("tiny", {
  vocabSize: 16,
  seqLen: 12,
  nLayer: 2,
  nHead: 2,
  dModel: 32,
});

/** Fixed token sequences of length seqLen + 1, each starting with its own "name" token. */
function sequences(n: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = new Int32Array(config.seqLen + 1).map(() => rng.int(config.vocabSize));
    s[0] = i;
    return s;
  });
}

/** Every batch holds all sequences (rows rotated by a cursor, so the state matters). */
class FixedSource implements BatchSource {
  cursor = 0;
  constructor(readonly seqs: Int32Array[]) {}
  next(): Batch {
    const B = this.seqs.length, T = config.seqLen;
    const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
    for (let r = 0; r < B; r++) {
      const s = this.seqs[(r + this.cursor) % B];
      inputs.set(s.subarray(0, T), r * T);
      targets.set(s.subarray(1), r * T);
    }
    this.cursor++;
    return { batchSize: B, seqLen: T, inputs, targets, mask: new Float32Array(B * T).fill(1) };
  }
  getState() {
    return { cursor: this.cursor };
  }
  setState(s: unknown) {
    this.cursor = (s as { cursor: number }).cursor;
  }
}

/** Random batches from a seeded RNG whose state is the source state. */
class RandomSource implements BatchSource {
  rng = new Rng(77);
  next(): Batch {
    const B = 3, T = 8;
    const inputs = new Int32Array(B * T).map(() => this.rng.int(config.vocabSize));
    const targets = new Int32Array(B * T).map(() => this.rng.int(config.vocabSize));
    const mask = new Float32Array(B * T).map(() => (this.rng.next() < 0.7 ? 1 : 0));
    return { batchSize: B, seqLen: T, inputs, targets, mask };
  }
  getState() {
    return this.rng.getState();
  }
  setState(s: unknown) {
    this.rng.setState(s as RngState);
  }
}

Deno.test("a tiny model memorizes fixed sequences: low loss and exact greedy recall", async () => {
  const seqs = sequences(4, 1);
  const model = createGPT(config, { seed: 0 });
  const { history } = await trainSteps(model, new FixedSource(seqs), {
    steps: 60,
    lr: { peak: 2e-2, warmup: 5 },
    weightDecay: 0,
    progress: false,
  });
  const last = history.at(-1)!;
  assert(last.loss < 0.05, `final loss ${last.loss}`);
  assert(history[0].loss > 2, `first loss ${history[0].loss}`);
  // Teacher-forced argmax is right at every position = greedy decoding reproduces each sequence.
  const ids = tf.tensor2d(seqs.flatMap((s) => Array.from(s.subarray(0, config.seqLen))), [
    4,
    config.seqLen,
  ], "int32");
  const pred = tf.tidy(() => tf.argMax(model.logits(ids), -1).arraySync() as number[][]);
  seqs.forEach((s, r) => assertEquals(pred[r], Array.from(s.subarray(1))));
  ids.dispose();
  model.dispose();
});

Deno.test("no tensor leaks: numTensors equal after step 2 and step 10", async () => {
  const model = createGPT(config, { seed: 0 });
  const counts: number[] = [];
  await trainSteps(model, new RandomSource(), {
    steps: 10,
    lr: { peak: 1e-3 },
    progress: false,
    onStep: () => void counts.push(tf.memory().numTensors),
  });
  assertEquals(counts[9], counts[1]);
  model.dispose();
});

Deno.test("resume from a checkpoint ends bit-identical to an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plm_ckpt_" });
  const opts = { steps: 12, lr: { peak: 3e-3, warmup: 3 }, progress: false as const };
  try {
    const full = createGPT(config, { seed: 0 });
    const ref = await trainSteps(full, new RandomSource(), opts);

    // Interrupted at step 6 (checkpoints every 4, plus one on abort) ...
    const first = createGPT(config, { seed: 0 });
    const ac = new AbortController();
    const rngA = new Rng(5);
    const part = await trainSteps(first, new RandomSource(), {
      ...opts,
      checkpoint: { dir, every: 4 },
      rng: rngA,
      onStep: (i) => {
        if (i.step === 6) ac.abort();
      },
      signal: ac.signal,
    });
    assert(part.aborted);
    assertEquals(part.step, 6);
    assertEquals((await listCheckpoints(dir)).map((c) => c.step), [4, 6]);
    rngA.nextU32();
    const rngAfter = rngA.getState();

    // ... and resumed into a differently initialized model, source and RNG.
    const second = createGPT(config, { seed: 99 });
    const rngB = new Rng(1234);
    const res = await trainSteps(second, new RandomSource(), {
      ...opts,
      checkpoint: { dir, every: 4 },
      rng: rngB,
    });
    assertEquals(res.step, 12);
    assertEquals(getWeights(second), getWeights(full));
    assertEquals(res.history.map((h) => h.loss), ref.history.map((h) => h.loss));
    assertEquals(res.history.map((h) => h.gradNorm), ref.history.map((h) => h.gradNorm));
    // The RNG was restored to its state at the step-6 checkpoint, before rngA moved on.
    assert(rngB.getState().join() !== rngAfter.join());

    // A model of another shape refuses the checkpoint instead of loading garbage.
    const other = createGPT({ ...config, dModel: 16 }, { seed: 0 });
    await assertRejects(
      () =>
        trainSteps(other, new RandomSource(), {
          ...opts,
          steps: 20,
          checkpoint: { dir, every: 4 },
        }),
      "config hash",
    );
    for (const m of [full, first, second, other]) m.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evalEvery calls onEval and records its values", async () => {
  const model = createGPT(config, { seed: 0 });
  const res = await trainSteps(model, new RandomSource(), {
    steps: 5,
    lr: { peak: 1e-3 },
    evalEvery: 2,
    onEval: (step) => ({ step2: step * 2 }),
    progress: false,
  });
  assertEquals(res.evals.map((e) => e.step), [2, 4, 5]);
  assertEquals(res.evals[0].value, { step2: 4 });
  await assertRejects(
    () => trainSteps(model, new RandomSource(), { steps: 0, lr: { peak: 1 } }),
    "steps must be a positive integer",
  );
  model.dispose();
});
