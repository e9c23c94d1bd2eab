/**
 * The paper's own numbers (arXiv 2309.14316 v3), one JSON file per figure in `data/paper/`, with a
 * validating loader and typed accessors. Every number is a transcription of a figure of the paper
 * (transcribed from the paper's heatmaps), never a result of ours; each file names its source and carries notes on
 * anything ambiguous.
 *
 * Row names are our configuration names ("single", "multi5+permute", "baseline", ...); the family
 * ("bioS" / "bioR") is a separate `data` field, because several figures mix both families.
 * In first-token columns (P-probing first-token, Q-probing `Q_first`) the `b_date` key holds the
 * birth MONTH, the first token of a birth date.
 *
 * @module
 */
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import { BIOS_ROWS } from "../data/bios.ts";

/** The figures transcribed in `data/paper/` (Figure 4 is an illustration without numbers). */
export const PAPER_FIGURES = [
  "1",
  "2",
  "3",
  "5",
  "6",
  "7",
  "8",
  "9",
  "10",
  "11",
  "12",
  "13",
  "14",
  "15",
  "16",
  "17",
  "18",
  "19",
] as const;

/** The 16 bioS data configurations of Figure 3 plus the majority-guess row, in the paper's order. */
export const PAPER_CONFIG_NAMES = ["baseline", ...BIOS_ROWS] as const;

/**
 * Majority-guess baselines (paper §2, Appendix A.1), accuracy %. `wholeAttribute` is the "baseline" row of
 * the QA / MIX / Q_whole / whole-attribute P-probing tables; `firstToken` that of first-token
 * probing, where `b_date` stands for the birth month (12 classes).
 */
export const PAPER_BASELINES = {
  wholeAttribute: {
    b_date: 0.0,
    b_city: 0.5,
    univ: 0.3,
    major: 1.0,
    c_name: 0.4,
    c_city: 13.7,
    mean: 2.7,
  },
  firstToken: { b_date: 8.3, b_city: 2.5, univ: 37.0, major: 4.0, c_name: 1.5, c_city: 14.8 },
} as const;

/** A data family of the paper. */
export type PaperData = "bioS" | "bioR";

/** One row of a figure: our configuration name, its family (null for the baseline) and its cells. */
export interface PaperRow<C> {
  /** Our configuration name, e.g. "multi5+permute", "single+permute1+CEL", "baseline". */
  row: string;
  /** Data family; null only for the majority-guess "baseline" row. */
  data: PaperData | null;
  /** The row's name exactly as the spec prints it, e.g. "bioS multi5+permute". */
  label: string;
  cells: C;
}

interface PanelBase {
  /** "a", "b", ... or "main" for a figure with a single panel. */
  id: string;
  label: string;
  /** e.g. "GPT2-124M"; mixed panels say so in words. */
  model: string;
  /** "bioS", "bioR", or "bioS+bioR" for panels that mix both. */
  data: string;
}

/** A heatmap of rows × blocks of columns (Figures 1a, 3, 7, 8, 9, 10, 12, 16, 17, 19). */
export interface PaperTablePanel extends PanelBase {
  kind: "table";
  /** Q-probing embedding rank, where the panel has one. */
  embeddingRank?: number;
  /** Block name ("QA", "MIX", "Q_first", "Q_whole", "QAr") → its columns, in printed order. */
  blocks: Record<string, string[]>;
  rows: PaperRow<Record<string, Record<string, number>>>[];
  transcribedFrom: string;
}

/** A QA-finetune grid: LoRA q/v rank r × embedding rank r′, plus full finetuning (Figures 2, 11). */
export interface PaperFinetuneGrid extends PanelBase {
  kind: "finetune_grid";
  data: PaperData;
  /** The configuration the model was pretrained on. */
  row: string;
  /** Passes over the data during pretraining, where the paper prints them. */
  passes: number | null;
  /** Grid rows: LoRA rank on the attention query/value matrices. */
  qvRanks: number[];
  /** Grid columns: LoRA rank on the word embedding; "0" = frozen, "all" = fully trainable. */
  embeddingRanks: string[];
  /** P_test QA generation accuracy, `test[i][j]` for qvRanks[i] × embeddingRanks[j]. */
  test: number[][];
  /** The parenthesized P_train QA first-token accuracy, same indexing. */
  trainFirstToken: number[][];
  /** The "train all / train all" cell: full finetuning. */
  fullFinetune: { test: number; trainFirstToken: number };
  transcribedFrom: string;
}

