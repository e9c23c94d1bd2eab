import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { getPreset, PRESET_CONFIGS, presetWith, ROW_SEQ_LEN, rowOverrides } from "./presets.ts";
import { generateDataset } from "../data/dataset.ts";
import { bioDocs } from "../tokenizer/docs.ts";
import { BIO_CONFIGS } from "../data/bios.ts";
import { PRESETS } from "./preset.ts";

Deno.test("every preset has contents, and they grow from smoke to paper", () => {
  for (const name of PRESETS) assertEquals(getPreset(name).name, name);
  const sizes = PRESETS.map((n) => PRESET_CONFIGS[n].people);
  assertEquals([...sizes].sort((a, b) => a - b), sizes);
});

Deno.test("paper preset is the paper's setting (Appendices B-D)", () => {
  const p = getPreset("paper");
  assertEquals(p.people, 100_000);
  assertEquals([p.model.nLayer, p.model.nHead, p.model.dModel, p.model.seqLen], [12, 12, 768, 512]);
  assertEquals(p.model.vocab, "gpt2");
  // Probes (§5): linear classifier, rank 2 (P) / 16 (Q) embedding updates, 30k steps at N/2.
  assertEquals(p.probe, {
    classifier: "linear",
    pRank: 2,
    qRank: 16,
    pEpochs: 30,
    qEpochs: 120,
    pBatchSize: 50,
    qBatchSize: 200,
    lr: 1e-3,
    weightDecay: 0.3,
    pClassifierPerPosition: false,
  });
  assertEquals([p.pretrain.steps, p.pretrain.batchSize, p.pretrain.lr], [80_000, 96, 1e-3]);
  assertEquals(p.pretrain.weightDecay, 0.1);
  assertEquals(Math.round(p.pretrain.warmupFrac * 80_000), 1000);
  assertEquals([p.finetune.method, p.finetune.rEmbedding, p.finetune.batchSize], ["lora", 128, 48]);
  assertEquals(p.mixed.QAr, 0.8);
  assertEquals([p.eval.decoding, p.eval.beams], ["beam", 4]);
});

Deno.test("presetWith overrides deeply without touching the base; unknown fields throw", () => {
  const base = getPreset("tiny");
  const v = presetWith(base, { people: 250, pretrain: { batchSize: 16 } });
  assertEquals([v.people, v.pretrain.batchSize, v.pretrain.lr], [250, 16, base.pretrain.lr]);
  assertEquals(getPreset("tiny").people, PRESET_CONFIGS.tiny.people);
  assertThrows(() => presetWith(base, { nope: 1 } as never), 'unknown preset field "nope"');
  assertThrows(() => getPreset("huge"), "allowed values: smoke, tiny, small, paper");
  assert(v !== base);
});

Deno.test("every row's biographies fit its window (smoke and tiny: seeds 0-2, small: seed 0)", () => {
  // Documents are never split, so one biography longer than the window stops a pretraining run;
  // ROW_SEQ_LEN widens the window of the rows that need it.
  for (const preset of ["smoke", "tiny", "small"] as const) {
    const p = getPreset(preset);
    for (const config of BIO_CONFIGS) {
      const seqLen = presetWith(p, rowOverrides(preset, config) ?? {}).model.seqLen;
      for (const seed of preset === "small" ? [0] : [0, 1, 2]) {
        const ds = generateDataset({ config, people: p.people, seed });
        const longest = Math.max(...bioDocs(ds.bios, ds.vocab).map((d) => d.ids.length));
        // One EOS after the document, one leading EOS at the window's start.
        assert(
          longest + 2 <= seqLen,
          `${preset} ${config} seed ${seed}: a ${longest}-token biography in a ${seqLen} window`,
        );
      }
    }
  }
  assertEquals(rowOverrides("tiny", "single"), undefined);
  assertEquals(rowOverrides("tiny", "multi5+fullname"), { model: { seqLen: 160 } });
  assertEquals(ROW_SEQ_LEN.paper, undefined);
});

Deno.test("every celebrity pairing's biographies fit its window (tiny: seeds 0-2)", () => {
  // The pairings of lib/findings/fig8.ts (paper Figures 8 and 17); celebrities are N at tiny
  // (lib/findings/fig8.ts celebrityCount) and N/5 in the notebook's contrast.
  const pairs = [
    ["single+permute1", "multi5+permute"],
    ["single", "multi5+permute"],
    ["single+permute1+fullname", "multi5+permute"],
    ["bioR:single", "bioR:multi5"],
    ["bioR:single+fullname", "bioR:multi5+fullname"],
  ];
  const p = getPreset("tiny");
  for (const [config, celebrities] of pairs) {
    const seqLen = presetWith(p, rowOverrides("tiny", config, { celebrities }) ?? {}).model.seqLen;
    for (const seed of [0, 1, 2]) {
      for (const count of [p.people, p.people / 5]) {
        const ds = generateDataset({
          config,
          people: p.people,
          seed,
          celebrities: { count, config: celebrities },
        });
        const longest = Math.max(...bioDocs(ds.bios, ds.vocab).map((d) => d.ids.length));
        assert(
          longest + 2 <= seqLen,
          `${config}+CEL (${count}) seed ${seed}: ${longest} tokens in ${seqLen}`,
        );
      }
    }
  }
  // The row's own window where the celebrities fit in it: archived run keys stay as they were.
  assertEquals(rowOverrides("tiny", "bioR:single", { celebrities: "bioR:multi5" }), {
    model: { seqLen: 160 },
  });
  assertEquals(rowOverrides("tiny", "single", { celebrities: "multi5+permute" }), undefined);
});
