import * as tf from "@tensorflow/tfjs-core";
import { generateDataset } from "../data/dataset.ts";
import { createGPT, gptConfig } from "../model/gpt.ts";
import { assert, assertEquals } from "../util/assert.ts";
import { qProbe, qProbeItems, qProbeReadout } from "./q_probe.ts";
import { CodedModel, useBackend } from "./_test_utils.ts";

await useBackend();

const ds = generateDataset({ config: "single", people: 40, seed: 3 });
const month = { attribute: "b_date", target: "first_token" } as const;

Deno.test('qProbeItems: EOS + " " + full name + EOS for every person', () => {
  const items = qProbeItems(ds);
  assertEquals(items.length, 40);
  const p = ds.people[5];
  const it = items.find((i) => i.personId === p.id)!;
  assertEquals([...it.ids], [ds.vocab.eos, ...ds.vocab.encode(" " + p.fullName), ds.vocab.eos]);
  assertEquals(it.split, p.split);
});

Deno.test("qProbe: a real GPT, all 11 tasks, no leak, deterministic", () => {
  const model = createGPT(
    gptConfig("tiny", { nLayer: 1, dModel: 32, nHead: 2, vocabSize: ds.vocab.size, seqLen: 128 }),
    { seed: 1 },
  );
  const run = () => qProbe(model, ds, { steps: 3, batchSize: 16, seed: 5 });
  const a = run();
  const cached = tf.memory().numTensors; // the model's per-length rotary tables and mask
  const b = run();
  assertEquals(tf.memory().numTensors, cached);
  assertEquals(a.rows, b.rows);
  assertEquals(a.rows.length, 11);
  assertEquals(a.nTrain + a.nTest, 40);
  for (const r of a.rows) assert(r.accuracy >= 0 && r.accuracy <= 100 && r.n === a.nTest);
  assertEquals(a.rank, 16);
  const z = qProbe(model, ds, { steps: 3, batchSize: 16, seed: 5, rank: 0 });
  assertEquals(tf.memory().numTensors, cached);
  assertEquals(qProbe(model, ds, { steps: 3, batchSize: 16, seed: 5, rank: 0 }).rows, z.rows);
  model.dispose();
});

Deno.test("qProbe: linearly coded features are learned; shuffled ones stay near the baseline", () => {
  const big = generateDataset({ config: "single", people: 400, seed: 4 });
  // A larger lr than the paper's so that the test is short.
  const opts = { tasks: [month], steps: 100, batchSize: 100, seed: 2, lr: 1e-2 };
  const good = qProbe(new CodedModel(big, month), big, opts).rows[0];
  assert(good.accuracy >= 95, `accuracy ${good.accuracy}`);
  const bad = qProbe(new CodedModel(big, month, { shuffle: 9 }), big, opts).rows[0];
  assert(bad.trainAccuracy > bad.accuracy + 20, `train ${bad.trainAccuracy} test ${bad.accuracy}`);
  assert(bad.accuracy <= bad.baseline + 10, `accuracy ${bad.accuracy} vs baseline ${bad.baseline}`);
});

Deno.test("Q-probe readout: a person's state does not depend on who shares the batch", () => {
  // Queries pad to a multiple of 8 and names are short, so one query of 12 tokens stands in for a
  // long name that makes a batch 16 wide.
  const long = { personId: -1, split: "P_train" as const, ids: new Int32Array(12).fill(7) };
  const items = [...qProbeItems(ds), long];
  const short = items.reduce((a, b) => a.ids.length <= b.ids.length ? a : b);
  for (const causal of [true, false]) {
    const model = createGPT(
      gptConfig("tiny", { nLayer: 1, dModel: 32, nHead: 2, vocabSize: ds.vocab.size, causal }),
      { seed: 1 },
    );
    // The shortest name alone, and beside every other (padded to the longest): a bidirectional
    // model (GBERT) sees the padding, so its batches all get the longest query's length.
    const readout = qProbeReadout(model, items, ds.vocab.eos);
    const alone = tf.tidy(() => readout.states([short], undefined).arraySync()[0]);
    const shared = tf.tidy(() => readout.states([short, long], undefined).arraySync()[0]);
    for (let j = 0; j < alone.length; j++) {
      assert(Math.abs(alone[j] - shared[j]) < 1e-5, `causal ${causal}: dim ${j}`);
    }
    model.dispose();
  }
});
