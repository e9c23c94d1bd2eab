import * as path from "node:path";
import {
  configHash,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { assertEquals, assertRejects } from "../util/assert.ts";

function data(step: number) {
  return {
    step,
    configHash: configHash({ b: 1, a: [1, 2] }),
    tensors: {
      "param/w": { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      "param/b": { shape: [1], data: new Float32Array([-0.5]) },
    },
    state: { source: { epoch: 2, cursor: 7 }, rng: [1, 2, 3, 4] },
  };
}

Deno.test("checkpoint: round trip, keep the newest, stable config hash", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plm_ck_" });
  try {
    for (const s of [1, 2, 3]) await saveCheckpoint(dir, data(s), { keep: 2 });
    assertEquals((await listCheckpoints(dir)).map((c) => c.step), [2, 3]);
    const latest = (await latestCheckpoint(dir))!;
    const back = await loadCheckpoint(latest, {
      configHash: configHash({ a: [1, 2], b: 1 }), // key order does not matter
      shapes: { "param/w": [2, 3] },
    });
    assertEquals(back, data(3));
    // No temporary directories are left behind.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, ["step-00000002", "step-00000003"]);
    assertEquals(await listCheckpoints(path.join(dir, "absent")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: corrupted or mismatched checkpoints give clear errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plm_ck_" });
  try {
    const p = await saveCheckpoint(dir, data(5));
    await assertRejects(() => loadCheckpoint(p, { configHash: "0000" }), "config hash");
    await assertRejects(
      () => loadCheckpoint(p, { shapes: { "param/w": [3, 2] } }),
      "expected [3,2]",
    );
    await assertRejects(
      () => loadCheckpoint(p, { shapes: { "param/x": [1] } }),
      '"param/x" is missing',
    );
    const bin = path.join(p, "tensors.bin");
    const bytes = await Deno.readFile(bin);
    bytes[5] ^= 0xff;
    await Deno.writeFile(bin, bytes);
    await assertRejects(() => loadCheckpoint(p), "checksum mismatch");
    await Deno.writeFile(bin, bytes.subarray(0, 10));
    await assertRejects(() => loadCheckpoint(p), "corrupted checkpoint");
    await Deno.writeTextFile(path.join(p, "meta.json"), '{"version": 1, "st');
    await assertRejects(() => loadCheckpoint(p), "meta.json is not valid JSON");
    await assertRejects(() => loadCheckpoint(path.join(dir, "nope")), "meta.json is missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
