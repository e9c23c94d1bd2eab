import * as tf from "@tensorflow/tfjs-core";
import { generateDataset } from "../data/dataset.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import {
  majorityBaseline,
  PROBE_TASKS,
  ProbeHeads,
  taskLabels,
  taskName,
  validateTasks,
  weightedCrossEntropy,
} from "./head.ts";
import { useBackend } from "./_test_utils.ts";

await useBackend();

Deno.test("PROBE_TASKS: six first-token tasks and five whole-attribute tasks", () => {
  assertEquals(PROBE_TASKS.length, 11);
  assertEquals(PROBE_TASKS.filter((t) => t.target === "first_token").length, 6);
  assert(!PROBE_TASKS.some((t) => t.target === "whole_attribute" && t.attribute === "b_date"));
  validateTasks(PROBE_TASKS);
  assertThrows(() => validateTasks([{ attribute: "b_date", target: "whole_attribute" }]), "b_date");
  assertThrows(() => validateTasks([PROBE_TASKS[0], PROBE_TASKS[0]]), "duplicate");
  assertThrows(() => validateTasks([]), "empty");
});

Deno.test("taskLabels: birth month for b_date, first token, whole value", () => {
  const ds = generateDataset({ config: "single", people: 60, seed: 1 });
  const month = taskLabels(ds.people, ds.vocab, { attribute: "b_date", target: "first_token" });
  assert(month.classes.length <= 12);
  for (const p of ds.people) assertEquals(month.classes[month.labelOf.get(p.id)!], p.birthMonth);
  const city = taskLabels(ds.people, ds.vocab, { attribute: "b_city", target: "whole_attribute" });
  assertEquals(city.classes.length, new Set(ds.people.map((p) => p.values.b_city)).size);
  const univ = taskLabels(ds.people, ds.vocab, { attribute: "univ", target: "first_token" });
  const p = ds.people[0];
  assertEquals(
    univ.classes[univ.labelOf.get(p.id)!],
    String(ds.vocab.encode(" " + p.values.univ)[0]),
  );
  assertEquals(taskName(univ.task), "first_token/univ");
});

Deno.test("majorityBaseline: share of the train majority among test labels", () => {
  assertEquals(majorityBaseline([1, 1, 2], [1, 2, 2, 2]), 25);
  assertEquals(majorityBaseline([3, 2], [2, 3]), 50); // tie -> smallest class
  assert(Number.isNaN(majorityBaseline([1], [])));
});

Deno.test("weightedCrossEntropy: masked mean of -log softmax", () => {
  const logits = tf.tensor2d([[0, 1, 2], [2, 0, 0], [5, 5, 5]]);
  const loss = weightedCrossEntropy(
    logits,
    Int32Array.from([2, 0, 99]),
    Float32Array.from([1, 1, 0]),
  );
  const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
  const want = ((lse([0, 1, 2]) - 2) + (lse([2, 0, 0]) - 2)) / 2;
  assertAlmostEquals(loss.dataSync()[0], want, 1e-5);
  assertEquals(
    Math.abs(weightedCrossEntropy(logits, new Int32Array(3), new Float32Array(3)).dataSync()[0]),
    0,
  );
  tf.dispose([logits, loss]);
});

Deno.test("ProbeHeads: BatchNorm uses batch statistics in training, running ones at test", () => {
  const before = tf.memory().numTensors;
  const heads = new ProbeHeads([3], {
    vocabSize: 5,
    dModel: 4,
    rank: 2,
    norm: "batchnorm",
    seed: 1,
  });
  assertEquals(heads.numParams(0), 5 * 2 + 2 * 4 + 4 + 4 + 4 * 3 + 3);
  const x = tf.tensor2d([[10, 0, 0, 1], [12, 1, 0, 3], [14, 2, 1, 5]]);
  const train = tf.tidy(() => heads.logits(0, x, true).arraySync());
  heads.commitStats();
  const test = tf.tidy(() => heads.logits(0, x, false).arraySync());
  assert(Math.abs(train[0][0] - test[0][0]) > 1e-3);
  // A at zero: the embedding update starts as the identity.
  assertEquals(Math.max(...heads.heads[0].A!.dataSync()), 0);
  x.dispose();
  heads.dispose();
  assertEquals(tf.memory().numTensors, before);
});
