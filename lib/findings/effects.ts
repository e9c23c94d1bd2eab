/**
 * Whether the paper's qualitative effects are present in our numbers. Each figure's check states
 * the paper's claim, what we measured, and present / absent (or null: the runs drawn cannot tell,
 * e.g. a partial sweep). The notebooks print them and, at the preset whose thresholds were
 * calibrated (`tiny`), assert the effects; `deno task finding` prints them after each figure.
 * Quantitative targets (the paper's own numbers) are reported as `target` lines, never asserted:
 * at `tiny` they are where the reproduction still falls short.
 * @module
 */
import { FIG1_DATA, type Fig1Result } from "./fig1.ts";
import type { Fig3Result } from "./fig3.ts";
import { FIG3_ROWS } from "./fig3.ts";
import { type PProbeFigResult, pProbePositionMean } from "./p_probing.ts";
import type { Fig6Result } from "./fig6.ts";
import { type Fig7Result, qProbeMean } from "./fig7.ts";

/** One check of a figure. */
export interface EffectCheck {
  /** The paper's figure, e.g. "3", "6/15". */
  figure: string;
  /** "effect": the paper's qualitative result, asserted where calibrated; "target": a number. */
  kind: "effect" | "target";
  /** What the paper shows (the claim checked). */
  claim: string;
  /** Our numbers, in words. */
  measured: string;
  /** Present (met), absent (not met), or null when the runs drawn cannot tell. */
  present: boolean | null;
}

const f1 = (v: number | null | undefined) => v === null || v === undefined ? "n/a" : v.toFixed(1);

/** Figure 3 (QA block): extraction fails on single and works on multi5+permute; row order. */
export function fig3Effects(res: Fig3Result): EffectCheck[] {
  const mean = (row: string) =>
    res.cells.find((c) => c.row === row && c.block === "QA" && c.column === "mean")?.ours;
  const single = mean("single"), multi = mean("multi5+permute"), p1 = mean("single+permute1");
  const known = (...v: (number | undefined)[]) => v.every((x) => x !== undefined);
  const order = res.rowOrder.find((o) => o.block === "QA");
  const full = order !== undefined && order.n === FIG3_ROWS.length;
  return [
    {
      figure: "3",
      kind: "effect",
      claim: "bioS single: P_test QA stays low (at most 25%)",
      measured: `single ${f1(single)}%`,
      present: known(single) ? single! <= 25 : null,
    },
    {
      figure: "3",
      kind: "effect",
      claim: "multi5+permute extracts: at least 50% and 40 points above single",
      measured: `multi5+permute ${f1(multi)}%, single ${f1(single)}%`,
      present: known(multi) ? multi! >= 50 && multi! - (single ?? 0) >= 40 : null,
    },
    {
      figure: "3",
      kind: "effect",
      claim: "single+permute1 (one permuted copy) stays far below multi5+permute (40 points)",
      measured: `single+permute1 ${f1(p1)}%, multi5+permute ${f1(multi)}%`,
      present: known(p1, multi) ? p1! < multi! - 40 : null,
    },
    {
      figure: "3",
      kind: "effect",
      claim: "the 16 rows rank broadly as the paper's (Spearman at least 0.6)",
      measured: full
        ? `Spearman ${order.spearman?.toFixed(2)}, Pearson ${order.pearson?.toFixed(2)} over ` +
          `${order.n} rows`
        : `${order?.n ?? 0} of ${FIG3_ROWS.length} rows drawn`,
      present: full ? order.spearman !== null && order.spearman >= 0.6 : null,
    },
    {
      figure: "3",
      kind: "target",
      claim: "multi5+permute P_test QA at least 75% (paper 96.6)",
      measured: `${f1(multi)}%`,
      present: known(multi) ? multi! >= 75 : null,
    },
  ];
}

/**
 * Figure 1 (with Figure 3's MIX block when given): mixed training extracts far more than
 * pretrain + finetune on single, and learns P_train QA before P_test QA rises.
 */
