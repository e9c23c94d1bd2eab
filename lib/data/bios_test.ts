import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";
import { BIO_CONFIGS, generateBios, parseBioConfig } from "./bios.ts";
import { samplePeople } from "./people.ts";
import { type Attribute, ATTRIBUTES, type BioEntry, type Person } from "./types.ts";

const people = samplePeople(300, { seed: 5 });
const byId = new Map(people.map((p) => [p.id, p]));
const cache = new Map<string, BioEntry[]>();
function bios(config: string): BioEntry[] {
  if (!cache.has(config)) cache.set(config, generateBios(people, config, { seed: 5 }));
  return cache.get(config)!;
}
function perPerson(config: string): BioEntry[][] {
  const out = people.map(() => [] as BioEntry[]);
  for (const e of bios(config)) out[e.personId].push(e);
  return out;
}

/** Splits an entry into its six sentences using the spans (values may contain "."). */
function sentences(e: BioEntry): { attribute: Attribute; text: string }[] {
  let at = 1;
  return e.spans.map((s) => {
    const end = e.text.indexOf(".", s.end) + 1;
    const text = e.text.slice(at, end);
    at = end + 1;
    return { attribute: s.attribute, text };
  });
}
const order = (e: BioEntry) => e.spans.map((s) => s.attribute).join(",");
const count = (text: string, sub: string) => text.split(sub).length - 1;

Deno.test("parseBioConfig: the paper's 19 names, and a one-line error listing them", () => {
  assertEquals(BIO_CONFIGS.length, 19);
  assertEquals(parseBioConfig("single"), {
    name: "single",
    kind: "single",
    entries: 1,
    permute: false,
    fullname: false,
  });
  assertEquals(parseBioConfig("single+permute5+fullname"), {
    name: "single+permute5+fullname",
    kind: "single",
    entries: 5,
    permute: true,
    fullname: true,
  });
  assertEquals(parseBioConfig("multi2+permute"), {
    name: "multi2+permute",
    kind: "multi",
    entries: 2,
    permute: true,
    fullname: false,
  });
  assertEquals(parseBioConfig("multi5+fullname").permute, false);
  assertEquals(parseBioConfig("couple5"), {
    name: "couple5",
    kind: "couple",
    entries: 5,
    permute: true,
    fullname: false,
  });
  const err = assertThrows(() => parseBioConfig("multi3"), "allowed: single, single+fullname");
  assert(!err.message.includes("\n"));
});

Deno.test("every configuration: entry counts, spans hold the values, full name placement", () => {
  for (const name of BIO_CONFIGS) {
    const c = parseBioConfig(name);
    const all = bios(name);
    assertEquals(all.length, people.length * c.entries, name);
    for (const e of all) {
      const p = byId.get(e.personId)!;
      assert(e.text.startsWith(" " + p.fullName), `${name}: ${e.text}`);
      assert(!e.text.includes("  ") && !e.text.endsWith(" "), name);
      assertEquals([...e.spans.map((s) => s.attribute)].sort(), [...ATTRIBUTES].sort(), name);
      for (const s of e.spans) {
        assertEquals(e.text.slice(s.start, s.end), p.values[s.attribute], name);
        assertEquals(e.text[s.start - 1], " ");
      }
      assert(e.spans.every((s, i) => i === 0 || s.start > e.spans[i - 1].end), "spans in order");
      const sents = sentences(e);
      if (c.fullname) {
        assert(sents.every((s) => s.text.startsWith(p.fullName)), `${name}: ${e.text}`);
      } else {
        assertEquals(count(e.text, p.fullName), 1, `${name}: ${e.text}`);
        assert(sents[0].text.startsWith(p.fullName));
      }
    }
  }
});

Deno.test("single and multiM: fixed order b_date, b_city, univ, major, c_name, c_city", () => {
  for (const name of ["single", "single+fullname", "multi2", "multi5", "multi5+fullname"]) {
    assert(bios(name).every((e) => order(e) === ATTRIBUTES.join(",")), name);
  }
});

