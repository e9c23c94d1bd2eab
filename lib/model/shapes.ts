/**
 * The named model sizes, stated once: the presets (lib/config/presets.ts), the GPT's named configs
 * (lib/model/gpt.ts) and the PyTorch reference of the benchmark (bench/torch_ref.py, which receives
 * them as arguments) all read this table. No imports, so configuration code can use it without
 * loading TF.js.
 * @module
 */

/** Depth, heads and width of a model. */
export interface ModelShape {
  nLayer: number;
  nHead: number;
  dModel: number;
}

/**
 * - `smoke`: the smallest model that exercises every code path (CI).
 * - `tiny`: 2 layers, d = 128, 4 heads: the laptop setting, calibrated against an independent
 *   PyTorch model of the same size.
 * - `small`: 4 layers, d = 256: the shape of the scale study's first larger point.
 * - `gpt2-124m`: the paper's bioS model (§2.1: GPT2-small, 12 layers, 12 heads, d = 768).
 */
export const MODEL_SHAPES = {
  smoke: { nLayer: 1, nHead: 2, dModel: 32 },
  tiny: { nLayer: 2, nHead: 4, dModel: 128 },
  small: { nLayer: 4, nHead: 4, dModel: 256 },
  "gpt2-124m": { nLayer: 12, nHead: 12, dModel: 768 },
} as const satisfies Record<string, ModelShape>;

/** A named model size. */
export type ModelShapeName = keyof typeof MODEL_SHAPES;
