/**
 * Micro-benchmark: times every BatchMatMul call of one tiny training step, grouped by shape.
 * `deno run -A bench/matmul_shapes.ts [--steps N]`.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../lib/model/backend.ts";
import { createGPT, gptConfig } from "../lib/model/gpt.ts";
import { AdamW } from "../lib/train/optimizer.ts";
import { randomBatch } from "./bench_lib.ts";

await initBackend({ backend: "wasm", quiet: true });
const cfg = gptConfig("tiny");
const model = createGPT(cfg, { seed: 0 });
const opt = new AdamW(model.variables);
const data = randomBatch(cfg.vocabSize, 32, 128);
const step = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(data), model.variables);
    opt.apply(grads, 1e-4);
    return value.dataSync()[0];
  });
step();
step();
const orig = tf.getKernel("BatchMatMul", "wasm")!;
const times = new Map<string, { calls: number; ms: number }>();
tf.unregisterKernel("BatchMatMul", "wasm");
tf.registerKernel({
  ...orig,
  kernelFunc: (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const key = `[${a.shape}]${transposeA ? "T" : ""} x [${b.shape}]${transposeB ? "T" : ""}`;
    const t0 = performance.now();
    const out = orig.kernelFunc(args);
    const ms = performance.now() - t0;
    const e = times.get(key) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += ms;
    times.set(key, e);
    return out;
  },
});
const steps = Number(Deno.args[Deno.args.indexOf("--steps") + 1] || 2);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - t0) / steps;
let total = 0;
const rows = [...times].sort((x, y) => y[1].ms - x[1].ms);
for (const [k, v] of rows) {
  total += v.ms / steps;
  console.log(`${(v.ms / steps).toFixed(1).padStart(8)} ms  ${v.calls / steps} x  ${k}`);
}
console.log(`matmul ${total.toFixed(0)} ms of ${stepMs.toFixed(0)} ms/step`);
