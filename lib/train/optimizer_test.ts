import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { AdamW } from "./optimizer.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";

await tf.setBackend("cpu");

/** The PyTorch AdamW formula in float64, for one scalar. */
function reference(
  x0: number,
  steps: number,
  o: { lr: number; wd: number; b1: number; b2: number; eps: number },
) {
  let x = x0, m = 0, v = 0;
  for (let t = 1; t <= steps; t++) {
    const g = x; // gradient of x^2 / 2
    m = o.b1 * m + (1 - o.b1) * g;
    v = o.b2 * v + (1 - o.b2) * g * g;
    const denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(o.b2, t)) + o.eps;
    x = x * (1 - o.lr * o.wd) - (o.lr / (1 - Math.pow(o.b1, t))) * (m / denom);
  }
  return x;
}

Deno.test("AdamW on a quadratic matches the hand-computed PyTorch formula", () => {
  const w = tf.variable(tf.tensor2d([[1.5, -2, 0.3]]), true, "opt_test_w"); // rank 2: decayed
  const b = tf.variable(tf.tensor1d([0.7]), true, "opt_test_b"); // rank 1: not decayed
  const opt = new AdamW([w, b], { weightDecay: 0.1, clip: 0 });
  const lr = 0.05;
  for (let i = 0; i < 5; i++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.mul(tf.add(tf.sum(tf.square(w)), tf.sum(tf.square(b))), 0.5) as tf.Scalar,
        [w, b],
      );
      opt.apply(grads, lr);
    });
  }
  const o = { lr, wd: 0.1, b1: 0.9, b2: 0.98, eps: 1e-6 };
  const got = w.dataSync();
  [1.5, -2, 0.3].forEach((x0, i) => assertAlmostEquals(got[i], reference(x0, 5, o), 1e-6));
  assertAlmostEquals(b.dataSync()[0], reference(0.7, 5, { ...o, wd: 0 }), 1e-6);
  assertEquals(opt.step, 5);
  opt.dispose();
  tf.dispose([w, b]);
});

Deno.test("AdamW: global-norm clipping, returned norm, state round trip", () => {
  const w = tf.variable(tf.tensor2d([[0, 0]]), true, "opt_test_w2");
  const opt = new AdamW([w], { clip: 1 });
  const norm = tf.tidy(() => opt.apply({ [w.name]: tf.tensor2d([[3, 4]]) }, 0.1));
  assertAlmostEquals(norm.dataSync()[0], 5, 1e-6);
  const st = opt.getState();
  // m = (1 - beta1) * g * clip / norm
  assertAlmostEquals(st.slots[0].m[0], 0.1 * 3 / 5, 1e-6);
  assertAlmostEquals(st.slots[0].m[1], 0.1 * 4 / 5, 1e-6);
  const opt2 = new AdamW([w]);
  opt2.setState(st);
  assertEquals(opt2.getState(), st);
  const other = tf.variable(tf.zeros([3]), true, "opt_test_other");
  assertThrows(() => new AdamW([other]).setState(st), "has shape [1,2]");
  assertThrows(() => new AdamW([w], { beta2: 1 }), "AdamW.beta2");
  tf.dispose([norm, w, other]);
  opt.dispose();
  opt2.dispose();
});
