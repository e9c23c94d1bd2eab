import { assertEquals, assertThrows } from "../util/assert.ts";
import { GPT2_EOS, gpt2Decode, gpt2Encode } from "./bpe.ts";

Deno.test("gpt2Encode: known GPT-2 ids and an exact round trip", () => {
  assertEquals(gpt2Encode(" October 2, 1996."), [3267, 362, 11, 8235, 13]);
  const text = " Anya Briar Forger was born on October 2, 1996. She works in Menlo Park, CA.";
  assertEquals(gpt2Decode(gpt2Encode(text)), text);
  assertEquals(gpt2Decode([GPT2_EOS]), "<|endoftext|>");
});

Deno.test("gpt2Encode: refuses the EOS text (EOS is an id, never text)", () => {
  assertThrows(() => gpt2Encode("a <|endoftext|> b"), "endoftext");
});
