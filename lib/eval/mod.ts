/**
 * Evaluation: batched greedy and beam-search decoding, and the paper's accuracy metrics (QA
 * generation exact match, QA/BIO first-token and whole-attribute accuracy) as table rows.
 * @module
 */
export * from "./generate.ts";
export * from "./metrics.ts";
