/**
 * A `BatchMatMul` for the WASM backend that calls OpenBLAS's `cblas_sgemm` on the WASM heap in
 * place: every transpose orientation is a flag of `sgemm` (no explicit transposes), a batched A
 * times an unbatched B is one product over the flattened rows, and other batches (attention's
 * per-head products, broadcasting) are a loop of products on slices of the heap.
 *
 * The heap's address is taken afresh on every call: `WebAssembly.Memory.grow` replaces its
 * buffer (and may move it), so a pointer kept from an earlier call could be stale.
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { batchIndexer, matMulDims } from "./batch_mat_mul.ts";
import { type Blas, CBLAS } from "./blas.ts";
import { offsetOf, sizeOf, type WasmBackend } from "./wasm_internals.ts";

/**
 * Products of at most this many multiply-adds run on one BLAS thread: waking a second thread
 * costs more than it saves on attention's per-head products (128 x 32 x 128 ran at a third of
 * the one-thread speed on two threads).
 */
export const SMALL_PRODUCT = 1 << 21;

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: WasmBackend;
}

/** The current address of the WASM heap (re-read every call; growth replaces the buffer). */
function heapPointer(backend: WasmBackend): Deno.PointerObject {
  const p = Deno.UnsafePointer.of(backend.wasm.HEAPU8);
  if (p === null) throw new Error("BatchMatMul (BLAS): the WASM heap has no address");
  return p;
}

/**
 * Builds the BLAS `BatchMatMul` kernel function over a loaded library. `threads` is the BLAS
 * thread count for large products (small ones use one thread, see {@linkcode SMALL_PRODUCT}).
 */
export function blasBatchMatMul(blas: Blas, threads: number): KernelFunc {
  return ((args: Args): TensorInfo => {
    const { inputs: { a, b }, attrs, backend } = args;
    const { transposeA, transposeB } = attrs;
    const { m, k, n, aOuter, bOuter, outOuter, batchA, batchB, batch } = matMulDims(a, b, attrs);
    const out = backend.makeOutput([...outOuter, m, n], "float32");
    if (m * n === 0) return out;
    // makeOutput may have grown the heap: take the address only now.
    const heap = heapPointer(backend);
    const at = (t: TensorInfo) => offsetOf(backend, t);
    const aBase = at(a), bBase = at(b), oBase = at(out);
    if (k === 0) {
      backend.wasm.HEAPU8.fill(0, oBase, oBase + 4 * sizeOf(out.shape));
      return out;
    }
    const ta = transposeA ? CBLAS.trans : CBLAS.noTrans;
    const tb = transposeB ? CBLAS.trans : CBLAS.noTrans;
    // Row-major leading dimensions: A is stored [m, k] or, transposed, [k, m]; B likewise.
    const lda = transposeA ? m : k, ldb = transposeB ? k : n;
    const gemm = (rows: number, aOff: number, bOff: number, oOff: number) =>
      blas.sgemm(
        CBLAS.rowMajor,
        ta,
        tb,
        rows,
        n,
        k,
        1,
        Deno.UnsafePointer.offset(heap, aOff),
        lda,
        Deno.UnsafePointer.offset(heap, bOff),
        ldb,
        0,
        Deno.UnsafePointer.offset(heap, oOff),
        n,
      );
    if (batchB === 1 && batchA === batch && (batch === 1 || !transposeA)) {
      // Rows of every A slice share one B: a single [batch*m, k]·[k, n] product.
      withThreads(blas, batch * m * n * k <= SMALL_PRODUCT ? 1 : threads, () => {
        gemm(batch * m, aBase, bBase, oBase);
      });
      return out;
    }
    const ia = batchIndexer(aOuter, outOuter), ib = batchIndexer(bOuter, outOuter);
    withThreads(blas, m * n * k <= SMALL_PRODUCT ? 1 : threads, () => {
      for (let i = 0; i < batch; i++) {
        gemm(m, aBase + 4 * ia(i) * m * k, bBase + 4 * ib(i) * k * n, oBase + 4 * i * m * n);
      }
    });
    return out;
  }) as unknown as KernelFunc;
}

/** Runs `fn` with BLAS on `n` threads, then restores `threads` (the process setting). */
export function withThreads(blas: Blas, n: number, fn: () => void): void {
  const before = blas.threads();
  if (n === before) return fn();
  blas.setThreads(n);
  try {
    fn();
  } finally {
    blas.setThreads(before);
  }
}

/** Registration of the BLAS `BatchMatMul` for the "wasm" backend. */
export function blasBatchMatMulConfig(blas: Blas, threads: number): KernelConfig {
  return {
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: blasBatchMatMul(blas, threads),
  };
}
