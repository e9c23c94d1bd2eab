import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../util/assert.ts";
import { MAX_PEOPLE } from "./data.ts";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "data.ts");

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("data CLI: bad arguments exit 2 with one line naming the problem", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "data_cli_" });
  try {
    const out = path.join(tmp, "ds");
    const cases: [string[], string][] = [
      [["--config", "multi3", "--people", "10", "--out", out], "allowed: single, single+fullname"],
      [["--config", "single", "--people", "0", "--out", out], "--people must be an integer in 1.."],
      [["--config", "single", "--people", "2.5", "--out", out], "--people must be an integer"],
      [["--config", "single", "--people", "abc", "--out", out], "--people must be an integer"],
      [["--config", "single", "--people", String(MAX_PEOPLE + 1), "--out", out], "memory guard"],
      [["--config", "single", "--people", "200000000", "--out", out], "name space holds 160000000"],
      [["--config", "single", "--people", "10"], "missing --out"],
      [["--config", "single", "--people", "10", "--out", "/proc/nope/ds"], "not writable"],
      [["--config", "single", "--people", "10", "--out", out, "--bogus"], "Unknown option"],
      [["--people", "10", "--out", out], "missing --config"],
    ];
    for (const [args, msg] of cases) {
      const r = await run(args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert(r.stderr.includes(msg), `${args.join(" ")}: "${r.stderr}" lacks "${msg}"`);
      assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assertEquals(fs.readdirSync(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

Deno.test("data CLI: writes the dataset files and prints a one-line summary", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "data_cli_" });
  try {
    const out = path.join(tmp, "ds");
    const r = await run([
      "--config",
      "multi5+permute",
      "--people",
      "40",
      "--seed",
      "7",
      "--out",
      out,
      "--celebrities",
      "10",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(fs.readdirSync(out).sort(), [
      "bios.parquet",
      "manifest.json",
      "people.parquet",
      "qa.parquet",
      "vocab.json",
    ]);
    const line = r.stdout.trim();
    assertEquals(line.split("\n").length, 1);
    assert(
      line.includes("40 people + 10 celebrities") && line.includes("250 bios") &&
        line.includes(out),
      line,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
    assertEquals([manifest.config, manifest.seed, manifest.counts.qa], ["multi5+permute", 7, 300]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
