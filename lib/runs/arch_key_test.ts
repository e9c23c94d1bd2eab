import { pretrainSpec, resolvePreset } from "./experiments.ts";
import { runKey } from "./cache.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { getPreset, presetWith } from "../config/presets.ts";

Deno.test("arch: absent for the GPT (keys unchanged), part of the key for llama and gbert", () => {
  const gpt = pretrainSpec({ preset: "tiny", config: "single", seed: 0 });
  assert(!("arch" in gpt.model), "a GPT spec has no arch field");
  const keys = new Set([runKey("pretrain", gpt)]);
  for (const arch of ["llama", "gbert"] as const) {
    const req = {
      preset: "tiny" as const,
      config: "single",
      seed: 0,
      overrides: { model: { arch } },
    };
    assertEquals(resolvePreset(req).model.arch, arch);
    const spec = pretrainSpec(req);
    assertEquals(spec.model.arch, arch);
    keys.add(runKey("pretrain", spec));
  }
  assertEquals(keys.size, 3);
  // Only the declared optional field may be added by an override.
  // deno-lint-ignore no-explicit-any
  assertThrows(() => presetWith(getPreset("tiny"), { model: { mlp: "x" } as any }), '"mlp"');
});
