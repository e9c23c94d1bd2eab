/**
 * What notebooks import: the whole toolkit, one namespace per concern, plus the findings flat.
 *
 * ```ts
 * import { config, data, findings, plot } from "../lib/mod.ts";
 * ```
 * @module
 */
export * as config from "./config/mod.ts";
export * as data from "./data/mod.ts";
export * as tokenizer from "./tokenizer/mod.ts";
export * as model from "./model/mod.ts";
export * as train from "./train/mod.ts";
export * as evaluation from "./eval/mod.ts";
export * as probe from "./probe/mod.ts";
export * as runs from "./runs/mod.ts";
export * as plot from "./plot/mod.ts";
export * as findings from "./findings/mod.ts";
