/**
 * The GPT of "Physics of Language Models: Part 3.1" (arXiv 2309.14316, §2.1 and Appendix B), in one
 * file, in paper order: config -> embeddings -> rotary -> attention -> MLP -> block -> model -> loss.
 *
 * The paper's "GPT2" is GPT-2 with the absolute position embedding removed and GPT-NeoX rotary
 * embedding added (rotary on the first 1/4 of each head's dimensions, base 10,000). Everything
 * else follows GPT-2: pre-LayerNorm, GELU (tanh form) MLP of width 4d, biases, tied input and
 * output embeddings, init N(0, 0.02) with the residual projections scaled by 1/sqrt(2 nLayer).
 * `causal: false` gives the paper's bidirectional GBERT (§7). The paper's "downsized" Llama
 * (Appendix D, Figure 12b/c) is the same body with RMSNorm, a SwiGLU MLP, rotary on the whole head
 * and no biases: {@linkcode MODEL_ARCHS} names both variants as config overrides.
 *
 * Written for speed on the TF.js WASM backend (see tfjs-speed notes): gather-based embedding,
 * 2-D matMuls after reshapes, GELU through sigmoid, a constant causal mask, and hand-written
 * gradients (tf.customGrad) for rotary and cross-entropy (no one-hot tensors, fewer ops).
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// The union package registers the gradient functions (tfjs-core alone has none under Deno).
import "@tensorflow/tfjs";
import { Rng } from "../util/rng.ts";
import { fusedOps } from "./kernels/fused.ts";
import { MODEL_SHAPES } from "./shapes.ts";
import type { Batch, CausalLM } from "../contracts.ts";

// ---------------------------------------------------------------------------------------------
// Config

/** Normalization layer. "rmsnorm" (no bias, no mean subtraction) is there for a Llama variant. */
export type NormKind = "layernorm" | "rmsnorm";
/**
 * MLP kind: GPT-2's `gelu` (W_proj · gelu(W_fc x)) or Llama's gated `swiglu`
 * (W_proj · (silu(W_gate x) * W_fc x)), whose three matrices hold 3·d·f weights.
 */
export type MlpKind = "gelu" | "swiglu";

/** Model hyperparameters. Plain data: JSON-serializable and hashed into checkpoints. */
export interface GPTConfig {
  /** Vocabulary size (50,257 for GPT-2 BPE; smaller for a compact vocabulary). */
  vocabSize: number;
  /** Context length: the longest sequence the model accepts. */
  seqLen: number;
  nLayer: number;
  nHead: number;
  /** Width of the residual stream; must be divisible by nHead. */
  dModel: number;
  /** MLP hidden width = mlpRatio * dModel. */
  mlpRatio: number;
  /** Fraction of each head's dimensions that rotary rotates (GPT-NeoX rotary_pct). */
  rotaryPct: number;
  /** Rotary frequency base. */
  rotaryBase: number;
  /** Causal attention; false = bidirectional (GBERT). */
  causal: boolean;
  norm: NormKind;
  mlp: MlpKind;
  /** Biases on every linear layer (GPT-2 has them). */
  bias: boolean;
  /** Std of the normal init; residual projections get initStd / sqrt(2 nLayer). */
  initStd: number;
  layerNormEps: number;
  /** Dropout rate, used only when a forward pass asks for it (`dropoutSeed`). */
  dropout: number;
}

const DEFAULTS: Omit<GPTConfig, "vocabSize" | "seqLen" | "nLayer" | "nHead" | "dModel"> = {
  mlpRatio: 4,
  rotaryPct: 0.25,
  rotaryBase: 10000,
  causal: true,
  norm: "layernorm",
  mlp: "gelu",
  bias: true,
  initStd: 0.02,
  layerNormEps: 1e-5,
  dropout: 0,
};

/**
 * Named sizes. "tiny" is the known-good laptop setting (2L/d128/4H, compact vocab of 3,082, rows
 * of 128); "gpt2-124m" is the paper's bioS model (12L/768/12H, GPT-2 vocab, context 512).
 */
