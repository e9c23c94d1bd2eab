/**
 * The colours every figure shares, stated once so that the static (vega-lite) and the interactive
 * (plotly) version of a figure read the same way: accuracies on one light-to-dark blue ramp (dark
 * = high), and a palette of colour x dash styles for charts with many series.
 * @module
 */
import * as vega from "vega";

/** The vega-lite colour scheme of accuracy heatmaps: light = low, dark = high. */
export const ACCURACY_SCHEME = "blues";

/**
 * The same ramp as {@link ACCURACY_SCHEME} as a plotly colorscale (`[[0, color], ..., [1,
 * color]]`), sampled from vega's own interpolator so the two cannot drift apart. plotly's built-in
 * "Blues" runs the other way (dark = low), hence an explicit scale.
 */
export function accuracyColorscale(stops = 11): [number, string][] {
  if (!Number.isInteger(stops) || stops < 2) {
    throw new Error(`accuracyColorscale: stops must be an integer >= 2, got ${stops}`);
  }
  const ramp = vega.scheme(ACCURACY_SCHEME) as unknown as (t: number) => string;
  return Array.from({ length: stops }, (_, i) => {
    const t = i / (stops - 1);
    return [t, ramp(t)];
  });
}

/** The colour of an accuracy `value` on the ramp (`domain` default [0, 100]). */
export function accuracyColor(value: number, domain: [number, number] = [0, 100]): string {
  const ramp = vega.scheme(ACCURACY_SCHEME) as unknown as (t: number) => string;
  const t = (value - domain[0]) / (domain[1] - domain[0]);
  return ramp(Math.min(1, Math.max(0, t)));
}

/** Ten distinct hues (vega's "tableau10"), the base of {@link seriesStyles}. */
export const SERIES_COLORS: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];

/** Dash patterns (vega-lite `strokeDash`), solid first. */
export const SERIES_DASHES: readonly number[][] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]];

/** How one series is drawn. */
export interface SeriesStyle {
  color: string;
  /** vega-lite strokeDash; [1, 0] = solid. */
  dash: number[];
  /** The same dash as plotly names it. */
  plotlyDash: "solid" | "dash" | "dot" | "dashdot";
}

const PLOTLY_DASH = ["solid", "dash", "dot", "dashdot"] as const;

/**
 * A distinct style for each of `n` series: the colour cycles through {@link SERIES_COLORS} and
 * the dash changes every ten, so 16 series never share a (colour, dash) pair. With `groups`
 * (one group key per series), series of one group share a colour and differ by dash, e.g. the
 * 16 bioS rows grouped by their augmentation without "+fullname".
 */
export function seriesStyles(n: number, groups?: readonly string[]): SeriesStyle[] {
  if (groups && groups.length !== n) {
    throw new Error(`seriesStyles: groups has ${groups.length} entries, expected n = ${n}`);
  }
  const order = groups ? [...new Set(groups)] : [];
  const within = new Map<string, number>();
  return Array.from({ length: n }, (_, i) => {
    let c: number, d: number;
    if (groups) {
      c = order.indexOf(groups[i]);
      d = within.get(groups[i]) ?? 0;
      within.set(groups[i], d + 1);
      // More groups than colours: the dash tells the next round of colours apart.
      d += Math.floor(c / SERIES_COLORS.length);
    } else {
      c = i;
      d = Math.floor(i / SERIES_COLORS.length);
    }
    if (d >= SERIES_DASHES.length) {
      throw new Error(`seriesStyles: ${n} series need more than ${SERIES_DASHES.length} dashes`);
    }
    return {
      color: SERIES_COLORS[c % SERIES_COLORS.length],
      dash: SERIES_DASHES[d],
      plotlyDash: PLOTLY_DASH[d],
    };
  });
}
