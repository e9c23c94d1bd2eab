/**
 * Training-throughput benchmark: `deno task bench [--configs tiny,small,gpt2-124m] [--steps N]
 * [--warmup N] [--batch B] [--seq T] [--gpt2-batch B] [--procs P] [--no-torch] [--no-profile]`.
 *
 * Prints one JSON line per model config and thread count (see `BenchResult` in bench_lib.ts):
 * with the matrix products on OpenBLAS, at 1 thread and at every core (`--threads 1,2`);
 * otherwise at the backend's threads. Then, if /usr/bin/python3 has torch, the same step in
 * PyTorch (bench/torch_ref.py) at 1 and 2 threads, and a summary table from the same run:
 * tokens/s, GFLOP/s, the fraction of the CPU's single-precision peak (see `cpuPeakGflops`),
 * both ratios ours / PyTorch at equal threads, and the per-kernel profile of our step. Backend,
 * threads, BLAS and fused kernels come from `PLM_BACKEND`, `PLM_THREADS`, `PLM_BLAS`,
 * `PLM_FUSED` (see lib/model/backend.ts). `--procs 2` runs two single-thread processes side by
 * side (as sweeps do) and reports their summed tokens/s.
 *
 * GPT2-124M runs with batch 8 by default, and on the WASM backend it does not fit at all: the
 * weights, AdamW moments and gradients are 2 GB and the step's activations (the [B*T, 50257]
 * logits and their gradient) push past the 4 GB a wasm32 heap can address; XNNPACK then aborts
 * with out-of-memory (status 6) and the benchmark reports that as an error line.
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend, setBlasThreads } from "../lib/model/backend.ts";
import { gptConfig, type GPTPreset } from "../lib/model/gpt.ts";
import { type BenchResult, benchTraining, cpuPeakGflops } from "./bench_lib.ts";
import { envString } from "../lib/config/env.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    configs: { type: "string", default: "tiny,small,gpt2-124m" },
    steps: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    batch: { type: "string", default: "32" },
    seq: { type: "string", default: "128" },
    "gpt2-batch": { type: "string", default: "8" },
    procs: { type: "string", default: "1" },
    threads: { type: "string", default: "1,2" },
    "no-torch": { type: "boolean", default: false },
    "no-profile": { type: "boolean", default: false },
    child: { type: "boolean", default: false },
  },
});

const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} must be an integer >= 0, got "${v}"`);
  }
  return n;
};

const configs = args.configs!.split(",") as GPTPreset[];
const procs = int("procs", args.procs);

const threadCounts = args.threads!.split(",").map((t) => {
  const n = int("threads", t);
  if (n < 1) throw new Error(`--threads takes integers >= 1, got "${args.threads}"`);
  return n;
});

async function runOurs(): Promise<BenchResult[]> {
  const info = await initBackend({ quiet: args.child });
  // Thread counts apply to OpenBLAS; without it the step runs at the backend's threads only.
  const counts = info.blas && !args.child ? threadCounts : [undefined];
  const out: BenchResult[] = [];
  for (const name of configs) {
    const big = name === "gpt2-124m";
    for (const [i, threads] of counts.entries()) {
      if (threads !== undefined) setBlasThreads(threads);
      let r: BenchResult;
      try {
        r = await benchTraining(name, gptConfig(name), {
          batch: big ? int("gpt2-batch", args["gpt2-batch"]) : int("batch", args.batch),
          seq: int("seq", args.seq),
          // GPT2-124M takes tens of seconds per step on a laptop CPU: one warm-up, one timed step.
          warmup: big ? 1 : int("warmup", args.warmup),
          steps: big ? 1 : int("steps", args.steps),
          // One profile per config, at the last (largest) thread count.
          profile: !args["no-profile"] && !big && !args.child && i === counts.length - 1,
          top: 12,
        });
      } catch (e) {
        // GPT2-124M exhausts the 4 GB wasm32 heap (weights + AdamW moments + grads are 2 GB);
        // an emscripten abort leaves the backend unusable, so stop here.
        console.log(JSON.stringify({ config: name, error: (e as Error).message.split("\n")[0] }));
        return out;
      }
      console.log(JSON.stringify(r));
      out.push(r);
    }
  }
  return out;
}

/** Runs `procs` copies of this benchmark at once, single-threaded, and sums their tokens/s. */
async function runParallel(): Promise<void> {
  const self = new URL(import.meta.url).pathname;
  const childArgs = ["run", "-A", self, "--child", "--no-torch", "--configs", configs.join(",")];
  for (const k of ["steps", "warmup", "batch", "seq"] as const) childArgs.push(`--${k}`, args[k]!);
  const env = { PLM_THREADS: "1", PLM_BLAS_THREADS: "1" };
  const outs = await Promise.all(
    Array.from(
      { length: procs },
      () => new Deno.Command(Deno.execPath(), { args: childArgs, env, stderr: "inherit" }).output(),
    ),
  );
  const lines = outs.map((o) => new TextDecoder().decode(o.stdout).trim().split("\n"));
  for (let c = 0; c < configs.length; c++) {
    const rs = lines.map((l) => JSON.parse(l[c]) as BenchResult);
    console.log(JSON.stringify({
      config: configs[c],
      mode: `${procs} processes x 1 thread`,
      tokensPerSec: rs.reduce((s, r) => s + r.tokensPerSec, 0),
      perProcess: rs.map((r) => r.tokensPerSec),
    }));
  }
}

