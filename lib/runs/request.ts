/**
 * One run, as a worker process or a cluster task receives it: a JSON request naming its kind and
 * what it starts from, and the function that runs it through the cache (lib/runs/cache.ts), so
 * the same request computes a result at most once wherever it runs.
 * @module
 */
import { type FinetuneRequest, pretrain, qaFinetune } from "./experiments.ts";
import { type MixedRequest, mixedTrain } from "./mixed.ts";
import { pProbe, type ProbeRunSettings, qProbe } from "./probes.ts";

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