/** P-probing accuracies by position (Figures 5, 13, 14, 18); null = attribute already seen. */
export interface PaperPProbePanel extends PanelBase {
  kind: "p_probe";
  target: "first_token" | "whole_attribute";
  embeddingRank: number;
  attributes: Attribute[];
  positions: number;
  rows: PaperRow<Partial<Record<Attribute, (number | null)[]>>>[];
  transcribedFrom: string;
}

/** Summary numbers of one closer-P-probing Venn diagram (Figures 6, 15). */
export interface PaperVennCell {
  target: Attribute;
  /** The attribute it is coupled with in bioS couple data. */
  coupledWith: Attribute;
  /** Accuracy when none of the other five attributes has been seen yet. */
  base: number;
  /** Accuracy once the coupled attribute has been seen: one number or a [lo, hi] range. */
  coupledSeen: number | [number, number];
  /** [lo, hi] over regions where exactly one unrelated attribute was seen; null if not stated. */
  otherSingleSeen: [number, number] | null;
}

/** Venn-diagram summaries (Figures 6, 15). */
export interface PaperVennPanel extends PanelBase {
  kind: "venn_summary";
  rows: PaperRow<Partial<Record<Attribute, PaperVennCell>>>[];
}

/** A training-curve panel, described in words with approximate end values (Figure 1b, 1c). */
export interface PaperCurvesPanel extends PanelBase {
  kind: "curves";
  data: PaperData;
  row: string;
  x: string;
  xRange: [number, number];
  curves: { name: string; style: string; endApprox: number | null }[];
  description: string;
}

/** Any panel of a paper figure. */
export type PaperPanel =
  | PaperTablePanel
  | PaperFinetuneGrid
  | PaperPProbePanel
  | PaperVennPanel
  | PaperCurvesPanel;

/** One figure of the paper as stored in `data/paper/fig<N>.json`. */
export interface PaperFigure {
  figure: string;
  title: string;
  /** Where the numbers come from (paper figure and the spec section that transcribes it). */
  source: string;
  units: string;
  notes: string[];
  panels: PaperPanel[];
}

/** Options that pick a row when a figure has several panels or mixes bioS and bioR rows. */
export interface PaperRowOptions {
  /** Panel id ("a", "b", ...); may be left out when only one panel has the row. */
  panel?: string;
  /** Data family; may be left out when the row name is unambiguous. */
  data?: PaperData;
}

const ROW_NAME = /^(baseline|(single|multi\d+|couple\d+)(\+[A-Za-z0-9]+)*)$/;
const cache = new Map<string, PaperFigure>();

/**
 * Loads and validates `data/paper/fig<figure>.json` (path relative to this module), e.g.
 * `loadPaperFigure("3")`. Results are cached. Throws, naming the file and the problem, when the
 * figure is not transcribed or the file does not have the expected shape.
 */