export const GPT_PRESETS: Readonly<Record<"tiny" | "small" | "gpt2-124m", Readonly<GPTConfig>>> = {
  tiny: { ...DEFAULTS, vocabSize: 3082, seqLen: 128, ...MODEL_SHAPES.tiny },
  small: { ...DEFAULTS, vocabSize: 3082, seqLen: 256, ...MODEL_SHAPES.small },
  "gpt2-124m": { ...DEFAULTS, vocabSize: 50257, seqLen: 512, ...MODEL_SHAPES["gpt2-124m"] },
};

/** A preset name. */
export type GPTPreset = keyof typeof GPT_PRESETS;

/** A preset with overrides, validated. Unknown override keys are an error. */
export function gptConfig(preset: GPTPreset, overrides: Partial<GPTConfig> = {}): GPTConfig {
  const base = GPT_PRESETS[preset];
  if (!base) {
    throw new Error(
      `unknown GPT preset "${preset}"; allowed: ${Object.keys(GPT_PRESETS).join(", ")}`,
    );
  }
  const config = { ...base, ...overrides };
  validateGPTConfig(config);
  return config;
}

/** The architectures: the paper's GPT (the default, no field) and its two variants. */
export const ARCHS = ["gpt", "llama", "gbert"] as const;
/** An architecture name. */
export type Arch = (typeof ARCHS)[number];

/**
 * Each architecture as overrides of the GPT's config (same layers, heads and width: the paper
 * replaces the GPT by a Llama or GBERT "of the same size").
 * - `llama`: RMSNorm (eps 1e-6, Llama's), SwiGLU MLP, rotary on the whole head, no biases. The
 *   MLP width is Llama-7B's ratio 11008/4096 = 2.6875 d (its 8d/3 rounded up to a multiple of
 *   256), so the three MLP matrices (3 · 2.6875 d² = 8.06 d²) hold about the GPT's two (8 d²).
 * - `gbert`: bidirectional attention (§7); its masked-LM objective is the training's business.
 */
export const MODEL_ARCHS: Readonly<Record<Arch, Readonly<Partial<GPTConfig>>>> = {
  gpt: {},
  llama: {
    norm: "rmsnorm",
    mlp: "swiglu",
    mlpRatio: 2.6875,
    rotaryPct: 1,
    bias: false,
    layerNormEps: 1e-6,
  },
  gbert: { causal: false },
};

/** The config overrides of an architecture; an unknown name throws naming the allowed ones. */
export function archOverrides(arch: string): Partial<GPTConfig> {
  if (!(ARCHS as readonly string[]).includes(arch)) {
    throw new Error(`unknown architecture "${arch}"; allowed: ${ARCHS.join(", ")}`);
  }
  return { ...MODEL_ARCHS[arch as Arch] };
}

/** Number of rotary dimensions per head: floor(headDim * rotaryPct), as GPT-NeoX computes it. */
export function rotaryDims(config: GPTConfig): number {
  return Math.floor((config.dModel / config.nHead) * config.rotaryPct);
}

