/**
 * OpenBLAS through Deno FFI, for matrix products on the WASM heap in place.
 *
 * The WASM backend keeps every tensor in one `WebAssembly.Memory`; `cblas_sgemm` can read and
 * write that memory directly through a pointer to its buffer (no copy). On the model's shapes it
 * runs 4-7x faster than the WASM product (about 90 GFLOP/s on one core of the project's
 * machines, see shared/tfjs-speed.md).
 *
 * Where the library comes from: Debian's `libopenblas0-pthread` (installed by `deno task
 * setup`), found in the multiarch `openblas-pthread` folder; `PLM_BLAS_LIB` names another file.
 * Loading needs `--allow-ffi` (and `--allow-read`, `--allow-env` to look around).
 *
 * Kernel choice: OpenBLAS 0.3.21 does not know recent CPUs (AMD Zen 5 among them) and falls back
 * to its AVX2 "Haswell" kernels, at half the speed of its AVX-512 "SkylakeX" kernels on such a
 * CPU (measured on the project's 2-core machines: 90-105 vs 160-200 GFLOP/s on one core). So
 * where the CPU has the AVX-512 subsets those kernels use, we ask for them by setting
 * `OPENBLAS_CORETYPE` before the library loads, over any value it had (the project's machine
 * images set `OPENBLAS_CORETYPE=Haswell` globally). `PLM_BLAS_CORETYPE` names the kernels
 * instead (e.g. `Haswell` to compare), or `env` to leave `OPENBLAS_CORETYPE` as it is.
 * @module
 */
import { envString, type EnvVar } from "../../config/env.ts";

/** The OpenBLAS entry points we call. */
const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // M
      "i32", // N
      "i32", // K
      "f32", // alpha
      "pointer", // A
      "i32", // lda
      "pointer", // B
      "i32", // ldb
      "f32", // beta
      "pointer", // C
      "i32", // ldc
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void" },
  openblas_get_num_threads: { parameters: [], result: "i32" },
  openblas_get_corename: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** CBLAS enum values (cblas.h). */
export const CBLAS = { rowMajor: 101, noTrans: 111, trans: 112 } as const;

/** A loaded OpenBLAS. */
export interface Blas {
  /** Path of the shared library that was loaded. */
  lib: string;
  /** OpenBLAS's name for the CPU kernels it chose (e.g. "Haswell"). */
  core: string;
  /** Threads `sgemm` uses now. */
  threads(): number;
  /** Sets the threads `sgemm` uses (process-wide). */
  setThreads(n: number): void;
  /** The raw `cblas_sgemm`. */
  sgemm: (
    order: number,
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Deno.PointerValue,
    lda: number,
    b: Deno.PointerValue,
    ldb: number,
    beta: number,
    c: Deno.PointerValue,
    ldc: number,
  ) => void;
}

/** How to install the library, for error messages. */
export const BLAS_INSTALL_HINT =
  "install Debian's libopenblas0-pthread (`deno task setup` does, or " +
  "`apt-get install -y --no-install-recommends libopenblas0-pthread`), or set PLM_BLAS_LIB " +
  "to a libopenblas shared library";

/** A PLM_* variable through lib/config/env.ts (unset, empty or unreadable: undefined). */
const envGet = (name: string): string | undefined => envString(name as EnvVar);

/** The multiarch triple of Debian's library folders for this machine. */
function multiarch(): string {
  const arch = Deno.build.arch === "aarch64" ? "aarch64" : "x86_64";
  return `${arch}-linux-gnu`;
}

/**
 * Where to look for OpenBLAS, in order: `PLM_BLAS_LIB` if set (then only there), Debian's
 * pthread build, its OpenMP and serial builds, then the dynamic linker's search path.
 */
