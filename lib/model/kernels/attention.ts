/**
 * Scaled dot-product attention's core, softmax(q k^T + mask) v, with its gradient, on OpenBLAS
 * and the SIMD softmax of simd.ts (BLAS mode of the WASM backend).
 *
 * q, k, v stay in the projections' [B, T, H, hd] layout: the products of one (batch, head) read
 * the head's rows with a row stride of H * hd, and the output is written the same way, so the
 * four transposes around the op-by-op form (and their four in the backward pass) disappear.
 * The scale 1/sqrt(hd) is the caller's (the model folds it into the rotary tables of q).
 * @module
 */
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { type Blas, CBLAS } from "./blas.ts";
import { simdKernels } from "./simd.ts";
import { SMALL_PRODUCT, withThreads } from "./blas_mat_mul.ts";
import { offsetOf, sizeOf, type WasmBackend } from "./wasm_internals.ts";

/** Kernel names. */
export const ATTENTION = "PlmAttention";
/** The backward kernel's name. */
export const ATTENTION_GRAD = "PlmAttentionGrad";

type Inputs = Record<string, TensorInfo | undefined>;

function dims(kernel: string, q: TensorInfo, k: TensorInfo, v: TensorInfo, mask?: TensorInfo) {
  const [B, T, H, hd] = q.shape;
  const same = (t: TensorInfo) => t.shape.length === 4 && t.shape.join() === q.shape.join();
  if (q.shape.length !== 4 || !same(k) || !same(v)) {
    throw new Error(
      `${kernel}: q, k, v must share one [B, T, H, hd] shape, got [${q.shape}], [${k.shape}], ` +
        `[${v.shape}]`,
    );
  }
  if (mask && (mask.shape.length !== 2 || mask.shape[0] !== T || mask.shape[1] !== T)) {
    throw new Error(`${kernel}: mask must be [T, T] = [${T}, ${T}], got [${mask.shape}]`);
  }
  for (const t of [q, k, v, ...(mask ? [mask] : [])]) {
    if (t.dtype !== "float32") throw new Error(`${kernel}: float32 tensors only, got ${t.dtype}`);
  }
  return { B, T, H, hd, d: H * hd };
}

/**
 * Runs `gemm` over every (batch, head): `head(i)` is the byte offset of head i's first row in a
 * [B, T, H, hd] tensor, `scores(i)` that of its [T, T] block.
 */
function perHead(
  backend: WasmBackend,
  { B, T, H, hd }: { B: number; T: number; H: number; hd: number },
  gemm: (heap: Deno.PointerObject, head: number, scores: number) => void,
): void {
  // Taken after every output of the call exists: allocation may grow (and move) the heap.
  const heap = Deno.UnsafePointer.of(backend.wasm.HEAPU8);
  if (heap === null) throw new Error(`${ATTENTION}: the WASM heap has no address`);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      gemm(heap, 4 * (b * T * H + h) * hd, 4 * (b * H + h) * T * T);
    }
  }
}

/** perHead on one BLAS thread when a head's products are small. */
function perHeadThreads(
  blas: Blas,
  threads: number,
  backend: WasmBackend,
  s: { B: number; T: number; H: number; hd: number },
  gemm: (heap: Deno.PointerObject, head: number, scores: number) => void,
): void {
  withThreads(
    blas,
    s.T * s.T * s.hd <= SMALL_PRODUCT ? 1 : threads,
    () => perHead(backend, s, gemm),
  );
}

/**
 * The two kernels, over a loaded OpenBLAS computing large products on `threads` threads (the
 * per-head products of the model's sizes are small and run on one, see SMALL_PRODUCT).
 */
