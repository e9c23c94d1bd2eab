/**
 * Helpers for the kernel tests: deterministic random operands, and a comparison of what a
 * function computes on the WASM backend (with whatever kernels are registered) against the stock
 * CPU backend.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals } from "../../util/assert.ts";

/** One input of a compared function: shape, values and dtype (float32 unless given). */
export type Spec = { shape: number[]; values: Float32Array | Int32Array; dtype?: "int32" };

let seed = 1;

/** Uniform values in [-1, 1) from a linear congruential stream; `fixedSeed` restarts it. */
export function rand(shape: number[], fixedSeed?: number): Spec & { values: Float32Array } {
  if (fixedSeed !== undefined) seed = fixedSeed;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values[i] = seed / 1073741824 - 1;
  }
  return { shape, values };
}

/** Runs `fn` on fresh tensors under `backend`, returning every output as a flat array. */
export function runOn(
  backend: string,
  specs: Spec[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor[],
): { shape: number[]; data: number[] }[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = specs.map((s) => tf.tensor(s.values, s.shape, s.dtype ?? "float32"));
    return fn(...xs).map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) }));
  });
}

/**
 * Asserts that `fn` gives the same outputs on "wasm" as on "cpu" within `tol` (relative to
 * 1 + |expected|), and that the wasm run leaves no tensor behind.
 */
export function assertClose(specs: Spec[], fn: (...xs: tf.Tensor[]) => tf.Tensor[], tol = 1e-4) {
  const want = runOn("cpu", specs, fn);
  const before = tf.memory().numTensors;
  const got = runOn("wasm", specs, fn);
  assertEquals(tf.memory().numTensors, before, "tensors leaked");
  assertEquals(got.length, want.length);
  for (let o = 0; o < got.length; o++) {
    assertEquals(got[o].shape, want[o].shape, `output ${o} shape`);
    for (let i = 0; i < want[o].data.length; i++) {
      const w = want[o].data[i], g = got[o].data[i];
      assert(
        Math.abs(w - g) <= tol * (1 + Math.abs(w)),
        `output ${o}[${i}]: wasm ${g} vs cpu ${w}`,
      );
    }
  }
}

/** Value and gradients (w.r.t. every float input) of sum(f(xs) * r) for a fixed random r. */
export function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor) {
  return (...xs: tf.Tensor[]): tf.Tensor[] => {
    const y = f(...xs);
    // The same weights on both backends.
    const r = tf.tensor(rand(y.shape, 7).values, y.shape);
    const floats = xs.filter((x) => x.dtype === "float32");
    const g = tf.grads((...fs: tf.Tensor[]) => {
      let k = 0;
      const args = xs.map((x) => (x.dtype === "float32" ? fs[k++] : x));
      return tf.sum(tf.mul(f(...args), r));
    })(floats);
    return [y, ...g];
  };
}
