/**
 * Chooses and initializes the TF.js backend once per process and installs our kernels.
 *
 * Order when nothing is requested: `tensorflow` (native libtensorflow through
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, used only if importable) > `wasm`
 * (XNNPACK, SIMD) > `cpu` (plain JS, slow; for tests).
 *
 * Enabling `tensorflow`: the native packages download libtensorflow in an install script, which
 * cannot run on machines without access to storage.googleapis.com. Where it can, add
 * `"@tensorflow/tfjs-node": "npm:@tensorflow/tfjs-node@4.22.0"` (or `-gpu`) to deno.json
 * `imports` and run `deno install --allow-scripts=npm:@tensorflow/tfjs-node`; `initBackend` then
 * picks it up (or force it with `PLM_BACKEND=tensorflow`).
 *
 * Environment overrides: `PLM_BACKEND` (tensorflow | wasm | cpu) and `PLM_THREADS` (WASM
 * threads, >= 1). They win over the options, so a user can redirect a notebook without
 * editing it.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// Gradients and chained ops (`x.square()`) are registered by the @tensorflow/tfjs bundle, not
// by core alone; importing it here makes core-only callers work too.
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { installKernels } from "./kernels/mod.ts";
import { enableWasmThreads } from "./wasm_threads.ts";

/** The backends `initBackend` can choose. */
export type BackendName = "tensorflow" | "wasm" | "cpu";
const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** Options of {@linkcode initBackend}. */
export interface BackendOptions {
  /** Backend to use; unavailable means an error, never a silent fallback. Default: auto. */
  backend?: BackendName;
  /** WASM threads (default 1). More than 1 needs the threaded WASM build (see wasm_threads.ts). */
  threads?: number;
  /** Do not print the choice. */
  quiet?: boolean;
}

/** What {@linkcode initBackend} set up. */
export interface BackendInfo {
  /** The backend chosen. */
  name: BackendName;
  /** Threads the backend computes with (1 for cpu; libtensorflow's own pool counts as 0 = auto). */
  threads: number;
  /** Whether WASM SIMD is in use (false for non-WASM backends). */
  simd: boolean;
  /** Kernels registered by this toolkit (missing or replaced stock kernels). */
  kernels: string[];
}

let pending: Promise<BackendInfo> | undefined;
let current: BackendInfo | undefined;
let requested: { backend?: BackendName; threads?: number } | undefined;

/** The info of the initialized backend, or undefined before {@linkcode initBackend}. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

function envGet(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: no override
  }
}

/** Resolves options and environment into the request; exported for tests. */
export function resolveRequest(
  opts: BackendOptions,
  env: (name: string) => string | undefined = envGet,
): { backend?: BackendName; threads?: number } {
  const b = env("PLM_BACKEND") ?? opts.backend;
  if (b !== undefined && !BACKENDS.includes(b as BackendName)) {
    throw new Error(`Unknown backend "${b}" (from PLM_BACKEND or options); allowed: ${BACKENDS}`);
  }
  const t = env("PLM_THREADS") ?? opts.threads;
  let threads: number | undefined;
  if (t !== undefined) {
    threads = Number(t);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new Error(`threads must be an integer >= 1 (got "${t}" from PLM_THREADS or options)`);
    }
  }
  return { backend: b as BackendName | undefined, threads };
}

/**
 * Initializes the TF.js backend (once per process) and registers our kernels.
 *
 * A second call returns the same info; asking for a different backend or thread count after
 * the first call throws, since TF.js cannot move live tensors between backends safely.
 *
 * @example
 * ```ts
 * const info = await initBackend({ quiet: true });
 * console.log(info.name, info.threads, info.kernels);
 * ```
 */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const req = resolveRequest(opts);
  if (pending) {
    const same = (req.backend === undefined || req.backend === requested?.backend ||
      req.backend === current?.name) &&
      (req.threads === undefined || req.threads === (requested?.threads ?? 1));
    if (!same) {
      return Promise.reject(
        new Error(
          `initBackend: already initialized with ${JSON.stringify(requested)}; ` +
            `cannot switch to ${JSON.stringify(req)} in the same process`,
        ),
      );
    }
    return pending;
  }
  requested = req;
  pending = init(req, opts.quiet ?? false).then((info) => (current = info));
  // A failed init may be retried with other options.
  pending.catch(() => {
    pending = undefined;
    requested = undefined;
  });
  return pending;
}

async function init(
  req: { backend?: BackendName; threads?: number },
  quiet: boolean,
): Promise<BackendInfo> {
  let info: BackendInfo;
  if (req.backend === "tensorflow") {
    info = await initTensorflow(true) as BackendInfo;
  } else if (req.backend === "wasm") {
    info = await initWasm(req.threads ?? 1);
  } else if (req.backend === "cpu") {
    info = await initCpu();
  } else {
    info = (await initTensorflow(false)) ?? await initWasm(req.threads ?? 1).catch((e) => {
      if (req.threads !== undefined && req.threads > 1) throw e;
      return initCpu();
    });
  }
  if (!quiet) {
    console.error(
      `[plm] TF.js backend: ${info.name}` +
        (info.name === "wasm"
          ? ` (SIMD ${info.simd ? "on" : "off"}, ${info.threads} thread(s))`
          : "") +
        (info.kernels.length ? `; own kernels: ${info.kernels.join(", ")}` : ""),
    );
  }
  return info;
}

async function initTensorflow(required: boolean): Promise<BackendInfo | undefined> {
  const errors: string[] = [];
  for (const spec of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      // A variable specifier keeps `deno check` from requiring the optional package.
      await import(spec);
      if (await tf.setBackend("tensorflow") && tf.getBackend() === "tensorflow") {
        return { name: "tensorflow", threads: 0, simd: false, kernels: [] };
      }
      errors.push(`${spec}: imported, but the "tensorflow" backend did not initialize`);
    } catch (e) {
      errors.push(`${spec}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (!required) return undefined;
  throw new Error(
    `Backend "tensorflow" is not available (install @tensorflow/tfjs-node or -gpu; see ` +
      `lib/model/backend.ts): ${errors.join("; ")}`,
  );
}

async function initWasm(threads: number): Promise<BackendInfo> {
  if (threads > 1) await enableWasmThreads(threads);
  const ok = await tf.setBackend("wasm");
  if (!ok || tf.getBackend() !== "wasm") {
    let why = "TF.js could not initialize it";
    try {
      if (Deno.permissions.querySync({ name: "read" }).state !== "granted") {
        why = "it needs --allow-read to load its .wasm file from node_modules";
      }
    } catch { /* permissions API unavailable: keep the generic reason */ }
    throw new Error(`Backend "wasm" is not available: ${why}`);
  }
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean;
  // deno-lint-ignore no-explicit-any
  const actual = (tf.backend() as any).wasm.tfjs.getThreadsCount() as number;
  if (threads > 1 && actual !== threads) {
    throw new Error(`WASM threads: asked for ${threads}, the backend runs ${actual}`);
  }
  return { name: "wasm", threads: actual, simd, kernels: installKernels("wasm") };
}

async function initCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend("cpu")) || tf.getBackend() !== "cpu") {
    throw new Error(`Backend "cpu" failed to initialize`);
  }
  return { name: "cpu", threads: 1, simd: false, kernels: installKernels("cpu") };
}
