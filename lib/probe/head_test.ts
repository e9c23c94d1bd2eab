import * as tf from "@tensorflow/tfjs-core";
import { generateDataset } from "../data/dataset.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import {
  majorityBaseline,
  PROBE_TASKS,
  ProbeHeads,
  readoutTables,
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

Deno.test("readoutTables: first-token tasks read the output embedding of each class's token", () => {
  const ds = generateDataset({ config: "single", people: 40, seed: 2 });
  const d = 8, V = ds.vocab.size;
  const wte = tf.variable(tf.randomNormal([V, d], 0, 1, "float32", 3), false);
  const model = {
    config: { dModel: d } as never,
    hidden: () => tf.zeros([1, 1, d]) as never,
    params: { wte },
  };
  const tasks = [
    { attribute: "univ" as const, target: "first_token" as const },
    { attribute: "b_date" as const, target: "first_token" as const },
    { attribute: "univ" as const, target: "whole_attribute" as const },
  ];
  const labels = tasks.map((t) => taskLabels(ds.people, ds.vocab, t));
  assertEquals(readoutTables(model, labels, ds.vocab, "linear"), [undefined, undefined, undefined]);
  const [univ, month, whole] = readoutTables(model, labels, ds.vocab, "readout");
  assertEquals(whole, undefined);
  assertEquals(univ!.shape, [d, labels[0].classes.length]);
  const table = wte.arraySync() as number[][];
  const cols = univ!.transpose().arraySync() as number[][];
  labels[0].classes.forEach((k, c) => assertEquals(cols[c], table[Number(k)]));
  const mcols = month!.transpose().arraySync() as number[][];
  labels[1].classes.forEach((m, c) => assertEquals(mcols[c], table[ds.vocab.encode(" " + m)[0]]));
  assertThrows(
    () => readoutTables(model, labels, ds.vocab, "mlp" as never),
    "allowed: linear, readout",
  );
  assertThrows(
    () => readoutTables({ ...model, params: undefined }, labels, ds.vocab, "readout"),
    "params.wte",
  );
  tf.dispose([univ!, month!, wte]);
});

Deno.test("ProbeHeads: a readout head starts as the model's own readout (no second norm)", () => {
  const before = tf.memory().numTensors;
  const R = tf.tensor2d([[1, 0, 2], [0, 1, -1], [3, 0, 0], [0, 2, 1]]); // [d=4, M=3]
  const heads = new ProbeHeads([3, 2], {
    vocabSize: 5,
    dModel: 4,
    rank: 0,
    norm: "layernorm",
    seed: 1,
    readout: [R, undefined],
  });
  R.dispose(); // the heads keep their own copy
  // Readout: D and b only; linear: the norm's affine map, W and b.
  assertEquals(heads.numParams(0), 4 * 4 + 3);
  assertEquals(heads.numParams(1), 4 + 4 + 4 * 2 + 2);
  assert(heads.heads[0].W === undefined && heads.heads[0].gamma === undefined);
  const x = tf.tensor2d([[1, 2, 3, 4], [0, -1, 5, 2]]);
  // The state is read as the model's tied head reads it: logits = x R exactly.
  const got = tf.tidy(() => heads.logits(0, x, true).arraySync());
  const want = tf.tidy(() => tf.matMul(x, heads.heads[0].R!).arraySync() as number[][]);
  assertEquals(got, want);
  assertThrows(
    () =>
      new ProbeHeads([2], {
        vocabSize: 5,
        dModel: 4,
        rank: 0,
        norm: "layernorm",
        seed: 1,
        readout: [x],
      }),
    "expected [4, 2]",
  );
  x.dispose();
  heads.dispose();
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("ProbeHeads: a classifier per row computes what separate classifiers would", () => {
  const before = tf.memory().numTensors;
  const K = 3, d = 4, B = 2;
  const R = tf.tensor2d([[1, 0, 2], [0, 1, -1], [3, 0, 0], [0, 2, 1]]);
  const opts = { vocabSize: 5, dModel: d, rank: 0, norm: "layernorm" as const, seed: 2 };
  const perRow = new ProbeHeads([3, 3], { ...opts, readout: [R, undefined], rows: K });
  R.dispose();
  assertEquals(perRow.numParams(0), K * (d * d + 3));
  assertEquals(perRow.numParams(1), K * (2 * d + d * 3 + 3));
  // Give every row's parameters distinct values, then compare with a plain computation.
  tf.tidy(() => {
    const h = perRow.heads;
    h[0].D!.assign(tf.randomNormal([K, d, d], 0, 0.3, "float32", 5));
    h[0].b.assign(tf.randomNormal([K, 3], 0, 1, "float32", 6));
    h[1].gamma!.assign(tf.randomNormal([K, d], 1, 0.3, "float32", 7));
    h[1].beta!.assign(tf.randomNormal([K, d], 0, 0.3, "float32", 8));
  });
  const x = tf.randomNormal([B * K, d], 0, 1, "float32", 9) as tf.Tensor2D; // item-major rows
  for (const t of [0, 1]) {
    const got = tf.tidy(() => perRow.logits(t, x, true).arraySync());
    const h = perRow.heads[t];
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const want = tf.tidy(() => {
          const row = tf.slice(x, [b * K + k, 0], [1, d]) as tf.Tensor2D;
          const at = <T extends tf.Tensor>(v: tf.Tensor) =>
            tf.squeeze(tf.slice(v, [k], [1]), [0]) as T;
          if (t === 0) {
            const z = tf.add(row, tf.matMul(row, at<tf.Tensor2D>(h.D!)));
            return tf.add(tf.matMul(z, h.R!), at(h.b)).arraySync() as number[][];
          }
          const { mean, variance } = tf.moments(row, -1, true);
          const y = tf.div(tf.sub(row, mean), tf.sqrt(tf.add(variance, 1e-5)));
          const ya = tf.add(tf.mul(y, at(h.gamma!)), at(h.beta!)) as tf.Tensor2D;
          return tf.add(tf.matMul(ya, at<tf.Tensor2D>(h.W!)), at(h.b)).arraySync() as number[][];
        });
        want[0].forEach((v, m) => assertAlmostEquals(got[b * K + k][m], v, 1e-5));
      }
    }
  }
  const four = tf.zeros([4, d]) as tf.Tensor2D;
  assertThrows(() => perRow.logits(0, four, true), "items of 3 rows");
  four.dispose();
  assertThrows(
    () => new ProbeHeads([2], { ...opts, norm: "batchnorm", rows: 2 }),
    "layernorm only",
  );
  x.dispose();
  perRow.dispose();
  assertEquals(tf.memory().numTensors, before);
});
