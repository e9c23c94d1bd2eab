import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../util/assert.ts";
import { type Figures, readmeChecks } from "./readme_numbers.ts";
import { readFigures, summarize, summaryMarkdown } from "./summary.ts";
import { coverageMarkdown } from "./coverage.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The rows of the table of findings (their last cell names a figure JSON), cells trimmed. */
function tableRows(md: string): string[][] {
  return md.split("\n").filter((l) => /\| `figures\/[^`]+\.json` +\|$/.test(l))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}

const figs: Figures = {
  fig3: {
    data: {
      cells: [
        { block: "QA", row: "single", column: "mean", ours: 3.24, paper: 9.7 },
        { block: "QA", row: "single", column: "b_date", ours: 8.1, paper: 33.5 },
      ],
    },
  },
  fig3_mix: {
    data: {
      cells: [],
      mixRuns: [
        { row: "single+fullname", bioFirstToken: 80 },
        { row: "multi2+fullname", bioFirstToken: 46 },
        { row: "multi5+fullname", bioFirstToken: 70 },
        { row: "multi5+fullname", bioFirstToken: 82 },
        { row: "single", bioFirstToken: 10 },
      ],
    },
  },
};

Deno.test("readmeChecks reads each checked number and computes it from the figures", () => {
  const text = [
    "single reaches **3.2**<!-- check: qa(single) --> (paper 9.7), two rows",
    "then 3.25% <!-- check: qa(single) --> and one<!-- check:",
    "mixUnder75(fullname) --> row",
    "the paper's 1.7<!-- check: paperP(single, c_name, 0, 4) --> and 9<!-- check: nope(x) -->",
    "a missing cell 1.0<!-- check: qa(multi5) --> and an unchecked 5.0 <!-- a note -->",
  ].join("\n");
  const got = readmeChecks(text, figs);
  assertEquals(got.map((c) => [c.line, c.written, c.computed]), [
    [1, "3.2", "3.2"],
    [2, "3.25", "3.24"],
    [2, "one", "one"], // multi5+fullname averages 76: not under 75
    [4, "1.7", "1.7"],
    [4, "9", null],
    [5, "1.0", null],
  ]);
  assert(got[4].error?.includes('unknown quantity "nope"'));
  assert(got[5].error?.includes("0 cells match"));
});

Deno.test("README: every checked number agrees with figures/*.json", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const checks = readmeChecks(readme, await readFigures(`${ROOT}figures`));
  assert(checks.length >= 20, `only ${checks.length} checked numbers in README.md`);
  const wrong = checks.filter((c) => c.computed !== c.written).map((c) =>
    `README.md:${c.line}: ${c.written} for ${c.call}, the figures give ${
      c.computed ?? `nothing (${c.error})`
    }`
  );
  assertEquals(wrong, []);
});

Deno.test("README: the coverage table is lib/findings/coverage.ts's", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  // Coverage rows: "| Figure N | ... | <status> | ...".
  const rows = (md: string) =>
    md.split("\n").filter((l) =>
      /^\| Figure \d+ +\|[^|]+\| (reproduced|partial|absent|no numbers) +\|/.test(l)
    ).map((l) => l.replace(/ +/g, " "));
  assertEquals(rows(readme), rows(coverageMarkdown()));
  assertEquals(rows(readme).length, 19);
});

Deno.test("README: the table of findings is the one the figure JSONs give", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const want = summaryMarkdown(summarize(await readFigures(`${ROOT}figures`)));
  assertEquals(
    tableRows(readme),
    tableRows(want),
    "README's table of findings differs: paste `deno task finding summary --preset tiny`'s table",
  );
});