/** Throws an Error naming the field and what is allowed if `config` is not a valid GPTConfig. */
export function validateGPTConfig(config: GPTConfig): void {
  const known = new Set([
    "vocabSize",
    "seqLen",
    "nLayer",
    "nHead",
    "dModel",
    ...Object.keys(DEFAULTS),
  ]);
  for (const key of Object.keys(config)) {
    if (!known.has(key)) {
      throw new Error(`GPTConfig: unknown field "${key}"; allowed: ${[...known].join(", ")}`);
    }
  }
  for (const key of ["vocabSize", "seqLen", "nLayer", "nHead", "dModel"] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v <= 0) {
      throw new Error(`GPTConfig.${key} must be a positive integer, got ${v}`);
    }
  }
  if (config.dModel % config.nHead !== 0) {
    throw new Error(
      `GPTConfig.dModel (${config.dModel}) must be divisible by nHead (${config.nHead})`,
    );
  }
  const positive = ["mlpRatio", "rotaryBase", "initStd", "layerNormEps"] as const;
  for (const key of positive) {
    const v = config[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new Error(`GPTConfig.${key} must be a positive number, got ${v}`);
    }
  }
  if (!Number.isInteger(config.mlpRatio * config.dModel)) {
    throw new Error(`GPTConfig.mlpRatio * dModel must be an integer, got ${config.mlpRatio}`);
  }
  const p = config.rotaryPct;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new Error(`GPTConfig.rotaryPct must be in [0, 1], got ${p}`);
  }
  const rd = rotaryDims(config);
  if (rd % 2 !== 0) {
    throw new Error(
      `GPTConfig.rotaryPct ${p} gives ${rd} rotary dims per head (head dim ${
        config.dModel / config.nHead
      }); it must be even`,
    );
  }
  if (typeof config.causal !== "boolean") {
    throw new Error(`GPTConfig.causal must be true or false, got ${config.causal}`);
  }
  if (typeof config.bias !== "boolean") {
    throw new Error(`GPTConfig.bias must be true or false, got ${config.bias}`);
  }
  if (config.norm !== "layernorm" && config.norm !== "rmsnorm") {
    throw new Error(`GPTConfig.norm must be "layernorm" or "rmsnorm", got "${config.norm}"`);
  }
  if (config.mlp !== "gelu" && config.mlp !== "swiglu") {
    throw new Error(`GPTConfig.mlp must be "gelu" or "swiglu", got "${config.mlp}"`);
  }
  if (typeof config.dropout !== "number" || !(config.dropout >= 0 && config.dropout < 1)) {
    throw new Error(`GPTConfig.dropout must be in [0, 1), got ${config.dropout}`);
  }
}

/** Low-rank adapters on the attention query and value projections, per layer (see lora.ts). */
export interface LoRAAdapters {
  /** The scaling alpha / r applied to A·B. */
  scale: number;
  /** One entry per layer: A is [dModel, r], B is [r, dModel]. */
  layers: { q?: { A: tf.Tensor2D; B: tf.Tensor2D }; v?: { A: tf.Tensor2D; B: tf.Tensor2D } }[];
}

/** A low-rank update of the input token embedding: the table becomes wte + A·B. */
export interface EmbeddingUpdate {
  /** [vocabSize, r] */
  A: tf.Tensor2D;
  /** [r, dModel] */
  B: tf.Tensor2D;
}

/** Options of a forward pass, for finetuning and probing. */
export interface ForwardOptions {
  lora?: LoRAAdapters;
  embeddingUpdate?: EmbeddingUpdate;
  /** Turns dropout on (rate `config.dropout`) with this seed; absent = no dropout. */
  dropoutSeed?: number;
}

// ---------------------------------------------------------------------------------------------
// Parameters and their initialization

/** One parameter's name, shape and init (the only place the model's weights are listed). */
interface ParamSpec {
  name: string;
  shape: number[];
  init: "normal" | "residual" | "zeros" | "ones";
}

function paramSpecs(c: GPTConfig): ParamSpec[] {
  const d = c.dModel;
  const f = c.mlpRatio * d;
  const specs: ParamSpec[] = [{ name: "wte", shape: [c.vocabSize, d], init: "normal" }];
  const norm = (prefix: string) => {
    specs.push({ name: `${prefix}.g`, shape: [d], init: "ones" });
    if (c.norm === "layernorm") specs.push({ name: `${prefix}.b`, shape: [d], init: "zeros" });
  };
  const linear = (w: string, b: string, shape: [number, number], residual = false) => {
    specs.push({ name: w, shape, init: residual ? "residual" : "normal" });
    if (c.bias) specs.push({ name: b, shape: [shape[1]], init: "zeros" });
  };
  for (let i = 0; i < c.nLayer; i++) {
    const h = `h${i}`;
    norm(`${h}.ln1`);
    linear(`${h}.attn.wq`, `${h}.attn.bq`, [d, d]);
    linear(`${h}.attn.wk`, `${h}.attn.bk`, [d, d]);
    linear(`${h}.attn.wv`, `${h}.attn.bv`, [d, d]);
    linear(`${h}.attn.wo`, `${h}.attn.bo`, [d, d], true);
    norm(`${h}.ln2`);
    if (c.mlp === "swiglu") linear(`${h}.mlp.wgate`, `${h}.mlp.bgate`, [d, f]);
    linear(`${h}.mlp.wfc`, `${h}.mlp.bfc`, [d, f]);
    linear(`${h}.mlp.wproj`, `${h}.mlp.bproj`, [f, d], true);
  }
  norm("lnf");
  return specs;
}

