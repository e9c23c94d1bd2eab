/**
 * Findings: each computes one figure's numbers from cached runs, tables them beside the paper's
 * and draws them.
 * @module
 */
export * from "./paper.ts";
export * from "./runs.ts";
export * from "./fig2.ts";
export * from "./fig3.ts";
export * from "./memorization.ts";
export * from "./data_overview.ts";
export * from "./probing.ts";
export * from "./stats.ts";
export * from "./p_probing.ts";
export * from "./fig5.ts";
export * from "./fig13.ts";
export * from "./fig6.ts";
export * from "./fig7.ts";
export * from "./fig1.ts";
export * from "./fig10.ts";
export * from "./sites.ts";
export * from "./summary.ts";
export * from "./effects.ts";
export * from "./scale.ts";
export * from "./coverage.ts";
export * from "./readme_numbers.ts";
export * from "./fig12a.ts";
export * from "./fig14.ts";
export * from "./fig8.ts";
export * from "./fig18.ts";
export * from "./arch_figure.ts";
export * from "./fig12b.ts";
export * from "./fig16c.ts";
export * from "./fig12c.ts";
export * from "./fig9.ts";
