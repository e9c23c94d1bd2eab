/**
 * The few internals of `@tensorflow/tfjs-backend-wasm` 4.22.0 that our kernels use, typed.
 *
 * The WASM backend keeps every tensor in one emscripten heap and identifies it to C++ by a
 * small integer id. Our kernels read and write that heap directly (zero-copy views) and call
 * the exported C++ kernels through `cwrap`, so they depend on these exact internals; the
 * version is pinned in deno.json and the tests fail loudly if they change.
 * @module
 */
import type { DataId, DataType, TensorInfo } from "@tensorflow/tfjs-core";

/** Per-tensor record in the WASM backend's data store. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** The emscripten module as the WASM backend holds it. */
export interface WasmModule {
  HEAPU8: Uint8Array;
  /** The module's exports; `memory` is the heap. */
  asm: { memory: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  // deno-lint-ignore no-explicit-any
  cwrap(name: string, ret: string | null, args: string[]): (...args: any[]) => any;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
    getThreadsCount(): number;
  };
}

/** The subset of `BackendWasm` our kernels call. */
export interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: {
    get(dataId: DataId): WasmTensorData;
    set(dataId: DataId, value: WasmTensorData): void;
    delete(dataId: DataId): void;
    has(dataId: DataId): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
  readSync(dataId: DataId): Float32Array | Int32Array | Uint8Array;
}

/** A float32 view of a tensor's memory on the WASM heap (valid until the heap grows). */
export function heapF32(backend: WasmBackend, t: TensorInfo): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, sizeOf(t.shape));
}

/** An int32 view of a tensor's memory on the WASM heap (valid until the heap grows). */
export function heapI32(backend: WasmBackend, t: TensorInfo): Int32Array {
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  return new Int32Array(backend.wasm.HEAPU8.buffer, memoryOffset, sizeOf(t.shape));
}

/** The C++ id of a tensor, the handle the exported kernels take. */
export function cppId(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Registers `size` float32 elements at byte `offset` of the heap as a tensor of its own, without
 * copying, so a C++ kernel that takes whole tensors can work on one slice of a batch. The view
 * must be released with {@linkcode releaseView} (never `disposeData`, which would free memory
 * the view does not own).
 */
export function makeView(backend: WasmBackend, offset: number, shape: number[]): TensorInfo {
  const id = backend.dataIdNextNumber++;
  const dataId = { id };
  backend.dataIdMap.set(dataId, { id, memoryOffset: offset, shape, dtype: "float32", refCount: 1 });
  backend.wasm.tfjs.registerTensor(id, sizeOf(shape), offset);
  return { dataId, shape, dtype: "float32" };
}

/** Forgets a view made by {@linkcode makeView}; C++ drops its cached operators for that id. */
export function releaseView(backend: WasmBackend, view: TensorInfo): void {
  const data = backend.dataIdMap.get(view.dataId);
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(view.dataId);
}

/** Byte offset of a tensor's data on the heap. */
export function offsetOf(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}
