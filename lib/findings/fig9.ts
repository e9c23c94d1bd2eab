/**
 * Figure 9 (§7, Result 7): the Figure-3 protocol on GBERT, the same body with bidirectional
 * attention trained by whole-word masked language modelling (lib/train/masked_lm.ts); QA is asked
 * with as many mask tokens as the answer has and counts only when every one is right. The paper:
 * GBERT does not extract knowledge even with augmentation (QA single 3.7%, multi5+permute 3.9%,
 * best row multi2+permute+fullname 39.7%, working mainly on birth date and major, whose words are
 * independent), while the GPT reaches 96.6% on multi5+permute.
 * @module
 */
import { archFigure, type ArchFigureOptions, type ArchFigureResult } from "./arch_figure.ts";
import { archMean } from "./fig12c.ts";
import type { EffectCheck } from "./effects.ts";

/** Runs (or reads from the cache) Figure 9's rows on GBERT. */
export function fig9(opts: ArchFigureOptions = {}): Promise<ArchFigureResult> {
  return archFigure("fig9", opts);
}

const f1 = (v: number | null | undefined) => v === null || v === undefined ? "n/a" : v.toFixed(1);

/** Figure 9: GBERT's QA on multi5+permute stays far below the GPT's; single stays low. */
export function fig9Effects(res: ArchFigureResult): EffectCheck[] {
  const multi = archMean(res, "multi5+permute");
  const gpt = archMean(res, "multi5+permute", "QA", "gpt");
  const single = archMean(res, "single");
  const memo = res.memorization.filter((m) => !Number.isNaN(m.maskedWord));
  const least = memo.length ? Math.min(...memo.map((m) => m.maskedWord)) : undefined;
  return [
    {
      figure: "9",
      kind: "effect",
      claim:
        "GBERT memorized its biographies: each word of an attribute, masked alone, recovered in " +
        "place (at least 80% on P_train, every row), so a failure to extract is not a failure to " +
        "store",
      measured: memo.map((m) => `${m.row} ${f1(m.maskedWord)}%`).join(", ") || "n/a",
      present: least === undefined ? null : least >= 80,
    },
    {
      figure: "9",
      kind: "effect",
      claim: "GBERT, bioS single: P_test QA stays low (at most 25%; paper 3.7)",
      measured: `single ${f1(single)}%`,
      present: single === undefined ? null : single <= 25,
    },
    {
      figure: "9",
      kind: "effect",
      claim: "GBERT, multi5+permute: far below the GPT (30 points; paper 3.9 vs 96.6)",
      measured: `GBERT ${f1(multi)}%, our GPT ${f1(gpt)}%`,
      present: multi === undefined || gpt === undefined ? null : multi <= gpt - 30,
    },
  ];
}
