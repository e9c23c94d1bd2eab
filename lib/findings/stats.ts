/**
 * The few statistics the findings report: means and standard deviations over seeds, and the
 * correlations between our numbers and the paper's (or between two of our own columns).
 * @module
 */

/** The finite numbers of a sample (null, undefined and NaN left out). */
function finite(xs: readonly (number | null | undefined)[]): number[] {
  return xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
}

/** Mean and sample standard deviation (0 for fewer than two values). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Mean of the finite numbers, null when there are none. */
export function meanOrNull(xs: readonly (number | null | undefined)[]): number | null {
  const v = finite(xs);
  return v.length ? meanStd(v).mean : null;
}

/** Sample standard deviation of the finite numbers (0 for fewer than two). */
export function stdOrZero(xs: readonly (number | null | undefined)[]): number {
  return meanStd(finite(xs)).std;
}

/** The pairs where both sides are finite numbers. */
function pairsOf(
  name: string,
  xs: readonly (number | null)[],
  ys: readonly (number | null)[],
): [number, number][] {
  if (xs.length !== ys.length) {
    throw new Error(`${name}: samples differ in length (${xs.length} vs ${ys.length})`);
  }
  const pairs: [number, number][] = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) pairs.push([x, y]);
  });
  return pairs;
}

function pearsonOfPairs(pairs: readonly [number, number][]): number | null {
  const n = pairs.length;
  if (n < 3) return null;
  const mx = pairs.reduce((s, p) => s + p[0], 0) / n;
  const my = pairs.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Pearson correlation of paired samples (pairs with a missing side are dropped); null with fewer
 * than three pairs or when either side is constant.
 */
export function pearson(
  xs: readonly (number | null)[],
  ys: readonly (number | null)[],
): number | null {
  return pearsonOfPairs(pairsOf("pearson", xs, ys));
}

/** Ranks from 1, ties sharing their mean rank (so a tie moves neither side of a correlation). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/**
 * Spearman rank correlation of paired samples (pairs with a missing side dropped, ties given mean
 * ranks): whether two columns order their rows alike, whatever the scale. Null with fewer than
 * three pairs or when either side is constant.
 */
export function spearman(
  xs: readonly (number | null)[],
  ys: readonly (number | null)[],
): number | null {
  const pairs = pairsOf("spearman", xs, ys);
  const rx = ranks(pairs.map((p) => p[0]));
  const ry = ranks(pairs.map((p) => p[1]));
  return pearsonOfPairs(rx.map((r, i) => [r, ry[i]]));
}