/** FNV-1a, to give each parameter its own RNG stream: init does not depend on parameter order. */
function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function initValues(spec: ParamSpec, c: GPTConfig, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (spec.init === "ones") out.fill(1);
  if (spec.init === "normal" || spec.init === "residual") {
    // GPT-2: residual projections are scaled so the residual stream's variance does not grow
    // with depth.
    const std = spec.init === "residual" ? c.initStd / Math.sqrt(2 * c.nLayer) : c.initStd;
    const rng = new Rng(seed, hashName(spec.name));
    for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small layers

function linear(x: tf.Tensor2D, w: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, w as tf.Tensor2D);
  return b ? tf.add<tf.Tensor2D>(y, b) : y;
}

function norm(x: tf.Tensor2D, c: GPTConfig, g: tf.Tensor, b?: tf.Tensor): tf.Tensor2D {
  if (c.norm === "rmsnorm") {
    const ms = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, c.layerNormEps))), g);
  }
  const fused = b ? fusedOps() : undefined; // WASM: one kernel (same math, kernels/fused.ts)
  if (fused && b) return fused.layerNorm(x, g, b, c.layerNormEps);
  const xc = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(xc), -1, true);
  const y = tf.mul<tf.Tensor2D>(tf.mul(xc, tf.rsqrt(tf.add(variance, c.layerNormEps))), g);
  return b ? tf.add<tf.Tensor2D>(y, b) : y;
}

const GELU_C1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_C2 = GELU_C1 * 0.044715;

/**
 * GPT-2's tanh GELU, 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))), computed exactly as
 * x * sigmoid(2 sqrt(2/pi)(x + 0.044715x^3)) because tanh is very slow on WASM.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  const fused = fusedOps(); // WASM: one kernel (same math, kernels/fused.ts)
  if (fused) return fused.gelu(x);
  const u = tf.mul(x, tf.add(tf.mul(tf.square(x), GELU_C2), GELU_C1));
  return tf.mul(x, tf.sigmoid(u));
}

/** SiLU (swish), x * sigmoid(x): the gate of Llama's SwiGLU MLP. Plain ops (both backends). */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

function maybeDropout(x: tf.Tensor2D, c: GPTConfig, seed: number | undefined): tf.Tensor2D {
  return seed === undefined || c.dropout === 0
    ? x
    : tf.dropout(x, c.dropout, undefined, seed) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// Rotary embedding (GPT-NeoX: rotate-half on the first rd = rotaryPct * headDim dims of a head)

/** Per-length constant tables for one of q or k: y = x * cos + (x · P) * sin. */
interface RotaryTables {
  /** [T*d]: cos(angle) * scale on rotary dims, scale on pass-through dims. */
  cos: tf.Tensor1D;
  /** [T*d]: sin(angle) * scale on rotary dims, 0 on pass-through dims. */
  sin: tf.Tensor1D;
  /** [hd, hd] rotate_half as a signed permutation: (x1, x2, pass) · P = (-x2, x1, 0). */
  P: tf.Tensor2D;
  /** Rotary dims per head. */
  rd: number;
  /** Multiplies the output: lets the query carry attention's 1/sqrt(headDim) for free. */
  scale: number;
}

/** Tables for positions offset..offset+T-1: theta_i = base^(-2i/rd), i < rd/2, angle = t theta_i. */
function rotaryTables(c: GPTConfig, T: number, scale: number, offset = 0): RotaryTables {
  const d = c.dModel;
  const hd = d / c.nHead;
  const rd = rotaryDims(c);
  const half = rd / 2;
  const cos = new Float32Array(T * d).fill(scale);
  const sin = new Float32Array(T * d);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < c.nHead; h++) {
      for (let k = 0; k < rd; k++) {
        const angle = (t + offset) * Math.pow(c.rotaryBase, (-2 * (k % half)) / rd);
        cos[t * d + h * hd + k] = Math.cos(angle) * scale;
        sin[t * d + h * hd + k] = Math.sin(angle) * scale;
      }
    }
  }
  const P = new Float32Array(hd * hd);
  for (let k = 0; k < half; k++) {
    P[(k + half) * hd + k] = -1; // output k takes -x[k + half]
    P[k * hd + k + half] = 1; // output k + half takes x[k]
  }
  return { cos: tf.tensor1d(cos), sin: tf.tensor1d(sin), P: tf.tensor2d(P, [hd, hd]), rd, scale };
}

