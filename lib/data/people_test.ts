import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";
import { BIRTH_CITIES, COMPANIES, MAJORS, MONTHS, UNIVERSITIES } from "./pools.ts";
import { nameSpaceSize, samplePeople } from "./people.ts";
import { ATTRIBUTES } from "./types.ts";

const N = 2000;
const people = samplePeople(N, { seed: 11 });

Deno.test("samplePeople: unique full names built from the name parts, ids 0..N-1", () => {
  assertEquals(people.length, N);
  assertEquals(new Set(people.map((p) => p.fullName)).size, N);
  people.forEach((p, i) => {
    assertEquals(p.id, i);
    assertEquals(p.fullName, `${p.first} ${p.middle} ${p.last}`);
    assertEquals(p.population, "minority");
  });
  assertEquals(nameSpaceSize(), 400 * 400 * 1000);
});

Deno.test("samplePeople: values come from the pools; company city is the company's hq", () => {
  const hq = new Map(COMPANIES.map((c) => [c.name, c.hq]));
  const dateRe = new RegExp(`^(${MONTHS.join("|")}) ([1-9]|1\\d|2[0-8]), (19\\d\\d|20\\d\\d)$`);
  for (const p of people) {
    assert(dateRe.test(p.values.b_date), p.values.b_date);
    assert(p.values.b_date.startsWith(p.birthMonth + " "));
    assert(BIRTH_CITIES.includes(p.values.b_city));
    assert(UNIVERSITIES.includes(p.values.univ));
    assert(MAJORS.includes(p.values.major));
    assertEquals(hq.get(p.values.c_name), p.values.c_city);
    assert(["he", "she", "they"].includes(p.pronoun));
  }
});

Deno.test("samplePeople: attributes are roughly uniform (pronouns, months, NY share)", () => {
  const frac = (f: (x: typeof people[number]) => boolean) => people.filter(f).length / N;
  for (const pr of ["he", "she", "they"]) {
    const f = frac((p) => p.pronoun === pr);
    assert(Math.abs(f - 1 / 3) < 0.05, `${pr}: ${f}`);
  }
  const ny = COMPANIES.filter((c) => c.hq === "New York, NY").length / COMPANIES.length;
  assert(Math.abs(frac((p) => p.values.c_city === "New York, NY") - ny) < 0.03);
  assertEquals(new Set(people.map((p) => p.birthMonth)).size, 12);
});

Deno.test("samplePeople: P_train/P_test exactly half/half, depending on the seed only", () => {
  assertEquals(people.filter((p) => p.split === "P_train").length, N / 2);
  const odd = samplePeople(7, { seed: 1 });
  assertEquals(odd.filter((p) => p.split === "P_train").length, 3);
  assertEquals(samplePeople(N, { seed: 11 }), people);
  const other = samplePeople(N, { seed: 12 });
  assertNotEquals(other.map((p) => p.fullName), people.map((p) => p.fullName));
  // The split is not the id order (a seeded shuffle).
  assertNotEquals(people.slice(0, N / 2).map((p) => p.split), Array(N / 2).fill("P_train"));
});

Deno.test("samplePeople: celebrities are disjoint from the minority, all P_train, ids follow", () => {
  const minority = samplePeople(500, { seed: 3 });
  const exclude = new Set(minority.map((p) => p.fullName));
  const cel = samplePeople(500, { seed: 3, population: "celebrity", exclude, firstId: 500 });
  assert(cel.every((p) => !exclude.has(p.fullName)));
  assert(cel.every((p) => p.population === "celebrity" && p.split === "P_train"));
  assertEquals(cel.map((p) => p.id), Array.from({ length: 500 }, (_, i) => 500 + i));
  // Different streams: celebrities are not a copy of the minority's attributes.
  assertNotEquals(cel.map((p) => p.values), minority.map((p) => p.values));
});

Deno.test("samplePeople: rejects bad counts and impossible name demands", () => {
  assertThrows(() => samplePeople(-1, { seed: 0 }), "integer");
  assertThrows(() => samplePeople(1.5, { seed: 0 }), "integer");
  assertThrows(() => samplePeople(nameSpaceSize() + 1, { seed: 0 }), "name space");
  assertEquals(samplePeople(0, { seed: 0 }), []);
  for (const a of ATTRIBUTES) assert(typeof people[0].values[a] === "string");
});
