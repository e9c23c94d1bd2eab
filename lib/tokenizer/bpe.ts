/**
 * The paper's tokenizer: GPT-2 byte-pair encoding (r50k_base, 50,257 ids), paper §2.1 and Appendix B.
 * @module
 */
import { decode, encode } from "gpt-tokenizer/encoding/r50k_base";

/** GPT-2's `<|endoftext|>` id, used as the separator between packed documents (paper §2.1). */
export const GPT2_EOS = 50256;

/** Number of ids in the GPT-2 vocabulary (0..50256). */
export const GPT2_VOCAB_SIZE = 50257;

/**
 * Encodes plain text into GPT-2 ids. The text `<|endoftext|>` is refused (it never occurs in the
 * generated data; EOS is added by the packer as an id, never as text).
 */
export function gpt2Encode(text: string): number[] {
  return encode(text);
}

/** Decodes GPT-2 ids back into text (exact inverse of {@link gpt2Encode}). */
export function gpt2Decode(ids: Iterable<number>): string {
  return decode(ids);
}
