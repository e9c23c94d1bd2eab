/**
 * Where the knowledge sits (our addition: the paper has no such figure). Figures 5 and 7 read one
 * position of the last layer; here the same kind of probe reads three sites after every layer of
 * the same pretrained models, to tell "the attribute is not on the name" from "the probe cannot
 * find it":
 * - `name`: the last token of the full name (EOS + " " + name), where the paper finds every
 *   attribute of an augmented model (Result 5);
 * - `ending`: the token after the name, the Q-probe's read-out (Figure 7's site, EOS here);
 * - `pos0`: P-probing position 0, the token right before the first value of each person's first
 *   entry (Figure 5's first block of columns).
 *
 * The probes are the preset's first-token heads without the embedding update (rank 0), so the
 * frozen features are computed once and a probe trains in seconds: the name and ending sites use
 * the Q-probe's BatchNorm, batch and epochs, `pos0` the P-probe's LayerNorm, batch and epochs.
 * Reading after layer k means running the model's first k blocks and its final norm.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import pl from "nodejs-polars";
import { type DeepPartial, getPreset, type Preset, presetWith } from "../config/presets.ts";
import { currentPreset, type PresetName } from "../config/preset.ts";
import { type Attribute, ATTRIBUTES } from "../data/types.ts";
import type { Dataset } from "../data/dataset.ts";
import { initBackend } from "../model/backend.ts";
import { createGPT, type GPT } from "../model/gpt.ts";
import { majorityBaseline, PROBE_TASKS } from "../probe/head.ts";
import { fitProbe } from "../probe/fit.ts";
import { pProbeItems } from "../probe/p_probe.ts";
import { qProbeItems } from "../probe/q_probe.ts";
import { buildModel, datasetFor, loadPretrained, type RunRequest } from "../runs/experiments.ts";
import { heatmapSpec } from "../plot/specs.ts";
import { type SavedFigure, saveFigure } from "../plot/save.ts";
import type { VegaLiteSpec } from "../plot/render.ts";
import type { PlotlyFigure } from "../plot/plotly.ts";
import { paperPProbeCell } from "./p_probing.ts";
import { paperFig7Cell } from "./fig7.ts";
import { heatmapPlotly } from "./probing.ts";
import { ensurePretrained, type FindingRunOptions, isPretrained, rowRequest } from "./runs.ts";
import { meanOrNull } from "./stats.ts";

/** The sites read, in the order of a biography. */
export const SITES = ["name", "ending", "pos0"] as const;
/** One site (see the module doc). */
export type Site = typeof SITES[number];

/** Options of {@linkcode storageSites}. */
export interface SitesOptions extends FindingRunOptions {
  preset?: PresetName;
  /** bioS rows (default: single and multi5+permute). */
  rows?: string[];
  /** Model depth (default: the preset's); another depth pretrains its own models. */
  depth?: number;
  /** Pretraining seed (default 0). */
  seed?: number;
  /** Read only models already pretrained; rows without one are listed in `missingRows`. */
  onlyCached?: boolean;
}

/** One probe's accuracy: a row, a layer, a site, an attribute (or "mean"). */
export interface SiteCell {
  row: string;
  /** Blocks run before the read-out (1..depth). */
  layer: number;
  site: Site;
  attribute: Attribute | "mean";
  /** P_test accuracy (%). */
  accuracy: number;
  /** Accuracy on the P_train people the probe was trained on (%). */
  trainAccuracy: number;
  /** Majority-class baseline on P_test (%). */
  baseline: number;
  /**
   * The paper's number for this site at the last layer: Figure 7's Q-first (rank 16) at the
   * ending token, Figure 5's position 0 (rank 2); null elsewhere (it probes no other site).
   */
  paper: number | null;
}

/** What {@linkcode storageSites} returns. */
export interface SitesResult {
  preset: PresetName;
  depth: number;
  seed: number;
  rows: string[];
  missingRows: string[];
  cells: SiteCell[];
  /** Per row: the pretraining run read and the seconds its probes took. */
  runs: { row: string; pretrainKey: string; probeSeconds: number }[];
  probe: { classifier: string; rank: 0; qEpochs: number; pEpochs: number };
}

/**
 * A model made of the first `layers` blocks of `model` (same embedding and final norm), sharing
 * nothing with it: its hidden states are `model`'s read after block `layers`.
 */
