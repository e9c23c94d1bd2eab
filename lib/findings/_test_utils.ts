/**
 * Test helpers of the findings: a throwaway run cache, and the paper's numbers as stored.
 * @module
 */
import { setResultsDir, setRunsDir } from "../runs/cache.ts";

/**
 * Runs `f` with an empty temporary run cache and no committed results, so a test computes (and
 * only sees) its own runs; the folder is removed afterwards.
 */
export async function withRunsDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  setRunsDir(dir);
  setResultsDir(null);
  try {
    return await f(dir);
  } finally {
    setRunsDir(undefined);
    setResultsDir(undefined);
    await Deno.remove(dir, { recursive: true });
  }
}

/** The paper's data file `data/paper/fig<n>.json`, parsed. */
// deno-lint-ignore no-explicit-any
export const readPaper = (n: string): any =>
  JSON.parse(Deno.readTextFileSync(new URL(`../../data/paper/fig${n}.json`, import.meta.url)));
