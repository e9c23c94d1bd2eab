/**
 * Fused operations for the WASM backend: GELU, layer norm and rotary embedding (each with its
 * gradient), the gradient of the LM head's cross-entropy and the whole AdamW update, as kernels of our own that run the SIMD code of simd.ts
 * on the heap in place.
 *
 * The model and the optimizer ask {@linkcode fusedOps} first and keep their op-by-op form
 * when it returns undefined: on any backend but "wasm", or when the kernels are not installed
 * (`PLM_FUSED=off`). The op-by-op form is the reference (golden traces run it on "cpu"); the
 * fused kernels agree with it within float tolerance (the tests check them against "cpu").
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { simdKernels } from "./simd.ts";
import { ATTENTION, ATTENTION_GRAD } from "./attention.ts";
import { heapF32, heapI32, offsetOf, sizeOf, type WasmBackend } from "./wasm_internals.ts";

const K = {
  gelu: "PlmGelu",
  geluGrad: "PlmGeluGrad",
  layerNorm: "PlmLayerNorm",
  layerNormGrad: "PlmLayerNormGrad",
  rotary: "PlmRotary",
  adamW: "PlmAdamW",
  xentGrad: "PlmXentGrad",
} as const;

/** The SIMD kernels on this backend's heap. */
function simd(backend: WasmBackend) {
  return simdKernels(backend.wasm.asm.memory);
}

function checkFloat(kernel: string, ...ts: TensorInfo[]): void {
  for (const t of ts) {
    if (t.dtype !== "float32") throw new Error(`${kernel}: float32 tensors only, got ${t.dtype}`);
  }
}

type Args<I, A = Record<string, never>> = { inputs: I; attrs: A; backend: WasmBackend };

function gelu({ inputs: { x }, backend }: Args<{ x: TensorInfo }>): TensorInfo {
  checkFloat(K.gelu, x);
  const y = backend.makeOutput(x.shape, "float32");
  simd(backend).gelu(offsetOf(backend, x), offsetOf(backend, y), sizeOf(x.shape));
  return y;
}

function geluGrad({ inputs: { x, dy }, backend }: Args<{ x: TensorInfo; dy: TensorInfo }>) {
  checkFloat(K.geluGrad, x, dy);
  const dx = backend.makeOutput(x.shape, "float32");
  const at = (t: TensorInfo) => offsetOf(backend, t);
  simd(backend).geluGrad(at(x), at(dy), at(dx), sizeOf(x.shape));
  return dx;
}

/** Rows and width of a tensor normalized over its last axis, checked against the gain. */
function rowsOf(kernel: string, x: TensorInfo, g: TensorInfo): [number, number] {
  const d = x.shape[x.shape.length - 1];
  if (x.shape.length < 1 || g.shape.length !== 1 || g.shape[0] !== d) {
    throw new Error(`${kernel}: gain [${g.shape}] must be [${d}] for input [${x.shape}]`);
  }
  return [d === 0 ? 0 : sizeOf(x.shape) / d, d];
}

function layerNorm(
  { inputs: { x, g, b }, attrs: { eps }, backend }: Args<
    { x: TensorInfo; g: TensorInfo; b: TensorInfo },
    { eps: number }
  >,
): TensorInfo[] {
  checkFloat(K.layerNorm, x, g, b);
  const [rows, d] = rowsOf(K.layerNorm, x, g);
  const y = backend.makeOutput(x.shape, "float32");
  const mean = backend.makeOutput([rows], "float32");
  const rstd = backend.makeOutput([rows], "float32");
  const at = (t: TensorInfo) => offsetOf(backend, t);
  simd(backend).layerNorm(at(x), at(g), at(b), at(y), at(mean), at(rstd), rows, d, eps);
  return [y, mean, rstd];
}

