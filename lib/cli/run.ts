/**
 * Worker entry point: runs one cached experiment described by a JSON request (the parallel
 * runner in lib/runs/parallel.ts spawns one process per job so two jobs use both cores).
 *
 *   deno run -A lib/cli/run.ts '{"kind":"qa","preset":"tiny","config":"single","seed":0}'
 *
 * A JSON array runs its requests one after the other. Kinds: "pretrain" (BIO pretraining + memorization) and "qa" (pretraining, then QA finetuning
 * and evaluation; `finetune` overrides select e.g. a LoRA cell).
 * @module
 */
import { type FinetuneRequest, pretrain, qaFinetune } from "../runs/experiments.ts";

/** A worker request. */
export type WorkerRequest =
  | (FinetuneRequest & { kind: "qa" })
  | (FinetuneRequest & { kind: "pretrain" });

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
  if (req.kind === "qa") {
    const r = await qaFinetune(req);
    const ood = r.qa.find((m) =>
      m.attribute === "mean" && m.split === "P_test" && m.metric !== "qaFirstToken"
    );
    return `qa ${req.config} seed ${req.seed}: ${
      r.cached ? "cached" : `${r.wallSeconds.toFixed(0)} s`
    }, ` +
      `P_test QA ${ood?.accuracy.toFixed(1)}% (${r.cacheKey})`;
  }
  throw new Error(
    `unknown request kind "${(req as { kind: string }).kind}"; allowed: pretrain, qa`,
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
