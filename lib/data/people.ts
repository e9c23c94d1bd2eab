/**
 * bioS individuals (paper §2, Appendix A.1): unique full names, every attribute independent and uniform.
 * @module
 */
import { Rng } from "../util/rng.ts";
import type { Person, Pronoun } from "./types.ts";
import {
  BIRTH_CITIES,
  COMPANIES,
  FIRST_NAMES,
  LAST_NAMES,
  MAJORS,
  MIDDLE_NAMES,
  MONTHS,
  UNIVERSITIES,
} from "./pools.ts";

/** Birth years 1900..2099 (200 values, paper Appendix A.1). */
export const BIRTH_YEAR_RANGE = [1900, 2099] as const;
/** Birth days 1..28, so every month has every day. */
export const BIRTH_DAY_MAX = 28;
/** Pronouns, uniform (paper: "a random pronoun (he/she/they)"). */
export const PRONOUNS: readonly Pronoun[] = ["he", "she", "they"];

/** How many distinct full names the pools allow (400 * 400 * 1000 = 1.6e8). */
export function nameSpaceSize(): number {
  return FIRST_NAMES.length * MIDDLE_NAMES.length * LAST_NAMES.length;
}

/** Options of {@link samplePeople}. */
export interface SamplePeopleOptions {
  /** Seed; people and their split depend on it and on `n` only. */
  seed: number;
  /**
   * "minority" (default): the main population, split half/half into P_train/P_test.
   * "celebrity": the disjoint extra set of paper §6; drawn from other RNG streams, and all of its
   * members are P_train, because the paper QA-finetunes on every celebrity and tests on P_min.
   */
  population?: "minority" | "celebrity";
  /** Full names that must not be drawn (the minority names, when sampling celebrities). */
  exclude?: ReadonlySet<string>;
  /** Id of the first person (default 0); celebrities follow the minority ids in a dataset. */
  firstId?: number;
}

// Stream numbers keep the two populations and the split independent of each other.
const STREAMS = {
  minority: { profile: 101, split: 102 },
  celebrity: { profile: 201, split: 202 },
} as const;

/** Renders a birth date the paper's way: "October 2, 1996" (no zero padding). */
export function formatBirthDate(year: number, month: number, day: number): string {
  return `${MONTHS[month]} ${day}, ${year}`;
}

/**
 * Samples `n` individuals with unique full names (rejection sampling on the name only), each
 * attribute drawn independently and uniformly; the company city is the company's headquarters.
 */
export function samplePeople(n: number, options: SamplePeopleOptions): Person[] {
  const { seed, population = "minority", exclude = new Set<string>(), firstId = 0 } = options;
  const space = nameSpaceSize();
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`people count must be an integer >= 0, got ${n}`);
  }
  if (n > space - exclude.size) {
    throw new RangeError(`cannot draw ${n} unique full names: the name space has ${space}`);
  }
  const rng = new Rng(seed, STREAMS[population].profile);
  const taken = new Set<string>();
  const people: Person[] = [];
  for (let i = 0; i < n; i++) {
    let first: string, middle: string, last: string, fullName: string;
    do {
      first = rng.pick(FIRST_NAMES);
      middle = rng.pick(MIDDLE_NAMES);
      last = rng.pick(LAST_NAMES);
      fullName = `${first} ${middle} ${last}`;
    } while (taken.has(fullName) || exclude.has(fullName));
    taken.add(fullName);
    const pronoun = rng.pick(PRONOUNS);
    const year = BIRTH_YEAR_RANGE[0] + rng.int(BIRTH_YEAR_RANGE[1] - BIRTH_YEAR_RANGE[0] + 1);
    const month = rng.int(12);
    const day = 1 + rng.int(BIRTH_DAY_MAX);
    const company = rng.pick(COMPANIES);
    people.push({
      id: firstId + i,
      first,
      middle,
      last,
      fullName,
      pronoun,
      values: {
        b_date: formatBirthDate(year, month, day),
        b_city: rng.pick(BIRTH_CITIES),
        univ: rng.pick(UNIVERSITIES),
        major: rng.pick(MAJORS),
        c_name: company.name,
        c_city: company.hq,
      },
      birthMonth: MONTHS[month],
      split: "P_train",
      population,
    });
  }
  if (population === "minority") {
    // p = 1/2: a seeded shuffle of the indices, the first floor(n/2) become P_train.
    const order = new Rng(seed, STREAMS.minority.split).shuffle([...people.keys()]);
    order.forEach((idx, rank) =>
      people[idx].split = rank < Math.floor(n / 2) ? "P_train" : "P_test"
    );
  }
  return people;
}