function layerNormGrad(
  { inputs: { x, g, mean, rstd, dy }, backend }: Args<
    { x: TensorInfo; g: TensorInfo; mean: TensorInfo; rstd: TensorInfo; dy: TensorInfo }
  >,
): TensorInfo[] {
  checkFloat(K.layerNormGrad, x, g, mean, rstd, dy);
  const [rows, d] = rowsOf(K.layerNormGrad, x, g);
  const dx = backend.makeOutput(x.shape, "float32");
  const dg = backend.makeOutput([d], "float32");
  const db = backend.makeOutput([d], "float32");
  const at = (t: TensorInfo) => offsetOf(backend, t);
  simd(backend).layerNormGrad(
    at(x),
    at(g),
    at(mean),
    at(rstd),
    at(dy),
    at(dx),
    at(dg),
    at(db),
    rows,
    d,
  );
  return [dx, dg, db];
}

function rotary(
  { inputs: { x, cos, sin }, attrs: { hd, rd, grad }, backend }: Args<
    { x: TensorInfo; cos: TensorInfo; sin: TensorInfo },
    { hd: number; rd: number; grad: boolean }
  >,
): TensorInfo {
  checkFloat(K.rotary, x, cos, sin);
  const td = sizeOf(cos.shape), n = sizeOf(x.shape);
  if (
    sizeOf(sin.shape) !== td || td % hd !== 0 || (td > 0 && n % td !== 0) || rd % 2 !== 0 ||
    rd > hd
  ) {
    throw new Error(
      `${K.rotary}: tables [${cos.shape}], [${sin.shape}] do not fit input [${x.shape}] with ` +
        `head dim ${hd} and ${rd} rotary dims (need equal tables, a multiple of hd, even rd <= hd)`,
    );
  }
  const y = backend.makeOutput(x.shape, "float32");
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const k = simd(backend);
  (grad ? k.rotaryGrad : k.rotary)(
    at(x),
    at(cos),
    at(sin),
    at(y),
    td === 0 ? 0 : n / td,
    td,
    hd,
    rd / 2,
    rd,
  );
  return y;
}

function xentGrad(
  { inputs: { probs, targets, weights, dy }, backend }: Args<
    { probs: TensorInfo; targets: TensorInfo; weights: TensorInfo; dy: TensorInfo }
  >,
): TensorInfo {
  checkFloat(K.xentGrad, probs, weights, dy);
  const [rows, v] = probs.shape;
  if (
    probs.shape.length !== 2 || targets.dtype !== "int32" || sizeOf(targets.shape) !== rows ||
    sizeOf(weights.shape) !== rows || sizeOf(dy.shape) !== 1
  ) {
    throw new Error(
      `${K.xentGrad}: need probs [N, V], int32 targets [N], weights [N], a scalar dy; got ` +
        `[${probs.shape}], ${targets.dtype} [${targets.shape}], [${weights.shape}], [${dy.shape}]`,
    );
  }
  const ts = heapI32(backend, targets);
  for (let i = 0; i < rows; i++) {
    if (!(ts[i] >= 0 && ts[i] < v)) {
      throw new Error(`${K.xentGrad}: target ${ts[i]} of row ${i} is outside [0, ${v})`);
    }
  }
  const out = backend.makeOutput(probs.shape, "float32");
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const dyValue = heapF32(backend, dy)[0];
  simd(backend).xentGrad(at(probs), at(targets), at(weights), at(out), rows, v, dyValue);
  return out;
}

/** Attributes of the fused AdamW kernel (see {@linkcode FusedOps.adamW}). */
interface AdamWAttrs {
  count: number;
  decayed: boolean[];
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  weightDecay: number;
  clip: number;
  step: number;
}

/**
 * Inputs p0, g0, m0, v0, p1, ...; outputs [norm, p0', m0', v0', p1', ...]. Mirrors
 * lib/train/optimizer.ts: every constant goes through float32 as the op-by-op form's scalar
 * tensors do, and the per-element arithmetic is the same float32 operations in the same order.
 */
