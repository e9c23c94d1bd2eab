import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { GPT2_EOS, gpt2Encode } from "./bpe.ts";
import { CompactVocab } from "./vocab.ts";

const TEXTS = [
  " Anya Briar Forger was born on October 2, 1996.",
  "Where did Anya Briar Forger work?\nAnswer:",
];

Deno.test("CompactVocab: ids are the sorted GPT-2 ids used, EOS last", () => {
  const v = CompactVocab.fromTexts(TEXTS);
  const used = [...new Set(TEXTS.flatMap(gpt2Encode))].sort((a, b) => a - b);
  assertEquals(Array.from(v.gpt2Ids), [...used, GPT2_EOS]);
  assertEquals(v.size, used.length + 1);
  assertEquals(v.eos, v.size - 1);
});

Deno.test("CompactVocab: encode/decode round trip and compact range", () => {
  const v = CompactVocab.fromTexts(TEXTS);
  for (const t of TEXTS) {
    const ids = v.encode(t);
    assert(ids instanceof Int32Array);
    assert(ids.every((i) => i >= 0 && i < v.size));
    assertEquals(v.decode(ids), t);
    assertEquals(v.toGpt2(ids), gpt2Encode(t));
  }
  assertEquals(v.decode([v.eos]), "<|endoftext|>");
  assertThrows(() => v.decode([v.size]), "outside");
});

Deno.test("CompactVocab: an unknown token throws naming it", () => {
  const v = CompactVocab.fromTexts(TEXTS);
  assertThrows(() => v.encode(" born on Tuesday"), '" Tuesday"');
});

Deno.test("CompactVocab: JSON round trip, and bad JSON is refused", () => {
  const v = CompactVocab.fromTexts(TEXTS);
  const back = CompactVocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assertEquals(Array.from(back.gpt2Ids), Array.from(v.gpt2Ids));
  assertEquals(Array.from(back.encode(TEXTS[0])), Array.from(v.encode(TEXTS[0])));
  assertThrows(
    () => CompactVocab.fromJSON({ format: "compact-gpt2", gpt2Ids: [5, 5, GPT2_EOS] }),
    "distinct",
  );
  assertThrows(() => CompactVocab.fromJSON({ format: "compact-gpt2", gpt2Ids: [5] }), "EOS");
  assertThrows(() => CompactVocab.fromGpt2Ids([70000]), "not a GPT-2 id");
});
