/**
 * Models: backend setup, the paper's GPT (rotary, optionally bidirectional), LoRA adapters and
 * weight helpers.
 * @module
 */
export * from "./backend.ts";
export * from "./gpt.ts";
export * from "./lora.ts";
export * from "./params.ts";
