/**
 * Configuration: presets and (later) their contents, the one place for every default.
 * @module
 */
export * from "./preset.ts";
export * from "./presets.ts";
