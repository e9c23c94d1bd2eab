/**
 * The OpenBLAS `BatchMatMul` against the stock CPU backend (values and gradients, every
 * orientation, odd shapes, batch 1, broadcasting), a heap that grows between calls, and a short
 * training run against plain WASM. Skipped, with a message, where OpenBLAS cannot be loaded.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { installKernels } from "./mod.ts";
import { wasmBatchMatMulConfig } from "./batch_mat_mul.ts";
import { type Blas, blasCandidates, loadBlas, openBlas, preferredCoreType } from "./blas.ts";
import { assertClose, rand, runOn, valueAndGrads } from "./testing.ts";
import { fusedOps } from "./fused.ts";
import type { WasmBackend } from "./wasm_internals.ts";
import { createGPT, gptConfig } from "../gpt.ts";
import { trainSteps } from "../../train/loop.ts";
import { Rng } from "../../util/rng.ts";
import type { Batch } from "../../contracts.ts";
import { assert, assertEquals, assertThrows } from "../../util/assert.ts";

// Directly, not through initBackend, so PLM_BACKEND / PLM_BLAS cannot redirect these tests.
await tf.setBackend("wasm");

let blas: Blas | undefined;
try {
  blas = loadBlas({ threads: 2 });
} catch (e) {
  console.warn(`blas_test: skipping the OpenBLAS tests: ${(e as Error).message}`);
}
const ignore = blas === undefined;

/** Registers the BLAS products (`on`) or the XNNPACK ones on the wasm backend. */
function useBlas(on: boolean, threads = 2): void {
  installKernels("wasm", { blas: on && blas ? { lib: blas, threads } : undefined });
  const fn = tf.getKernel("BatchMatMul", "wasm")?.kernelFunc;
  assertEquals(fn === wasmBatchMatMulConfig.kernelFunc, !on, `BLAS products ${on ? "on" : "off"}`);
}

Deno.test("openBlas: a missing library is an error naming it and how to install", () => {
  const err = assertThrows(() => openBlas(["/nonexistent/libopenblas.so.0"]), "not found");
  assert(err.message.includes("/nonexistent/libopenblas.so.0"), err.message);
  assert(err.message.includes("libopenblas0-pthread"), err.message);
  assertEquals(blasCandidates((k) => (k === "PLM_BLAS_LIB" ? "/x/lib.so" : undefined)), [
    "/x/lib.so",
  ]);
  assert(blasCandidates(() => undefined)[0].includes("openblas-pthread"));
});

Deno.test("preferredCoreType: AVX-512 kernels where the CPU has their subsets", () => {
  const avx512 = ["fma", "avx2", "avx512f", "avx512dq", "avx512bw", "avx512vl"];
  assertEquals(
    preferredCoreType(avx512),
    Deno.build.arch === "x86_64" ? "SkylakeX" : undefined,
  );
  assertEquals(preferredCoreType(["fma", "avx2", "avx512f"]), undefined);
  assertEquals(preferredCoreType([]), undefined);
});

Deno.test({
  name: "BLAS BatchMatMul matches CPU: every orientation, odd shapes, batches, broadcasting",
  ignore,
  fn: () => {
    for (const threads of [1, 2]) {
      useBlas(true, threads);
      const cases: [number[], number[], boolean, boolean][] = [
        [[5, 7], [7, 3], false, false],
        [[7, 5], [7, 3], true, false],
        [[5, 7], [3, 7], false, true],
        [[7, 5], [3, 7], true, true],
        [[1, 1], [1, 1], false, false],
        [[1, 9], [9, 1], false, false], // a dot product
        [[9, 1], [9, 1], true, false],
        [[4, 5, 7], [7, 3], false, false], // flattened onto one product
        [[4, 7, 5], [7, 3], true, false], // transposed A: one product per slice
        [[4, 5, 7], [3, 7], false, true],
        [[4, 7, 5], [4, 7, 3], true, false],
        [[4, 5, 7], [4, 3, 7], false, true],
        [[3, 7, 5], [3, 3, 7], true, true],
        [[1, 5, 7], [1, 7, 3], false, false], // batch 1
        [[5, 7], [4, 7, 3], false, false], // A broadcast over B's batch
        [[2, 3, 7, 5], [3, 6, 7], true, true],
        [[33, 65], [65, 17], false, false], // past small-kernel block sizes
        [[130, 70], [130, 90], true, false], // large enough for the threaded path
      ];
      for (const [sa, sb, ta, tb] of cases) {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb);
        // TF.js's own matMul gradient cannot reduce broadcast batch dims (it fails on CPU too).
        const sameBatch = sa.slice(0, -2).join() === sb.slice(0, -2).join();
        assertClose([rand(sa), rand(sb)], sameBatch ? valueAndGrads(f) : (a, b) => [f(a, b)]);
      }
    }
  },
});

