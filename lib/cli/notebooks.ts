/**
 * Executes the project's notebooks (notebooks/NN_*.ipynb) headless on the Deno kernel.
 *
 * ```sh
 * deno task notebooks [--preset smoke|tiny|small|paper] [--out DIR | --inplace] [--timeout S] [names...]
 * ```
 *
 * Names match by prefix ("01", "01_data") or full file name. Without `--out`/`--inplace` the
 * notebooks are executed into `out/<preset>/`. The preset reaches the kernel through `PLM_PRESET`;
 * the kernel's working directory is notebooks/, so cells import `../lib/mod.ts`.
 *
 * Execution goes through tools/run_nb.py (nbclient with a grace period after idle, see there).
 * This module deliberately imports only `node:` built-ins and lib/config: tools/setup.ts uses it
 * before the npm packages are installed.
 * @module
 */
import { parseArgs } from "node:util";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  currentPreset,
  DEFAULT_PRESET,
  parsePreset,
  PRESET_ENV,
  type PresetName,
  PRESETS,
} from "../config/preset.ts";

/** The repository root (two levels above this file). */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
/** Where the notebooks live; also the kernel's working directory. */
export const NOTEBOOKS_DIR: string = path.join(ROOT, "notebooks");
/** The folder put on `JUPYTER_PATH`; holds kernels/deno/kernel.json. */
export const JUPYTER_DIR: string = path.join(ROOT, "jupyter");
/** The runner script (nbclient). */
export const RUNNER: string = path.join(ROOT, "tools", "run_nb.py");
/** Debian's Python: the one that has nbclient/nbformat (a pyenv python3 on PATH may not). */
export const PYTHON = "/usr/bin/python3";

/** Per-cell timeout defaults in seconds (0 = none); the big presets train for hours. */
export const DEFAULT_CELL_TIMEOUT_S: Record<PresetName, number> = {
  smoke: 600,
  tiny: 3 * 3600,
  small: 0,
  paper: 0,
};

/** The kernelspec content for a Deno binary. */
export function kernelspec(denoPath: string): Record<string, unknown> {
  return {
    // An absolute path: under `npx deno` there is no `deno` on PATH for Jupyter to find.
    argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (plm3.1)",
    language: "typescript",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  };
}

/**
 * Writes jupyter/kernels/deno/kernel.json pointing at the running Deno binary, unless it already
 * says exactly that. Returns the path and whether it changed.
 *
 * @param options.dir the jupyter folder (default {@link JUPYTER_DIR})
 * @param options.denoPath the Deno binary (default `Deno.execPath()`)
 */
export async function writeKernelspec(
  options: { dir?: string; denoPath?: string } = {},
): Promise<{ path: string; changed: boolean }> {
  const dir = path.join(options.dir ?? JUPYTER_DIR, "kernels", "deno");
  const file = path.join(dir, "kernel.json");
  const text = JSON.stringify(kernelspec(options.denoPath ?? Deno.execPath()), null, 2) + "\n";
  let old: string | undefined;
  try {
    old = await Deno.readTextFile(file);
  } catch {
    old = undefined;
  }
  if (old === text) return { path: file, changed: false };
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, file);
  return { path: file, changed: true };
}

/** The notebooks in `dir` named like `NN_name.ipynb`, sorted. */
export async function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /^\d+_.*\.ipynb$/.test(e.name)) names.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort().map((n) => path.join(dir, n));
}

/**
 * Picks notebooks by name: "01" and "01_data" match `01_data.ipynb` by prefix; a full file name
 * matches exactly. Keeps the notebooks' own order; throws on a name that matches nothing.
 */
export function selectNotebooks(all: string[], names: string[]): string[] {
  if (names.length === 0) return all;
  const chosen = new Set<string>();
  for (const name of names) {
    const base = path.basename(name);
    const hits = all.filter((p) => {
      const b = path.basename(p);
      return b === base || b.startsWith(base.replace(/\.ipynb$/, ""));
    });
    if (hits.length === 0) {
      const known = all.map((p) => path.basename(p)).join(", ") || "(none)";
      throw new Error(`no notebook matches "${name}"; notebooks: ${known}`);
    }
    hits.forEach((h) => chosen.add(h));
  }
  return all.filter((p) => chosen.has(p));
}