export function blasCandidates(env: (name: string) => string | undefined = envGet): string[] {
  const explicit = env("PLM_BLAS_LIB");
  if (explicit) return [explicit];
  const dir = `/usr/lib/${multiarch()}`;
  return [
    `${dir}/openblas-pthread/libopenblas.so.0`,
    `${dir}/openblas-openmp/libopenblas.so.0`,
    `${dir}/openblas-serial/libopenblas.so.0`,
    `${dir}/libopenblas.so.0`,
    "libopenblas.so.0",
  ];
}

/** The AVX-512 subsets OpenBLAS's SkylakeX kernels need (its own check in driver/others). */
const SKYLAKEX_FLAGS = ["avx512f", "avx512dq", "avx512bw", "avx512vl"];

/**
 * The `OPENBLAS_CORETYPE` to ask for on a CPU with these /proc/cpuinfo `flags`: "SkylakeX" when
 * it has the AVX-512 subsets of those kernels, else undefined (OpenBLAS's own choice).
 */
export function preferredCoreType(flags: readonly string[]): string | undefined {
  return Deno.build.arch === "x86_64" && SKYLAKEX_FLAGS.every((f) => flags.includes(f))
    ? "SkylakeX"
    : undefined;
}

/** The CPU flags of /proc/cpuinfo (empty where it cannot be read). */
function cpuFlags(): string[] {
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    const line = text.split("\n").find((l) => l.startsWith("flags"));
    return line ? line.slice(line.indexOf(":") + 1).trim().split(/\s+/) : [];
  } catch {
    return [];
  }
}

/**
 * Sets OPENBLAS_CORETYPE to `PLM_BLAS_CORETYPE` or {@linkcode preferredCoreType} (see the
 * module doc). OpenBLAS reads it once, in its constructor, when the library loads; child
 * processes (the PyTorch reference of the benchmark) inherit it.
 */
function chooseCoreType(): void {
  try {
    const asked = envGet("PLM_BLAS_CORETYPE");
    if (asked === "env") return;
    const core = asked || preferredCoreType(cpuFlags());
    if (core) Deno.env.set("OPENBLAS_CORETYPE", core);
  } catch { /* no --allow-env: OpenBLAS's own choice */ }
}

/**
 * Opens the first of `candidates` that loads as OpenBLAS (no caching; see {@linkcode loadBlas}).
 * Throws an Error naming what is missing (the permission or the library) and how to fix it.
 */
export function openBlas(candidates: string[] = blasCandidates()): Blas {
  let ffi: string | undefined;
  try {
    ffi = Deno.permissions.querySync({ name: "ffi" }).state;
  } catch { /* permissions API unavailable: dlopen below says what is wrong */ }
  if (ffi !== undefined && ffi !== "granted") {
    throw new Error("OpenBLAS needs --allow-ffi (run with -A, or add --allow-ffi)");
  }
  chooseCoreType();
  const tried: string[] = [];
  for (const path of candidates) {
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      tried.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    const s = lib.symbols;
    const corePtr = s.openblas_get_corename();
    return {
      lib: path,
      core: corePtr ? new Deno.UnsafePointerView(corePtr).getCString() : "unknown",
      threads: () => s.openblas_get_num_threads(),
      setThreads: (n: number) => {
        if (!Number.isInteger(n) || n < 1) {
          throw new Error(`BLAS threads must be an integer >= 1, got ${n}`);
        }
        s.openblas_set_num_threads(n);
      },
      sgemm: s.cblas_sgemm,
    };
  }
  throw new Error(`OpenBLAS not found (tried ${tried.join("; ")}); ${BLAS_INSTALL_HINT}`);
}

let loaded: Blas | undefined;

/**
 * Loads OpenBLAS once per process (later calls return the same handle) and sets its threads if
 * `threads` is given. Throws like {@linkcode openBlas}.
 */
export function loadBlas(opts: { threads?: number } = {}): Blas {
  loaded ??= openBlas();
  if (opts.threads !== undefined) loaded.setThreads(opts.threads);
  return loaded;
}

/** The loaded OpenBLAS, or undefined if {@linkcode loadBlas} has not succeeded. */
export function currentBlas(): Blas | undefined {
  return loaded;
}
