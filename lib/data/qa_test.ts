import { assertEquals } from "../util/assert.ts";
import { samplePeople } from "./people.ts";
import { generateQA, qaPrompt, qaTarget, QUESTION_TEMPLATES } from "./qa.ts";
import { ATTRIBUTES } from "./types.ts";

Deno.test("generateQA: the paper's six questions verbatim, answers and split copied", () => {
  const people = samplePeople(50, { seed: 2 });
  const qa = generateQA(people);
  assertEquals(qa.length, 300);
  const p = people[7];
  const mine = qa.filter((q) => q.personId === p.id);
  assertEquals(mine.map((q) => q.attribute), [...ATTRIBUTES]);
  assertEquals(mine.map((q) => q.question), [
    `What is the birth date of ${p.fullName}?`,
    `What is the birth city of ${p.fullName}?`,
    `Which university did ${p.fullName} study?`,
    `What major did ${p.fullName} study?`,
    `Which company did ${p.fullName} work for?`,
    `Where did ${p.fullName} work?`,
  ]);
  for (const q of qa) {
    const person = people[q.personId];
    assertEquals(q.answer, person.values[q.attribute]);
    assertEquals(q.split, person.split);
  }
  assertEquals(Object.keys(QUESTION_TEMPLATES), [...ATTRIBUTES]);
});

Deno.test("qaPrompt / qaTarget: question + newline + 'Answer:', then ' value.'", () => {
  const [q] = generateQA(samplePeople(1, { seed: 0 }));
  assertEquals(qaPrompt(q), `${q.question}\nAnswer:`);
  assertEquals(qaTarget(q), ` ${q.answer}.`);
});
