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

/** The kernel configs we install for each backend. */
export function kernelConfigsFor(backendName: string): tf.KernelConfig[] {
  switch (backendName) {
    case "wasm":
      return [
        unsortedSegmentSumConfig("wasm"),
        wasmBatchMatMulConfig,
        wasmIdentityConfig,
        wasmCastConfig,
        wasmSumConfig,
        wasmGatherV2Config,
      ];
    case "cpu":
      return [unsortedSegmentSumConfig("cpu")];
    default:
      return [];
  }
}

const installed = new Set<string>();

/**
 * Registers our kernels for `backendName`, replacing any stock kernel of the same name, and
 * returns their names. Safe to call twice (the second call does nothing).
 */
export function installKernels(backendName: string): string[] {
  const configs = kernelConfigsFor(backendName);
  if (installed.has(backendName)) return configs.map((c) => c.kernelName);
  for (const config of configs) {
    const stock = tf.getKernel(config.kernelName, backendName);
    if (stock !== undefined) {
      rememberStock(config.kernelName, backendName, stock.kernelFunc);
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
    // The engine runs a kernel's setupFunc only when the backend is first initialized; ours
    // may be registered after that, so run it here.
    const backend = tf.findBackend(backendName);
    if (config.setupFunc && backend) config.setupFunc(backend);
  }
  installed.add(backendName);
  return configs.map((c) => c.kernelName);
}
