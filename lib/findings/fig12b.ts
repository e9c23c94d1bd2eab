/**
 * Figure 12(b) (Appendix D): the Figure-3 protocol on bioR with the downsized Llama (RMSNorm,
 * SwiGLU, full rotary, no biases; lib/model/gpt.ts `MODEL_ARCHS`). The paper (12 layers, 20 heads,
 * width 1280, Llama-30B's bioR): QA single 7.6%, multi5 89.7%, multi5+fullname 92.1%; MIX 53.8% on
 * single. Ours is the bioR-like (grammar) text of lib/data/bior.ts on the preset's model, as in
 * Figure 12(a), whose GPT runs give the contrast on the same rows.
 * @module
 */
import { archFigure, type ArchFigureOptions, type ArchFigureResult } from "./arch_figure.ts";
import { archMean } from "./fig12c.ts";
import type { EffectCheck } from "./effects.ts";

/** Runs (or reads from the cache) Figure 12(b)'s bioR rows on the Llama. */
export function fig12b(opts: ArchFigureOptions = {}): Promise<ArchFigureResult> {
  return archFigure("fig12b", opts);
}

/** "12.3%", or "n/a" where the run is not there. */
const pc = (v: number | null | undefined) =>
  v === null || v === undefined ? "n/a" : `${v.toFixed(1)}%`;

/**
 * Figure 12(b): on bioR too, the Llama extracts only from augmented text: single at most 25%,
 * multi5 at least 75% (the targets of Figure 12(a) on the GPT).
 */
export function fig12bEffects(res: ArchFigureResult): EffectCheck[] {
  const single = archMean(res, "bioR:single");
  const multi = archMean(res, "bioR:multi5");
  const full = archMean(res, "bioR:multi5+fullname");
  const gpt = (row: string) => pc(archMean(res, row, "QA", "gpt"));
  return [
    {
      figure: "12b",
      kind: "effect",
      claim: "Llama, bioR single: P_test QA stays low (at most 25%; paper 7.6)",
      measured: `bioR single ${pc(single)} (our GPT ${gpt("bioR:single")})`,
      present: single === undefined ? null : single <= 25,
    },
    {
      figure: "12b",
      kind: "target",
      claim: "Llama, bioR multi5 extracts: at least 75% (paper 89.7; multi5+fullname 92.1)",
      measured: `bioR multi5 ${pc(multi)} (our GPT ${gpt("bioR:multi5")}), multi5+fullname ${
        pc(full)
      } (our GPT ${gpt("bioR:multi5+fullname")})`,
      present: multi === undefined ? null : multi >= 75,
    },
    {
      figure: "12b",
      kind: "effect",
      claim: "Llama, bioR: multi5 extracts more than single (the paper's contrast, 89.7 vs 7.6)",
      measured: `multi5 ${pc(multi)} vs single ${pc(single)}`,
      present: multi === undefined || single === undefined ? null : multi > 2 * single,
    },
  ];
}
