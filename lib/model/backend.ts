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
 * Matrix products through OpenBLAS (the "BLAS mode" of the wasm backend): where OpenBLAS can be
 * loaded through Deno FFI, `BatchMatMul` calls `cblas_sgemm` on the WASM heap in place and
 * everything else stays WASM (see kernels/blas.ts). `blas: "auto"` (the default) uses it when it
 * loads and otherwise says so in one line and multiplies on WASM; `"on"` makes a missing library
 * (or a missing `--allow-ffi`) an error; `"off"` never loads it. BLAS threads default to every
 * core; the sweep runner gives each of its processes one.
 *
 * The wasm backend also gets fused kernels (GELU, layer norm, rotary, the AdamW update; see
 * kernels/fused.ts) that the model and optimizer use in place of their op-by-op form; `fused:
 * false` or `PLM_FUSED=off` leaves them out.
 *
 * Environment overrides: `PLM_BACKEND` (tensorflow | wasm | cpu), `PLM_THREADS` (WASM
 * threads, >= 1), `PLM_BLAS` (auto | on | off), `PLM_BLAS_THREADS` (>= 1) and `PLM_FUSED` (on |
 * off). They win over the
 * options, so a user can redirect a notebook without editing it.
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// Gradients and chained ops (`x.square()`) are registered by the @tensorflow/tfjs bundle, not
// by core alone; importing it here makes core-only callers work too.
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { installKernels } from "./kernels/mod.ts";
import { type Blas, loadBlas } from "./kernels/blas.ts";
import { enableWasmThreads } from "./wasm_threads.ts";
import { envString, type EnvVar } from "../config/env.ts";

/** The backends `initBackend` can choose. */
export type BackendName = "tensorflow" | "wasm" | "cpu";
const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/** Whether matrix products go through OpenBLAS: when it loads, always, never. */
export type BlasMode = "auto" | "on" | "off";
const BLAS_MODES: readonly BlasMode[] = ["auto", "on", "off"];

/** Options of {@linkcode initBackend}. */
export interface BackendOptions {
  /** Backend to use; unavailable means an error, never a silent fallback. Default: auto. */
  backend?: BackendName;
  /** WASM threads (default 1). More than 1 needs the threaded WASM build (see wasm_threads.ts). */
  threads?: number;
  /** Matrix products through OpenBLAS on the wasm backend (default "auto"). */
  blas?: BlasMode;
  /** Threads OpenBLAS computes with (default: every core). */
  blasThreads?: number;
  /** Fused kernels on the wasm backend (default true). */
  fused?: boolean;
  /** Do not print the choice (a missing OpenBLAS in "auto" mode is still reported). */
  quiet?: boolean;
}

/** The OpenBLAS that computes the matrix products, when {@linkcode BackendInfo.blas} is set. */
export interface BlasInfo {
  /** Path of the shared library. */
  lib: string;
  /** Threads it computes large products with. */
  threads: number;
  /** OpenBLAS's name for the CPU kernels it picked (e.g. "Haswell"). */
  core: string;
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
  /** OpenBLAS computing the matrix products (wasm backend, BLAS mode), else undefined. */
  blas: BlasInfo | undefined;
}

/** What the options and environment ask {@linkcode initBackend} for. */
export interface BackendRequest {
  backend?: BackendName;
  threads?: number;
  blas?: BlasMode;
  blasThreads?: number;
  fused?: boolean;
}

let pending: Promise<BackendInfo> | undefined;
let current: BackendInfo | undefined;
let requested: BackendRequest | undefined;

/** The info of the initialized backend, or undefined before {@linkcode initBackend}. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/** A PLM_* variable through lib/config/env.ts (unset, empty or unreadable: undefined). */
const envGet = (name: string): string | undefined => envString(name as EnvVar);

/** Resolves options and environment into the request; exported for tests. */
export function resolveRequest(
  opts: BackendOptions,
  env: (name: string) => string | undefined = envGet,
): BackendRequest {
  const b = env("PLM_BACKEND") ?? opts.backend;
  if (b !== undefined && !BACKENDS.includes(b as BackendName)) {
    throw new Error(`Unknown backend "${b}" (from PLM_BACKEND or options); allowed: ${BACKENDS}`);
  }
  const blas = env("PLM_BLAS") ?? opts.blas;
  if (blas !== undefined && !BLAS_MODES.includes(blas as BlasMode)) {
    throw new Error(
      `Unknown blas mode "${blas}" (from PLM_BLAS or options); allowed: ${BLAS_MODES}`,
    );
  }
  const req: BackendRequest = {
    backend: b as BackendName | undefined,
    threads: positiveInt("threads", "PLM_THREADS", env("PLM_THREADS") ?? opts.threads),
  };
  if (blas !== undefined) req.blas = blas as BlasMode;
  const bt = positiveInt(
    "blasThreads",
    "PLM_BLAS_THREADS",
    env("PLM_BLAS_THREADS") ?? opts.blasThreads,
  );
  if (bt !== undefined) req.blasThreads = bt;
  const fused = env("PLM_FUSED");
  if (fused !== undefined && fused !== "on" && fused !== "off") {
    throw new Error(`Unknown PLM_FUSED "${fused}"; allowed: on,off`);
  }
  if (fused !== undefined) req.fused = fused === "on";
  else if (opts.fused !== undefined) req.fused = opts.fused;
  return req;
}

