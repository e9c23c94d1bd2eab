/**
 * Contracts between data packing, the model, the training loop, evaluation and probing. The lowest
 * module of lib: everything may import it and it imports nothing of lib, so the model does not
 * depend on training or training on the model.
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";

/** One document to train on: a biography entry or a QA pair, already in compact token ids. */
export interface Doc {
  /** The person the document is about; the packer never puts two docs of one person in a window. */
  personId: number;
  /** Compact-vocabulary token ids, without the EOS separator (the packer adds it). */
  ids: Int32Array;
  /**
   * 1 where the token at that index is a loss target (it is predicted from the tokens before it),
   * 0 elsewhere. Absent means every token (and the EOS that follows) is a target, as in BIO
   * pretraining; QA finetuning sets it only on the answer tokens.
   */
  lossMask?: Uint8Array;
}

/** A batch of packed rows, row-major [batchSize, seqLen]. */
export interface Batch {
  batchSize: number;
  seqLen: number;
  /** Token ids fed to the model. */
  inputs: Int32Array;
  /** Next-token targets (inputs shifted by one). */
  targets: Int32Array;
  /** 1 where the target counts in the loss, 0 for padding and non-answer tokens. */
  mask: Float32Array;
}

/** A resumable, deterministic stream of batches (per-epoch reshuffle and repack). */
export interface BatchSource {
  next(): Batch;
  /** JSON-serializable position in the stream (epoch, cursor, RNG state), saved in checkpoints. */
  getState(): unknown;
  setState(state: unknown): void;
}

/** What evaluation and probing need from a causal language model. */
export interface CausalLM {
  readonly config: { vocabSize: number; seqLen: number; dModel: number };
  /** [B, T] int32 ids -> [B, T, vocabSize] logits. */
  logits(ids: tf.Tensor2D): tf.Tensor3D;
  /** [B, T] int32 ids -> [B, T, dModel] last-layer hidden states (after the final norm). */
  hidden(ids: tf.Tensor2D): tf.Tensor3D;
}