export function loadPaperFigure(figure: string): PaperFigure {
  const hit = cache.get(figure);
  if (hit) return hit;
  if (!/^[0-9]{1,2}$/.test(figure)) {
    throw new Error(`Paper figure "${figure}": expected a figure number such as "3"`);
  }
  const file = `data/paper/fig${figure}.json`;
  const url = new URL(`../../${file}`, import.meta.url);
  let text: string;
  try {
    text = Deno.readTextFileSync(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `${file}: no such file: Figure ${figure} is not transcribed ` +
          `(transcribed: ${PAPER_FIGURES.join(", ")})`,
      );
    }
    throw new Error(`${file}: cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  const fig = validatePaperFigure(json, file);
  if (fig.figure !== figure) {
    throw new Error(`${file}: "figure" is "${fig.figure}", expected "${figure}"`);
  }
  cache.set(figure, fig);
  return fig;
}

/**
 * Checks that `json` has the shape of a {@link PaperFigure} and returns it typed; `file` names the
 * source in error messages.
 */
export function validatePaperFigure(json: unknown, file: string): PaperFigure {
  const fail = (path: string, problem: string): never => {
    throw new Error(`${file}: ${path}: ${problem}`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? v as Record<string, unknown>
      : fail(path, "expected an object");
  const str = (v: unknown, path: string): string =>
    typeof v === "string" && v.length > 0 ? v : fail(path, "expected a non-empty string");
  const arr = (v: unknown, path: string): unknown[] =>
    Array.isArray(v) ? v : fail(path, "expected an array");
  const acc = (v: unknown, path: string): number =>
    typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100
      ? v
      : fail(path, `expected an accuracy in [0, 100], got ${JSON.stringify(v)}`);
  const int = (v: unknown, path: string): number =>
    Number.isInteger(v) && (v as number) > 0
      ? v as number
      : fail(path, "expected a positive integer");
  const attr = (v: unknown, path: string): Attribute =>
    (ATTRIBUTES as readonly unknown[]).includes(v)
      ? v as Attribute
      : fail(path, `unknown attribute ${JSON.stringify(v)}`);
  const sameKeys = (o: Record<string, unknown>, keys: readonly string[], path: string) => {
    const got = Object.keys(o);
    if (got.length !== keys.length || !keys.every((k) => k in o)) {
      fail(path, `keys [${got.join(", ")}] differ from the expected [${keys.join(", ")}]`);
    }
  };
  const range = (v: unknown, path: string): [number, number] => {
    const a = arr(v, path);
    if (a.length !== 2) fail(path, "expected a [lo, hi] pair");
    const lo = acc(a[0], `${path}[0]`), hi = acc(a[1], `${path}[1]`);
    if (lo > hi) fail(path, "lo > hi");
    return [lo, hi];
  };
  const rowHead = (r: Record<string, unknown>, path: string) => {
    const name = str(r.row, `${path}.row`);
    if (!ROW_NAME.test(name)) fail(`${path}.row`, `"${name}" is not a configuration name`);
    if (r.data === null) {
      if (name !== "baseline") fail(`${path}.data`, "null is only allowed on the baseline row");
    } else if (r.data !== "bioS" && r.data !== "bioR") {
      fail(`${path}.data`, `expected "bioS", "bioR" or null`);
    }
    str(r.label, `${path}.label`);
    return obj(r.cells, `${path}.cells`);
  };

  const root = obj(json, "(root)");
  str(root.figure, "figure");
  str(root.title, "title");
  str(root.source, "source");
  str(root.units, "units");
  arr(root.notes, "notes").forEach((n, i) => str(n, `notes[${i}]`));
  const panels = arr(root.panels, "panels");
  if (panels.length === 0) fail("panels", "no panels");
  const ids = new Set<string>();
  panels.forEach((pv, pi) => {
    const pp = `panels[${pi}]`;
    const p = obj(pv, pp);
    const id = str(p.id, `${pp}.id`);
    if (ids.has(id)) fail(`${pp}.id`, `duplicate panel id "${id}"`);
    ids.add(id);
    str(p.label, `${pp}.label`);
    str(p.model, `${pp}.model`);
    str(p.data, `${pp}.data`);
    switch (p.kind) {
      case "table": {
        const blocks = obj(p.blocks, `${pp}.blocks`);
        const cols: Record<string, string[]> = {};
        for (const [b, cv] of Object.entries(blocks)) {
          cols[b] = arr(cv, `${pp}.blocks.${b}`).map((c, i) => str(c, `${pp}.blocks.${b}[${i}]`));
        }
        if (p.embeddingRank !== undefined) int(p.embeddingRank, `${pp}.embeddingRank`);
        const rows = arr(p.rows, `${pp}.rows`);
        if (rows.length === 0) fail(`${pp}.rows`, "no rows");
        rows.forEach((rv, ri) => {
          const rp = `${pp}.rows[${ri}]`;
          const cells = rowHead(obj(rv, rp), rp);
          sameKeys(cells, Object.keys(cols), `${rp}.cells`);
          for (const [b, cs] of Object.entries(cols)) {
            const block = obj(cells[b], `${rp}.cells.${b}`);
            sameKeys(block, cs, `${rp}.cells.${b}`);
            for (const c of cs) acc(block[c], `${rp}.cells.${b}.${c}`);
          }
        });
        break;
      }
      case "finetune_grid": {
        if (p.data !== "bioS" && p.data !== "bioR") fail(`${pp}.data`, `expected "bioS" or "bioR"`);
        str(p.row, `${pp}.row`);
        if (p.passes !== null) int(p.passes, `${pp}.passes`);
        const qv = arr(p.qvRanks, `${pp}.qvRanks`).map((v, i) => int(v, `${pp}.qvRanks[${i}]`));
        const emb = arr(p.embeddingRanks, `${pp}.embeddingRanks`)
          .map((v, i) => str(v, `${pp}.embeddingRanks[${i}]`));
        for (const key of ["test", "trainFirstToken"] as const) {
          const m = arr(p[key], `${pp}.${key}`);
          if (m.length !== qv.length) fail(`${pp}.${key}`, `expected ${qv.length} rows`);
          m.forEach((rv, i) => {
            const r = arr(rv, `${pp}.${key}[${i}]`);
            if (r.length !== emb.length) fail(`${pp}.${key}[${i}]`, `expected ${emb.length} cells`);
            r.forEach((v, j) => acc(v, `${pp}.${key}[${i}][${j}]`));
          });
        }
        const full = obj(p.fullFinetune, `${pp}.fullFinetune`);
        acc(full.test, `${pp}.fullFinetune.test`);
        acc(full.trainFirstToken, `${pp}.fullFinetune.trainFirstToken`);
        break;
      }
      case "p_probe": {
        if (p.target !== "first_token" && p.target !== "whole_attribute") {
          fail(`${pp}.target`, `expected "first_token" or "whole_attribute"`);
        }
        int(p.embeddingRank, `${pp}.embeddingRank`);
        const positions = int(p.positions, `${pp}.positions`);
        const attrs = arr(p.attributes, `${pp}.attributes`)
          .map((a, i) => attr(a, `${pp}.attributes[${i}]`));
        arr(p.rows, `${pp}.rows`).forEach((rv, ri) => {
          const rp = `${pp}.rows[${ri}]`;
          const cells = rowHead(obj(rv, rp), rp);
          sameKeys(cells, attrs, `${rp}.cells`);
          for (const a of attrs) {
            const ps = arr(cells[a], `${rp}.cells.${a}`);
            if (ps.length !== positions) {
              fail(`${rp}.cells.${a}`, `expected ${positions} positions`);
            }
            ps.forEach((v, i) => v === null || acc(v, `${rp}.cells.${a}[${i}]`));
          }
        });
        break;
      }
      case "venn_summary": {
        arr(p.rows, `${pp}.rows`).forEach((rv, ri) => {
          const rp = `${pp}.rows[${ri}]`;
          const cells = rowHead(obj(rv, rp), rp);
          for (const [a, cv] of Object.entries(cells)) {
            const cp = `${rp}.cells.${a}`;
            const c = obj(cv, cp);
            if (attr(c.target, `${cp}.target`) !== a) fail(`${cp}.target`, `expected "${a}"`);
            attr(c.coupledWith, `${cp}.coupledWith`);
            acc(c.base, `${cp}.base`);
            if (Array.isArray(c.coupledSeen)) range(c.coupledSeen, `${cp}.coupledSeen`);
            else acc(c.coupledSeen, `${cp}.coupledSeen`);
            if (c.otherSingleSeen !== null) range(c.otherSingleSeen, `${cp}.otherSingleSeen`);
          }
        });
        break;
      }
      case "curves": {
        str(p.row, `${pp}.row`);
        str(p.x, `${pp}.x`);
        str(p.description, `${pp}.description`);
        const xr = arr(p.xRange, `${pp}.xRange`);
        if (xr.length !== 2 || !xr.every((v) => typeof v === "number")) {
          fail(`${pp}.xRange`, "expected [from, to]");
        }
        arr(p.curves, `${pp}.curves`).forEach((cv, i) => {
          const c = obj(cv, `${pp}.curves[${i}]`);
          str(c.name, `${pp}.curves[${i}].name`);
          str(c.style, `${pp}.curves[${i}].style`);
          if (c.endApprox !== null) acc(c.endApprox, `${pp}.curves[${i}].endApprox`);
        });
        break;
      }
      default:
        fail(`${pp}.kind`, `unknown panel kind ${JSON.stringify(p.kind)}`);
    }
  });
  return json as PaperFigure;
}

/** The panel `id` of a figure, or its only panel when `id` is left out. */
export function paperPanel(figure: string, id?: string): PaperPanel {
  const fig = loadPaperFigure(figure);
  const ids = fig.panels.map((p) => p.id);
  if (id === undefined) {
    if (fig.panels.length === 1) return fig.panels[0];
    throw new Error(`Figure ${figure} has panels ${ids.join(", ")}: say which one`);
  }
  const panel = fig.panels.find((p) => p.id === id);
  if (!panel) throw new Error(`Figure ${figure} has no panel "${id}" (panels: ${ids.join(", ")})`);
  return panel;
}

type RowPanel = PaperTablePanel | PaperPProbePanel | PaperVennPanel;
function hasRows(p: PaperPanel): p is RowPanel {
  return p.kind === "table" || p.kind === "p_probe" || p.kind === "venn_summary";
}

function findRow<P extends RowPanel>(
  figure: string,
  row: string,
  opts: PaperRowOptions,
  kind: P["kind"],
): { panel: P; row: P["rows"][number] } {
  const panels =
    (opts.panel === undefined ? loadPaperFigure(figure).panels : [paperPanel(figure, opts.panel)])
      .filter((p) => p.kind === kind) as P[];
  if (panels.length === 0) {
    throw new Error(
      `Figure ${figure}${opts.panel ? ` panel ${opts.panel}` : ""} has no ${kind} panel`,
    );
  }
  const hits: { panel: P; row: P["rows"][number] }[] = [];
  for (const panel of panels) {
    for (const r of panel.rows as P["rows"][number][]) {
      if (r.row === row && (opts.data === undefined || r.data === null || r.data === opts.data)) {
        hits.push({ panel, row: r });
      }
    }
  }
  const where = `Figure ${figure}${opts.panel ? ` panel ${opts.panel}` : ""}` +
    (opts.data ? ` (${opts.data})` : "");
  if (hits.length === 0) {
    throw new Error(
      `${where} has no row "${row}" (rows: ${
        [...new Set(panels.flatMap((p) => paperRowNames(figure, { panel: p.id, data: opts.data })))]
          .join(", ")
      })`,
    );
  }
  if (hits.length > 1) {
    const at = hits.map((h) => `panel ${h.panel.id} ${h.row.label}`).join("; ");
    throw new Error(`${where}: row "${row}" is ambiguous (${at}): pass panel and/or data`);
  }
  return hits[0];
}

/**
 * Row names of a figure panel in printed order (the baseline included). Panels that mix bioS and
 * bioR may repeat a name; pass `data` to keep one family (the baseline is always kept).
 */
export function paperRowNames(figure: string, opts: PaperRowOptions = {}): string[] {
  const panel = paperPanel(figure, opts.panel);
  if (!hasRows(panel)) {
    throw new Error(`Figure ${figure} panel ${panel.id} is a ${panel.kind} panel without rows`);
  }
  const rows = panel.rows as PaperRow<unknown>[];
  return rows.filter((r) => opts.data === undefined || r.data === null || r.data === opts.data)
    .map((r) => r.row);
}

/**
 * One number of a table figure (1, 3, 7, 8, 9, 10, 12, 16, 17, 19): `block` is "QA", "MIX",
 * "Q_first", "Q_whole" or (Figure 10) "QAr"; `column` an attribute key, "mean" or (Figure 10) a
 * QAr value such as "0.8".
 */
export function paperCell(
  figure: string,
  row: string,
  block: string,
  column: string,
  opts: PaperRowOptions = {},
): number {
  const hit = findRow<PaperTablePanel>(figure, row, opts, "table");
  const cells = hit.row.cells[block];
  if (!cells) {
    throw new Error(
      `Figure ${figure} panel ${hit.panel.id} has no block "${block}" ` +
        `(blocks: ${Object.keys(hit.panel.blocks).join(", ")})`,
    );
  }
  const v = cells[column];
  if (v === undefined) {
    throw new Error(
      `Figure ${figure} panel ${hit.panel.id} block ${block} has no column "${column}" ` +
        `(columns: ${hit.panel.blocks[block].join(", ")})`,
    );
  }
  return v;
}

/**
 * Figure 3 (bioS, GPT2-124M): P_test accuracy of `row` after BIO pretrain + QA finetune
 * (`kind: "QA"`, the default) or after mixed training (`kind: "MIX"`).
 */
export function paperQA(
  row: string,
  column: Attribute | "mean",
  opts: { kind?: "QA" | "MIX" } = {},
): number {
  return paperCell("3", row, opts.kind ?? "QA", column);
}

/**
 * Q-probing accuracy of Figure 7 (bioS, rank 16) or another Q-probing figure (`figure` "16" with a
 * `panel`, or "19"). First-token `b_date` is the birth month; whole-attribute has no `b_date`.
 */
export function paperQProbe(
  row: string,
  attribute: Attribute,
  opts: PaperRowOptions & { target?: "first_token" | "whole_attribute"; figure?: string } = {},
): number {
  const block = (opts.target ?? "first_token") === "first_token" ? "Q_first" : "Q_whole";
  return paperCell(opts.figure ?? "7", row, block, attribute, opts);
}

/**
 * P-probing accuracies of `attribute` at positions 0..5 (null where the attribute was already
 * seen) from Figure 5 (bioS first-token, rank 2) or another P-probing figure/panel.
 */
export function paperPProbe(
  row: string,
  attribute: Attribute,
  opts: PaperRowOptions & { figure?: string } = {},
): (number | null)[] {
  const figure = opts.figure ?? "5";
  const hit = findRow<PaperPProbePanel>(figure, row, opts, "p_probe");
  const v = hit.row.cells[attribute];
  if (!v) {
    throw new Error(
      `Figure ${figure} panel ${hit.panel.id} (${hit.panel.target}) has no attribute "${attribute}"`,
    );
  }
  return v;
}

/**
 * The QA-finetune grid (Figure 2 or 11) of a model pretrained on `row`. Defaults: bioS, and the
 * family's default model (GPT2-124M for bioS, GPT2-302M for bioR) when several models exist, so
 * `paperFinetuneGrid("single")` is Figure 2(a) and `paperFinetuneGrid("multi5+permute")` is
 * Figure 11(k).
 */
export function paperFinetuneGrid(
  row: string,
  opts: { data?: PaperData; model?: string } = {},
): PaperFinetuneGrid {
  const data = opts.data ?? "bioS";
  const grids = ["2", "11"].flatMap((f) => loadPaperFigure(f).panels)
    .filter((p): p is PaperFinetuneGrid => p.kind === "finetune_grid")
    .filter((p) => p.data === data && p.row === row);
  if (grids.length === 0) {
    throw new Error(`Figures 2/11 have no QA-finetune grid for ${data} "${row}"`);
  }
  const model = opts.model ??
    (grids.length > 1 ? (data === "bioS" ? "GPT2-124M" : "GPT2-302M") : undefined);
  const chosen = model === undefined ? grids : grids.filter((p) => p.model === model);
  if (chosen.length !== 1) {
    throw new Error(
      `Figures 2/11: ${data} "${row}" grids are for ${grids.map((p) => p.model).join(", ")}; ` +
        `none for model "${model}"`,
    );
  }
  return chosen[0];
}

/** The grid cell of a QA-finetune grid for LoRA q/v rank `qvRank` and embedding rank `embeddingRank`. */
export function paperGridCell(
  grid: PaperFinetuneGrid,
  qvRank: number,
  embeddingRank: string,
): { test: number; trainFirstToken: number } {
  const i = grid.qvRanks.indexOf(qvRank);
  const j = grid.embeddingRanks.indexOf(embeddingRank);
  if (i < 0 || j < 0) {
    throw new Error(
      `Grid ${grid.label}: no cell r=${qvRank}, r'=${embeddingRank} ` +
        `(r in ${grid.qvRanks.join("/")}, r' in ${grid.embeddingRanks.join("/")})`,
    );
  }
  return { test: grid.test[i][j], trainFirstToken: grid.trainFirstToken[i][j] };
}
