/**
 * Worker entry point: runs one cached experiment described by a JSON request (the parallel
 * runner in lib/runs/parallel.ts spawns one process per job so two jobs use both cores).
 *
 *   deno run -A lib/cli/run.ts '{"kind":"qa","preset":"tiny","config":"single","seed":0}'
 *
 * A JSON array runs its requests one after the other. Kinds: "pretrain" (BIO pretraining +
 * memorization), "qa" (pretraining, then QA finetuning and evaluation; `finetune` overrides select
 * e.g. a LoRA cell), "mixed" (mixed training at `QAr`), "pprobe" and "qprobe" (probes of the
 * pretrained model; `probe` holds their settings).
 * @module
 */
import { type FinetuneRequest, pretrain, qaFinetune } from "../runs/experiments.ts";
import { type MixedRequest, mixedTrain } from "../runs/mixed.ts";
import { pProbe, type ProbeRunSettings, qProbe } from "../runs/probes.ts";

/** The request kinds a worker runs. */
export const WORKER_KINDS = ["pretrain", "qa", "mixed", "pprobe", "qprobe"] as const;

/** A worker request. */
export type WorkerRequest =
  | (FinetuneRequest & { kind: "qa" })
  | (FinetuneRequest & { kind: "pretrain" })
  | (MixedRequest & { kind: "mixed" })
  | (FinetuneRequest & { kind: "pprobe" | "qprobe"; probe?: ProbeRunSettings });

const ood = (rows: { attribute: string; split?: string; metric?: string; accuracy: number }[]) =>
  rows.find((m) => m.attribute === "mean" && m.split === "P_test" && m.metric !== "qaFirstToken")
    ?.accuracy.toFixed(1);

/** Runs one request and returns a one-line summary. */
export async function runRequest(req: WorkerRequest): Promise<string> {
  if (req.kind === "pretrain") {
    const r = await pretrain(req);
    const mem = r.memorization.find((m) => m.attribute === "mean" && m.metric === "bioFirstToken");
    return `pretrain ${req.config} seed ${req.seed}: ${
      r.cached ? "cached" : `${r.wallSeconds.toFixed(0)} s`
    }, ` +
      `BIO first-token ${mem?.accuracy.toFixed(1)}% (${r.cacheKey})`;
  }
  const took = (r: { cached: boolean; wallSeconds?: number }) =>
    r.cached ? "cached" : `${(r.wallSeconds ?? 0).toFixed(0)} s`;
  if (req.kind === "qa") {
    const r = await qaFinetune(req);
    return `qa ${req.config} seed ${req.seed}: ${took(r)}, P_test QA ${ood(r.qa)}% (${r.cacheKey})`;
  }
  if (req.kind === "mixed") {
    const r = await mixedTrain(req);
    return `mixed ${req.config} QAr=${r.spec.QAr} seed ${req.seed}: ${took(r)}, ` +
      `P_test QA ${ood(r.qa)}% (${r.cacheKey})`;
  }
  if (req.kind === "pprobe" || req.kind === "qprobe") {
    const r = await (req.kind === "pprobe" ? pProbe : qProbe)(req, req.probe ?? {});
    return `${req.kind} ${req.config} seed ${req.seed} rank ${r.spec.probe.rank}: ` +
      `${r.cached ? "cached" : "done"} (${r.cacheKey})`;
  }
  throw new Error(
    `unknown request kind "${(req as { kind: string }).kind}"; allowed: ${WORKER_KINDS.join(", ")}`,
  );
}

if (import.meta.main) {
  const arg = Deno.args[0];
  if (!arg) {
    console.error(
      'usage: deno run -A lib/cli/run.ts \'{"kind":"qa","preset":"tiny","config":"single","seed":0}\'',
    );
    Deno.exit(2);
  }
  let reqs: WorkerRequest[];
  try {
    const parsed = JSON.parse(arg);
    reqs = Array.isArray(parsed) ? parsed : [parsed];
  } catch (e) {
    console.error(`run: the request is not valid JSON: ${(e as Error).message}`);
    Deno.exit(2);
  }
  try {
    // A list runs in order: requests sharing a pretrained model reuse it from the cache.
    for (const req of reqs) console.log(await runRequest(req));
    Deno.exit(0); // WASM pthread workers would keep the process alive
  } catch (e) {
    console.error(`run failed: ${(e as Error).stack ?? e}`);
    Deno.exit(1);
  }
}