export function truncatedModel(model: GPT, layers: number): GPT {
  const L = model.config.nLayer;
  if (!Number.isInteger(layers) || layers < 1 || layers > L) {
    throw new Error(`truncatedModel: layers must be an integer in [1, ${L}], got ${layers}`);
  }
  const out = createGPT({ ...model.config, nLayer: layers });
  tf.tidy(() => {
    for (const [name, v] of Object.entries(out.params)) v.assign(model.params[name]);
  });
  return out;
}

/** The request of a row at a depth (the row's own overrides kept). */
export function sitesRequest(preset: PresetName, row: string, seed: number, depth?: number) {
  const base = rowRequest(preset, row, seed);
  if (depth === undefined || depth === getPreset(preset).model.nLayer) return base;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new Error(`depth must be a positive integer, got ${depth}`);
  }
  const model = { ...(base.overrides?.model ?? {}), nLayer: depth };
  return { ...base, overrides: { ...(base.overrides ?? {}), model } } as RunRequest & {
    overrides: DeepPartial<Preset>;
  };
}

interface SiteItems {
  people: { personId: number; split: "P_train" | "P_test" }[];
  ids: Int32Array[];
  at: number[];
}

/** The token sequences and read-out positions of a site, one per minority person. */
export function siteItems(ds: Dataset, site: Site): SiteItems {
  if (site === "pos0") {
    const items = pProbeItems(ds);
    return {
      people: items,
      ids: items.map((it) => it.ids),
      at: items.map((it) => it.positions[0]),
    };
  }
  const items = qProbeItems(ds);
  const back = site === "name" ? 2 : 1;
  return {
    people: items,
    ids: items.map((it) => it.ids),
    at: items.map((it) => it.ids.length - back),
  };
}

