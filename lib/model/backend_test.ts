import * as tf from "@tensorflow/tfjs-core";
import {
  backendInfo,
  describeBackend,
  initBackend,
  resolveRequest,
  setBlasThreads,
} from "./backend.ts";
import { openBlas } from "./kernels/blas.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";

Deno.test("resolveRequest: environment wins over options, bad values are clear errors", () => {
  const none = () => undefined;
  assertEquals(resolveRequest({ backend: "cpu", threads: 2 }, none), {
    backend: "cpu",
    threads: 2,
  });
  const env = (k: string) =>
    ({ PLM_BACKEND: "wasm", PLM_THREADS: "1" } as Record<string, string>)[k];
  assertEquals(resolveRequest({ backend: "cpu" }, env), { backend: "wasm", threads: 1 });
  assertThrows(
    () => resolveRequest({}, (k) => (k === "PLM_BACKEND" ? "gpu" : undefined)),
    "allowed",
  );
  assertThrows(() => resolveRequest({ threads: 0 }, none), "integer >= 1");
  assertThrows(() => resolveRequest({}, (k) => (k === "PLM_THREADS" ? "two" : undefined)), "two");
  const blasEnv = (k: string) =>
    ({ PLM_BLAS: "off", PLM_BLAS_THREADS: "1" } as Record<string, string>)[k];
  assertEquals(resolveRequest({ blas: "on", blasThreads: 2 }, blasEnv), {
    backend: undefined,
    threads: undefined,
    blas: "off",
    blasThreads: 1,
  });
  assertThrows(() => resolveRequest({}, (k) => (k === "PLM_BLAS" ? "yes" : undefined)), "auto,on");
  assertThrows(() => resolveRequest({ blasThreads: 0 }, none), "blasThreads");
});

/** Runs a snippet that initializes the backend in a fresh process with `env`. */
async function initIn(env: Record<string, string>) {
  const code = `import { initBackend } from "${new URL("./backend.ts", import.meta.url)}";\n` +
    `const info = await initBackend();\n` +
    `console.log(JSON.stringify({ name: info.name, blas: info.blas ?? null }));\n`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: { ...env, PLM_BACKEND: "wasm", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("initBackend: OpenBLAS asked for and missing is an error; not asked for, one line", async () => {
  const missing = { PLM_BLAS_LIB: "/nonexistent/libopenblas.so.0" };
  const [on, auto] = await Promise.all([
    initIn({ ...missing, PLM_BLAS: "on" }),
    initIn({ ...missing, PLM_BLAS: "auto" }),
  ]);
  assert(!on.ok, "PLM_BLAS=on with no library must fail");
  assert(on.stderr.includes("/nonexistent/libopenblas.so.0"), on.stderr);
  assert(on.stderr.includes("libopenblas0-pthread"), on.stderr);
  assert(auto.ok, auto.stderr);
  assertEquals(JSON.parse(auto.stdout), { name: "wasm", blas: null });
  const notes = auto.stderr.split("\n").filter((l) => l.includes("OpenBLAS not loaded"));
  assertEquals(notes.length, 1, auto.stderr);
});

// PLM_BACKEND / PLM_THREADS in the environment would override what these tests ask for.
const envOverride = Deno.env.get("PLM_BACKEND") !== undefined ||
  Deno.env.get("PLM_THREADS") !== undefined;

Deno.test({
  name: "initBackend: unavailable backends and threads are errors, not fallbacks",
  ignore: envOverride,
  fn: async () => {
    await assertRejects(() => initBackend({ backend: "tensorflow", quiet: true }), "not available");
    await assertRejects(() => initBackend({ backend: "wasm", threads: 2, quiet: true }), "threads");
    assertEquals(backendInfo(), undefined);
  },
});

Deno.test({
  name: "initBackend: wasm by default here, idempotent, our kernels registered",
  ignore: envOverride,
  fn: async () => {
    const info = await initBackend({ quiet: true });
    assertEquals(info.name, "wasm");
    assertEquals(info.threads, 1);
    assert(info.simd);
    assert(info.kernels.includes("UnsortedSegmentSum") && info.kernels.includes("BatchMatMul"));
    // BLAS mode whenever OpenBLAS loads here (setup installs it), with every core by default.
    let loadable = true;
    try {
      openBlas();
    } catch {
      loadable = false;
    }
    assertEquals(info.blas !== undefined, loadable && Deno.env.get("PLM_BLAS") !== "off");
    if (info.blas && Deno.env.get("PLM_BLAS_THREADS") === undefined) {
      assertEquals(info.blas.threads, navigator.hardwareConcurrency);
    }
    assert(describeBackend(info).includes(info.blas ? "OpenBLAS" : "wasm"));
    if (info.blas) {
      const before = info.blas.threads;
      setBlasThreads(1);
      assertEquals(backendInfo()?.blas?.threads, 1);
      assertThrows(() => setBlasThreads(0), ">= 1");
      setBlasThreads(before);
    } else {
      assertThrows(() => setBlasThreads(1), "not on OpenBLAS");
    }
    assertEquals(tf.getBackend(), "wasm");
    assert((await initBackend({ quiet: true })) === info);
    assert((await initBackend({ backend: "wasm", quiet: true })) === info);
    await assertRejects(() => initBackend({ backend: "cpu", quiet: true }), "already initialized");
    // Training through tf.gather works (needs UnsortedSegmentSum).
    const table = tf.variable(tf.ones([5, 3]));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 0, 4], "int32"))))(
      table,
    );
    assertEquals(Array.from(g.dataSync()), [2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    tf.dispose([table, g]);
  },
});
