/**
 * `UnsortedSegmentSum` for the WASM and CPU backends.
 *
 * It is the gradient of `tf.gather` (embedding lookups). The WASM backend has no such kernel,
 * so without it nothing that uses `tf.gather` can train; the CPU backend's stock kernel builds
 * a [numSegments, n] one-hot style mask (7.7 GB seen for an embedding), so we replace it too.
 * One pass over the rows: out[segmentIds[i]] += x[i].
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { heapF32, heapI32, sizeOf, type WasmBackend } from "./wasm_internals.ts";

interface Args {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: { numSegments: number };
}

function checkArgs(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): number[] {
  if (x.dtype !== "float32") {
    throw new Error(`UnsortedSegmentSum: x must be float32 (got ${x.dtype})`);
  }
  const r = segmentIds.shape.length;
  for (let i = 0; i < r; i++) {
    if (x.shape[i] !== segmentIds.shape[i]) {
      throw new Error(
        `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of ` +
          `x shape [${x.shape}]`,
      );
    }
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be an integer >= 0 (got ${numSegments})`);
  }
  return [numSegments, ...x.shape.slice(r)];
}

/** out[ids[i]] += x[i] for rows of `inner` floats; ids outside [0, numSegments) are dropped, as in TF. */
function segmentSum(
  x: Float32Array,
  ids: Int32Array | Float32Array,
  out: Float32Array,
  inner: number,
  numSegments: number,
): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner, xi = i * inner;
    for (let j = 0; j < inner; j++) out[o + j] += x[xi + j];
  }
}

function wasmKernel(args: Args & { backend: WasmBackend }): TensorInfo {
  const { inputs: { x, segmentIds }, attrs: { numSegments }, backend } = args;
  const outShape = checkArgs(x, segmentIds, numSegments);
  const out = backend.makeOutput(outShape, "float32");
  // Views are taken after the allocation: malloc may grow (and so detach) the heap buffer.
  const ids = segmentIds.dtype === "int32"
    ? heapI32(backend, segmentIds)
    : heapF32(backend, segmentIds);
  const inner = sizeOf(outShape.slice(1));
  segmentSum(heapF32(backend, x), ids, heapF32(backend, out), inner, numSegments);
  return out;
}

interface CpuBackend {
  readSync(dataId: unknown): Float32Array | Int32Array;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

function cpuKernel(args: Args & { backend: CpuBackend }): TensorInfo {
  const { inputs: { x, segmentIds }, attrs: { numSegments }, backend } = args;
  const outShape = checkArgs(x, segmentIds, numSegments);
  const out = new Float32Array(sizeOf(outShape));
  const ids = backend.readSync(segmentIds.dataId);
  const xs = backend.readSync(x.dataId) as Float32Array;
  segmentSum(xs, ids, out, sizeOf(outShape.slice(1)), numSegments);
  return backend.makeTensorInfo(outShape, "float32", out);
}

/** Kernel registration for `backendName` ("wasm" or "cpu"). */
export function unsortedSegmentSumConfig(backendName: "wasm" | "cpu"): KernelConfig {
  return {
    kernelName: "UnsortedSegmentSum",
    backendName,
    kernelFunc: (backendName === "wasm" ? wasmKernel : cpuKernel) as unknown as KernelFunc,
  };
}
