/**
 * Micro-benchmark: times every BatchMatMul call of one training step, grouped by shape, with
 * its GFLOP/s. `deno run -A bench/matmul_shapes.ts [--config tiny|small] [--steps N]`; the
 * products run on OpenBLAS or WASM as `initBackend` chooses (`PLM_BLAS=off` for WASM).
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../lib/model/backend.ts";
import { createGPT, gptConfig, type GPTPreset } from "../lib/model/gpt.ts";
import { AdamW } from "../lib/train/optimizer.ts";
import { randomBatch } from "./bench_lib.ts";

const arg = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : fallback;
};
await initBackend({ backend: "wasm" });
const cfg = gptConfig(arg("config", "tiny") as GPTPreset);
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
const times = new Map<string, { calls: number; ms: number; flops: number }>();
tf.unregisterKernel("BatchMatMul", "wasm");
tf.registerKernel({
  ...orig,
  kernelFunc: (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const key = `[${a.shape}]${transposeA ? "T" : ""} x [${b.shape}]${transposeB ? "T" : ""}`;
    const outSize = (out: tf.TensorInfo) => out.shape.reduce((x, y) => x * y, 1);
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const t0 = performance.now();
    const out = orig.kernelFunc(args);
    const ms = performance.now() - t0;
    const e = times.get(key) ?? { calls: 0, ms: 0, flops: 0 };
    e.calls++;
    e.ms += ms;
    e.flops += 2 * k * outSize(out as tf.TensorInfo);
    times.set(key, e);
    return out;
  },
});
const steps = Number(arg("steps", "2"));
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - t0) / steps;
let total = 0;
const rows = [...times].sort((x, y) => y[1].ms - x[1].ms);
for (const [k, v] of rows) {
  total += v.ms / steps;
  const gflops = (v.flops / v.ms / 1e6).toFixed(1).padStart(6);
  console.log(
    `${(v.ms / steps).toFixed(1).padStart(8)} ms ${gflops} GFLOP/s  ${v.calls / steps} x  ${k}`,
  );
}
console.log(`matmul ${total.toFixed(0)} ms of ${stepMs.toFixed(0)} ms/step`);
