import * as tf from "@tensorflow/tfjs-core";
import { generateDataset } from "../data/dataset.ts";
import { ATTRIBUTES } from "../data/types.ts";
import { createGPT, gptConfig } from "../model/gpt.ts";
import { tokenizeBio } from "../tokenizer/docs.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  cellDefined,
  pProbe,
  pProbeItems,
  type PProbeResult,
  seenBefore,
  vennBreakdown,
} from "./p_probe.ts";
import { CodedModel, useBackend } from "./_test_utils.ts";

await useBackend();

const permuted = generateDataset({ config: "single+permute5", people: 40, seed: 3 });
const smallGpt = () =>
  createGPT(
    gptConfig("tiny", {
      nLayer: 1,
      dModel: 32,
      nHead: 2,
      vocabSize: permuted.vocab.size,
      seqLen: 128,
    }),
    { seed: 1 },
  );
const month = { attribute: "b_date", target: "first_token" } as const;

Deno.test("pProbeItems: special positions are the tokens right before each value", () => {
  const items = pProbeItems(permuted);
  assertEquals(items.length, 40);
  for (const it of items) {
    const bio = permuted.bios.find((b) => b.personId === it.personId && b.entryIndex === 0)!;
    const t = tokenizeBio(bio, permuted.vocab);
    assertEquals(it.ids[0], permuted.vocab.eos);
    it.positions.forEach((p, i) => {
      // ids is EOS-shifted by one: the value's first token follows the special position.
      assertEquals(it.ids.length > p, true);
      assertEquals(p + 1 < it.ids.length ? it.ids[p + 1] : t.ids[p], t.ids[t.valueTokens[i].start]);
      assertEquals(it.order[i], t.valueTokens[i].attribute);
    });
    assertEquals(it.ids.length, it.positions[5] + 1);
  }
});

Deno.test("cellDefined: an attribute already seen is not probed at later positions", () => {
  const order = ["c_city", "univ", "b_date", "major", "c_name", "b_city"] as const;
  assertEquals(cellDefined(order, 0, "c_city"), true);
  assertEquals(cellDefined(order, 1, "c_city"), false);
  assertEquals(cellDefined(order, 2, "b_date"), true);
  assertEquals(cellDefined(order, 3, "b_date"), false);
  assertEquals(cellDefined(order, 5, "b_city"), true);
  assertEquals(seenBefore(order, 2), ["c_city", "univ"]);
  assertThrows(() => cellDefined(["b_date"], 0, "univ"), "not in the entry");
});

Deno.test("pProbe: a real GPT, masking on permuted entries, no leak, deterministic", () => {
  const model = smallGpt();
  const before = tf.memory().numTensors;
  const tasks = [month, { attribute: "c_city", target: "whole_attribute" } as const];
  const run = () => pProbe(model, permuted, { steps: 3, batchSize: 8, tasks, seed: 5 });
  const a = run();
  // The model caches its rotary tables and mask per sequence length (7 tensors for one length);
  // a second run at the same lengths must add nothing.
  const cached = tf.memory().numTensors;
  assert(cached - before <= 7 * 3, `${cached - before} tensors left by the first run`);
  const b = run();
  assertEquals(tf.memory().numTensors, cached);
  assertEquals(a.cells, b.cells);
  assertEquals(a.items, b.items);
  assert(a.items.some((it) => it.order.join() !== ATTRIBUTES.join()), "entries are permuted");
  for (const it of a.items) {
    for (const t of tasks) {
      it.correct[`${t.target}/${t.attribute}`].forEach((c, i) =>
        assertEquals(c === null, it.order.indexOf(t.attribute) < i)
      );
    }
  }
  const c0 = a.cells.find((c) => c.task === "first_token/b_date" && c.position === 0)!;
  assertEquals(c0.n, a.nTest);
  const c5 = a.cells.find((c) => c.task === "first_token/b_date" && c.position === 5)!;
  assertEquals(c5.n, a.items.filter((it) => it.order[5] === "b_date").length);
  assertEquals(a.nTrain + a.nTest, 40);
  assertEquals(a.dropout, false); // createGPT's default dropout is 0
  // Rank 0 takes the precomputed-feature path: same guarantees.
  const r0 = () => pProbe(model, permuted, { steps: 3, batchSize: 8, tasks, seed: 5, rank: 0 });
  const z = r0();
  assertEquals(tf.memory().numTensors, cached);
  assertEquals(r0().cells, z.cells);
  assertEquals(z.trainableParams, a.trainableParams - 2 * (model.config.vocabSize * 2 + 2 * 32));
  model.dispose();
});