function positiveInt(
  field: string,
  envName: string,
  v: string | number | undefined,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${field} must be an integer >= 1 (got "${v}" from ${envName} or options)`);
  }
  return n;
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
      (req.threads === undefined || req.threads === (requested?.threads ?? 1)) &&
      (req.blas === undefined || req.blas === (requested?.blas ?? "auto")) &&
      (req.blasThreads === undefined || req.blasThreads === requested?.blasThreads) &&
      (req.fused === undefined || req.fused === (requested?.fused ?? true));
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

async function init(req: BackendRequest, quiet: boolean): Promise<BackendInfo> {
  let info: BackendInfo;
  if (req.backend === "tensorflow") {
    info = await initTensorflow(true) as BackendInfo;
  } else if (req.backend === "wasm") {
    info = await initWasm(req);
  } else if (req.backend === "cpu") {
    info = await initCpu();
  } else {
    info = (await initTensorflow(false)) ?? await initWasm(req).catch((e) => {
      if (
        (req.threads !== undefined && req.threads > 1) || (e as Error).message.includes("BLAS")
      ) throw e;
      return initCpu();
    });
  }
  if (!quiet) console.error(`[plm] ${describeBackend(info)}`);
  return info;
}

/**
 * Changes the threads OpenBLAS computes the matrix products with (BLAS mode only; throws
 * otherwise), e.g. to benchmark one and two threads in one process.
 */
export function setBlasThreads(threads: number): void {
  const blas = current?.blas;
  if (!blas) throw new Error("setBlasThreads: matrix products are not on OpenBLAS here");
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`setBlasThreads: threads must be an integer >= 1, got ${threads}`);
  }
  const lib = loadBlas({ threads });
  installKernels("wasm", { blas: { lib, threads }, fused: requested?.fused });
  blas.threads = threads;
}

/** One line naming the backend and how it computes, as `initBackend` prints it. */
export function describeBackend(info: BackendInfo): string {
  const blas = info.blas
    ? `; matrix products: OpenBLAS (${info.blas.core}, ${info.blas.threads} thread(s), ` +
      `${info.blas.lib})`
    : "";
  return `TF.js backend: ${info.name}` +
    (info.name === "wasm" ? ` (SIMD ${info.simd ? "on" : "off"}, ${info.threads} thread(s))` : "") +
    blas +
    (info.kernels.length ? `; own kernels: ${info.kernels.join(", ")}` : "");
}

/** Cores to use by default: all of them. */
function coreCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Loads OpenBLAS for the wasm backend's BLAS mode: undefined for "off", an Error for "on" when it
 * cannot load, and for "auto" one line on stderr and undefined.
 */
function resolveBlas(req: BackendRequest): { info: BlasInfo; lib: Blas } | undefined {
  const mode = req.blas ?? "auto";
  if (mode === "off") return undefined;
  const threads = req.blasThreads ?? coreCount();
  try {
    const lib = loadBlas({ threads });
    return { info: { lib: lib.lib, threads, core: lib.core }, lib };
  } catch (e) {
    const why = (e as Error).message;
    if (mode === "on") {
      throw new Error(`BLAS mode asked for (PLM_BLAS=on or blas: "on") but unavailable: ${why}`);
    }
    // openBlas's message names what is missing and how to get it.
    console.error(`[plm] OpenBLAS not loaded, matrix products run on WASM (slower): ${why}`);
    return undefined;
  }
}

async function initTensorflow(required: boolean): Promise<BackendInfo | undefined> {
  const errors: string[] = [];
  for (const spec of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      // A variable specifier keeps `deno check` from requiring the optional package.
      await import(spec);
      if (await tf.setBackend("tensorflow") && tf.getBackend() === "tensorflow") {
        return { name: "tensorflow", threads: 0, simd: false, kernels: [], blas: undefined };
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

async function initWasm(req: BackendRequest): Promise<BackendInfo> {
  const threads = req.threads ?? 1;
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
  const blas = resolveBlas(req);
  const kernels = installKernels("wasm", {
    blas: blas ? { lib: blas.lib, threads: blas.info.threads } : undefined,
    fused: req.fused,
  });
  return { name: "wasm", threads: actual, simd, kernels, blas: blas?.info };
}

async function initCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend("cpu")) || tf.getBackend() !== "cpu") {
    throw new Error(`Backend "cpu" failed to initialize`);
  }
  return { name: "cpu", threads: 1, simd: false, kernels: installKernels("cpu"), blas: undefined };
}
