/**
 * Preset selection: which scale of the reproduction a run uses.
 *
 * `smoke` proves the pipeline runs (seconds), `tiny` is the default reproduction on a laptop CPU,
 * `small` and `paper` approach the paper's sizes. The contents of each preset live elsewhere in
 * lib/config; this module only names them and picks one from the environment.
 * @module
 */

import { envString, processEnv } from "./env.ts";

/** Every preset, from the cheapest to the paper's own scale. */
export const PRESETS = ["smoke", "tiny", "small", "paper"] as const;

/** One of {@link PRESETS}. */
export type PresetName = typeof PRESETS[number];

/** The preset used when `PLM_PRESET` is unset or empty. */
export const DEFAULT_PRESET: PresetName = "tiny";

/** The environment variable that carries the preset into notebooks and CLI tasks. */
export const PRESET_ENV = "PLM_PRESET";

/** True when `name` is one of {@link PRESETS}. */
export function isPreset(name: string): name is PresetName {
  return (PRESETS as readonly string[]).includes(name);
}

/**
 * Checks a preset name, throwing an error that lists the allowed values when it is unknown.
 *
 * @param name the candidate name (surrounding whitespace is ignored)
 * @param options.source where the name came from, used in the error message
 */
export function parsePreset(name: string, options: { source?: string } = {}): PresetName {
  const trimmed = name.trim();
  if (isPreset(trimmed)) return trimmed;
  const from = options.source ? ` (from ${options.source})` : "";
  throw new Error(
    `unknown preset "${name}"${from}; allowed values: ${PRESETS.join(", ")}`,
  );
}

/**
 * The preset chosen through the `PLM_PRESET` environment variable, or {@link DEFAULT_PRESET}.
 *
 * Without permission to read the environment this falls back to the default rather than failing,
 * so that code importing lib/ keeps working under a narrow permission set.
 *
 * @param options.env an explicit environment to read instead of `Deno.env` (for tests)
 */
export function currentPreset(
  options: { env?: Record<string, string | undefined> } = {},
): PresetName {
  const env = options.env;
  const value = envString("PLM_PRESET", env ? (name) => env[name] : processEnv);
  return value === undefined ? DEFAULT_PRESET : parsePreset(value, { source: PRESET_ENV });
}