function adamW(
  { inputs, attrs, backend }: Args<Record<string, TensorInfo>, AdamWAttrs>,
): TensorInfo[] {
  const k = simd(backend);
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const f = Math.fround;
  const n = attrs.count;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const g = inputs[`g${i}`];
    checkFloat(K.adamW, g, inputs[`p${i}`], inputs[`m${i}`], inputs[`v${i}`]);
    sum = f(sum + k.sumSquares(at(g), sizeOf(g.shape)));
  }
  const norm = f(Math.sqrt(sum));
  const coef = attrs.clip > 0 && Number.isFinite(attrs.clip)
    ? Math.min(f(f(attrs.clip) / f(norm + f(1e-6))), 1)
    : 1;
  const bc1 = 1 - Math.pow(attrs.beta1, attrs.step);
  const bc2 = 1 - Math.pow(attrs.beta2, attrs.step);
  const normOut = backend.makeOutput([], "float32");
  new Float32Array(backend.wasm.HEAPU8.buffer, at(normOut), 1)[0] = norm;
  const outs: TensorInfo[] = [normOut];
  for (let i = 0; i < n; i++) {
    const p = inputs[`p${i}`], g = inputs[`g${i}`], m = inputs[`m${i}`], v = inputs[`v${i}`];
    const pOut = backend.makeOutput(p.shape, "float32");
    const mOut = backend.makeOutput(p.shape, "float32");
    const vOut = backend.makeOutput(p.shape, "float32");
    const decay = attrs.decayed[i] && attrs.weightDecay > 0 ? 1 - attrs.lr * attrs.weightDecay : 1;
    k.adamW(
      at(p),
      at(g),
      at(m),
      at(v),
      at(pOut),
      at(mOut),
      at(vOut),
      sizeOf(p.shape),
      coef,
      attrs.beta1,
      1 - attrs.beta1,
      attrs.beta2,
      1 - attrs.beta2,
      decay,
      Math.sqrt(bc2),
      attrs.eps,
      attrs.lr / bc1,
    );
    outs.push(pOut, mOut, vOut);
  }
  return outs;
}

const kernel = (kernelName: string, fn: unknown): KernelConfig => ({
  kernelName,
  backendName: "wasm",
  kernelFunc: fn as KernelFunc,
});

/** The fused kernels' registrations for "wasm". */
export const fusedKernelConfigs: KernelConfig[] = [
  kernel(K.gelu, gelu),
  kernel(K.geluGrad, geluGrad),
  kernel(K.layerNorm, layerNorm),
  kernel(K.layerNormGrad, layerNormGrad),
  kernel(K.rotary, rotary),
  kernel(K.adamW, adamW),
  kernel(K.xentGrad, xentGrad),
];

/** The fused operations, for the model and the optimizer. */
export interface FusedOps {
  /** GPT-2's tanh GELU (computed through the sigmoid), differentiable. */
  gelu<T extends tf.Tensor>(x: T): T;
  /** Layer norm over the last axis with gain `g` and bias `b`, differentiable in all three. */
  layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor, eps: number): T;
  /**
   * Rotate-half rotary on x [..., T*nHead*hd] (any leading shape) with tables [T*nHead*hd]:
   * y = x cos + rotate_half(x) sin on the first `rd` dims of each head; differentiable in x.
   */
  rotary<T extends tf.Tensor>(x: T, cos: tf.Tensor, sin: tf.Tensor, hd: number, rd: number): T;
  /**
   * One AdamW step with global-norm clipping over all parameters (see lib/train/optimizer.ts):
   * assigns the new parameters and moments and returns the gradient norm before clipping.
   */
  /**
   * The gradient of lmHeadLoss with respect to the logits from the saved softmax `probs` [N, V]:
   * (probs - onehot(targets)) * dy * weights, per row.
   */
  xentGrad(probs: tf.Tensor, targets: tf.Tensor, weights: tf.Tensor, dy: tf.Tensor): tf.Tensor2D;
  /**
   * softmax(q k^T + mask) v per batch and head for q, k, v [B, T, H, hd] and an optional additive
   * mask [T, T]; the result is [B, T, H, hd]. Differentiable in q, k, v. Present in BLAS mode
   * only (see attention.ts).
   */
  attention?: (
    q: tf.Tensor4D,
    k: tf.Tensor4D,
    v: tf.Tensor4D,
    mask: tf.Tensor2D | null,
  ) => tf.Tensor4D;
  adamW(
    params: readonly tf.Variable[],
    grads: readonly tf.Tensor[],
    moments: { m: readonly tf.Variable[]; v: readonly tf.Variable[] },
    opts: Omit<AdamWAttrs, "count">,
  ): tf.Scalar;
}

const run = <T extends tf.Tensor | tf.Tensor[]>(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: Record<string, unknown> = {},
) => tf.engine().runKernel<T>(name, inputs, attrs as tf.NamedAttrMap);

