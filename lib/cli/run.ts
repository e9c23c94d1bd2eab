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
import { runRequest, type WorkerRequest } from "../runs/request.ts";

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
