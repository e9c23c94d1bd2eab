/**
 * Test assertions in the shape of `@std/assert` (JSR is unreachable here), built on `node:assert`.
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Asserts that `cond` is truthy. */
export function assert(cond: unknown, msg?: string): asserts cond {
  nodeAssert.ok(cond, msg as string);
}
/** Deep equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg as string);
}
/** Deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, msg as string);
}
/** |actual - expected| <= tol. */
export function assertAlmostEquals(actual: number, expected: number, tol = 1e-7, msg?: string) {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new nodeAssert.AssertionError({
      message: msg ?? `expected ${actual} to be within ${tol} of ${expected}`,
    });
  }
}
/** Asserts that `fn` throws; if `includes` is given, the message must contain it. */
export function assertThrows(fn: () => unknown, includes?: string): Error {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    if (includes && !String(err?.message).includes(includes)) {
      throw new nodeAssert.AssertionError({
        message: `error "${err?.message}" lacks "${includes}"`,
      });
    }
    return err;
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}
/** Async variant of assertThrows. */
export async function assertRejects(fn: () => Promise<unknown>, includes?: string): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error;
    if (includes && !String(err?.message).includes(includes)) {
      throw new nodeAssert.AssertionError({
        message: `error "${err?.message}" lacks "${includes}"`,
      });
    }
    return err;
  }
  throw new nodeAssert.AssertionError({ message: "expected the promise to reject" });
}