Deno.test({
  name: "BLAS BatchMatMul: the tied LM head and its gradient, empty products, bad shapes",
  ignore,
  fn: () => {
    useBlas(true);
    // h [N, d] · wte^T [d, V] and back through it, as lmHeadLoss computes it.
    const head = (h: tf.Tensor, w: tf.Tensor) => tf.matMul(h, w, false, true);
    assertClose([rand([37, 24]), rand([101, 24])], valueAndGrads(head));
    assertClose([rand([3, 0]), rand([0, 4])], (a, b) => [tf.matMul(a, b)]);
    assertClose([rand([0, 3]), rand([3, 4])], (a, b) => [tf.matMul(a, b)]);
    tf.setBackend("wasm");
    assertThrows(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), "inner");
  },
});

Deno.test({
  name: "BLAS BatchMatMul: a heap grown between calls leaves no stale pointer",
  ignore,
  fn: () => {
    useBlas(true);
    const backend = tf.findBackend("wasm") as unknown as WasmBackend;
    const a = rand([64, 48]), b = rand([48, 40]);
    const want = runOn("cpu", [a, b], (x, y) => [tf.matMul(x, y)])[0].data;
    const check = () => {
      const got = runOn("wasm", [a, b], (x, y) => [tf.matMul(x, y)])[0].data;
      for (let i = 0; i < want.length; i++) {
        assert(Math.abs(got[i] - want[i]) < 1e-4 * (1 + Math.abs(want[i])), `element ${i}`);
      }
    };
    check();
    const before = backend.wasm.HEAPU8.buffer;
    // A tensor larger than the whole heap forces WebAssembly.Memory.grow.
    const big = tf.zeros([before.byteLength / 4 + (1 << 20)]);
    assert(backend.wasm.HEAPU8.buffer !== before, "the heap did not grow");
    check();
    big.dispose();
    check();
  },
});

/** Attention's core: fused where available (BLAS mode), else the model's op-by-op form. */
function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | null) {
  const [B, T, H, hd] = q.shape;
  const fused = fusedOps()?.attention;
  if (fused) {
    return fused(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, mask as tf.Tensor2D);
  }
  const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B * H, T, hd]);
  let att = tf.matMul(heads(q), heads(k), false, true);
  if (mask) att = tf.add(att, mask);
  const y = tf.matMul(tf.softmax(att), heads(v));
  return tf.transpose(tf.reshape(y, [B, H, T, hd]), [0, 2, 1, 3]);
}

Deno.test({
  name: "fused attention (BLAS mode) matches the op-by-op form on CPU, with and without a mask",
  ignore,
  fn: () => {
    useBlas(true);
    tf.setBackend("wasm");
    assert(fusedOps()?.attention !== undefined, "BLAS mode registers the fused attention");
    for (const [B, T, H, hd] of [[1, 1, 1, 1], [1, 5, 3, 7], [2, 9, 2, 4], [2, 16, 4, 8]]) {
      const causal = new Float32Array(T * T).map((_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0));
      const shape = [B, T, H, hd];
      for (const masked of [false, true]) {
        // The mask is a constant of the model: made inside, so no gradient is asked of it.
        const mask = () => (masked ? tf.tensor2d(causal, [T, T]) : null);
        assertClose(
          [rand(shape), rand(shape), rand(shape)],
          valueAndGrads((q, k, v) => attention(tf.mul(q, 2), k, v, mask())),
        );
      }
    }
    useBlas(false);
    assertEquals(fusedOps()?.attention, undefined, "plain WASM has no fused attention");
  },
});

function batch(seed: number): Batch {
  const rng = new Rng(seed);
  const n = 3 * 16;
  return {
    batchSize: 3,
    seqLen: 16,
    inputs: new Int32Array(n).map(() => rng.int(97)),
    targets: new Int32Array(n).map(() => rng.int(97)),
    mask: new Float32Array(n).map((_, i) => (i % 5 === 0 ? 0 : 1)),
  };
}

async function train(onBlas: boolean) {
  useBlas(onBlas);
  await tf.setBackend("wasm");
  const config = gptConfig("tiny", { vocabSize: 97, seqLen: 16, nLayer: 2, nHead: 4, dModel: 32 });
  const model = createGPT(config, { seed: 4 });
  let k = 0;
  const res = await trainSteps(model, {
    next: () => batch(k++),
    getState: () => k,
    setState: () => {},
  }, { steps: 8, lr: { peak: 1e-2 }, progress: false });
  const wte = model.params.wte.dataSync().slice();
  model.dispose();
  return { losses: res.history.map((h) => h.loss), wte };
}

Deno.test({
  name: "BLAS mode: a short training run ends within tolerance of plain WASM, no leaks",
  ignore,
  fn: async () => {
    const wasm = await train(false);
    const before = tf.memory().numTensors;
    const onBlas = await train(true);
    assertEquals(tf.memory().numTensors, before, "tensors leaked");
    for (let i = 0; i < wasm.losses.length; i++) {
      assert(
        Math.abs(onBlas.losses[i] - wasm.losses[i]) < 1e-4,
        `step ${i}: loss ${onBlas.losses[i]} (BLAS) vs ${wasm.losses[i]} (WASM)`,
      );
    }
    let diff = 0;
    for (let i = 0; i < wasm.wte.length; i++) {
      diff = Math.max(diff, Math.abs(onBlas.wte[i] - wasm.wte[i]));
    }
    assert(diff < 1e-4, `max wte difference after 8 steps ${diff}`);
    useBlas(false);
  },
});
