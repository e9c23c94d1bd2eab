/**
 * Runs: the results cache, the paper's experiments as cached runs, and parallel workers.
 * @module
 */
export * from "./cache.ts";
export * from "./experiments.ts";
export * from "./parallel.ts";
export * from "./mixed.ts";
export * from "./probes.ts";
export * from "./request.ts";
