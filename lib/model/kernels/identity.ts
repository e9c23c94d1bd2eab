/**
 * `Identity` and same-dtype `Cast` for the WASM backend without copying.
 *
 * TF.js tensors are immutable (a variable's `assign` swaps in a new buffer), so an identity can
 * share its input's buffer and bump the reference count, as `Reshape` already does. The stock
 * kernels copy; autodiff emits many identities (gradient pass-through, `tf.add` of a
 * broadcast-free gradient, `clone`), each a full activation-sized copy.
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { stockKernel } from "./stock.ts";
import { heapF32, heapI32, sizeOf, type WasmBackend } from "./wasm_internals.ts";

function share(x: TensorInfo, backend: WasmBackend): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity(args: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo {
  const { inputs: { x }, backend } = args;
  if (x.dtype === "string") return stockKernel("Identity", "wasm")(args as never) as TensorInfo;
  return share(x, backend);
}

function cast(args: {
  inputs: { x: TensorInfo };
  attrs: { dtype: string };
  backend: WasmBackend;
}): TensorInfo {
  const { inputs: { x }, attrs: { dtype }, backend } = args;
  if (dtype === x.dtype && dtype !== "string") return share(x, backend);
  if (dtype !== "bool" || x.dtype === "string" || x.dtype === "complex64") {
    return stockKernel("Cast", "wasm")(args as never) as TensorInfo;
  }
  // The stock kernel casts to bool by byte truncation (0.5 -> 0, 2 -> 2); bool means x != 0.
  const out = backend.makeOutput(x.shape, "bool");
  const { memoryOffset } = backend.dataIdMap.get(out.dataId);
  const dst = new Uint8Array(backend.wasm.HEAPU8.buffer, memoryOffset, sizeOf(x.shape));
  const src = x.dtype === "bool"
    ? new Uint8Array(
      backend.wasm.HEAPU8.buffer,
      backend.dataIdMap.get(x.dataId).memoryOffset,
      dst.length,
    )
    : x.dtype === "int32"
    ? heapI32(backend, x)
    : heapF32(backend, x);
  for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  return out;
}

/** Buffer-sharing `Identity` for "wasm". */
export const wasmIdentityConfig: KernelConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  kernelFunc: identity as unknown as KernelFunc,
};

/** `Cast` for "wasm" that shares the buffer when the dtype does not change. */
export const wasmCastConfig: KernelConfig = {
  kernelName: "Cast",
  backendName: "wasm",
  kernelFunc: cast as unknown as KernelFunc,
};
