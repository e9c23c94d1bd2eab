/**
 * GPT-2 BPE, the compact vocabulary, and tokenized biography/QA documents.
 * @module
 */
export * from "./bpe.ts";
export * from "./vocab.ts";
export * from "./docs.ts";
