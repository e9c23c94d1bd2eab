import { encode } from "gpt-tokenizer/encoding/r50k_base";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  BIRTH_CITIES,
  COMPANIES,
  COMPANY_HQ,
  DEFAULT_POOLS,
  FIRST_NAMES,
  LAST_NAMES,
  MAJORITY_HQ,
  MAJORS,
  MIDDLE_NAMES,
  MONTHS,
  POOL_SIZES,
  UNIVERSITIES,
  validatePools,
} from "./pools.ts";

/** Share of values whose first GPT-2 token (after the leading space) is the most common one. */
function firstTokenShare(values: readonly string[]): number {
  const counts = new Map<number, number>();
  for (const v of values) {
    const t = encode(" " + v)[0];
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / values.length;
}

const HQS = COMPANIES.map((c) => c.hq);
const ALL_VALUES: readonly string[] = [
  ...FIRST_NAMES,
  ...MIDDLE_NAMES,
  ...LAST_NAMES,
  ...BIRTH_CITIES,
  ...UNIVERSITIES,
  ...MAJORS,
  ...COMPANIES.map((c) => c.name),
  ...HQS,
  ...MONTHS,
];

Deno.test("pools have the paper's exact sizes", () => {
  assertEquals(POOL_SIZES, {
    first: 400,
    middle: 400,
    last: 1000,
    b_city: 200,
    univ: 300,
    major: 100,
    c_name: 263,
  });
  assertEquals(FIRST_NAMES.length, POOL_SIZES.first);
  assertEquals(MIDDLE_NAMES.length, POOL_SIZES.middle);
  assertEquals(LAST_NAMES.length, POOL_SIZES.last);
  assertEquals(BIRTH_CITIES.length, POOL_SIZES.b_city);
  assertEquals(UNIVERSITIES.length, POOL_SIZES.univ);
  assertEquals(MAJORS.length, POOL_SIZES.major);
  assertEquals(COMPANIES.length, POOL_SIZES.c_name);
  assertEquals(MONTHS.length, 12);
  assertEquals(MONTHS[0], "January");
  assertEquals(MONTHS[11], "December");
});

Deno.test("every pool is unique and passes validatePools", () => {
  for (const pool of [FIRST_NAMES, MIDDLE_NAMES, LAST_NAMES, BIRTH_CITIES, UNIVERSITIES, MAJORS]) {
    assertEquals(new Set(pool).size, pool.length);
  }
  assertEquals(new Set(COMPANIES.map((c) => c.name)).size, COMPANIES.length);
  assertEquals(COMPANY_HQ.size, COMPANIES.length);
  validatePools();
});

Deno.test("every value satisfies the tokenization-safety constraints", () => {
  for (const v of ALL_VALUES) {
    assert(/^[\x20-\x7e]+$/.test(v), `non-printable: ${v}`);
    assert(!v.includes("."), `period: ${v}`);
    assertEquals(v, v.trim());
    assert(!v.includes("  "), `double space: ${v}`);
    assert(!/[!-/:-@[-`{-~]$/.test(v), `trailing punctuation: ${v}`);
  }
  for (const v of [...FIRST_NAMES, ...MIDDLE_NAMES, ...LAST_NAMES]) {
    assert(/^[A-Z][A-Za-z]*$/.test(v), `not a single capitalized word: ${v}`);
  }
  for (const v of [...BIRTH_CITIES, ...HQS]) {
    assert(/^[A-Za-z -]+, [A-Z]{2}$/.test(v), `not "City, ST": ${v}`);
  }
});

Deno.test("a value tokenizes the same before a full stop, a comma or a newline", () => {
  // The bio puts "." or "," right after a value and QA ends the answer; a merge would change it.
  for (const v of ALL_VALUES) {
    const alone = encode(" " + v);
    for (const next of [".", ",", "\n"]) {
      assertEquals(encode(" " + v + next).slice(0, alone.length), alone, `${v} + ${next}`);
    }
  }
});

Deno.test("middle names overlap first names as in the paper", () => {
  const first = new Set(FIRST_NAMES);
  const shared = MIDDLE_NAMES.filter((m) => first.has(m)).length;
  assert(shared >= 200 && shared < 400, `shared=${shared}`);
});

Deno.test("exactly 36 companies are headquartered in New York, NY", () => {
  assertEquals(MAJORITY_HQ, "New York, NY");
  const counts = new Map<string, number>();
  for (const hq of HQS) counts.set(hq, (counts.get(hq) ?? 0) + 1);
  assertEquals(counts.get(MAJORITY_HQ), 36);
  assertEquals(Math.max(...counts.values()), 36);
  assert(counts.size >= 110 && counts.size <= 150, `distinct HQ cities: ${counts.size}`);
  assert(BIRTH_CITIES.includes("Washington, DC"));
});

Deno.test("first-token shares are near the paper's baselines", () => {
  const univ = firstTokenShare(UNIVERSITIES);
  const cCity = firstTokenShare(HQS);
  const bCity = firstTokenShare(BIRTH_CITIES);
  const major = firstTokenShare(MAJORS);
  const cName = firstTokenShare(COMPANIES.map((c) => c.name));
  const pct = (x: number) => (100 * x).toFixed(1) + "%";
  console.log(
    `first-token shares: univ ${pct(univ)} (paper 37.0%), c_city ${pct(cCity)} (paper 14.8%), ` +
      `b_city ${pct(bCity)} (paper 2.5%), major ${pct(major)} (paper 4.0%), ` +
      `c_name ${pct(cName)} (paper 1.5%); distinct HQ cities ${new Set(HQS).size} (paper 133)`,
  );
  assert(univ >= 0.30 && univ <= 0.45, `univ first-token share ${pct(univ)}`);
  assert(cCity >= 0.12 && cCity <= 0.18, `c_city first-token share ${pct(cCity)}`);
  assert(bCity < 0.1 && major < 0.1 && cName < 0.1);
});

Deno.test("validatePools names the pool and the offending value", () => {
  const withUniv = (univ: string[]) => () => validatePools({ ...DEFAULT_POOLS, univ });
  const base = [...UNIVERSITIES];
  const swap = (v: string) => [...base.slice(0, -1), v];
  assertThrows(withUniv(swap("Acme Inc.")), 'pool univ: value "Acme Inc."');
  assertThrows(withUniv(swap(" Acme")), '" Acme" has leading or trailing whitespace');
  assertThrows(withUniv(swap("Acme  College")), "double space");
  assertThrows(withUniv(swap("Acme,")), "punctuation");
  assertThrows(withUniv(swap("Caf\u00e9 U")), "non-ASCII");
  assertThrows(withUniv(swap(base[0])), "duplicated");
  assertThrows(withUniv(base.slice(1)), "pool univ: has 299 values, expected 300");
  assertThrows(
    () => validatePools({ ...DEFAULT_POOLS, first: [...FIRST_NAMES.slice(1), "Mary-Ann"] }),
    'pool first: value "Mary-Ann"',
  );
  assertThrows(
    () => validatePools({ ...DEFAULT_POOLS, b_city: [...BIRTH_CITIES.slice(1), "Paris, XX"] }),
    "unknown state code XX",
  );
  assertThrows(
    () =>
      validatePools({
        ...DEFAULT_POOLS,
        c_name: [...COMPANIES.slice(1), { name: "Acme", hq: "Washington DC" }],
      }),
    'pool c_city: value "Washington DC"',
  );
});