export function fig1Effects(res: Fig1Result, fig3?: Fig3Result): EffectCheck[] {
  const label = FIG1_DATA[res.data ?? "bioS"].label;
  const mixedCell = res.cells.find((c) => c.method === "mixed" && c.column === "mean");
  const mixed = mixedCell?.ours;
  const finetune = res.cells.find((c) => c.method === "finetune" && c.column === "mean")?.ours;
  const firstStep = (name: string, at: number) =>
    res.curve.find((p) => p.curve === name && p.accuracy >= at)?.step ?? Infinity;
  const inDist = firstStep("QA in-dist first-token", 90);
  const outDist = firstStep("QA out-dist generation", 10);
  const checks: EffectCheck[] = [
    {
      figure: "1",
      kind: "effect",
      claim: `mixed training on ${label}: P_test QA at least twice, and 5 points above, ` +
        "pretrain + finetune",
      measured: `mixed ${f1(mixed)}%, pretrain + finetune ${f1(finetune)}%`,
      present: mixed !== undefined && finetune !== undefined
        ? mixed >= 2 * finetune && mixed >= finetune + 5
        : null,
    },
    {
      figure: "1",
      kind: "effect",
      claim: "it studies to pass the test: P_train QA (first token 90%) before P_test QA (10%)",
      measured: `in-dist at step ${inDist}, out-of-dist ${
        Number.isFinite(outDist) ? `at step ${outDist}` : "never"
      }`,
      // Out-of-distribution QA that never rises shows the first half of the shape, not the claim.
      present: Number.isFinite(inDist) && Number.isFinite(outDist) ? inDist < outDist : null,
    },
  ];
  const mean = (row: string, block: string) =>
    fig3?.cells.find((c) => c.row === row && c.block === block && c.column === "mean")?.ours;
  for (const row of fig3 ? ["single", "single+permute1"] : []) {
    const qa = mean(row, "QA"), mix = mean(row, "MIX");
    checks.push({
      figure: "3 (MIX)",
      kind: "effect",
      claim: `${row}: MIX at least twice QA (paper ${
        row === "single" ? "86.6 vs 9.7" : "82.5 vs 4.4"
      })`,
      measured: `MIX ${f1(mix)}%, QA ${f1(qa)}%`,
      present: qa !== undefined && mix !== undefined ? mix >= 2 * qa : null,
    });
  }
  const longest = res.cells.filter((c) => c.method === "mixed" && c.column === "mean").at(-1);
  checks.push({
    figure: "1",
    kind: "target",
    claim: `mixed training on ${label}: P_test QA at least 50% (paper ${mixedCell?.paper})`,
    measured: longest ? `${f1(longest.ours)}% at ${longest.stepsFactor ?? 1}x steps` : "n/a",
    present: longest ? longest.ours >= 50 : null,
  });
  return checks;
}

/**
 * Figure 5: on multi5+permute the attributes are readable at position 0 (right after the name),
 * on single not; single's company attributes at position 0 stay near the majority guess.
 */
export function fig5Effects(res: PProbeFigResult): EffectCheck[] {
  const has = res.rows.includes("single") && res.rows.includes("multi5+permute");
  const rank = res.ranks[0];
  const cell0 = (row: string, a: string) =>
    res.cells.find((c) =>
      c.row === row && c.target === "first_token" && c.rank === rank && c.position === 0 &&
      c.attribute === a
    )?.ours ?? null;
  // The birth date is left out: in single it directly follows the name, so position 0 is right
  // before it in both rows.
  const far = ["b_city", "univ", "major", "c_name", "c_city"];
  const gap = has
    ? far.reduce((a, x) => a + (cell0("multi5+permute", x) ?? 0) - (cell0("single", x) ?? 0), 0) /
      far.length
    : null;
  const m = has ? pProbePositionMean(res, "multi5+permute", { position: 0 }) : null;
  const s = has ? pProbePositionMean(res, "single", { position: 0 }) : null;
  const company = ["c_name", "c_city"].map((a) => ({
    a,
    got: has ? cell0("single", a) : null,
    base: cell0("baseline", a),
  }));
  return [
    {
      figure: "5",
      kind: "effect",
      claim: "position 0, attributes after the birth date: multi5+permute at least 20 points " +
        "above single",
      measured: `${f1(gap)} points on average (position-0 means: multi5+permute ${f1(m)}%, ` +
        `single ${f1(s)}%)`,
      present: gap === null ? null : gap >= 20,
    },
    {
      figure: "5",
      kind: "effect",
      claim: "single: the company attributes at position 0 within 15 points of the majority guess",
      measured: company.map((c) => `${c.a} ${f1(c.got)}% (baseline ${f1(c.base)}%)`).join(", "),
      present: has && company.every((c) => c.got !== null && c.base !== null)
        ? company.every((c) => c.got! <= c.base! + 15)
        : null,
    },
    {
      figure: "5",
      kind: "target",
      claim: "multi5+permute position-0 first-token mean at least 90% (paper 99.9)",
      measured: `${f1(m)}%`,
      present: m === null ? null : m >= 90,
    },
  ];
}