/** Hidden states [n, d] of `model` at each item's read-out position (right-padded with EOS). */
function features(model: GPT, items: SiteItems, pad: number, batch = 250): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let at = 0; at < items.ids.length; at += batch) {
    const seqs = items.ids.slice(at, at + batch);
    const T = Math.max(...seqs.map((s) => s.length));
    parts.push(tf.tidy(() => {
      const ids = new Int32Array(seqs.length * T).fill(pad);
      seqs.forEach((s, r) => ids.set(s, r * T));
      const h = tf.reshape(model.hidden(tf.tensor2d(ids, [seqs.length, T], "int32")), [
        seqs.length * T,
        model.config.dModel,
      ]);
      const rows = seqs.map((_, r) => r * T + items.at[at + r]);
      return tf.gather(h, tf.tensor1d(rows, "int32")) as tf.Tensor2D;
    }));
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

const FIRST_TOKEN_TASKS = PROBE_TASKS.filter((t) => t.target === "first_token");

/**
 * Trains the six first-token heads on frozen features `X` (row i = item i) with the preset's
 * probe settings (the Q-probe's for the name and ending sites, the P-probe's at position 0; rank
 * 0) and scores them (accuracies in %).
 */
function probeFeatures(
  model: GPT,
  ds: Dataset,
  X: tf.Tensor2D,
  items: SiteItems,
  site: Site,
  p: Preset,
  seed: number,
): { attribute: Attribute; accuracy: number; trainAccuracy: number; baseline: number }[] {
  const q = site !== "pos0";
  const rows = items.people.map((person, index) => ({ ...person, index }));
  const nTrain = rows.filter((r) => r.split === "P_train").length;
  const probe = fitProbe(model, ds, rows, {
    rowsPerItem: 1,
    states: (batch) => tf.gather(X, batch.map((r) => r.index)) as tf.Tensor2D,
  }, {
    tasks: FIRST_TOKEN_TASKS,
    rank: 0,
    norm: q ? "batchnorm" : "layernorm",
    classifier: p.probe.classifier,
    batchSize: Math.min(q ? p.probe.qBatchSize : p.probe.pBatchSize, nTrain),
    epochs: q ? p.probe.qEpochs : p.probe.pEpochs,
    lr: p.probe.lr,
    weightDecay: p.probe.weightDecay,
    seed,
    evalBatchSize: rows.length,
  });
  try {
    const y = (batch: typeof rows, t: number) => batch.map((r) => probe.label(r, t));
    const score = (batch: typeof rows, t: number) => {
      const pred = probe.predict(batch, t);
      return (100 * y(batch, t).filter((v, i) => pred[i] === v).length) / batch.length;
    };
    return FIRST_TOKEN_TASKS.map((task, t) => ({
      attribute: task.attribute,
      accuracy: score(probe.test, t),
      trainAccuracy: score(probe.train, t),
      baseline: majorityBaseline(y(probe.train, t), y(probe.test, t)),
    }));
  } finally {
    probe.dispose();
  }
}

/** The paper's number for a cell at the last layer (see {@linkcode SiteCell.paper}). */
function paperSiteCell(row: string, site: Site, attribute: Attribute): number | null {
  try {
    if (site === "ending") return paperFig7Cell(row, "Q_first", attribute);
    if (site === "pos0") return paperPProbeCell(row, attribute, 0);
  } catch {
    // a row the paper does not print (couple data)
  }
  return null;
}

/**
 * Probes the pretrained models of `rows` at every site after every layer (pretraining what is
 * missing unless `onlyCached`).
 */
export async function storageSites(opts: SitesOptions = {}): Promise<SitesResult> {
  const preset = opts.preset ?? currentPreset();
  const seed = opts.seed ?? 0;
  const base = getPreset(preset);
  const depth = opts.depth ?? base.model.nLayer;
  const wanted = opts.rows ?? ["single", "multi5+permute"];
  const reqs = wanted.map((row) => sitesRequest(preset, row, seed, depth));
  const have: RunRequest[] = [];
  for (const r of reqs) if (!opts.onlyCached || await isPretrained(r)) have.push(r);
  const pre = await ensurePretrained(have, { ...opts, defaultWorkers: base.workers });
  await initBackend({ quiet: true });
  const cells: SiteCell[] = [];
  const runs: SitesResult["runs"] = [];
  for (const { request, result } of pre) {
    const p = request.overrides ? presetWith(base, request.overrides) : base;
    const ds = datasetFor(request.config, p.people, seed);
    const model = buildModel(p, ds, seed);
    const t0 = performance.now();
    // The sequences and read-out positions do not depend on the layer read.
    const siteItemsOf = new Map(SITES.map((site) => [site, siteItems(ds, site)]));
    try {
      await loadPretrained(model, result.dir);
      for (let layer = 1; layer <= depth; layer++) {
        const m = layer === depth ? model : truncatedModel(model, layer);
        try {
          for (const site of SITES) {
            const items = siteItemsOf.get(site)!;
            const X = features(m, items, ds.vocab.eos);
            try {
              const rows = probeFeatures(model, ds, X, items, site, p, seed);
              const last = layer === depth;
              const attrCells: SiteCell[] = rows.map((r) => ({
                row: request.config,
                layer,
                site,
                ...r,
                paper: last ? paperSiteCell(request.config, site, r.attribute) : null,
              }));
              const mean = (f: (c: SiteCell) => number | null) => meanOrNull(attrCells.map(f));
              cells.push(...attrCells, {
                row: request.config,
                layer,
                site,
                attribute: "mean",
                accuracy: mean((c) => c.accuracy) ?? NaN,
                trainAccuracy: mean((c) => c.trainAccuracy) ?? NaN,
                baseline: mean((c) => c.baseline) ?? NaN,
                paper: last ? mean((c) => c.paper) : null,
              });
            } finally {
              X.dispose();
            }
          }
        } finally {
          if (m !== model) m.dispose();
        }
      }
    } finally {
      model.dispose();
    }
    runs.push({
      row: request.config,
      pretrainKey: result.cacheKey,
      probeSeconds: (performance.now() - t0) / 1000,
    });
  }
  return {
    preset,
    depth,
    seed,
    rows: pre.map((r) => r.request.config),
    missingRows: wanted.filter((w) => !pre.some((r) => r.request.config === w)),
    cells,
    runs,
    probe: {
      classifier: base.probe.classifier,
      rank: 0,
      qEpochs: base.probe.qEpochs,
      pEpochs: base.probe.pEpochs,
    },
  };
}

/** The mean over attributes per (row, layer, site): P_test, P_train and baseline accuracy. */
export function sitesTable(res: SitesResult): pl.DataFrame {
  const means = res.cells.filter((c) => c.attribute === "mean");
  return pl.DataFrame(means.map((c) => ({
    row: c.row,
    layer: `${c.layer}/${res.depth}`,
    site: c.site,
    P_test: +c.accuracy.toFixed(1),
    P_train: +c.trainAccuracy.toFixed(1),
    baseline: +c.baseline.toFixed(1),
    paper: c.paper === null ? null : +c.paper.toFixed(1),
  })));
}

const rowLabel = (res: SitesResult, c: SiteCell) => `${c.row}, layer ${c.layer}/${res.depth}`;
const attributeLabel = (a: string) => a === "b_date" ? "b_month" : a;

/** The panels of the figures: one per site, in words. */
export const SITE_PANELS: Readonly<Record<Site, string>> = {
  name: "the name's last token",
  ending: "the ending token after the name (Figure 7's site)",
  pos0: "P-probe position 0 (Figure 5's site)",
};

function columnOrder(): string[] {
  return ["mean", ...ATTRIBUTES].map(attributeLabel);
}

function rowOrder(res: SitesResult): string[] {
  return res.rows.flatMap((row) =>
    Array.from({ length: res.depth }, (_, k) => `${row}, layer ${k + 1}/${res.depth}`)
  );
}

/** The figure name: "sites" at the preset's depth, "sites_L4" at another. */
export function sitesFigureName(res: SitesResult): string {
  return res.depth === getPreset(res.preset).model.nLayer ? "sites" : `sites_L${res.depth}`;
}

function title(res: SitesResult): string[] {
  return [
    `Where the knowledge sits (${res.preset}, ${res.depth} layers): first-token probes (rank 0)`,
    "at the name's last token, the ending token and P-probe position 0, after each layer;",
    "ours (paper: Figure 7 Q-first at the ending token, Figure 5 position 0, last layer)",
  ];
}

/** The cells in their panels (one per site), each flagged when below the majority guess. */
function siteCells(res: SitesResult) {
  return res.cells.map((c) => ({
    row: rowLabel(res, c),
    column: attributeLabel(c.attribute),
    panel: SITE_PANELS[c.site],
    ours: c.accuracy,
    paper: c.paper,
    belowBaseline: c.accuracy < c.baseline,
    note: `P_train ${c.trainAccuracy.toFixed(1)}, baseline ${c.baseline.toFixed(1)}`,
  }));
}

/** The majority-class baseline of each column (the people are the same in every row). */
function baselineCells(res: SitesResult) {
  const first = res.cells.filter((c) => c.row === res.rows[0] && c.layer === res.depth);
  return first.map((c) => ({
    row: "baseline",
    column: attributeLabel(c.attribute),
    panel: SITE_PANELS[c.site],
    ours: c.baseline,
    paper: null,
    note: "majority class",
  }));
}

/**
 * The heatmap: one panel per site, one row per (bioS row, layer), one column per attribute, and
 * the baseline row.
 */
export function sitesSpec(res: SitesResult): VegaLiteSpec {
  const spec = heatmapSpec([...siteCells(res), ...baselineCells(res)], {
    title: title(res)[0],
    subtitle: title(res).slice(1),
    rowOrder: rowOrder(res),
    columnOrder: columnOrder(),
    panelOrder: SITES.map((s) => SITE_PANELS[s]),
    panelColumns: 1,
    cellWidth: 84,
  });
  const s = spec as unknown as { title: Record<string, unknown> };
  s.title = { ...s.title, anchor: "start" };
  return spec;
}

/** The interactive heatmap (hover: training accuracy and baseline), in the same panels. */
export function sitesPlotly(res: SitesResult): PlotlyFigure {
  return heatmapPlotly([...siteCells(res), ...baselineCells(res)], {
    title: title(res).join("<br>"),
    rowOrder: [...rowOrder(res), "baseline"],
    columnOrder: columnOrder(),
    panelOrder: SITES.map((s) => SITE_PANELS[s]),
    panelColumns: 1,
    rowTitle: "bioS data, layer",
    columnTitle: "attribute",
    cellWidth: 84,
  });
}

/** Writes figures/sites(.svg, .png, .html, .json) (`sites_L<depth>` at another depth). */
export async function saveSites(
  res: SitesResult,
  opts: { dir?: string } = {},
): Promise<SavedFigure> {
  return await saveFigure(sitesFigureName(res), sitesSpec(res), {
    dir: opts.dir,
    preset: res.preset,
    plotly: sitesPlotly(res),
    plotlyScript: "beside",
    data: {
      ...res,
      paperSource: "data/paper/fig7.json (Q-first, rank 16), data/paper/fig5.json (position 0)",
    },
  });
}
