/**
 * bioS and bioR-like (grammar) data: people, biographies with the paper's augmentations, QA pairs,
 * general English text for the +wiki control, datasets on disk.
 * @module
 */
export * from "./types.ts";
export * from "./pools.ts";
export * from "./templates.ts";
export * from "./people.ts";
export * from "./bios.ts";
export * from "./bior.ts";
export * from "./qa.ts";
export * from "./general_text.ts";
export * from "./dataset.ts";
export * from "./io.ts";
