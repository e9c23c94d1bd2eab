/**
 * Probing a frozen pretrained GPT (paper §5): P-probing (position-based, Figures 5/6/13/14/15)
 * and Q-probing (query-based, Figures 7/16).
 * @module
 */
export * from "./head.ts";
export * from "./p_probe.ts";
export * from "./q_probe.ts";