export function attentionKernelConfigs(blas: Blas, threads: number): KernelConfig[] {
  const { rowMajor: RM, noTrans: N, trans: TR } = CBLAS;
  const at = (p: Deno.PointerObject, off: number) => Deno.UnsafePointer.offset(p, off);

  const forward = ({ inputs, backend }: { inputs: Inputs; backend: WasmBackend }) => {
    const { q, k, v, mask } = inputs as Record<string, TensorInfo>;
    const s = dims(ATTENTION, q, k, v, mask);
    const { B, T, H, hd, d } = s;
    const y = backend.makeOutput(q.shape, "float32");
    const p = backend.makeOutput([B, H, T, T], "float32");
    if (sizeOf(q.shape) === 0) return [y, p];
    const [qo, ko, vo, yo, po] = [q, k, v, y, p].map((t) => offsetOf(backend, t));
    perHeadThreads(blas, threads, backend, s, (heap, head, sc) => {
      // scores = q k^T into p, softmax in place below, then y = p v
      blas.sgemm(
        RM,
        N,
        TR,
        T,
        T,
        hd,
        1,
        at(heap, qo + head),
        d,
        at(heap, ko + head),
        d,
        0,
        at(heap, po + sc),
        T,
      );
    });
    const simd = simdKernels(backend.wasm.asm.memory);
    if (mask) simd.softmaxMasked(po, offsetOf(backend, mask), po, B * H * T, T, T);
    else simd.softmax(po, 0, po, B * H * T, T, 0);
    perHeadThreads(blas, threads, backend, s, (heap, head, sc) => {
      blas.sgemm(
        RM,
        N,
        N,
        T,
        hd,
        T,
        1,
        at(heap, po + sc),
        T,
        at(heap, vo + head),
        d,
        0,
        at(heap, yo + head),
        d,
      );
    });
    return [y, p];
  };

  const backward = ({ inputs, backend }: { inputs: Inputs; backend: WasmBackend }) => {
    const { q, k, v, p, dy } = inputs as Record<string, TensorInfo>;
    const s = dims(ATTENTION_GRAD, q, k, v);
    const { B, T, H, hd, d } = s;
    const [dq, dk, dv] = [0, 1, 2].map(() => backend.makeOutput(q.shape, "float32"));
    const ds = backend.makeOutput([B, H, T, T], "float32");
    if (sizeOf(q.shape) > 0) {
      const [qo, ko, vo, po, dyo, dqo, dko, dvo, dso] = [q, k, v, p, dy, dq, dk, dv, ds].map((t) =>
        offsetOf(backend, t)
      );
      perHeadThreads(blas, threads, backend, s, (heap, head, sc) => {
        // dp = dy v^T; dv = p^T dy
        blas.sgemm(
          RM,
          N,
          TR,
          T,
          T,
          hd,
          1,
          at(heap, dyo + head),
          d,
          at(heap, vo + head),
          d,
          0,
          at(heap, dso + sc),
          T,
        );
        blas.sgemm(
          RM,
          TR,
          N,
          T,
          hd,
          T,
          1,
          at(heap, po + sc),
          T,
          at(heap, dyo + head),
          d,
          0,
          at(heap, dvo + head),
          d,
        );
      });
      simdKernels(backend.wasm.asm.memory).softmaxGrad(po, dso, dso, B * H * T, T);
      perHeadThreads(blas, threads, backend, s, (heap, head, sc) => {
        // ds = p (dp - rowsum(p dp)); dq = ds k; dk = ds^T q
        blas.sgemm(
          RM,
          N,
          N,
          T,
          hd,
          T,
          1,
          at(heap, dso + sc),
          T,
          at(heap, ko + head),
          d,
          0,
          at(heap, dqo + head),
          d,
        );
        blas.sgemm(
          RM,
          TR,
          N,
          T,
          hd,
          T,
          1,
          at(heap, dso + sc),
          T,
          at(heap, qo + head),
          d,
          0,
          at(heap, dko + head),
          d,
        );
      });
    }
    backend.disposeData(ds.dataId);
    return [dq, dk, dv];
  };

  return [
    { kernelName: ATTENTION, backendName: "wasm", kernelFunc: forward as unknown as KernelFunc },
    {
      kernelName: ATTENTION_GRAD,
      backendName: "wasm",
      kernelFunc: backward as unknown as KernelFunc,
    },
  ];
}