/** Options for {@link runNotebooks}. */
export interface RunNotebooksOptions {
  /** Passed to the kernel as `PLM_PRESET` (default "tiny"). */
  preset?: PresetName;
  /** Output folder; ignored with `inplace` (default `out/<preset>`). */
  out?: string;
  /** Overwrite the notebooks with their executed versions. */
  inplace?: boolean;
  /** Per-cell timeout in seconds, 0 = none (default per preset, {@link DEFAULT_CELL_TIMEOUT_S}). */
  timeoutS?: number;
  /** Kernel working directory (default: each notebook's folder). */
  cwd?: string;
  /** Jupyter folder with kernels/deno (default {@link JUPYTER_DIR}); its kernelspec is refreshed. */
  jupyterDir?: string;
  /** Stream the runner's output to this process's stdout/stderr (default true). */
  inheritOutput?: boolean;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
}

/** What {@link runNotebooks} reports. */
export interface RunNotebooksResult {
  /** True when every notebook ran without an error. */
  ok: boolean;
  /** The runner's exit code. */
  code: number;
  /** Captured output (empty when it was streamed). */
  stdout: string;
  stderr: string;
  /** The written notebooks, in order. */
  outputs: string[];
}

/**
 * Executes `notebooks` (paths) in order through tools/run_nb.py on the project's Deno kernel.
 * Stops at the first failing notebook (`ok: false`, the runner names notebook and cell).
 */
export async function runNotebooks(
  notebooks: string[],
  options: RunNotebooksOptions = {},
): Promise<RunNotebooksResult> {
  const preset = options.preset ?? DEFAULT_PRESET;
  const jupyterDir = options.jupyterDir ?? JUPYTER_DIR;
  await writeKernelspec({ dir: jupyterDir });
  const out = options.out ?? path.join(ROOT, "out", preset);
  const timeout = options.timeoutS ?? DEFAULT_CELL_TIMEOUT_S[preset];
  const args = [RUNNER, ...(options.inplace ? ["--inplace"] : ["--out-dir", out])];
  args.push("--kernel", "deno", "--timeout", String(timeout));
  if (options.cwd) args.push("--cwd", options.cwd);
  args.push(...notebooks);
  const inherit = options.inheritOutput ?? true;
  const env: Record<string, string> = {
    ...options.env,
    [PRESET_ENV]: preset,
    // Our kernelspec first; a user-installed "deno" kernel must not shadow it.
    JUPYTER_PATH: [jupyterDir, Deno.env.get("JUPYTER_PATH")].filter(Boolean).join(path.delimiter),
    DENO_NO_UPDATE_CHECK: "1",
    PYTHONUNBUFFERED: "1",
  };
  let child: Deno.CommandOutput;
  try {
    child = await new Deno.Command(PYTHON, {
      args,
      env,
      stdin: "null",
      stdout: inherit ? "inherit" : "piped",
      stderr: inherit ? "inherit" : "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `${PYTHON} not found: run \`deno task setup\` (it installs Jupyter from Debian packages)`,
      );
    }
    throw err;
  }
  const dec = new TextDecoder();
  const outputs = options.inplace
    ? notebooks
    : notebooks.map((n) => path.join(out, path.basename(n)));
  return {
    ok: child.success,
    code: child.code,
    stdout: inherit ? "" : dec.decode(child.stdout),
    stderr: inherit ? "" : dec.decode(child.stderr),
    outputs,
  };
}

const USAGE = `usage: deno task notebooks [--preset ${PRESETS.join("|")}] [--out DIR | --inplace]
                          [--timeout SECONDS] [names...]
  names    notebooks to run, by prefix ("01", "02_pretrain") or file name; default: all, in order
  --out    write executed notebooks to DIR (default out/<preset>/)
  --inplace  overwrite notebooks/NN_*.ipynb with their outputs (what \`deno task reproduce\` does)`;

/** CLI entry point; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      preset: { type: "string" },
      out: { type: "string" },
      inplace: { type: "boolean", default: false },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.out && values.inplace) throw new Error("--out and --inplace exclude each other");
  const preset = values.preset
    ? parsePreset(values.preset, { source: "--preset" })
    : currentPreset();
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !Number.isFinite(timeoutS)) {
    throw new Error(`--timeout wants seconds, got "${values.timeout}"`);
  }
  const all = await listNotebooks();
  if (all.length === 0) {
    console.log(`no notebooks in ${NOTEBOOKS_DIR} (expected NN_name.ipynb); nothing to do`);
    return 0;
  }
  const chosen = selectNotebooks(all, positionals);
  const where = values.inplace ? "in place" : `into ${values.out ?? `out/${preset}/`}`;
  console.log(`notebooks: ${chosen.length} at preset ${preset}, ${where}`);
  const t0 = performance.now();
  const res = await runNotebooks(chosen, {
    preset,
    out: values.out,
    inplace: values.inplace,
    timeoutS,
  });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(res.ok ? `notebooks: all ran in ${secs} s` : `notebooks: FAILED after ${secs} s`);
  return res.code === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(`notebooks: ${(err as Error).message}`);
    Deno.exit(2);
  }
}
