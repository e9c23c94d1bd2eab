/**
 * Every kernel we register on "wasm" against the stock CPU backend: values and gradients of
 * small random problems.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installKernels } from "./mod.ts";
import { assert, assertEquals, assertThrows } from "../../util/assert.ts";
import { assertClose, rand, valueAndGrads } from "./testing.ts";
import { leadingAxes } from "./sum.ts";
import { preferSwapped } from "./batch_mat_mul.ts";

// Directly, not through initBackend, so PLM_BACKEND in the environment cannot redirect it.
await tf.setBackend("wasm");
installKernels("wasm");

Deno.test("BatchMatMul matches CPU: 2-D, transposes, batches, broadcasting", () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [7, 3], false, false], // flattened onto one product
    [[4, 5, 7], [3, 7], false, true],
    [[4, 7, 5], [4, 7, 3], true, false],
    [[4, 5, 7], [4, 3, 7], false, true],
    [[5, 7], [4, 7, 3], false, false], // A broadcast over B's batch
    [[2, 3, 7, 5], [3, 6, 7], true, true],
    [[1, 5, 7], [1, 7, 3], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb);
    // TF.js's own matMul gradient cannot reduce broadcast batch dims (it fails on CPU too),
    // so those cases check values only. Models must reshape [B,T,D]x[D,N] to 2-D.
    const sameBatch = sa.slice(0, -2).join() === sb.slice(0, -2).join();
    assertClose([rand(sa), rand(sb)], sameBatch ? valueAndGrads(f) : (a, b) => [f(a, b)]);
  }
});

Deno.test("BatchMatMul swapped path (C^T = B'A') matches CPU for every transpose combination", () => {
  // Short outputs over a long inner dimension: packing A's side is cheaper, so these swap.
  assert(preferSwapped(5, 40, 30, true, false));
  assert(preferSwapped(4096, 128, 3082, false, true) === false); // the LM head: direct
  assert(preferSwapped(128, 4096, 3082, true, false)); // its weight gradient: swapped
  assert(preferSwapped(128, 4096, 128, true, false)); // near-tie with A transposed: swapped
  assert(preferSwapped(512, 4096, 128, true, false) === false);
  const cases: [number[], number[], boolean, boolean][] = [
    [[40, 5], [40, 30], true, false],
    [[5, 40], [40, 30], false, false],
    [[5, 40], [30, 40], false, true],
    [[40, 5], [30, 40], true, true],
    [[2, 3, 40], [40, 30], false, false], // batched rows of A over one B
    [[2, 3, 40], [30, 40], false, true],
    [[33, 7], [33, 65], true, false], // sizes off the 32-element transpose blocks
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const size = sa.reduce((x, y) => x * y, 1), last = sa[sa.length - 1];
    const rows = ta ? last : size / last;
    const k = tb ? sb[1] : sb[0], n = tb ? sb[0] : sb[1];
    assert(preferSwapped(rows, k, n, ta, tb), `[${sa}] x [${sb}] should take the swapped path`);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb);
    // TF.js's matMul gradient cannot reduce a rank-3 x rank-2 batch: values only there.
    assertClose([rand(sa), rand(sb)], sa.length === 2 ? valueAndGrads(f) : (a, b) => [f(a, b)]);
  }
});

Deno.test("BatchMatMul broadcasts batch dims of both operands", () => {
  // TF.js's CPU kernel gets this case wrong (flat modulo indexing), so the reference is the
  // same product on explicitly tiled operands.
  tf.setBackend("wasm");
  tf.tidy(() => {
    const a = tf.tensor(rand([2, 1, 5, 7]).values, [2, 1, 5, 7]);
    const b = tf.tensor(rand([1, 3, 7, 6]).values, [1, 3, 7, 6]);
    const want = tf.matMul(tf.tile(a, [1, 3, 1, 1]), tf.tile(b, [2, 1, 1, 1]));
    const got = tf.matMul(a, b);
    assertEquals(got.shape, [2, 3, 5, 6]);
    assert(tf.max(tf.abs(tf.sub(want, got))).dataSync()[0] < 1e-5);
  });
});

Deno.test("BatchMatMul handles empty products and rejects bad shapes", () => {
  assertClose([rand([3, 0]), rand([0, 4])], (a, b) => [tf.matMul(a, b)]);
  tf.setBackend("wasm");
  assertThrows(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), "inner");
});

Deno.test("GatherV2 and its gradient (UnsortedSegmentSum) match CPU", () => {
  const ids = {
    shape: [2, 4],
    values: new Int32Array([1, 3, 3, 0, 9, 1, 1, 1]),
    dtype: "int32" as const,
  };
  assertClose([rand([10, 6]), ids], valueAndGrads((t, i) => tf.gather(t, i)));
  assertClose([rand([10, 3, 2]), ids], valueAndGrads((t, i) => tf.gather(t, i)));
  // Inner axes: short rows (element loop) and long rows (row copies).
  assertClose([rand([3, 10]), ids], valueAndGrads((t, i) => tf.gather(t, i, 1)));
  assertClose([rand([2, 10, 16]), ids], valueAndGrads((t, i) => tf.gather(t, i, 1)));
  const perm = {
    shape: [8],
    values: new Int32Array([2, 3, 0, 1, 4, 5, 6, 7]),
    dtype: "int32" as const,
  };
  assertClose([rand([2, 3, 8]), perm], valueAndGrads((t, i) => tf.gather(t, i, 2)));
  assertClose([rand([2, 3, 8]), perm], valueAndGrads((t, i) => tf.gather(t, i, -1)));
  // int32 table
  assertClose(
    [{ shape: [4, 2], values: new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]), dtype: "int32" }, ids],
    (t, i) => [tf.gather(t, tf.minimum(i, tf.scalar(3, "int32")))],
  );
  tf.setBackend("wasm");
  assertThrows(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], "int32")), "not in [0, 2]");
});

Deno.test("UnsortedSegmentSum matches a direct sum and drops out-of-range ids", () => {
  tf.setBackend("wasm");
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
  const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 0], "int32"), 3);
  assertEquals(Array.from(out.dataSync()), [10, 12, 0, 0, 6, 8]);
  tf.dispose([x, out]);
});

Deno.test("Sum over leading axes matches CPU; other axes fall back", () => {
  for (const axis of [0, [0, 1], [1, 0], -3, [0, 1, 2], 1, [1, 2], -1]) {
    for (const keepDims of [false, true]) {
      assertClose([rand([4, 5, 3])], valueAndGrads((x) => tf.sum(x, axis, keepDims)));
    }
  }
  assertClose(
    [{ shape: [2, 3], values: new Int32Array([1, 2, 3, 4, 5, 6]), dtype: "int32" }],
    (x) => [tf.sum(x, 0)],
  );
  assertEquals(leadingAxes([1, 0], 3), 2);
  assertEquals(leadingAxes([0, 2], 3), -1);
  assertEquals(leadingAxes([0, 1, 2], 3), -1);
});

Deno.test("Identity and Cast share buffers safely", () => {
  tf.setBackend("wasm");
  const x = tf.tensor1d([1.5, -2, 3]);
  const c = tf.clone(x), same = tf.cast(x, "float32"), i = tf.cast(x, "int32");
  x.dispose();
  assertEquals(Array.from(c.dataSync()), [1.5, -2, 3]);
  assertEquals(Array.from(same.dataSync()), [1.5, -2, 3]);
  assertEquals(Array.from(i.dataSync()), [1, -2, 3]);
  const b = tf.cast(tf.tensor1d([0, 0.5, 2]), "bool");
  assertEquals(Array.from(b.dataSync()), [0, 1, 1]);
  tf.dispose([c, same, i, b]);
  const v = tf.variable(tf.tensor1d([1, 2]));
  const snap = tf.clone(v);
  v.assign(tf.tensor1d([5, 6]));
  assertEquals(Array.from(snap.dataSync()), [1, 2], "a clone must not follow the variable");
  tf.dispose([v, snap]);
});
