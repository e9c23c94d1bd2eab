import { assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import { meanOrNull, meanStd, pearson, ranks, spearman, stdOrZero } from "./stats.ts";

Deno.test("meanStd: sample standard deviation", () => {
  assertEquals(meanStd([1, 3]), { mean: 2, std: Math.SQRT2, n: 2 });
  assertEquals(meanStd([5]), { mean: 5, std: 0, n: 1 });
});

Deno.test("meanOrNull / stdOrZero: skip missing values, null or 0 when too few", () => {
  assertEquals(meanOrNull([1, null, 3, undefined, NaN]), 2);
  assertEquals(meanOrNull([null]), null);
  assertEquals(stdOrZero([1, null, 3]), Math.SQRT2);
  assertEquals(stdOrZero([7]), 0);
});

Deno.test("pearson: exact on known inputs, drops missing pairs, null when undefined", () => {
  assertAlmostEquals(pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])!, 1, 1e-12);
  assertAlmostEquals(pearson([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])!, -1, 1e-12);
  // dx = dy up to two swapped middle values: sxy = 4, sxx = syy = 5.
  assertAlmostEquals(pearson([1, 2, 3, 4], [1, 3, 2, 4])!, 0.8, 1e-12);
  assertAlmostEquals(pearson([1, 2, null, 3, 4], [1, 3, 99, 2, 4])!, 0.8, 1e-12);
  assertEquals(pearson([1, 2], [1, 2]), null);
  assertEquals(pearson([1, 1, 1], [1, 2, 3]), null);
  assertThrows(() => pearson([1, 2, 3], [1, 2]), "differ in length");
});

Deno.test("ranks: from 1, ties share their mean rank", () => {
  assertEquals(ranks([30, 10, 20]), [3, 1, 2]);
  assertEquals(ranks([5, 1, 5, 0]), [3.5, 2, 3.5, 1]);
});

Deno.test("spearman: monotone maps give ±1, scale does not matter, ties and gaps handled", () => {
  // Any increasing transform keeps the order, so the rank correlation is exactly 1.
  assertAlmostEquals(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 1000])!, 1, 1e-12);
  assertAlmostEquals(spearman([1, 2, 3, 4, 5], [9, 7, 5, 3, -100])!, -1, 1e-12);
  // One swap among four: 1 - 6 * 2 / (4 * 15) = 0.8.
  assertAlmostEquals(spearman([1, 2, 3, 4], [10, 30, 20, 40])!, 0.8, 1e-12);
  assertAlmostEquals(spearman([1, null, 2, 3, 4], [10, 0, 30, 20, 40])!, 0.8, 1e-12);
  assertEquals(spearman([1, 2], [2, 1]), null);
  assertEquals(spearman([3, 3, 3], [1, 2, 3]), null);
});
