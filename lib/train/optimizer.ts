/**
 * AdamW (Loshchilov & Hutter; the PyTorch formula) with global-norm gradient clipping, written
 * with plain tf ops so its state can be saved and restored exactly.
 *
 * Weight decay: the paper (Appendix C) uses 0.1, decoupled, "none on norms/biases". We decay
 * every parameter of rank >= 2 and nothing of rank 1, so the tied token embedding IS decayed, as
 * in nanoGPT and the known-good tiny reference; LoRA and probe matrices are decayed too.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { fusedOps } from "../model/kernels/fused.ts";

/** Options of {@linkcode AdamW}. */
export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.98 (the paper does not state betas; 0.98 is the usual choice for LMs). */
  beta2?: number;
  /** Default 1e-6 (paper). */
  eps?: number;
  /** Decoupled weight decay (default 0.1, paper pretraining). */
  weightDecay?: number;
  /** Global gradient-norm clip (default 1.0); 0 or Infinity turns clipping off. */
  clip?: number;
  /** Which variables are decayed (default: rank >= 2, i.e. not norm gains and biases). */
  decay?: (v: tf.Variable) => boolean;
}

/** Serializable optimizer state (for checkpoints). */
export interface AdamWState {
  /** Number of updates applied so far (for the bias corrections). */
  step: number;
  /** First and second moments, in the order of the optimizer's variables. */
  slots: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

let nextId = 0;

/** AdamW over a fixed list of variables. Call `dispose()` to free its moments. */
export class AdamW {
  readonly variables: readonly tf.Variable[];
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly clip: number;
  /** Updates applied so far. */
  step = 0;
  #m: tf.Variable[];
  #v: tf.Variable[];
  #decayed: boolean[];

  constructor(variables: tf.Variable[], opts: AdamWOptions = {}) {
    this.variables = [...variables];
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.98;
    this.eps = opts.eps ?? 1e-6;
    this.weightDecay = opts.weightDecay ?? 0.1;
    this.clip = opts.clip ?? 1.0;
    for (const [k, v] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new Error(`AdamW.${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.eps > 0)) throw new Error(`AdamW.eps must be > 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) {
      throw new Error(`AdamW.weightDecay must be >= 0, got ${this.weightDecay}`);
    }
    if (!(this.clip >= 0)) throw new Error(`AdamW.clip must be >= 0, got ${this.clip}`);
    const decay = opts.decay ?? ((v: tf.Variable) => v.rank >= 2);
    this.#decayed = this.variables.map(decay);
    const id = nextId++;
    this.#m = this.variables.map((v, i) =>
      tf.tidy(() => tf.variable(tf.zerosLike(v), false, `adamw${id}/m${i}`))
    );
    this.#v = this.variables.map((v, i) =>
      tf.tidy(() => tf.variable(tf.zerosLike(v), false, `adamw${id}/v${i}`))
    );
  }

  /**
   * Clips `grads` (by variable name, as tf.variableGrads returns them) to the global norm, applies
   * one AdamW update with learning rate `lr`, and returns the global gradient norm before clipping.
   */
  apply(grads: tf.NamedTensorMap, lr: number): tf.Scalar {
    this.step++;
    const t = this.step;
    return tf.tidy(() => {
      const gs = this.variables.map((v) => {
        const g = grads[v.name];
        if (!g) throw new Error(`AdamW: no gradient for variable "${v.name}"`);
        return g;
      });
      const fused = fusedOps(); // WASM: one kernel for all parameters, same float32 arithmetic
      if (fused) {
        const { beta1, beta2, eps, weightDecay, clip } = this;
        const moments = { m: this.#m, v: this.#v };
        const opts = { beta1, beta2, eps, weightDecay, clip, lr, step: t };
        return fused.adamW(this.variables, gs, moments, { ...opts, decayed: this.#decayed });
      }
      const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
      // PyTorch's clip_grad_norm_: scale by clip / (norm + 1e-6) when that is below 1.
      const coef = this.clip > 0 && Number.isFinite(this.clip)
        ? tf.minimum(tf.div(this.clip, tf.add(norm, 1e-6)), 1)
        : null;
      const bc1 = 1 - Math.pow(this.beta1, t);
      const bc2 = 1 - Math.pow(this.beta2, t);
      const stepSize = lr / bc1;
      const sqrtBc2 = Math.sqrt(bc2);
      this.variables.forEach((p, i) => {
        const g = coef ? tf.mul(gs[i], coef) : gs[i];
        const m = tf.add(tf.mul(this.#m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.#v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.#m[i].assign(m);
        this.#v[i].assign(v);
        // p <- p (1 - lr wd) - lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps)
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), this.eps);
        const decayed = this.#decayed[i] && this.weightDecay > 0
          ? tf.mul(p, 1 - lr * this.weightDecay)
          : p;
        p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      });
      return norm;
    });
  }

  /** A copy of the state (reads the moments synchronously). */
  getState(): AdamWState {
    return {
      step: this.step,
      slots: this.variables.map((v, i) => ({
        name: v.name,
        shape: [...v.shape],
        m: this.#m[i].dataSync() as Float32Array,
        v: this.#v[i].dataSync() as Float32Array,
      })),
    };
  }

  /** Restores a state from `getState`; throws if the variables do not match in count or shape. */
  setState(state: AdamWState): void {
    if (state.slots.length !== this.variables.length) {
      throw new Error(
        `AdamW.setState: state has ${state.slots.length} slots, optimizer has ${this.variables.length} variables`,
      );
    }
    state.slots.forEach((s, i) => {
      const want = this.variables[i].shape;
      if (s.shape.join(",") !== want.join(",")) {
        throw new Error(
          `AdamW.setState: slot ${i} ("${s.name}") has shape [${s.shape}], variable "${
            this.variables[i].name
          }" has [${want}]`,
        );
      }
    });
    tf.tidy(() => {
      state.slots.forEach((s, i) => {
        this.#m[i].assign(tf.tensor(s.m, s.shape));
        this.#v[i].assign(tf.tensor(s.v, s.shape));
      });
    });
    this.step = state.step;
  }

  /** Frees the moment variables. */
  dispose(): void {
    tf.dispose([...this.#m, ...this.#v]);
  }
}
