import * as tf from "@tensorflow/tfjs-core";
import { backendInfo, initBackend, resolveRequest } from "./backend.ts";
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
