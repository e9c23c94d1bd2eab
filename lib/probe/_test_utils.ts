/**
 * A hand-built "frozen model" for the probe tests: its hidden state at every position of a row is
 * a fixed code of one attribute class of the row's person (plus per-person noise), so the answer
 * is linearly readable by construction; `shuffle` codes another person's class instead, so the
 * features carry nothing that generalizes from P_train to P_test.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../model/backend.ts";
import type { Dataset } from "../data/dataset.ts";
import { gptConfig } from "../model/gpt.ts";
import type { ForwardOptions, GPTConfig } from "../model/gpt.ts";
import { Rng } from "../util/rng.ts";
import { type ProbeModel, type ProbeTask, taskLabels } from "./head.ts";
import { pProbeItems } from "./p_probe.ts";
import { qProbeItems } from "./q_probe.ts";

/**
 * The toolkit's backend (WASM here) with its kernels: the stock CPU gradient of `tf.gather`
 * (UnsortedSegmentSum) loops over the vocabulary and makes embedding-update probes crawl.
 */
export async function useBackend(): Promise<void> {
  await initBackend({ quiet: true });
}

/**
 * A ProbeModel whose hidden state codes `task`'s class of the row's person. With `readout`, the
 * code of a first-token class is the row of a random output embedding `params.wte` at the class's
 * token, as in a model that reads the value out through its tied head.
 */
export class CodedModel implements ProbeModel {
  readonly config: GPTConfig;
  readonly params?: Record<string, tf.Variable>;
  #code = new Map<string, Float32Array>();
  #eos: number;

  constructor(
    ds: Dataset,
    task: ProbeTask,
    opts: { dModel?: number; shuffle?: number; noise?: number; readout?: boolean } = {},
  ) {
    const d = opts.dModel ?? 32;
    const V = ds.vocab.size;
    this.config = gptConfig("tiny", { vocabSize: V, dModel: d, nHead: 2, nLayer: 1 });
    this.#eos = ds.vocab.eos;
    const rng = new Rng(7);
    const labels = taskLabels(ds.people, ds.vocab, task);
    let classCodes = labels.classes.map(() => Float32Array.from({ length: d }, () => rng.normal()));
    if (opts.readout) {
      const wte = Float32Array.from({ length: V * d }, () => rng.normal());
      this.params = { wte: tf.variable(tf.tensor2d(wte, [V, d]), false) };
      classCodes = labels.classes.map((k) => {
        const tok = task.attribute === "b_date" ? ds.vocab.encode(" " + k)[0] : Number(k);
        return wte.slice(tok * d, (tok + 1) * d);
      });
    }
    const ids = ds.people.map((p) => p.id);
    const source = opts.shuffle === undefined ? ids : new Rng(opts.shuffle).shuffle([...ids]);
    const codeOf = new Map(ids.map((id, i) => {
      const base = classCodes[labels.labelOf.get(source[i])!];
      return [id, base.map((x) => x + (opts.noise ?? 0.3) * rng.normal())];
    }));
    for (const it of [...pProbeItems(ds), ...qProbeItems(ds)]) {
      this.#code.set(this.#key(it.ids), codeOf.get(it.personId)!);
    }
  }

  #key(ids: ArrayLike<number>): string {
    return Array.from(ids).filter((x) => x !== this.#eos).join(",");
  }

  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const [B, T] = ids.shape;
    const d = this.config.dModel;
    const rows = ids.arraySync();
    const out = new Float32Array(B * T * d);
    rows.forEach((row, r) => {
      const code = this.#code.get(this.#key(row));
      if (!code) throw new Error(`CodedModel: unknown row ${row}`);
      for (let t = 0; t < T; t++) out.set(code, (r * T + t) * d);
    });
    return tf.tidy(() => {
      let h: tf.Tensor = tf.tensor3d(out, [B, T, d]);
      const up = opts.embeddingUpdate;
      if (up) {
        const delta = tf.matMul(tf.gather(up.A, tf.reshape(ids, [-1])) as tf.Tensor2D, up.B);
        h = tf.add(h, tf.reshape(delta, [B, T, d]));
      }
      return h as tf.Tensor3D;
    });
  }
}
