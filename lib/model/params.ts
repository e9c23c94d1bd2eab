/**
 * Reading, writing and counting a model's named weights (for checkpoints, copies between
 * backends and tests).
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { GPT, type GPTConfig } from "./gpt.ts";

/** Number of scalar parameters of a config (tied embedding counted once). */
export function countParams(config: GPTConfig): number {
  return Object.values(GPT.shapes(config)).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/** A copy of the weights by name. */
export function getWeights(
  model: { params: Record<string, tf.Variable> },
): Record<string, Float32Array> {
  return Object.fromEntries(
    Object.entries(model.params).map(([k, v]) => [k, v.dataSync() as Float32Array]),
  );
}

/** Assigns weights by name; every parameter must be given, with the right size. */
export function setWeights(
  model: { params: Record<string, tf.Variable> },
  weights: Record<string, Float32Array>,
): void {
  for (const [k, v] of Object.entries(model.params)) {
    const w = weights[k];
    if (!w) throw new Error(`setWeights: missing weight "${k}"`);
    if (w.length !== v.size) {
      throw new Error(`setWeights: "${k}" has ${w.length} values, the parameter has ${v.size}`);
    }
  }
  tf.tidy(() => {
    for (const [k, v] of Object.entries(model.params)) v.assign(tf.tensor(weights[k], v.shape));
  });
}