Deno.test("single+permuteP: the same six sentences in P orders; orders vary across people", () => {
  for (const P of [1, 2, 5]) {
    const groups = perPerson(`single+permute${P}+fullname`);
    const single = perPerson("single+fullname");
    groups.forEach((entries, i) => {
      assertEquals(entries.length, P);
      const ref = sentences(single[i][0]).map((s) => s.text).sort();
      for (const e of entries) assertEquals(sentences(e).map((s) => s.text).sort(), ref);
    });
    const firstOrders = new Set(groups.map((g) => order(g[0])));
    assert(firstOrders.size > 100, `permute${P}: only ${firstOrders.size} orders over 300 people`);
  }
  // Without fullname: each attribute's sentence is the same wherever it is not first.
  for (const entries of perPerson("single+permute5")) {
    for (const a of ATTRIBUTES) {
      const texts = new Set(
        entries.flatMap((e) =>
          sentences(e).slice(1).filter((s) => s.attribute === a).map((s) => s.text)
        ),
      );
      assert(texts.size <= 1, [...texts].join(" | "));
    }
  }
  assert(perPerson("single+permute5").some((g) => new Set(g.map(order)).size === 5));
});

Deno.test("multiM: templates re-sampled per entry; multiM+permute shuffles each entry", () => {
  let same = 0, total = 0;
  for (const entries of perPerson("multi5")) {
    assertEquals(entries.length, 5);
    for (const a of ATTRIBUTES.slice(1)) {
      const texts = new Set(entries.map((e) => sentences(e).find((s) => s.attribute === a)!.text));
      total++;
      if (texts.size === 1) same++;
    }
  }
  assertEquals(same, 0, `${same} of ${total} (person, attribute) kept one template over 5 entries`);
  const perm = perPerson("multi5+permute");
  const distinctOrders = perm.filter((g) => new Set(g.map(order)).size >= 4).length;
  assert(distinctOrders > 0.9 * people.length, `${distinctOrders}`);
});

Deno.test("couple: three ordered pairs adjacent and in order, all 6 pair orders occur", () => {
  for (const name of ["couple1", "couple2", "couple5"]) {
    const orders = new Set<string>();
    for (const e of bios(name)) {
      const attrs = e.spans.map((s) => s.attribute);
      for (const [a, b] of [["b_date", "b_city"], ["univ", "major"], ["c_name", "c_city"]]) {
        const i = attrs.indexOf(a as Attribute);
        assertEquals(i % 2, 0);
        assertEquals(attrs[i + 1], b);
      }
      orders.add(attrs.join(","));
    }
    assertEquals(orders.size, 6, name);
  }
});

Deno.test("generateBios: independent of generation order; configurations nest", () => {
  const reversed = generateBios([...people].reverse(), "multi5+permute", { seed: 5 });
  const key = (e: BioEntry) => `${e.personId}/${e.entryIndex}`;
  const sorted = [...reversed].sort((a, b) =>
    a.personId - b.personId || a.entryIndex - b.entryIndex
  );
  assertEquals(sorted.map(key), bios("multi5+permute").map(key));
  assertEquals(sorted, bios("multi5+permute"));
  const subset: Person[] = people.slice(40, 45);
  assertEquals(
    generateBios(subset, "single+permute2", { seed: 5 }),
    bios("single+permute2").slice(80, 90),
  );
  // single = entry 0 of multi5; multi2 = the first two entries of multi5.
  const multi5 = perPerson("multi5");
  assertEquals(bios("single"), multi5.map((g) => g[0]));
  assertEquals(bios("multi2"), multi5.flatMap((g) => g.slice(0, 2)));
  assertNotEquals(generateBios(subset, "single", { seed: 6 }), bios("single").slice(40, 45));
});
