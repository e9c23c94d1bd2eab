/**
 * The toolkit's environment variables, read in this one place. Each lets a reader redirect a
 * notebook or a task without editing it; the modules that act on them receive the parsed values
 * from here. A variable that is set to a value outside what it allows is an error naming the
 * variable and the allowed values; one that is unset (or empty) means the default.
 *
 * | variable | what it sets | allowed |
 * | --- | --- | --- |
 * | `PLM_PRESET` | the preset of notebooks and tasks (lib/config/preset.ts) | smoke, tiny, small, paper |
 * | `PLM_ROWS` | the bioS rows a notebook runs | comma-separated row names |
 * | `PLM_SEEDS` | seeds per row (default: the preset's) | a positive integer |
 * | `PLM_ONLY_CACHED` | draw what the cache holds, run nothing | 1, true (else off) |
 * | `PLM_PROBE_STEPS` | probe optimizer steps (default: the preset's epochs) | a positive integer |
 * | `PLM_RUNS_DIR` | the local run cache (default data/runs) | a folder |
 * | `PLM_RESULTS` | the committed results read after the cache (default data/results) | a folder, or off |
 * | `PLM_BACKEND`, `PLM_THREADS`, `PLM_BLAS`, `PLM_BLAS_THREADS`, `PLM_BLAS_LIB`, `PLM_BLAS_CORETYPE`, `PLM_FUSED` | the TF.js backend and its kernels (lib/model/backend.ts, lib/model/kernels/blas.ts) | see there |
 * | `PLM_CHILD` | set by the sweep runner in its worker processes | 1 |
 * | `PLM_PEAK_GFLOPS` | the CPU's single-precision peak the benchmark divides by (bench/bench_lib.ts) | a positive number |
 * | `PLM_OPENBLAS_DIR` | the OpenBLAS folder the benchmark's PyTorch reference loads (bench/bench.ts) | a folder |
 *
 * Without permission to read the environment every variable reads as unset, so code importing
 * lib/ keeps working under a narrow permission set.
 * @module
 */

/** Every environment variable the toolkit reads. */
export const ENV_VARS = [
  "PLM_PRESET",
  "PLM_ROWS",
  "PLM_SEEDS",
  "PLM_ONLY_CACHED",
  "PLM_PROBE_STEPS",
  "PLM_RUNS_DIR",
  "PLM_RESULTS",
  "PLM_BACKEND",
  "PLM_THREADS",
  "PLM_BLAS",
  "PLM_BLAS_THREADS",
  "PLM_BLAS_LIB",
  "PLM_FUSED",
  "PLM_BLAS_CORETYPE",
  "PLM_CHILD",
  "PLM_PEAK_GFLOPS",
  "PLM_OPENBLAS_DIR",
] as const;
/** One of {@linkcode ENV_VARS}. */
export type EnvVar = typeof ENV_VARS[number];

/** An environment to read: `Deno.env` by default, a plain record in tests. */
export type EnvSource = (name: string) => string | undefined;

/** Reads `Deno.env`; unset without permission. */
export const processEnv: EnvSource = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

/** The trimmed value of a variable, or undefined when it is unset or empty. */
export function envString(name: EnvVar, env: EnvSource = processEnv): string | undefined {
  return env(name)?.trim() || undefined;
}

/** A positive integer variable, or undefined when unset. */
export function envPositiveInt(name: EnvVar, env: EnvSource = processEnv): number | undefined {
  const v = envString(name, env);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name} must be a positive integer, got "${v}"`);
  }
  return n;
}

/** A switch: "1" or "true" is on, anything else (or unset) off. */
export function envFlag(name: EnvVar, env: EnvSource = processEnv): boolean {
  const v = envString(name, env);
  return v === "1" || v === "true";
}

/** A comma-separated list, or undefined when unset. */
export function envList(name: EnvVar, env: EnvSource = processEnv): string[] | undefined {
  const v = envString(name, env);
  return v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean);
}
