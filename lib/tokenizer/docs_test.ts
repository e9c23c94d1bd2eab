import { assert, assertEquals } from "../util/assert.ts";
import type { BioEntry, QAPair } from "../data/types.ts";
import { bioDocs, qaDocs, tokenizeBio, tokenizeQA, tokenizerTexts } from "./docs.ts";
import { CompactVocab } from "./vocab.ts";

// A hand-made entry whose city ends with "." before the sentence's "." (GPT-2 would merge "..").
const TEXT =
  " Anya Briar Forger was born on October 2, 1996. She grew up in Washington D.C.. She works.";
const ENTRY: BioEntry = {
  personId: 3,
  entryIndex: 0,
  text: TEXT,
  spans: [
    { attribute: "b_date", start: TEXT.indexOf("October"), end: TEXT.indexOf("1996") + 4 },
    { attribute: "b_city", start: TEXT.indexOf("Washington"), end: TEXT.indexOf("D.C.") + 4 },
  ],
};
const PAIR: QAPair = {
  personId: 3,
  attribute: "b_city",
  question: "What is the birth city of Anya Briar Forger?",
  answer: "Washington D.C.",
  split: "P_train",
};
const vocab = CompactVocab.fromTexts(tokenizerTexts([ENTRY], [PAIR]));

Deno.test("tokenizeBio: round trip and value tokens equal encode(' ' + value)", () => {
  const { ids, valueTokens } = tokenizeBio(ENTRY, vocab);
  assertEquals(vocab.decode(ids), TEXT);
  assertEquals(valueTokens.map((v) => v.attribute), ["b_date", "b_city"]);
  for (const [i, v] of valueTokens.entries()) {
    const value = TEXT.slice(ENTRY.spans[i].start, ENTRY.spans[i].end);
    assertEquals(Array.from(ids.slice(v.start, v.end)), Array.from(vocab.encode(" " + value)));
  }
  // The special position before the date is the token " on".
  assertEquals(vocab.decode([ids[valueTokens[0].start - 1]]), " on");
});

Deno.test("tokenizeQA: the answer tokens equal the value tokens inside the bio", () => {
  const { prompt, target } = tokenizeQA(PAIR, vocab);
  assertEquals(vocab.decode(prompt), PAIR.question + "\nAnswer:");
  assertEquals(vocab.decode(target), " Washington D.C..");
  const bio = tokenizeBio(ENTRY, vocab);
  const city = bio.valueTokens[1];
  assertEquals(Array.from(target.slice(0, -1)), Array.from(bio.ids.slice(city.start, city.end)));
  assertEquals(vocab.decode(target.slice(-1)), ".");
});

Deno.test("bioDocs / qaDocs: ids, person ids and the loss mask on the target only", () => {
  const [bio] = bioDocs([ENTRY], vocab);
  assertEquals(bio.personId, 3);
  assertEquals(bio.lossMask, undefined);
  assertEquals(vocab.decode(bio.ids), TEXT);
  const [qa] = qaDocs([PAIR], vocab);
  const { prompt, target } = tokenizeQA(PAIR, vocab);
  assertEquals(qa.ids.length, prompt.length + target.length);
  assert(qa.lossMask !== undefined);
  assertEquals(Array.from(qa.lossMask), [
    ...Array(prompt.length).fill(0),
    ...Array(target.length).fill(1),
  ]);
  assertEquals(vocab.decode(qa.ids.slice(prompt.length)), " Washington D.C..");
});
