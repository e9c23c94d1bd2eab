/**
 * Figure 12(c) (Appendix D): the Figure-3 protocol on bioS with the downsized Llama (same layers,
 * heads and width as the GPT; RMSNorm, SwiGLU, full rotary, no biases: lib/model/gpt.ts
 * `MODEL_ARCHS`). The paper: the same qualitative picture as the GPT (QA single 3.5%,
 * multi5+permute 92.7%, multi5+permute+fullname 91.6%; MIX 72.2-92.8%).
 * @module
 */
import { archFigure, type ArchFigureOptions, type ArchFigureResult } from "./arch_figure.ts";
import type { EffectCheck } from "./effects.ts";

/** Runs (or reads from the cache) Figure 12(c)'s rows on the Llama. */
export function fig12c(opts: ArchFigureOptions = {}): Promise<ArchFigureResult> {
  return archFigure("fig12c", opts);
}

const f1 = (v: number | null | undefined) => v === null || v === undefined ? "n/a" : v.toFixed(1);

/** A cell's mean (ours, or the GPT's) of a block and row, undefined when not drawn. */
export function archMean(
  res: ArchFigureResult,
  row: string,
  block: "QA" | "MIX" = "QA",
  of: "ours" | "gpt" = "ours",
): number | undefined {
  const c = res.cells.find((c) => c.row === row && c.block === block && c.column === "mean");
  const v = c?.[of];
  return v === null || v === undefined || Number.isNaN(v) ? undefined : v;
}

/** Figure 12(c): the GPT's contrast holds on the Llama (single at most 25%, multi5+permute 75%+). */
export function fig12cEffects(res: ArchFigureResult): EffectCheck[] {
  const single = archMean(res, "single"), multi = archMean(res, "multi5+permute");
  const mixSingle = archMean(res, "single", "MIX");
  return [
    {
      figure: "12c",
      kind: "effect",
      claim: "Llama, bioS single: P_test QA stays low (at most 25%; paper 3.5)",
      measured: `single ${f1(single)}% (our GPT ${f1(archMean(res, "single", "QA", "gpt"))}%)`,
      present: single === undefined ? null : single <= 25,
    },
    {
      figure: "12c",
      kind: "effect",
      claim: "Llama, multi5+permute extracts: at least 75% (paper 92.7)",
      measured: `multi5+permute ${f1(multi)}% (our GPT ${
        f1(archMean(res, "multi5+permute", "QA", "gpt"))
      }%)`,
      present: multi === undefined ? null : multi >= 75,
    },
    {
      figure: "12c",
      kind: "target",
      claim: "Llama, mixed training extracts on single (paper MIX 75.8)",
      measured: `MIX single ${f1(mixSingle)}%`,
      present: mixSingle === undefined ? null : mixSingle >= 50,
    },
  ];
}
