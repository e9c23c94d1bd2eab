/**
 * Hand-built causal language models for the evaluation tests: logits come from a function of the
 * prefix computed in plain JS, so they are exact, causal by construction and backend-free.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { CausalLM } from "../contracts.ts";

/** Selects the cpu backend once for the tests. */
export async function useCpu(): Promise<void> {
  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
}

/** A CausalLM whose logits at position t are `next(ids[0..t])`; counts forward passes. */
export class FnLM implements CausalLM {
  readonly config: { vocabSize: number; seqLen: number; dModel: number };
  /** Forward passes so far, and the batch shapes they saw. */
  calls: number[][] = [];
  #next: (prefix: number[]) => ArrayLike<number>;

  constructor(vocabSize: number, next: (prefix: number[]) => ArrayLike<number>, seqLen = 64) {
    this.config = { vocabSize, seqLen, dModel: 4 };
    this.#next = next;
  }

  logits(ids: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = ids.shape;
    this.calls.push([B, T]);
    const flat = ids.dataSync();
    const V = this.config.vocabSize;
    const out = new Float32Array(B * T * V);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const prefix = Array.from(flat.subarray(b * T, b * T + t + 1));
        out.set(this.#next(prefix), (b * T + t) * V);
      }
    }
    return tf.tensor3d(out, [B, T, V]);
  }

  hidden(ids: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = ids.shape;
    return tf.zeros([B, T, this.config.dModel]) as tf.Tensor3D;
  }
}

/**
 * A Markov model: `table[last token]` maps next tokens to probabilities (the rest share a tiny
 * mass); a missing row is uniform.
 */
export function markovLM(vocabSize: number, table: Record<number, Record<number, number>>): FnLM {
  return new FnLM(vocabSize, (prefix) => {
    const row = table[prefix[prefix.length - 1]];
    const out = new Float32Array(vocabSize).fill(row ? Math.log(1e-6) : 0);
    if (row) { for (const [tok, p] of Object.entries(row)) out[Number(tok)] = Math.log(p); }
    return out;
  });
}

/** A model whose logits are pseudo-random in the whole prefix (deterministic for a seed). */
export function hashLM(vocabSize: number, seed: number, seqLen = 64): FnLM {
  return new FnLM(vocabSize, (prefix) => {
    let h = (0x811c9dc5 ^ seed) >>> 0;
    for (const x of prefix) h = Math.imul(h ^ x, 0x01000193) >>> 0;
    const out = new Float32Array(vocabSize);
    for (let v = 0; v < vocabSize; v++) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      h = (h ^ (h >>> 12)) >>> 0;
      out[v] = (h / 4294967296) * 6;
    }
    return out;
  }, seqLen);
}
