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
 * @module
 */

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

function envGet(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: no override
  }
}

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
