/**
 * The numbers the README's prose quotes, computed from the figure JSONs, so a test can hold the
 * prose to the figures. A checked number in README.md is followed by a comment naming how it is
 * computed, e.g. `**82.9**<!-- check: qa(multi5+permute) -->` or `seven<!-- check:
 * mixUnder75(fullname) -->`; {@link readmeChecks} finds every such number and its value.
 * @module
 */
import type { FigureJson } from "./summary.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import { paperPProbeCell } from "./p_probing.ts";
import { meanOrNull } from "./stats.ts";
import { COVERAGE } from "./coverage.ts";

/** Figure JSONs by file name without `.json` ("fig3", "fig3_mix", ...). */
export type Figures = Partial<Record<string, FigureJson>>;

type Cell = Record<string, unknown>;
const cells = (figs: Figures, name: string): Cell[] => {
  const f = figs[name];
  if (!f) throw new Error(`figures/${name}.json is missing`);
  return (f.data.cells as Cell[] | undefined) ?? [];
};

function one(found: Cell[], what: string): Cell {
  if (found.length !== 1) throw new Error(`${what}: ${found.length} cells match, expected 1`);
  return found[0];
}

function attribute(a: string): Attribute {
  if (!(ATTRIBUTES as readonly string[]).includes(a)) {
    throw new Error(`unknown attribute "${a}"; allowed: ${ATTRIBUTES.join(", ")}`);
  }
  return a as Attribute;
}

/** A quantity: its figure files and how it is computed from its arguments. */
export interface Quantity {
  describe: string;
  value(figs: Figures, args: string[]): number;
}

/** Every quantity the README may name. */
export const QUANTITIES: Readonly<Record<string, Quantity>> = {
  qa: {
    describe: "qa(row): Figure 3 QA block, P_test mean of the row (figures/fig3.json)",
    value: (f, [row]) =>
      one(
        cells(f, "fig3").filter((c) => c.block === "QA" && c.row === row && c.column === "mean"),
        `qa(${row})`,
      ).ours as number,
  },
  mix: {
    describe: "mix(row): Figure 3 MIX block, P_test mean of the row (figures/fig3_mix.json)",
    value: (f, [row]) =>
      one(
        cells(f, "fig3_mix").filter((c) =>
          c.block === "MIX" && c.row === row && c.column === "mean"
        ),
        `mix(${row})`,
      ).ours as number,
  },
  mixUnder75: {
    describe: "mixUnder75(word): rows containing `word` whose mixed runs memorized under 75% of " +
      "P_test biographies (BIO first-token, mean over seeds; figures/fig3_mix.json)",
    value: (f, [word]) => {
      const runs = (f.fig3_mix?.data.mixRuns as { row: string; bioFirstToken: number }[]) ?? [];
      const rows = [...new Set(runs.map((r) => r.row))].filter((r) => r.includes(word));
      return rows.filter((row) =>
        (meanOrNull(runs.filter((r) => r.row === row).map((r) => r.bioFirstToken)) ?? 100) < 75
      ).length;
    },
  },
  fig10: {
    describe: "fig10(row, QAr): Figure 10 cell (figures/fig10.json)",
    value: (f, [row, qar]) =>
      one(
        cells(f, "fig10").filter((c) => c.row === row && c.QAr === Number(qar)),
        `fig10(${row}, ${qar})`,
      ).ours as number,
  },
  pos0: {
    describe: "pos0(row): Figure 5 first-token P-probe at position 0, mean over attributes " +
      "(figures/fig5.json)",
    value: (f, [row]) => {
      const got = cells(f, "fig5").filter((c) =>
        c.row === row && c.target === "first_token" && c.position === 0
      ).map((c) => c.ours as number | null);
      const m = meanOrNull(got);
      if (m === null) throw new Error(`pos0(${row}): no cell in figures/fig5.json`);
      return m;
    },
  },
  sitesPos0: {
    describe: "sitesPos0(row): the sites figure's position-0 first-token mean after the last " +
      "layer (figures/sites.json)",
    value: (f, [row]) => {
      const depth = f.sites?.data.depth as number;
      return one(
        cells(f, "sites").filter((c) =>
          c.row === row && c.site === "pos0" && c.attribute === "mean" && c.layer === depth
        ),
        `sitesPos0(${row})`,
      ).accuracy as number;
    },
  },
  coverage: {
    describe: "coverage(status): how many of the paper's figures have that status " +
      "(lib/findings/coverage.ts; status 'no-numbers' for 'no numbers')",
    value: (_f, [status]) => {
      const want = status.replace(/-/g, " ");
      const known = [...new Set(COVERAGE.map((c) => c.status))];
      if (!(known as string[]).includes(want)) {
        throw new Error(`unknown status "${status}"; allowed: ${known.join(", ")}`);
      }
      return COVERAGE.filter((c) => c.status === want).length;
    },
  },
  paperP: {
    describe: "paperP(row, attribute, position, rank): the paper's first-token P-probe cell " +
      "(Figure 5 at rank 2, Figure 13b at rank 4; data/paper)",
    value: (_f, [row, a, pos, rank]) => {
      const v = paperPProbeCell(row, attribute(a), Number(pos), { rank: Number(rank) });
      if (v === null) throw new Error(`paperP(${row}, ${a}, ${pos}, ${rank}): blank in the paper`);
      return v;
    },
  },
};

/** Number words a README sentence may use for a count. */
const WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
];

/** One checked number of the README. */
export interface ReadmeCheck {
  line: number;
  /** As written ("82.9", "seven"). */
  written: string;
  /** The call, e.g. "qa(single)". */
  call: string;
  /** The value computed from the figures, rounded as written; null when it cannot be computed. */
  computed: string | null;
  error?: string;
}

// The comment may wrap over lines (the README is wrapped at 100 columns).
const CHECK = new RegExp(
  `(\\d+(?:\\.\\d+)?|\\b(?:${
    WORDS.join("|")
  }))%?\\**\\s*<!--\\s+check:\\s+(\\w+)\\(([^)]*)\\)\\s+-->`,
  "gi",
);

/** Every checked number of a README text, with the value the figures give. */
export function readmeChecks(text: string, figs: Figures): ReadmeCheck[] {
  const out: ReadmeCheck[] = [];
  {
    for (const m of text.matchAll(CHECK)) {
      const [, written, name, rawArgs] = m;
      const argText = rawArgs.replace(/\s+/g, " ").trim();
      const call = `${name}(${argText})`;
      const q = QUANTITIES[name];
      const line = text.slice(0, m.index).split("\n").length;
      const base = { line, written, call };
      if (!q) {
        out.push({
          ...base,
          computed: null,
          error: `unknown quantity "${name}"; allowed: ${Object.keys(QUANTITIES).join(", ")}`,
        });
        continue;
      }
      try {
        const v = q.value(figs, argText.split(",").map((s) => s.trim()).filter(Boolean));
        const word = WORDS.indexOf(written.toLowerCase());
        const decimals = written.split(".")[1]?.length ?? 0;
        const computed = word >= 0
          ? (Number.isInteger(v) && v < WORDS.length ? WORDS[v] : String(v))
          : v.toFixed(decimals);
        out.push({ ...base, written: word >= 0 ? written.toLowerCase() : written, computed });
      } catch (e) {
        out.push({ ...base, computed: null, error: (e as Error).message });
      }
    }
  }
  return out;
}
