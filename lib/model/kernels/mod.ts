/**
 * The kernels this toolkit registers on top of TF.js: ones a backend lacks and faster
 * replacements for slow stock ones. {@linkcode installKernels} is called by `initBackend`.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { unsortedSegmentSumConfig } from "./unsorted_segment_sum.ts";
import { wasmBatchMatMulConfig } from "./batch_mat_mul.ts";
import { wasmCastConfig, wasmIdentityConfig } from "./identity.ts";
import { wasmSumConfig } from "./sum.ts";
import { wasmGatherV2Config } from "./gather.ts";
import { rememberStock } from "./stock.ts";
import type { Blas } from "./blas.ts";
import { blasBatchMatMulConfig } from "./blas_mat_mul.ts";
import { fusedKernelConfigs } from "./fused.ts";
import { ATTENTION, ATTENTION_GRAD, attentionKernelConfigs } from "./attention.ts";

/** Options of {@linkcode installKernels}. */
export interface KernelOptions {
  /** Matrix products through this OpenBLAS on `threads` threads (WASM backend only). */
  blas?: { lib: Blas; threads: number };
  /** Register the fused kernels of fused.ts (WASM backend only; default true). */
  fused?: boolean;
}

/** The kernel configs we install for each backend. */
export function kernelConfigsFor(backendName: string, opts: KernelOptions = {}): tf.KernelConfig[] {
  switch (backendName) {
    case "wasm":
      return [
        unsortedSegmentSumConfig("wasm"),
        opts.blas ? blasBatchMatMulConfig(opts.blas.lib, opts.blas.threads) : wasmBatchMatMulConfig,
        wasmIdentityConfig,
        wasmCastConfig,
        wasmSumConfig,
        wasmGatherV2Config,
        ...(opts.fused === false ? [] : fusedKernelConfigs),
        // Attention's core needs strided products: OpenBLAS only.
        ...(opts.fused === false || !opts.blas
          ? []
          : attentionKernelConfigs(opts.blas.lib, opts.blas.threads)),
      ];
    case "cpu":
      return [unsortedSegmentSumConfig("cpu")];
    default:
      return [];
  }
}

/** Kernels that only some options register. */
const optionalKernels = [
  ...fusedKernelConfigs.map((c) => c.kernelName),
  ATTENTION,
  ATTENTION_GRAD,
];

/** Per backend, the options our kernels were installed with (as a key). */
const installed = new Map<string, string>();

/**
 * Registers our kernels for `backendName`, replacing any stock kernel of the same name, and
 * returns their names. Safe to call twice (the second call does nothing); a call with other
 * options re-registers the kernels, so tests can switch between BLAS and WASM products.
 */
export function installKernels(backendName: string, opts: KernelOptions = {}): string[] {
  const configs = kernelConfigsFor(backendName, opts);
  const key = `${backendName}${opts.blas ? `/blas${opts.blas.threads}` : ""}` +
    (opts.fused === false ? "/unfused" : "");
  if (installed.get(backendName) === key) return configs.map((c) => c.kernelName);
  // Kernels of ours that these options leave out must go too (fusedOps looks them up).
  const keep = new Set(configs.map((c) => c.kernelName));
  for (const name of optionalKernels) {
    if (!keep.has(name) && tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
  }
  for (const config of configs) {
    const current = tf.getKernel(config.kernelName, backendName);
    if (current !== undefined) {
      // Only a kernel we did not register ourselves is the stock one.
      if (!installed.has(backendName)) {
        rememberStock(config.kernelName, backendName, current.kernelFunc);
      }
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
    // The engine runs a kernel's setupFunc only when the backend is first initialized; ours
    // may be registered after that, so run it here.
    const backend = tf.findBackend(backendName);
    if (config.setupFunc && backend) config.setupFunc(backend);
  }
  installed.set(backendName, key);
  return configs.map((c) => c.kernelName);
}