Deno.test("pProbe: linearly coded features are learned; shuffled ones stay near the baseline", () => {
  const ds = generateDataset({ config: "single+permute5", people: 240, seed: 4 });
  // A larger lr than the paper's so that the test is short.
  const opts = { tasks: [month], steps: 120, batchSize: 50, seed: 2, lr: 1e-2 };
  const good = pProbe(new CodedModel(ds, month), ds, opts);
  for (const c of good.cells) {
    assert(c.accuracy !== null && c.accuracy >= 95, `position ${c.position}: ${c.accuracy}`);
  }
  const bad = pProbe(new CodedModel(ds, month, { shuffle: 9 }), ds, opts);
  const base = bad.tasks[0].baseline;
  for (const c of bad.cells) {
    assert(
      c.n < 10 || c.accuracy! <= base + 20,
      `position ${c.position}: ${c.accuracy} vs ${base}`,
    );
  }
});

Deno.test("vennBreakdown: groups defined cells by the other attributes seen", () => {
  const result = {
    tasks: [{
      task: "first_token/b_city",
      attribute: "b_city",
      target: "first_token",
      classes: 2,
      baseline: 50,
    }],
    items: [
      {
        personId: 0,
        order: ["b_date", "b_city", "univ", "major", "c_name", "c_city"],
        correct: { "first_token/b_city": [0, 1, null, null, null, null] },
      },
      {
        personId: 1,
        order: ["univ", "major", "b_city", "b_date", "c_name", "c_city"],
        correct: { "first_token/b_city": [1, 1, 1, null, null, null] },
      },
    ],
  } as unknown as PProbeResult;
  assertEquals(vennBreakdown(result, "b_city"), [
    { seen: [], accuracy: 50, n: 2 },
    { seen: ["b_date"], accuracy: 100, n: 1 },
    { seen: ["univ"], accuracy: 100, n: 1 },
    { seen: ["univ", "major"], accuracy: 100, n: 1 },
  ]);
  assertThrows(() => vennBreakdown(result, "major"), "no task");
});

Deno.test("pProbe: the readout classifier reads classes the probe never saw in training", () => {
  // 40 people, ~100 university first tokens: most test classes never occur among the 20 P_train
  // people, so a fresh linear layer cannot name them; the readout classifier already can.
  const ds = generateDataset({ config: "single", people: 40, seed: 5 });
  const univ = { attribute: "univ" as const, target: "first_token" as const };
  const model = new CodedModel(ds, univ, { readout: true, noise: 0.1 });
  const opts = { tasks: [univ], steps: 60, batchSize: 20, seed: 1, rank: 0, lr: 1e-2 };
  const acc = (r: ReturnType<typeof pProbe>) =>
    r.cells.filter((c) => c.accuracy !== null).reduce((a, c) => a + c.accuracy!, 0) /
    r.cells.filter((c) => c.accuracy !== null).length;
  const linear = pProbe(model, ds, opts);
  const readout = pProbe(model, ds, { ...opts, classifier: "readout" });
  assertEquals([linear.classifier, readout.classifier], ["linear", "readout"]);
  assert(acc(readout) >= 90, `readout ${acc(readout)}`);
  assert(acc(linear) <= acc(readout) - 30, `linear ${acc(linear)} vs readout ${acc(readout)}`);
  model.params!.wte.dispose();
});