/**
 * Figures 6/15: a coupled attribute is read off its partner, not off the name: once the partner
 * was seen the probe is right (80%), one unrelated attribute seen leaves it near its base.
 */
export function fig6Effects(res: Fig6Result): EffectCheck[] {
  return res.summary.filter((s) => s.base !== null && s.coupledSeen !== null).map((s) => {
    const other = s.otherSingleSeen;
    return {
      figure: "6/15",
      kind: "effect" as const,
      claim: `${s.row}, ${s.target}: at least 80% once ${s.coupledWith} was seen, and one ` +
        `unrelated attribute seen within 15 points of the base`,
      measured: `base ${f1(s.base)}%, ${s.coupledWith} seen ${f1(s.coupledSeen)}%, one ` +
        `unrelated seen ${other ? other.map((x) => x.toFixed(1)).join("-") : "-"}%`,
      present: s.coupledSeen! >= 80 && s.coupledSeen! >= s.base! &&
        (!other || other[1] <= s.base! + 15),
    };
  });
}

/**
 * Figure 7: multi5+permute's attributes are readable from the name alone, single's are not, and
 * QA accuracy tracks Q-probing (first-token; the whole-attribute heads are printed only).
 */
export function fig7Effects(res: Fig7Result): EffectCheck[] {
  const has = res.rows.includes("single") && res.rows.includes("multi5+permute");
  const m = has ? qProbeMean(res, "multi5+permute", "Q_first") : null;
  const s = has ? qProbeMean(res, "single", "Q_first") : null;
  const r = res.correlations.find((c) => c.name.startsWith("QA vs Q-first, per"));
  return [
    {
      figure: "7",
      kind: "effect",
      claim: "Q-first: multi5+permute at least 15 points above, and twice, single",
      measured: `multi5+permute ${f1(m)}%, single ${f1(s)}%`,
      present: m === null || s === null ? null : m >= s + 15 && m >= 2 * s,
    },
    {
      figure: "7",
      kind: "effect",
      claim: "QA tracks Q-first over (row, attribute) pairs: Pearson r above 0.5",
      measured: r
        ? `r = ${r.ours?.toFixed(2) ?? "n/a"} over ${r.n} pairs (paper ` +
          `${r.paper?.toFixed(2) ?? "n/a"})`
        : "n/a",
      present: r && r.n >= 10 && r.ours !== null ? r.ours > 0.5 : null,
    },
    {
      figure: "7",
      kind: "target",
      claim: "multi5+permute Q-first mean at least 80% (paper 99.9)",
      measured: `${f1(m)}%`,
      present: m === null ? null : m >= 80,
    },
  ];
}

/** One line per check: "effect present", "effect ABSENT", "target met", ... */
export function effectLines(checks: readonly EffectCheck[]): string[] {
  return checks.map((c) => {
    const verdict = c.present === null
      ? "not measurable here"
      : c.kind === "effect"
      ? c.present ? "effect present" : "effect ABSENT"
      : c.present
      ? "target met"
      : "target not met";
    return `Figure ${c.figure}: ${verdict}: ${c.claim}: ${c.measured}`;
  });
}

/** Prints the checks' lines (see {@linkcode effectLines}). */
export function reportEffects(checks: readonly EffectCheck[]): void {
  for (const line of effectLines(checks)) console.log(line);
}

/** Throws naming every absent effect (targets are never asserted). */
export function assertEffects(checks: readonly EffectCheck[]): void {
  const absent = checks.filter((c) => c.kind === "effect" && c.present === false);
  if (absent.length) {
    throw new Error(`the paper's effect is absent:\n${effectLines(absent).join("\n")}`);
  }
}
