import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { checkPretrainOf, main, planFinding, sweepStatus } from "./sweep.ts";
import { ROOT } from "../runs/cache.ts";
import { envString } from "../config/env.ts";
import { sweepDir, type SweepManifest } from "../runs/slurm.ts";
import { localSlurmUnavailable, startLocalSlurm } from "../runs/_local_slurm.ts";

const ROWS = "single,multi5";

Deno.test("planFinding: fig3's runs without running any (one QA run per row and seed)", async () => {
  const reqs = await planFinding("fig3", { preset: "smoke", rows: ROWS.split(","), seeds: 1 });
  assertEquals(reqs.map((r) => [r.kind, r.config, r.seed]), [
    ["qa", "single", 0],
    ["qa", "multi5", 0],
  ]);
  const probes = await planFinding("fig5", { preset: "smoke", rows: ["single"], seeds: 1 });
  assertEquals(probes.map((r) => [r.kind, r.config]), [["pprobe", "single"]]);
  // The first stage trains exactly the pretraining each of them starts from.
  for (const r of [...reqs, ...probes]) checkPretrainOf(r);
  assertThrows(
    () =>
      checkPretrainOf({ ...reqs[0], overrides: { people: 7 } }, {
        derive: ({ overrides: _, ...r }) => ({ ...r, kind: "pretrain" }),
      }),
    "does not reproduce",
  );
});

Deno.test("sweep --emit slurm writes the stages, scripts and manifest; bad flags are named", async () => {
  const results = await Deno.makeTempDir();
  try {
    const log = console.log;
    console.log = () => {};
    let code;
    try {
      code = await main([
        "fig3",
        ...["--preset", "smoke", "--rows", ROWS, "--seeds", "1"],
        ...["--emit", "slurm", "--results", results],
      ]);
    } finally {
      console.log = log;
    }
    assertEquals(code, 0);
    const dir = sweepDir(results, "fig3-smoke");
    const m = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json"))) as SweepManifest;
    assertEquals(m.stages.map((s) => [s.name, s.tasks.length]), [["pretrain", 2], ["finetune", 2]]);
    for (const f of ["submit.sh", "pretrain.sbatch", "finetune.sbatch", "finetune.jsonl"]) {
      await Deno.stat(join(dir, f));
    }
    // Not submitted: every run says so.
    assert((await sweepStatus(dir)).every((s) => s.state === "not submitted"));
    const err = console.error;
    const said: string[] = [];
    console.error = (s: string) => said.push(s);
    try {
      assertEquals(await main(["fig3", "--emit", "pbs", "--results", results]), 2);
      assertEquals(await main(["fig3", "--emit", "slurm"]), 2);
      assertEquals(await main(["nope", "--emit", "slurm", "--results", results]), 2);
    } finally {
      console.error = err;
    }
    assert(said[0].includes(`--emit "pbs" is not supported; allowed: slurm`), said[0]);
    assert(said[1].includes("--results DIR is required"), said[1]);
    assert(said[2].includes(`unknown finding "nope"; allowed: fig1`), said[2]);
  } finally {
    await Deno.remove(results, { recursive: true });
  }
});

const unavailable = await localSlurmUnavailable();
if (unavailable) console.warn(`sweep_test: the local Slurm test is skipped: ${unavailable}`);

Deno.test({
  name: "a smoke sweep of two rows round-trips through a local single-node Slurm",
  ignore: unavailable !== undefined,
  // The daemons and the figure's subprocess outlive single awaits; stop() ends them.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t0 = performance.now();
    const slurm = await startLocalSlurm();
    const results = await Deno.makeTempDir({ prefix: "plm_sweep_" });
    const before = {
      SLURM_CONF: Deno.env.get("SLURM_CONF"),
      PLM_RESULTS: envString("PLM_RESULTS"),
    };
    // sbatch/squeue, started by the sweep CLI, talk to this cluster; the tasks (which inherit this
    // environment) and the status compute and count only what this sweep writes.
    Deno.env.set("SLURM_CONF", slurm.conf);
    Deno.env.set("PLM_RESULTS", "off");
    const dir = sweepDir(results, "fig3-smoke");
    const tails = async () => {
      const out = [await slurm.logs()];
      try {
        for await (const e of Deno.readDir(join(dir, "logs"))) {
          out.push(`--- ${e.name}\n${await Deno.readTextFile(join(dir, "logs", e.name))}`);
        }
      } catch { /* no logs yet */ }
      return out.join("\n");
    };
    try {
      const code = await main([
        "fig3",
        ...["--preset", "smoke", "--rows", ROWS, "--seeds", "1"],
        ...["--emit", "slurm", "--results", results, "--submit"],
      ]);
      assertEquals(code, 0, "sweep --submit");
      const deadline = Date.now() + 150_000;
      let st = await sweepStatus(dir);
      while (!st.every((s) => s.state === "done")) {
        if (st.some((s) => s.state === "failed") || Date.now() > deadline) {
          throw new Error(
            `sweep did not finish: ${
              st.map((s) => `${s.label} ${s.state}`).join(", ")
            }\n${await tails()}`,
          );
        }
        await new Promise((r) => setTimeout(r, 1000));
        st = await sweepStatus(dir);
      }
      assertEquals(st.length, 4);
      console.log(
        `sweep_test: 4 runs done through Slurm in ${
          ((performance.now() - t0) / 1000).toFixed(0)
        } s`,
      );
      // The figure, drawn from the cluster's results alone.
      const out = join(results, "figures");
      const draw = await new Deno.Command(Deno.execPath(), {
        args: [
          ...["run", "-A", "lib/cli/finding.ts", "fig3", "--preset", "smoke", "--rows", ROWS],
          ...["--seeds", "1", "--results", results, "--only-cached", "--out", out],
        ],
        cwd: ROOT,
        env: { NO_COLOR: "1", PLM_RESULTS: "off" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(draw.stdout) + new TextDecoder().decode(draw.stderr);
      assert(draw.success, `finding fig3 --results --only-cached failed:\n${said}`);
      const fig = JSON.parse(await Deno.readTextFile(join(out, "fig3.json")));
      const text = JSON.stringify(fig);
      assert(text.includes('"multi5"') && text.includes('"single"'), "both rows drawn");
    } finally {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) Deno.env.delete(k);
        else Deno.env.set(k, v);
      }
      await slurm.stop();
      await Deno.remove(results, { recursive: true }).catch(() => {});
      console.log(
        `sweep_test: local Slurm test took ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    }
  },
});
