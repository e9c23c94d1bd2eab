/**
 * `Sum` over leading axes for the WASM backend.
 *
 * Bias and LayerNorm gradients sum a [B, T, D] tensor over (B, T). The stock kernel reduces
 * only innermost axes, so it first transposes the whole tensor to [D, B*T]; adding the rows
 * into one accumulator (in WASM SIMD) is a single cache-friendly pass instead. Other axes go to the stock
 * kernel.
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { stockKernel } from "./stock.ts";
import { offsetOf, sizeOf, type WasmBackend } from "./wasm_internals.ts";
import { simdKernels } from "./simd.ts";

interface Args {
  inputs: { x: TensorInfo };
  attrs: { axis: number | number[]; keepDims: boolean };
  backend: WasmBackend;
}

/** The number of leading axes `axis` names, or -1 if it is not exactly 0..k-1 (k < rank). */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const sorted = [...new Set(axes)].sort((p, q) => p - q);
  if (sorted.length === 0 || sorted.length >= rank) return -1;
  return sorted.every((a, i) => a === i) ? sorted.length : -1;
}

function sum(args: Args): TensorInfo {
  const { inputs: { x }, attrs: { axis, keepDims }, backend } = args;
  const k = x.dtype === "float32" ? leadingAxes(axis, x.shape.length) : -1;
  if (k < 0) return stockKernel("Sum", "wasm")(args as never) as TensorInfo;
  const rows = sizeOf(x.shape.slice(0, k));
  const inner = x.shape.slice(k);
  const outShape = keepDims ? [...new Array(k).fill(1), ...inner] : inner;
  const out = backend.makeOutput(outShape, "float32");
  // Adds the rows in order, four columns at a time (WASM SIMD on the heap).
  simdKernels(backend.wasm.asm.memory).colSum(
    offsetOf(backend, x),
    offsetOf(backend, out),
    rows,
    sizeOf(inner),
  );
  return out;
}

/** Leading-axes `Sum` for "wasm". */
export const wasmSumConfig: KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sum as unknown as KernelFunc,
};
