import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import { initBackend } from "../model/backend.ts";
import { createGPT, gptConfig } from "../model/gpt.ts";
import { datasetFor } from "../runs/experiments.ts";
import {
  saveSites,
  siteItems,
  SITES,
  sitesFigureName,
  sitesRequest,
  sitesTable,
  storageSites,
  truncatedModel,
} from "./sites.ts";
import { withRunsDir } from "./_test_utils.ts";

await initBackend({ quiet: true });

Deno.test("truncatedModel: all blocks give the model's hidden states, fewer blocks do not", () => {
  const model = createGPT(
    gptConfig("tiny", { vocabSize: 50, seqLen: 16, nLayer: 3, dModel: 32, nHead: 2 }),
    {
      seed: 3,
    },
  );
  const ids = tf.tensor2d([[1, 5, 9, 2, 7, 3]], [1, 6], "int32");
  model.hidden(ids).dispose(); // the model keeps its rotary tables for this length
  const before = tf.memory().numTensors;
  const whole = truncatedModel(model, 3);
  const one = truncatedModel(model, 1);
  try {
    const [h, hWhole, hOne] = [model, whole, one].map((m) => {
      const t = m.hidden(ids);
      const v = t.dataSync();
      t.dispose();
      return v;
    });
    assert(h.every((v, i) => Math.abs(v - hWhole[i]) < 1e-5), "3 of 3 blocks = the model");
    assert(h.some((v, i) => Math.abs(v - hOne[i]) > 1e-3), "1 of 3 blocks differs");
    assertEquals(one.config.nLayer, 1);
    // The copy owns its weights: changing it leaves the model alone.
    tf.tidy(() => one.params.wte.assign(tf.zerosLike(one.params.wte)));
    assert(model.params.wte.dataSync().some((v) => v !== 0));
  } finally {
    whole.dispose();
    one.dispose();
  }
  assertEquals(tf.memory().numTensors, before, "the copies free everything they made");
  ids.dispose();
  assertThrows(() => truncatedModel(model, 0), "layers must be an integer in [1, 3]");
  assertThrows(() => truncatedModel(model, 4), "got 4");
  model.dispose();
});

Deno.test("siteItems: the name's last token, the ending EOS, and P-probe position 0", () => {
  const ds = datasetFor("single", 24, 0);
  const eos = ds.vocab.eos;
  const name = siteItems(ds, "name");
  const ending = siteItems(ds, "ending");
  const pos0 = siteItems(ds, "pos0");
  for (const s of [name, ending, pos0]) assertEquals(s.ids.length, 24);
  const p = ds.people.find((q) => q.id === name.people[0].personId)!;
  const nameIds = ds.vocab.encode(" " + p.fullName);
  assertEquals(name.ids[0][name.at[0]], nameIds[nameIds.length - 1]);
  assertEquals(ending.ids[0][ending.at[0]], eos);
  // single: position 0 is the token right before the birth date, which follows the name.
  const entry = pos0.ids[0];
  assert(pos0.at[0] > nameIds.length, "position 0 comes after the name");
  assert(entry[pos0.at[0]] !== eos);
});

Deno.test("sitesRequest: another depth overrides nLayer and keeps the row's own window", () => {
  assertEquals(sitesRequest("tiny", "single", 0).overrides, undefined);
  assertEquals(sitesRequest("tiny", "single", 0, 2).overrides, undefined);
  assertEquals(sitesRequest("tiny", "single", 0, 4).overrides, { model: { nLayer: 4 } });
  assertEquals(sitesRequest("tiny", "multi5+fullname", 0, 4).overrides, {
    model: { seqLen: 160, nLayer: 4 },
  });
  assertThrows(() => sitesRequest("tiny", "single", 0, 0), "depth must be a positive integer");
});

Deno.test("storageSites at smoke: every (row, layer, site, attribute) cell, table and figure", async () => {
  await withRunsDir(async (dir) => {
    // Nothing pretrained yet: onlyCached leaves the row out and names it.
    const none = await storageSites({ preset: "smoke", rows: ["single"], onlyCached: true });
    assertEquals(none.rows, []);
    assertEquals(none.missingRows, ["single"]);
    const res = await storageSites({ preset: "smoke", rows: ["single"], depth: 2, workers: 1 });
    assertEquals(res.depth, 2);
    assertEquals(res.cells.length, 1 * 2 * SITES.length * 7);
    for (const c of res.cells) {
      assert(c.accuracy >= 0 && c.accuracy <= 100, `${c.site} ${c.attribute} ${c.accuracy}`);
      assert(c.trainAccuracy >= 0 && c.trainAccuracy <= 100);
    }
    // The paper's number appears only at the last layer and at the sites it probes.
    const paperAt = res.cells.filter((c) => c.paper !== null);
    assert(paperAt.length > 0);
    assert(paperAt.every((c) => c.layer === 2 && c.site !== "name"));
    assertEquals(
      res.cells.find((c) => c.layer === 2 && c.site === "ending" && c.attribute === "b_date")
        ?.paper,
      63.4,
    );
    assertEquals(sitesTable(res).height, 2 * SITES.length);
    assertEquals(sitesFigureName(res), "sites_L2");
    const saved = await saveSites(res, { dir });
    assert(saved.json?.endsWith("sites_L2.json"));
    const json = JSON.parse(await Deno.readTextFile(saved.json!));
    assertEquals(json.data.cells.length, res.cells.length);
    assertEquals(json.provenance.preset, "smoke");
  });
  await assertRejects(() => storageSites({ preset: "smoke", depth: 0 }), "depth");
});
