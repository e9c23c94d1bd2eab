/**
 * Training-throughput measurement for the GPT of lib/model/gpt.ts: one full step is
 * forward + backward + AdamW update (with clipping) on a batch of random tokens.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { createGPT, type GPTConfig } from "../lib/model/gpt.ts";
import { AdamW } from "../lib/train/optimizer.ts";
import type { Batch } from "../lib/contracts.ts";
import { backendInfo } from "../lib/model/backend.ts";
import { fusedOps } from "../lib/model/kernels/fused.ts";
import { envString } from "../lib/config/env.ts";

/**
 * The single-precision peak of the machine's cores, GFLOP/s: `PLM_PEAK_GFLOPS`, else 456 for
 * the project's 2-core machines (AMD EPYC, Zen 5). Derivation: each core retires two 512-bit
 * FMAs per cycle (2 x 16 lanes x 2 FLOP = 64 FLOP/cycle); a loop of independent FMAs (gcc -O3,
 * 12 accumulators) measured 225-228 GFLOP/s per core, i.e. 3.56 GHz, so 2 x 228 = 456. With
 * 256-bit FMAs (AVX2) the same loop gives 114 per core, 228 for both: the ceiling of OpenBLAS's
 * Haswell kernels, and issue #20's "about 190" is that count at about 3 GHz. OpenBLAS runs its
 * AVX-512 kernels here (see lib/model/kernels/blas.ts); WebAssembly's SIMD is 128-bit.
 */
export function cpuPeakGflops(): number {
  const env = envString("PLM_PEAK_GFLOPS");
  const v = env === undefined ? 456 : Number(env);
  if (!(v > 0)) throw new Error(`PLM_PEAK_GFLOPS must be a positive number, got "${env}"`);
  return v;
}

/** Options of {@linkcode benchTraining}. */
export interface BenchOptions {
  /** Rows per batch (default 32). */
  batch?: number;
  /** Tokens per row (default 128). */
  seq?: number;
  /** Untimed steps first (default 3). */
  warmup?: number;
  /** Timed steps (default 10). */
  steps?: number;
  /** Also run one profiled step and report the top kernels (default true). */
  profile?: boolean;
  /** How many kernels the profile lists (default 8). */
  top?: number;
}

/** One kernel's share of a profiled step. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
  /** Fraction of the summed kernel time of the step. */
  share: number;
}

/** The JSON line written per model config. */
export interface BenchResult {
  config: string;
  backend: string;
  /** Threads the step computes with: OpenBLAS's in BLAS mode, else the backend's. */
  threads: number;
  /** OpenBLAS computes the matrix products. */
  blas: boolean;
  /** The fused kernels of lib/model/kernels/fused.ts are in use. */
  fused: boolean;
  simd: boolean;
  params: number;
  batch: number;
  seq: number;
  tokensPerSec: number;
  msPerStep: number;
  /** Model FLOPs per step, see {@linkcode trainingFlops}. */
  gflopPerStep: number;
  gflops: number;
  /** gflops over {@linkcode cpuPeakGflops}. */
  peakFraction: number;
  rssMB: number;
  tfMB: number;
  numTensors: number;
  loss: number;
  profile?: KernelTime[];
}

/**
 * FLOPs of one training step: 6 * params * tokens (forward 2, backward 4 per parameter and
 * token; the tied embedding counts once, for the output head) plus attention's score and value
 * products, 4 * B * T^2 * d per layer forward, x3 for training: 12 * L * B * T^2 * d.
 * The causal mask does not halve it: the products are computed in full.
 */
export function trainingFlops(
  config: GPTConfig,
  params: number,
  batch: number,
  seq: number,
): number {
  const tokens = batch * seq;
  return 6 * params * tokens + 12 * config.nLayer * batch * seq * seq * config.dModel;
}

/** A batch of uniformly random tokens (fixed seed), every position a target. */
export function randomBatch(vocab: number, batch: number, seq: number, seed = 1): Batch {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % vocab;
  };
  const inputs = new Int32Array(batch * seq), targets = new Int32Array(batch * seq);
  for (let i = 0; i < inputs.length; i++) inputs[i] = next();
  for (let i = 0; i < inputs.length; i++) targets[i] = next();
  return {
    batchSize: batch,
    seqLen: seq,
    inputs,
    targets,
    mask: new Float32Array(batch * seq).fill(1),
  };
}

/** Times full training steps of a freshly initialized model of `config`. */
export async function benchTraining(
  name: string,
  config: GPTConfig,
  opts: BenchOptions = {},
): Promise<BenchResult> {
  const info = backendInfo();
  if (!info) throw new Error("benchTraining: call initBackend() first");
  const batch = opts.batch ?? 32, seq = opts.seq ?? 128;
  const warmup = opts.warmup ?? 3, steps = opts.steps ?? 10;
  if (seq > config.seqLen) {
    throw new Error(`benchTraining: seq ${seq} exceeds the model's seqLen ${config.seqLen}`);
  }
  const model = createGPT(config, { seed: 0 });
  const opt = new AdamW(model.variables);
  const data = randomBatch(config.vocabSize, batch, seq);
  const step = (): number =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(data), model.variables);
      opt.apply(grads, 1e-4);
      return value.dataSync()[0];
    });
  let loss = NaN;
  for (let i = 0; i < warmup; i++) loss = step();
  let peakRss = Deno.memoryUsage().rss, peakTf = tf.memory().numBytes;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    loss = step();
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    peakTf = Math.max(peakTf, tf.memory().numBytes);
  }
  const ms = (performance.now() - t0) / Math.max(steps, 1);
  let profile: KernelTime[] | undefined;
  if (opts.profile ?? true) {
    const p = await tf.profile(() => {
      step();
    });
    peakTf = Math.max(peakTf, p.peakBytes);
    profile = summarizeKernels(p.kernels, opts.top ?? 8);
  }
  const params = model.numParams();
  const flops = trainingFlops(config, params, batch, seq);
  const result: BenchResult = {
    config: name,
    backend: info.name,
    threads: info.blas?.threads ?? info.threads,
    blas: info.blas !== undefined,
    fused: fusedOps() !== undefined,
    simd: info.simd,
    params,
    batch,
    seq,
    tokensPerSec: round((batch * seq) / (ms / 1000)),
    msPerStep: round(ms),
    gflopPerStep: round(flops / 1e9, 2),
    gflops: round(flops / 1e9 / (ms / 1000), 2),
    peakFraction: round(flops / 1e9 / (ms / 1000) / cpuPeakGflops(), 3),
    rssMB: round(peakRss / 2 ** 20),
    tfMB: round(peakTf / 2 ** 20),
    numTensors: tf.memory().numTensors,
    loss: round(loss, 4),
    profile,
  };
  opt.dispose();
  model.dispose();
  return result;
}

/**
 * Sums kernel times by kernel name, largest first. "unnamed scope" entries (custom-gradient
 * wrappers, whose time includes the kernels they run) are left out so nothing counts twice.
 */
export function summarizeKernels(
  kernels: { name: string; kernelTimeMs: unknown }[],
  top: number,
): KernelTime[] {
  const by = new Map<string, { calls: number; ms: number }>();
  let total = 0;
  for (const k of kernels) {
    if (k.name === "unnamed scope") continue;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += ms;
    by.set(k.name, e);
    total += ms;
  }
  return [...by.entries()]
    .map(([kernel, e]) => ({
      kernel,
      calls: e.calls,
      ms: round(e.ms, 1),
      share: round(total > 0 ? e.ms / total : 0, 3),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
