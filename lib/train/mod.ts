/**
 * Training: data contracts, packing, AdamW and the lr schedule, the loop, checkpoints, progress.
 * @module
 */
export * from "../contracts.ts";
export * from "./packing.ts";
export * from "./optimizer.ts";
export * from "./schedule.ts";
export * from "./loop.ts";
export * from "./checkpoint.ts";
export * from "./progress.ts";
