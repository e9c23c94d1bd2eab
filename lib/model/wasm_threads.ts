/**
 * Multi-threaded WASM (emscripten pthreads) under Deno: not available yet.
 *
 * What it takes (measured by an earlier prototype at 1.27x with 2 threads): set the
 * `WASM_HAS_MULTITHREAD_SUPPORT` flag (TF.js turns threads off when it sees Node, which Deno
 * emulates); hand emscripten's pthread worker a real file instead of the `blob:` URL that Deno's
 * `node:worker_threads` refuses (ERR_WORKER_PATH), and the same for `mainScriptUrlOrBlob`, which
 * the worker loads with `importScripts`; call `setThreadsCount`; exit explicitly because the
 * workers keep the process alive. The second step means patching TF.js's private `init()` (it
 * builds both Blobs inline), which did not fit this change. Until then the toolkit runs
 * single-threaded and parallelizes sweeps over processes (`bench.ts --procs 2`).
 * @module
 */

/** Always throws: multi-threaded WASM is not supported yet (see the module doc). */
export function enableWasmThreads(threads: number): Promise<void> {
  return Promise.reject(
    new Error(
      `WASM threads (${threads}) are not supported yet under Deno; use threads: 1 ` +
        `(PLM_THREADS=1) and run independent processes in parallel instead`,
    ),
  );
}
