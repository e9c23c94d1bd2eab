/**
 * The fused kernels (GELU, layer norm, rotary, AdamW) on "wasm" against the op-by-op form on the
 * stock CPU backend: values and gradients, odd sizes (vector tails), batch 1, no leaks.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installKernels } from "./mod.ts";
import { fusedOps } from "./fused.ts";
import { assertClose, rand, valueAndGrads } from "./testing.ts";
import { gelu, lmHeadLoss } from "../gpt.ts";
import { AdamW } from "../../train/optimizer.ts";
import { assert, assertEquals, assertThrows } from "../../util/assert.ts";

// Directly, not through initBackend, so PLM_BACKEND / PLM_FUSED cannot redirect these tests.
await tf.setBackend("wasm");
installKernels("wasm");

Deno.test("fusedOps: present on wasm with our kernels, absent on cpu", () => {
  tf.setBackend("cpu");
  assertEquals(fusedOps(), undefined);
  tf.setBackend("wasm");
  assert(fusedOps() !== undefined);
});

Deno.test("fused GELU matches the op-by-op form on CPU, value and gradient", () => {
  for (const n of [1, 3, 4, 7, 64, 1003]) {
    assertClose([rand([n], n)], valueAndGrads((x) => gelu(tf.mul(x, 4))));
  }
  assertClose([rand([2, 3, 5])], valueAndGrads((x) => gelu(tf.mul(x, 6))));
});

/** Layer norm: fused where available, else GPT-2's op-by-op form (as lib/model/gpt.ts). */
function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps = 1e-5): tf.Tensor {
  const fused = fusedOps();
  if (fused) return fused.layerNorm(x, g, b, eps);
  const xc = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), g), b);
}

Deno.test("fused layer norm matches the op-by-op form on CPU, value and all gradients", () => {
  for (const shape of [[1, 1], [1, 5], [3, 5], [2, 7, 9], [4, 128], [6, 33]]) {
    const d = shape[shape.length - 1];
    assertClose(
      [rand(shape), rand([d]), rand([d])],
      valueAndGrads((x, g, b) => layerNorm(tf.mul(x, 3), g, b)),
    );
  }
  tf.setBackend("wasm");
  assertThrows(() => layerNorm(tf.ones([2, 4]), tf.ones([3]), tf.ones([3])), "gain");
});

/** Rotary with tables cos, sin [T*H*hd]: fused where available, else slices and concats. */
function rotary(x: tf.Tensor4D, cos: tf.Tensor, sin: tf.Tensor, rd: number): tf.Tensor {
  const [B, T, H, hd] = x.shape;
  const fused = fusedOps();
  if (fused) return fused.rotary(tf.reshape(x, [B, T * H * hd]), cos, sin, hd, rd);
  const half = rd / 2;
  const part = (from: number, size: number) => tf.slice(x, [0, 0, 0, from], [B, T, H, size]);
  const parts = [tf.neg(part(half, half)), part(0, half)];
  if (hd > rd) parts.push(tf.zeros([B, T, H, hd - rd]));
  const rotated = tf.reshape(tf.concat(parts, 3), [B, T * H * hd]);
  const flat = tf.reshape(x, [B, T * H * hd]);
  return tf.add(tf.mul(flat, cos), tf.mul(rotated, sin));
}

Deno.test("fused rotary matches the op-by-op form on CPU, value and gradient", () => {
  // (heads, head dim, rotary dims): a quarter of 32, a third of 12, odd halves, all dims.
  const shapes = [[4, 32, 8], [2, 12, 4], [1, 6, 2], [3, 10, 6], [2, 16, 16]];
  for (const [H, hd, rd] of shapes) {
    for (const [B, T] of [[1, 1], [1, 5], [3, 4]]) {
      const table = [T * H * hd];
      assertClose(
        [rand([B, T, H, hd]), rand(table), rand(table)],
        (x, cos, sin) => {
          // The tables are constants of the model: the gradient is taken for x only.
          const f = (y: tf.Tensor) => rotary(y as tf.Tensor4D, cos, sin, rd);
          const r = tf.tensor(rand([B, T * H * hd], 7).values, [B, T * H * hd]);
          return [f(x), tf.grad((y: tf.Tensor) => tf.sum(tf.mul(f(y), r)))(x)];
        },
      );
    }
  }
  tf.setBackend("wasm");
  assertThrows(
    () => rotary(tf.ones([1, 2, 2, 4]) as tf.Tensor4D, tf.ones([6]), tf.ones([6]), 2),
    "tables",
  );
});

Deno.test("fused LM-head gradient matches the op-by-op form on CPU (masks, padding ids)", () => {
  for (const [N, V, d] of [[1, 1, 1], [5, 7, 3], [9, 33, 8]]) {
    const targets = new Int32Array(N).map((_, i) => (i * 5) % V);
    const mask = new Float32Array(N).map((_, i) => (i % 4 === 3 ? 0 : 1 + (i % 3)));
    if (N > 1) targets[N - 1] = -1; // padding at a masked position
    if (N > 1) mask[N - 1] = 0;
    assertClose(
      [rand([N, d]), rand([V, d])],
      valueAndGrads((h, w) =>
        tf.mul(lmHeadLoss(tf.mul(h, 3) as tf.Tensor2D, w as tf.Tensor2D, targets, mask), 1.5)
      ),
    );
  }
  tf.setBackend("wasm");
  const ops = fusedOps()!;
  tf.tidy(() => {
    const probs = tf.ones([2, 3]), w = tf.ones([2]), dy = tf.scalar(1);
    assertThrows(() => ops.xentGrad(probs, tf.tensor1d([0, 3], "int32"), w, dy), "outside");
  });
});

/** Three AdamW steps on fixed gradients; returns parameters and norms. */
function adamSteps(backend: string, clip: number) {
  tf.setBackend(backend);
  const vars = tf.tidy(() => [
    tf.variable(tf.tensor(rand([7, 5], 3).values, [7, 5])), // decayed
    tf.variable(tf.tensor(rand([5], 4).values, [5])), // not decayed
    tf.variable(tf.tensor(rand([3, 3, 2], 5).values, [3, 3, 2])),
  ]);
  const opt = new AdamW(vars, { clip, weightDecay: 0.1 });
  const norms: number[] = [];
  for (let s = 0; s < 3; s++) {
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {};
      vars.forEach((v, i) => {
        grads[v.name] = tf.tensor(rand(v.shape, 10 * s + i).values, v.shape);
      });
      norms.push(opt.apply(grads, 1e-2).dataSync()[0]);
    });
  }
  const out = { params: vars.map((v) => Array.from(v.dataSync())), norms };
  opt.dispose();
  tf.dispose(vars);
  return out;
}

Deno.test("fused AdamW matches the op-by-op update on CPU: clipped, unclipped, decay", () => {
  for (const clip of [0, 0.5, 100]) {
    const want = adamSteps("cpu", clip);
    const before = tf.memory().numTensors;
    const got = adamSteps("wasm", clip);
    assertEquals(tf.memory().numTensors, before, "tensors leaked");
    for (let s = 0; s < 3; s++) {
      assert(Math.abs(got.norms[s] - want.norms[s]) < 1e-5 * want.norms[s], `norm ${s}`);
    }
    want.params.forEach((p, i) => {
      p.forEach((w, j) => {
        const g = got.params[i][j];
        assert(
          Math.abs(g - w) < 1e-6 * (1 + Math.abs(w)),
          `clip ${clip} param ${i}[${j}]: ${g} vs ${w}`,
        );
      });
    });
  }
});