const OPS: FusedOps = {
  gelu<T extends tf.Tensor>(x: T): T {
    const f = tf.customGrad((input, save) => {
      (save as tf.GradSaveFunc)([input as tf.Tensor]);
      return {
        value: run<tf.Tensor>(K.gelu, { x: input as tf.Tensor }),
        gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => run<tf.Tensor>(K.geluGrad, { x: xs, dy }),
      };
    });
    return f(x) as T;
  },
  layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor, b: tf.Tensor, eps: number): T {
    const f = tf.customGrad((xIn, gIn, bIn, save) => {
      const [y, mean, rstd] = run<tf.Tensor[]>(K.layerNorm, {
        x: xIn as tf.Tensor,
        g: gIn as tf.Tensor,
        b: bIn as tf.Tensor,
      }, { eps });
      (save as tf.GradSaveFunc)([xIn as tf.Tensor, gIn as tf.Tensor, mean, rstd]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, [xs, gs, ms, rs]: tf.Tensor[]) =>
          run<tf.Tensor[]>(K.layerNormGrad, { x: xs, g: gs, mean: ms, rstd: rs, dy }),
      };
    });
    return f(x, g, b) as T;
  },
  rotary<T extends tf.Tensor>(x: T, cos: tf.Tensor, sin: tf.Tensor, hd: number, rd: number): T {
    const f = tf.customGrad((input, save) => {
      (save as tf.GradSaveFunc)([]);
      return {
        value: run<tf.Tensor>(K.rotary, { x: input as tf.Tensor, cos, sin }, {
          hd,
          rd,
          grad: false,
        }),
        gradFunc: (dy: tf.Tensor) =>
          run<tf.Tensor>(K.rotary, { x: dy, cos, sin }, { hd, rd, grad: true }),
      };
    });
    return f(x) as T;
  },
  xentGrad(probs, targets, weights, dy) {
    return run<tf.Tensor2D>(K.xentGrad, { probs, targets, weights, dy });
  },
  adamW(params, grads, moments, opts): tf.Scalar {
    const inputs: tf.NamedTensorMap = {};
    params.forEach((p, i) => {
      inputs[`p${i}`] = p;
      inputs[`g${i}`] = grads[i];
      inputs[`m${i}`] = moments.m[i];
      inputs[`v${i}`] = moments.v[i];
    });
    const [norm, ...rest] = run<tf.Tensor[]>(K.adamW, inputs, { ...opts, count: params.length });
    params.forEach((p, i) => {
      moments.m[i].assign(rest[3 * i + 1]);
      moments.v[i].assign(rest[3 * i + 2]);
      p.assign(rest[3 * i]);
    });
    tf.dispose(rest);
    return norm as tf.Scalar;
  },
};

const WITH_ATTENTION: FusedOps = {
  ...OPS,
  attention(q, k, v, mask) {
    const f = tf.customGrad((qIn, kIn, vIn, save) => {
      const inputs: tf.NamedTensorMap = {
        q: qIn as tf.Tensor,
        k: kIn as tf.Tensor,
        v: vIn as tf.Tensor,
      };
      if (mask) inputs.mask = mask;
      const [y, p] = run<tf.Tensor[]>(ATTENTION, inputs);
      (save as tf.GradSaveFunc)([qIn as tf.Tensor, kIn as tf.Tensor, vIn as tf.Tensor, p]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, [qs, ks, vs, ps]: tf.Tensor[]) =>
          run<tf.Tensor[]>(ATTENTION_GRAD, { q: qs, k: ks, v: vs, p: ps, dy }),
      };
    });
    return f(q, k, v) as tf.Tensor4D;
  },
};

/**
 * The fused operations when the current backend has our fused kernels (the "wasm" backend after
 * `initBackend`, unless `PLM_FUSED=off`; `attention` only in BLAS mode), else undefined: use the
 * op-by-op form then.
 */
export function fusedOps(): FusedOps | undefined {
  const backend = tf.getBackend();
  if (!tf.getKernel(K.adamW, backend)) return undefined;
  return tf.getKernel(ATTENTION, backend) ? WITH_ATTENTION : OPS;
}
