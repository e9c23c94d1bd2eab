/**
 * `GatherV2` for the WASM backend: embedding lookups (axis 0) and permutations of an inner axis
 * (the model's rotary rotate-half gathers the last axis).
 *
 * Copies whole rows with `copyWithin` on the heap, or elements for short rows. The stock kernel
 * copies the indices out of the heap to validate them and runs a general strided gather that
 * was 10% of a training step. Batch dims and other dtypes go to the stock kernel.
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { stockKernel } from "./stock.ts";
import { heapI32, offsetOf, sizeOf, type WasmBackend } from "./wasm_internals.ts";

interface Args {
  inputs: { x: TensorInfo; indices: TensorInfo };
  attrs: { axis: number; batchDims: number };
  backend: WasmBackend;
}

function gather(args: Args): TensorInfo {
  const { inputs: { x, indices }, attrs: { axis, batchDims }, backend } = args;
  const ax = axis < 0 ? axis + x.shape.length : axis;
  if (
    batchDims !== 0 || indices.dtype !== "int32" || (x.dtype !== "float32" && x.dtype !== "int32")
  ) {
    return stockKernel("GatherV2", "wasm")(args as never) as TensorInfo;
  }
  // x viewed as [outer, dim, inner]; out is [outer, nIdx, inner].
  const outer = sizeOf(x.shape.slice(0, ax)), dim = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const out = backend.makeOutput(
    [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)],
    x.dtype,
  );
  // Views are taken after the allocation: malloc may grow (and so detach) the heap buffer.
  const idx = heapI32(backend, indices);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= dim) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: index ${idx[i]} at position ${i} is not in [0, ${dim - 1}]`);
    }
  }
  const n = idx.length;
  if (inner >= 16) {
    // Whole rows: one memmove each.
    const heap = backend.wasm.HEAPU8;
    const src = offsetOf(backend, x), dst = offsetOf(backend, out), bytes = 4 * inner;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < n; i++) {
        const from = src + (o * dim + idx[i]) * bytes;
        heap.copyWithin(dst + (o * n + i) * bytes, from, from + bytes);
      }
    }
  } else {
    // Short rows (e.g. a permutation of the last axis): element loop on 32-bit views.
    const xs = heapI32(backend, x), os = heapI32(backend, out);
    for (let o = 0; o < outer; o++) {
      const xo = o * dim * inner, oo = o * n * inner;
      for (let i = 0; i < n; i++) {
        const xi = xo + idx[i] * inner, oi = oo + i * inner;
        for (let j = 0; j < inner; j++) os[oi + j] = xs[xi + j];
      }
    }
  }
  return out;
}

/** `GatherV2` (any axis, batchDims 0, float32/int32) for "wasm". */
export const wasmGatherV2Config: KernelConfig = {
  kernelName: "GatherV2",
  backendName: "wasm",
  kernelFunc: gather as unknown as KernelFunc,
};
