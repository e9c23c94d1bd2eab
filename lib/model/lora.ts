/**
 * LoRA for QA finetuning (paper §2.3, Appendix D): rank-r adapters on the attention query and
 * value projections of every layer, plus a rank-r' update of the input token embedding
 * ("to account for input data distribution shifts"), r in {2..32}, r' in {0, 16, ..., 128,
 * "all"}. The base weights stay frozen: only the returned variables are trained.
 *
 * Choices the paper does not state:
 * - scaling alpha / r with alpha = r by default (scale 1, PEFT's default at r = 8): with AdamW the
 *   update size is set by the lr, so a fixed scale keeps one lr valid across the r grid;
 * - init as in PEFT: q/v A ~ N(0, 1/r), B = 0; embedding A = 0 [V, r'], B ~ N(0, 1/r') [r', d],
 *   so the model starts exactly at the pretrained one;
 * - the embedding update changes the input embedding only; the tied output head keeps the frozen
 *   wte (as PEFT's embedding LoRA does). r' = "all" trains wte itself, which is tied, so both move.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../util/rng.ts";
import type { EmbeddingUpdate, ForwardOptions, GPT, LoRAAdapters } from "./gpt.ts";

/** Options of {@linkcode createLoRA}. */
export interface LoRAOptions {
  /** Rank of the q/v adapters (0 = none). */
  r: number;
  /** Rank of the embedding update: 0 (frozen), a rank, or "all" (train wte fully). */
  rEmbedding: number | "all";
  /** Scaling numerator; the adapters are multiplied by alpha / r. Default r (scale 1). */
  alpha?: number;
  /** Seed of the adapters' init. */
  seed?: number;
}

/** Adapters for a frozen GPT: pass `forward` to the model and train `variables`. */
export interface LoRA {
  /** Forward options that apply the adapters (pass to `logits`, `hidden`, `loss`, `trainSteps`). */
  forward: ForwardOptions;
  /** Trainable variables by name ("h0.q.A", ..., "emb.A", or "wte" for rEmbedding "all"). */
  variables: Record<string, tf.Variable>;
  /** Number of trainable scalars. */
  numParams(): number;
  /** Frees the adapter variables (never the model's). */
  dispose(): void;
}

let nextId = 0;

function normalVar(shape: [number, number], std: number, rng: Rng, name: string): tf.Variable {
  const data = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
  return tf.tidy(() => tf.variable(tf.tensor2d(data, shape), true, name));
}

/** Creates LoRA adapters for `model`; the model's own weights are not touched. */
export function createLoRA(model: GPT, opts: LoRAOptions): LoRA {
  const { r, rEmbedding } = opts;
  if (!Number.isInteger(r) || r < 0) throw new Error(`LoRA r must be an integer >= 0, got ${r}`);
  if (rEmbedding !== "all" && !(Number.isInteger(rEmbedding) && rEmbedding >= 0)) {
    throw new Error(`LoRA rEmbedding must be an integer >= 0 or "all", got ${rEmbedding}`);
  }
  const { dModel: d, vocabSize: V, nLayer } = model.config;
  const alpha = opts.alpha ?? r;
  const rng = new Rng(opts.seed ?? 0, 0x10a);
  const prefix = `lora${nextId++}`;
  const variables: Record<string, tf.Variable> = {};
  const owned: tf.Variable[] = [];
  const make = (name: string, shape: [number, number], std: number) => {
    const v = std === 0
      ? tf.tidy(() => tf.variable(tf.zeros(shape), true, `${prefix}/${name}`))
      : normalVar(shape, std, rng, `${prefix}/${name}`);
    variables[name] = v;
    owned.push(v);
    return v as tf.Variable<tf.Rank.R2>;
  };

  let lora: LoRAAdapters | undefined;
  if (r > 0) {
    lora = { scale: alpha / r, layers: [] };
    for (let i = 0; i < nLayer; i++) {
      lora.layers.push({
        q: { A: make(`h${i}.q.A`, [d, r], 1 / Math.sqrt(r)), B: make(`h${i}.q.B`, [r, d], 0) },
        v: { A: make(`h${i}.v.A`, [d, r], 1 / Math.sqrt(r)), B: make(`h${i}.v.B`, [r, d], 0) },
      });
    }
  }
  let embeddingUpdate: EmbeddingUpdate | undefined;
  if (rEmbedding === "all") {
    variables.wte = model.params.wte; // owned by the model, not disposed here
  } else if (rEmbedding > 0) {
    embeddingUpdate = {
      A: make("emb.A", [V, rEmbedding], 0),
      B: make("emb.B", [rEmbedding, d], 1 / Math.sqrt(rEmbedding)),
    };
  }
  const forward: ForwardOptions = {};
  if (lora) forward.lora = lora;
  if (embeddingUpdate) forward.embeddingUpdate = embeddingUpdate;
  return {
    forward,
    variables,
    numParams: () => Object.values(variables).reduce((n, v) => n + v.size, 0),
    dispose: () => tf.dispose(owned),
  };
}