/** Finds OpenBLAS for Debian's torch (whose libblas.so.3 defaults to the slow reference BLAS). */
function openBlasDir(): string | undefined {
  const candidates = [
    envString("PLM_OPENBLAS_DIR"),
    "/usr/lib/x86_64-linux-gnu/openblas-pthread",
    "/tmp/obl/root/usr/lib/x86_64-linux-gnu/openblas-pthread",
  ];
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      Deno.statSync(`${dir}/libblas.so.3`);
      return dir;
    } catch { /* not there */ }
  }
  return undefined;
}

/** PyTorch's result per config and thread count. */
interface TorchResult {
  config: string;
  threads: number;
  tokensPerSec: number;
  gflops: number;
}

async function runTorch(): Promise<TorchResult[]> {
  const py = "/usr/bin/python3";
  const probe = await new Deno.Command(py, { args: ["-c", "import torch"], stderr: "null" })
    .output().catch(() => undefined);
  if (!probe?.success) {
    console.log(JSON.stringify({
      note: "PyTorch reference skipped: /usr/bin/python3 cannot import torch " +
        "(apt-get install -y --no-install-recommends python3-torch)",
    }));
    return [];
  }
  const blas = openBlasDir();
  const results: TorchResult[] = [];
  // The same sizes as ours, from lib/model/gpt.ts (itself from lib/model/shapes.ts).
  const torchModels = Object.fromEntries(
    configs.filter((c) => c !== "gpt2-124m").map((c) => {
      const g = gptConfig(c);
      return [c, { vocab: g.vocabSize, n_layer: g.nLayer, n_head: g.nHead, d: g.dModel }];
    }),
  );
  for (const threads of [1, 2]) {
    const env: Record<string, string> = {
      OMP_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
    };
    // The same OpenBLAS kernels as ours (lib/model/kernels/blas.ts sets them for this process).
    const core = Deno.env.get("OPENBLAS_CORETYPE");
    if (core) env.OPENBLAS_CORETYPE = core;
    if (blas) env.LD_LIBRARY_PATH = blas;
    const script = new URL("./torch_ref.py", import.meta.url).pathname;
    const out = await new Deno.Command(py, {
      args: [
        script,
        "--models",
        JSON.stringify(torchModels),
        "--threads",
        String(threads),
        "--batch",
        args.batch!,
        "--seq",
        args.seq!,
        "--steps",
        args.steps!,
        "--warmup",
        args.warmup!,
      ],
      env,
      stderr: "inherit",
    }).output();
    for (const line of new TextDecoder().decode(out.stdout).trim().split("\n")) {
      if (!line) continue;
      const t = JSON.parse(line);
      if (core) t.blasCore = core;
      if (!blas) {
        t.blasNote = "reference BLAS (slow): set PLM_OPENBLAS_DIR or install libopenblas0-pthread";
      }
      console.log(JSON.stringify(t));
      if (!t.error) results.push({ ...t, threads });
    }
  }
  return results;
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * The table of the run: per config, ours and PyTorch at each thread count, the ratio at equal
 * threads (ours at its largest count where it has no such count), and our profile.
 */
function summary(ours: BenchResult[], torch: TorchResult[]): void {
  const peak = cpuPeakGflops();
  const lines = [
    ``,
    `peak: ${peak} GFLOP/s single precision (PLM_PEAK_GFLOPS; see cpuPeakGflops in bench_lib.ts)`,
    `| model | threads | ours tokens/s | ours GFLOP/s | ours % peak | PyTorch tokens/s | ` +
    `PyTorch GFLOP/s | ours / PyTorch |`,
    `|---|---|---|---|---|---|---|---|`,
  ];
  for (const config of configs) {
    const mine = ours.filter((r) => r.config === config);
    if (mine.length === 0) continue;
    const counts = [...new Set([...mine.map((r) => r.threads), 1, 2])].sort((a, b) => a - b);
    for (const t of counts) {
      const o = mine.find((r) => r.threads === t);
      const p = torch.find((r) => r.config === config && r.threads === t);
      if (!o && !p) continue;
      // Without a run of ours at t threads, compare our fastest run (noted with its threads).
      const best = o ?? mine[mine.length - 1];
      const ratio = p ? `${fmt(best.tokensPerSec / p.tokensPerSec, 2)}` : "-";
      lines.push(
        `| ${config} | ${t} | ${o ? fmt(o.tokensPerSec) : "-"} | ${o ? fmt(o.gflops, 1) : "-"} | ` +
          `${o ? fmt(100 * o.peakFraction, 1) : "-"} | ${p ? fmt(p.tokensPerSec) : "-"} | ` +
          `${p ? fmt(p.gflops, 1) : "-"} | ${ratio}${o ? "" : ` (ours at ${best.threads})`} |`,
      );
    }
    const prof = mine.find((r) => r.profile)?.profile;
    if (prof) {
      const mode = mine.map((r) =>
        `${r.backend}${r.blas ? "+OpenBLAS" : ""}${r.fused ? "+fused" : ""}`
      )[0];
      lines.push(
        `  profile of ${config} (${mode}, ${mine[mine.length - 1].threads} thread(s)): ` +
          prof.map((k) => `${k.kernel} ${fmt(100 * k.share, 1)}%`).join(", "),
      );
    }
  }
  console.log(lines.join("\n"));
}

if (procs > 1) {
  await runParallel();
} else {
  const ours = await runOurs();
  if (!args.child) summary(ours, args["no-torch"] ? [] : await runTorch());
}
// WASM pthread workers (PLM_THREADS > 1) keep the process alive otherwise.
Deno.exit(0);