/**
 * Rotary on x [B, T, H, hd]. rotate_half is a small matMul with a signed permutation (slices,
 * concats, reverse and gathers on inner axes are all slow on WASM). The map is a rotation times
 * `scale`, so the backward pass is written by hand: dx = dy * cos + (dy * sin) · P^T.
 */
function applyRotary(x: tf.Tensor4D, r: RotaryTables): tf.Tensor4D {
  const [B, T, H, hd] = x.shape;
  if (r.rd === 0) return r.scale === 1 ? x : tf.mul(x, r.scale);
  const fused = fusedOps(); // WASM: one kernel (same math, kernels/fused.ts)
  if (fused) {
    const flat = tf.reshape(x, [B, T * H * hd]);
    return tf.reshape(fused.rotary(flat, r.cos, r.sin, hd, r.rd), [B, T, H, hd]) as tf.Tensor4D;
  }
  const rows = B * T * H;
  const f = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([]);
    const flat = tf.reshape(input as tf.Tensor, [B, T * H * hd]);
    const rotated = tf.reshape(tf.matMul(tf.reshape(flat, [rows, hd]), r.P), [B, T * H * hd]);
    return {
      value: tf.reshape(tf.add(tf.mul(flat, r.cos), tf.mul(rotated, r.sin)), [
        B,
        T,
        H,
        hd,
      ]) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor) => {
        const g = tf.reshape(dy, [B, T * H * hd]);
        const back = tf.matMul(tf.reshape(tf.mul(g, r.sin), [rows, hd]), r.P, false, true);
        return tf.reshape(tf.add(tf.mul(g, r.cos), tf.reshape(back, [B, T * H * hd])), [
          B,
          T,
          H,
          hd,
        ]);
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

/**
 * Rotary embedding of x [B, T, nHead, headDim] at positions offset..offset+T-1, as the model
 * applies it to queries and keys (for tests, and for incremental decoding later).
 */
export function rotaryEmbed(
  x: tf.Tensor4D,
  config: GPTConfig,
  opts: { offset?: number } = {},
): tf.Tensor4D {
  return tf.tidy(() => applyRotary(x, rotaryTables(config, x.shape[1], 1, opts.offset ?? 0)));
}

// ---------------------------------------------------------------------------------------------
// The model

/** Runtime state shared by the layers of one forward pass. */
interface Pass {
  B: number;
  T: number;
  opts: ForwardOptions;
  dropoutCount: number;
}

/** A GPT with named tf.Variables. Implements CausalLM; call `dispose()` when done. */
export class GPT implements CausalLM {
  /** The validated config. */
  readonly config: GPTConfig;
  /** Parameters by name ("wte", "h0.attn.wq", ..., "lnf.g"), in a fixed order. */
  readonly params: Record<string, tf.Variable>;
  #tables = new Map<number, { q: RotaryTables; k: RotaryTables; mask: tf.Tensor2D | null }>();

  /** Prefer `createGPT`. `values` are the initial values by parameter name. */
  constructor(config: GPTConfig, values: Record<string, Float32Array>) {
    validateGPTConfig(config);
    this.config = { ...config };
    // tf.Variable names are global to the engine, so each model gets its own prefix.
    const prefix = `gpt${nextModelId++}`;
    this.params = {};
    for (const spec of paramSpecs(config)) {
      const v = values[spec.name];
      if (!v) throw new Error(`GPT: missing initial value for parameter "${spec.name}"`);
      this.params[spec.name] = tf.tidy(() =>
        tf.variable(tf.tensor(v, spec.shape), true, `${prefix}/${spec.name}`)
      );
    }
  }

  /** Parameter shapes by name, in the model's fixed order (for checkpoints and counting). */
  static shapes(config: GPTConfig): Record<string, number[]> {
    return Object.fromEntries(paramSpecs(config).map((s) => [s.name, s.shape]));
  }

  /** The variables, in the model's fixed order. */
  get variables(): tf.Variable[] {
    return Object.values(this.params);
  }

  /** Number of scalar parameters (the tied embedding counted once). */
  numParams(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  #constants(T: number): { q: RotaryTables; k: RotaryTables; mask: tf.Tensor2D | null } {
    const cached = this.#tables.get(T);
    if (cached) return cached;
    const c = this.config;
    const hd = c.dModel / c.nHead;
    // Constants built in JS and kept (this may run inside a caller's tidy): the causal mask is
    // not built with tf.linalg.bandPart, whose gradient is broken, and costs nothing per step.
    let mask: tf.Tensor2D | null = null;
    if (c.causal) {
      const m = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
      mask = tf.keep(tf.tensor2d(m, [T, T]));
    }
    const keepAll = (r: RotaryTables): RotaryTables => ({
      ...r,
      cos: tf.keep(r.cos),
      sin: tf.keep(r.sin),
      P: tf.keep(r.P),
    });
    const t = {
      q: keepAll(rotaryTables(c, T, 1 / Math.sqrt(hd))),
      k: keepAll(rotaryTables(c, T, 1)),
      mask,
    };
    this.#tables.set(T, t);
    return t;
  }

  #embed(ids: tf.Tensor2D, pass: Pass): tf.Tensor2D {
    const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
    let x = tf.gather(this.params.wte, flat) as tf.Tensor2D;
    const up = pass.opts.embeddingUpdate;
    if (up) {
      // (wte + A·B)[ids] = wte[ids] + A[ids]·B, which never forms the [V, d] table.
      x = tf.add(x, tf.matMul(tf.gather(up.A, flat) as tf.Tensor2D, up.B));
    }
    return this.#dropout(x, pass);
  }

  #dropout(x: tf.Tensor2D, pass: Pass): tf.Tensor2D {
    const s = pass.opts.dropoutSeed;
    return maybeDropout(x, this.config, s === undefined ? s : s * 1009 + pass.dropoutCount++);
  }

  #attention(x: tf.Tensor2D, layer: number, pass: Pass): tf.Tensor2D {
    const c = this.config;
    const p = this.params;
    const h = `h${layer}.attn`;
    const { B, T } = pass;
    const H = c.nHead;
    const hd = c.dModel / H;
    const lora = pass.opts.lora;
    const ad = lora?.layers[layer];
    const project = (w: string, b: string, adapter?: { A: tf.Tensor2D; B: tf.Tensor2D }) => {
      let y = linear(x, p[`${h}.${w}`], p[`${h}.${b}`]);
      if (adapter && lora) {
        y = tf.add(y, tf.mul(tf.matMul(tf.matMul(x, adapter.A), adapter.B), lora.scale));
      }
      return tf.reshape(y, [B, T, H, hd]) as tf.Tensor4D;
    };
    const consts = this.#constants(T);
    // Rotary on q and k; the q tables also carry the 1/sqrt(hd) of scaled dot-product attention.
    const q = applyRotary(project("wq", "bq", ad?.q), consts.q);
    const k = applyRotary(project("wk", "bk"), consts.k);
    const v = project("wv", "bv", ad?.v);
    const fusedAttention = fusedOps()?.attention; // WASM + OpenBLAS: same math, no transposes
    if (fusedAttention) {
      const merged = tf.reshape(fusedAttention(q, k, v, consts.mask), [B * T, c.dModel]);
      return this.#dropout(linear(merged as tf.Tensor2D, p[`${h}.wo`], p[`${h}.bo`]), pass);
    }
    // [B, T, H, hd] -> [B*H, T, hd]
    const heads = (t: tf.Tensor4D) =>
      tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B * H, T, hd]) as tf.Tensor3D;
    let att = tf.matMul(heads(q), heads(k), false, true); // [B*H, T, T]
    if (consts.mask) att = tf.add(att, consts.mask);
    const y = tf.matMul(tf.softmax(att), heads(v)); // [B*H, T, hd]
    const merged = tf.reshape(tf.transpose(tf.reshape(y, [B, H, T, hd]), [0, 2, 1, 3]), [
      B * T,
      c.dModel,
    ]);
    return this.#dropout(linear(merged as tf.Tensor2D, p[`${h}.wo`], p[`${h}.bo`]), pass);
  }

  #mlp(x: tf.Tensor2D, layer: number, pass: Pass): tf.Tensor2D {
    const p = this.params;
    const h = `h${layer}.mlp`;
    const up = linear(x, p[`${h}.wfc`], p[`${h}.bfc`]);
    const u = this.config.mlp === "swiglu"
      ? tf.mul<tf.Tensor2D>(silu(linear(x, p[`${h}.wgate`], p[`${h}.bgate`])), up)
      : gelu(up);
    return this.#dropout(linear(u, p[`${h}.wproj`], p[`${h}.bproj`]), pass);
  }

  #block(x: tf.Tensor2D, layer: number, pass: Pass): tf.Tensor2D {
    const c = this.config;
    const p = this.params;
    const h = `h${layer}`;
    // Pre-LN residual block, as in GPT-2.
    x = tf.add(x, this.#attention(norm(x, c, p[`${h}.ln1.g`], p[`${h}.ln1.b`]), layer, pass));
    return tf.add(x, this.#mlp(norm(x, c, p[`${h}.ln2.g`], p[`${h}.ln2.b`]), layer, pass));
  }

  /** [B, T] ids -> [B*T, d] last hidden states after the final norm (call inside a tidy). */
  #forward(ids: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
    const [B, T] = ids.shape;
    if (T > this.config.seqLen) {
      throw new Error(`GPT: sequence length ${T} exceeds the context seqLen ${this.config.seqLen}`);
    }
    const pass: Pass = { B, T, opts, dropoutCount: 0 };
    let x = this.#embed(ids, pass);
    for (let i = 0; i < this.config.nLayer; i++) x = this.#block(x, i, pass);
    return norm(x, this.config, this.params["lnf.g"], this.params["lnf.b"]);
  }

  /** [B, T] int32 ids -> [B, T, dModel] last-layer hidden states (after the final norm). */
  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const [B, T] = ids.shape;
    return tf.tidy(() => tf.reshape(this.#forward(ids, opts), [B, T, this.config.dModel]));
  }

  /** [B, T] int32 ids -> [B, T, vocabSize] logits (tied head: hidden · wte^T). */
  logits(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const [B, T] = ids.shape;
    return tf.tidy(() => {
      const logits = tf.matMul(this.#forward(ids, opts), this.params.wte, false, true);
      return tf.reshape(logits, [B, T, this.config.vocabSize]);
    });
  }

  /** Masked mean next-token cross-entropy of a batch (a scalar; differentiable). */
  loss(batch: Batch, opts: ForwardOptions = {}): tf.Scalar {
    const { batchSize: B, seqLen: T } = batch;
    if (
      batch.inputs.length !== B * T || batch.targets.length !== B * T || batch.mask.length !== B * T
    ) {
      throw new Error(`GPT.loss: batch arrays must have batchSize*seqLen = ${B * T} entries`);
    }
    return tf.tidy(() => {
      const ids = tf.tensor2d(batch.inputs, [B, T], "int32");
      return lmHeadLoss(
        this.#forward(ids, opts),
        this.params.wte as tf.Tensor2D,
        batch.targets,
        batch.mask,
      );
    });
  }

  /** Frees the variables and cached constants. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    for (const t of this.#tables.values()) {
      for (const r of [t.q, t.k]) tf.dispose([r.cos, r.sin, r.P]);
      t.mask?.dispose();
    }
    this.#tables.clear();
  }
}

let nextModelId = 0;

/** Creates a GPT whose initial weights depend only on (config, seed), not on the backend. */
export function createGPT(config: GPTConfig, opts: { seed?: number } = {}): GPT {
  validateGPTConfig(config);
  const seed = opts.seed ?? 0;
  const values: Record<string, Float32Array> = {};
  for (const spec of paramSpecs(config)) values[spec.name] = initValues(spec, config, seed);
  return new GPT(config, values);
}

// ---------------------------------------------------------------------------------------------
// Loss

/**
 * Weighted mean next-token cross-entropy of the tied LM head, logits = h · wte^T, against integer
 * targets with weights mask / sum(mask). One hand-written gradient for head and loss:
 * dlogits = (softmax - onehot) * w (the one-hot part is a ScatterNd of the weights), then
 * dh = dlogits · wte and dwte = (h^T · dlogits)^T, which keeps the big [N, V] operand
 * untransposed in every matMul (transposing it is what makes the stock path slow).
 */
export function lmHeadLoss(
  h: tf.Tensor2D,
  wte: tf.Tensor2D,
  targets: Int32Array,
  mask: Float32Array,
): tf.Scalar {
  const [N] = h.shape;
  const [V] = wte.shape;
  let total = 0;
  for (let i = 0; i < N; i++) total += mask[i];
  const w = new Float32Array(N);
  const flatIdx = new Int32Array(N);
  const pairIdx = new Int32Array(2 * N);
  for (let i = 0; i < N; i++) {
    const t = targets[i];
    if (mask[i] !== 0 && !(t >= 0 && t < V)) {
      throw new Error(`lmHeadLoss: target ${t} at position ${i} is outside [0, ${V})`);
    }
    const tt = t >= 0 && t < V ? t : 0; // masked positions may hold padding ids
    w[i] = total > 0 ? mask[i] / total : 0;
    flatIdx[i] = i * V + tt;
    pairIdx[2 * i] = i;
    pairIdx[2 * i + 1] = tt;
  }
  const f = tf.customGrad((hIn, wteIn, save) => {
    const hh = hIn as tf.Tensor2D;
    const ww = wteIn as tf.Tensor2D;
    const probs = tf.softmax(tf.matMul(hh, ww, false, true));
    const weights = tf.tensor1d(w);
    // Only saved tensors outlive the forward scope of a customGrad.
    (save as tf.GradSaveFunc)([probs, weights, hh, ww]);
    const picked = tf.gather(tf.reshape(probs, [-1]), tf.tensor1d(flatIdx, "int32"));
    // Clamp so a masked position whose target has probability 0 gives 0 * finite, not NaN.
    const nll = tf.neg(tf.log(tf.maximum(picked, 1e-30)));
    return {
      value: tf.sum(tf.mul(nll, weights)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, wt, hs, ws] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D];
        const back = (dlogits: tf.Tensor2D) => [
          tf.matMul(dlogits, ws),
          tf.transpose(tf.matMul(hs, dlogits, true, false)),
        ];
        const fused = fusedOps(); // WASM: one kernel (same math, kernels/fused.ts)
        const targetIds = () => tf.tensor1d(pairIdx.filter((_, k) => k % 2 === 1), "int32");
        if (fused) return back(fused.xentGrad(p, targetIds(), wt, dy));
        const scaled = tf.mul(dy, wt);
        const hot = tf.scatterND(tf.tensor2d(pairIdx, [N, 2], "int32"), scaled, [N, V]);
        const dlogits = tf.sub(tf.mul(p, tf.reshape(scaled, [N, 1])), hot) as tf.Tensor2D;
        return back(dlogits);
      },
    };
  });
  return f(h, wte) as tf.Scalar;
}
