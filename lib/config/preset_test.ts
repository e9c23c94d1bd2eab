import { assertEquals, assertThrows } from "../util/assert.ts";
import { currentPreset, DEFAULT_PRESET, isPreset, parsePreset, PRESETS } from "./preset.ts";

Deno.test("PRESETS lists the four scales in order", () => {
  assertEquals([...PRESETS], ["smoke", "tiny", "small", "paper"]);
  assertEquals(DEFAULT_PRESET, "tiny");
});

Deno.test("currentPreset defaults to tiny when PLM_PRESET is unset or empty", () => {
  assertEquals(currentPreset({ env: {} }), "tiny");
  assertEquals(currentPreset({ env: { PLM_PRESET: "" } }), "tiny");
  assertEquals(currentPreset({ env: { PLM_PRESET: "  " } }), "tiny");
});

Deno.test("currentPreset reads every allowed value", () => {
  for (const p of PRESETS) assertEquals(currentPreset({ env: { PLM_PRESET: p } }), p);
  assertEquals(currentPreset({ env: { PLM_PRESET: " small\n" } }), "small");
});

Deno.test("an unknown preset throws naming the allowed values", () => {
  const err = assertThrows(() => currentPreset({ env: { PLM_PRESET: "huge" } }), '"huge"');
  for (const p of PRESETS) assertEquals(err.message.includes(p), true);
  assertEquals(err.message.includes("PLM_PRESET"), true);
  assertThrows(() => parsePreset("Tiny"), "allowed values: smoke, tiny, small, paper");
  assertEquals(isPreset("paper"), true);
  assertEquals(isPreset("paperz"), false);
});

Deno.test("currentPreset reads Deno.env by default", () => {
  const before = Deno.env.get("PLM_PRESET");
  try {
    Deno.env.set("PLM_PRESET", "smoke");
    assertEquals(currentPreset(), "smoke");
  } finally {
    if (before === undefined) Deno.env.delete("PLM_PRESET");
    else Deno.env.set("PLM_PRESET", before);
  }
});
