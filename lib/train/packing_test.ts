import { MixedBatches, PackedBatches, type PackedBatchesOptions } from "./packing.ts";
import type { Batch, Doc } from "../contracts.ts";
import { Rng } from "../util/rng.ts";
import { assert, assertEquals, assertNotEquals, assertThrows } from "../util/assert.ts";

const EOS = 0;

/**
 * Random docs: person p has 1..maxDocs docs of 2..maxLen tokens. Token ids are >= 2 and the
 * first id of doc i is 2 + i, so a doc is recognisable in a window. With `qa`, a random suffix
 * of each doc is its loss mask.
 */
function randomDocs(
  seed: number,
  opts: { persons: number; maxDocs: number; maxLen: number; qa?: boolean; base?: number },
): Doc[] {
  const rng = new Rng(seed);
  const docs: Doc[] = [];
  const base = opts.base ?? 2;
  for (let p = 0; p < opts.persons; p++) {
    const k = 1 + rng.int(opts.maxDocs);
    for (let j = 0; j < k; j++) {
      const len = 2 + rng.int(opts.maxLen - 1);
      const ids = new Int32Array(len);
      ids[0] = base + docs.length;
      for (let t = 1; t < len; t++) ids[t] = base + rng.int(1000);
      const doc: Doc = { personId: p, ids };
      if (opts.qa) {
        const answerStart = 1 + rng.int(len - 1);
        doc.lossMask = new Uint8Array(len).fill(1, answerStart);
      }
      docs.push(doc);
    }
  }
  return docs;
}

/** The row a window of these docs must produce, built independently of the packer. */
function expectedRow(docs: Doc[], window: number[], o: PackedBatchesOptions) {
  const T = o.seqLen;
  const toks: number[] = [];
  const loss: number[] = [];
  if (o.leadingEos) toks.push(EOS), loss.push(0);
  for (const i of window) {
    const d = docs[i];
    for (let t = 0; t < d.ids.length; t++) {
      toks.push(d.ids[t]);
      loss.push(d.lossMask ? d.lossMask[t] : 1);
    }
    toks.push(EOS);
    loss.push(d.lossMask ? 0 : 1);
  }
  assert(toks.length <= T + 1, `window overflows: ${toks.length} > ${T + 1}`);
  while (toks.length < T + 1) toks.push(o.pad ?? EOS), loss.push(0);
  return {
    inputs: Int32Array.from(toks.slice(0, T)),
    targets: Int32Array.from(toks.slice(1)),
    mask: Float32Array.from(loss.slice(1)),
  };
}

function oneRow(seqLen: number): Batch {
  return {
    batchSize: 1,
    seqLen,
    inputs: new Int32Array(seqLen),
    targets: new Int32Array(seqLen),
    mask: new Float32Array(seqLen),
  };
}

/** Serves `epochs` epochs row by row, checking every guarantee of the packer. */
function checkEpochs(docs: Doc[], o: PackedBatchesOptions, epochs: number): number[][][] {
  const packer = new PackedBatches(docs, o);
  const plans: number[][][] = [];
  for (let e = 0; e < epochs; e++) {
    assertEquals(packer.position.epoch, e);
    assertEquals(packer.position.cursor, 0);
    const plan = packer.epochWindows();
    plans.push(plan);
    // Every doc exactly once per epoch.
    const seen = plan.flat().sort((a, b) => a - b);
    assertEquals(seen, docs.map((_, i) => i), "each doc once per epoch");
    const stats = packer.stats();
    let maskSum = 0;
    for (const window of plan) {
      // Never two docs of one person in a window.
      const persons = window.map((i) => docs[i].personId);
      assertEquals(new Set(persons).size, persons.length, `two docs of one person: ${persons}`);
      const row = oneRow(o.seqLen);
      packer.writeRow(row, 0);
      const want = expectedRow(docs, window, o);
      assertEquals(row.inputs, want.inputs);
      assertEquals(row.targets, want.targets);
      assertEquals(row.mask, want.mask);
      for (const m of row.mask) maskSum += m;
    }
    assertEquals(stats.windows, plan.length);
    assertEquals(stats.lossTokens, maskSum);
    assert(stats.fillRatio > 0 && stats.fillRatio <= (o.seqLen + 1) / o.seqLen);
  }
  return plans;
}

Deno.test("PackedBatches: property checks over random docs", () => {
  for (let seed = 0; seed < 12; seed++) {
    const rng = new Rng(1000 + seed);
    const maxLen = 3 + rng.int(30);
    const docs = randomDocs(seed, {
      persons: 1 + rng.int(40),
      maxDocs: 1 + rng.int(6),
      maxLen,
      qa: seed % 3 === 0,
    });
    const o: PackedBatchesOptions = {
      seqLen: maxLen + 1 + rng.int(60),
      batchSize: 4,
      eos: EOS,
      seed,
      pad: seed % 2 ? 1 : undefined,
      leadingEos: seed % 4 === 1,
      lookahead: rng.int(4) * 4,
    };
    const plans = checkEpochs(docs, o, 3);
    if (docs.length > 6) assertNotEquals(plans[0], plans[1], "repacked every epoch");
  }
});

Deno.test("PackedBatches: few persons with many docs are spread over windows", () => {
  // Person 0 gets 30 short docs, person 1 gets 3: most windows can hold only one doc.
  const many: Doc[] = [];
  for (let i = 0; i < 33; i++) {
    many.push({ personId: i < 30 ? 0 : 1, ids: Int32Array.of(2 + i, 5, 6) });
  }
  const plans = checkEpochs(many, { seqLen: 64, batchSize: 2, eos: EOS, seed: 3 }, 2);
  assertEquals(plans[0].length, 30);
});

Deno.test("PackedBatches: EOS separates docs and the loss covers tokens and their EOS", () => {
  const docs: Doc[] = [
    { personId: 0, ids: Int32Array.of(10, 11, 12) },
    { personId: 1, ids: Int32Array.of(20, 21), lossMask: Uint8Array.of(0, 1) },
  ];
  const packer = new PackedBatches(docs, { seqLen: 9, batchSize: 1, eos: EOS, seed: 0, pad: 99 });
  const b = packer.next();
  const window = [b.inputs[0], ...b.targets];
  // Either order; both docs share the window.
  const a = [10, 11, 12, EOS, 20, 21, EOS, 99, 99, 99];
  const c = [20, 21, EOS, 10, 11, 12, EOS, 99, 99, 99];
  assert(
    JSON.stringify(window) === JSON.stringify(a) || JSON.stringify(window) === JSON.stringify(c),
  );
  const mask = Array.from(b.mask);
  if (window[0] === 10) assertEquals(mask, [1, 1, 1, 0, 1, 0, 0, 0, 0]);
  else assertEquals(mask, [1, 0, 1, 1, 1, 1, 0, 0, 0]);
});

Deno.test("PackedBatches: same seed gives the same batches, another seed others", () => {
  const docs = randomDocs(1, { persons: 50, maxDocs: 5, maxLen: 20 });
  const o = { seqLen: 64, batchSize: 8, eos: EOS, seed: 5 };
  const a = new PackedBatches(docs, o);
  const b = new PackedBatches(docs, o);
  const c = new PackedBatches(docs, { ...o, seed: 6 });
  for (let i = 0; i < 30; i++) {
    const x = a.next();
    assertEquals(x, b.next());
    if (i === 0) assertNotEquals(x.inputs, c.next().inputs);
  }
});

Deno.test("PackedBatches: resuming from a saved state equals the uninterrupted stream", () => {
  const docs = randomDocs(2, { persons: 40, maxDocs: 5, maxLen: 25, qa: true });
  const o = { seqLen: 48, batchSize: 5, eos: EOS, seed: 9 };
  const wpe = new PackedBatches(docs, o).windowsPerEpoch;
  // Save at several points: mid-epoch, and after batches that cross epoch boundaries.
  for (const k of [0, 1, 3, Math.ceil(wpe / 5), 2 * Math.ceil(wpe / 5) + 1]) {
    const ref = new PackedBatches(docs, o);
    for (let i = 0; i < k; i++) ref.next();
    const saved = JSON.stringify(ref.getState());
    const resumed = new PackedBatches(docs, o);
    resumed.next(); // a resumed packer may have been anywhere before
    resumed.setState(JSON.parse(saved));
    assertEquals(JSON.stringify(resumed.getState()), saved);
    for (let i = 0; i < 2 * wpe / 5 + 3; i++) assertEquals(resumed.next(), ref.next());
  }
});

Deno.test("PackedBatches: batches run across epochs without dropping windows", () => {
  const docs = randomDocs(4, { persons: 30, maxDocs: 3, maxLen: 10 });
  const p = new PackedBatches(docs, { seqLen: 32, batchSize: 7, eos: EOS, seed: 1 });
  const w0 = p.windowsPerEpoch;
  const steps = p.stepsForEpochs(1);
  assertEquals(steps, Math.ceil(w0 / 7));
  for (let i = 0; i < steps; i++) p.next();
  assertEquals(p.position.epoch, 1);
  assertEquals(p.position.cursor, steps * 7 - w0);
  assertEquals(p.stepsForExposures(p.docsPerPerson * 2), p.stepsForEpochs(2));
});

Deno.test("PackedBatches: clear errors", () => {
  const long: Doc[] = [{ personId: 3, ids: new Int32Array(20).fill(5) }];
  assertThrows(
    () => new PackedBatches(long, { seqLen: 16, batchSize: 1, eos: EOS, seed: 0 }),
    "doc 0 (person 3) has 20 tokens",
  );
  // A doc of seqLen tokens fits exactly (its first token is never a target).
  new PackedBatches([{ personId: 0, ids: new Int32Array(16).fill(5) }], {
    seqLen: 16,
    batchSize: 1,
    eos: EOS,
    seed: 0,
  });
  assertThrows(
    () =>
      new PackedBatches([{ personId: 0, ids: new Int32Array(16).fill(5) }], {
        seqLen: 16,
        batchSize: 1,
        eos: EOS,
        seed: 0,
        leadingEos: true,
      }),
    "holds at most 16",
  );
  assertThrows(
    () =>
      new PackedBatches(
        [{ personId: 0, ids: Int32Array.of(1, 2), lossMask: Uint8Array.of(1) }],
        { seqLen: 8, batchSize: 1, eos: EOS, seed: 0 },
      ),
    "lossMask of length 1",
  );
  const docs = randomDocs(0, { persons: 5, maxDocs: 2, maxLen: 5 });
  const p = new PackedBatches(docs, { seqLen: 8, batchSize: 1, eos: EOS, seed: 0 });
  const q = new PackedBatches(docs.slice(1), { seqLen: 8, batchSize: 1, eos: EOS, seed: 0 });
  assertThrows(() => q.setState(p.getState()), "other docs or options");
  assertThrows(() => p.setState({ epoch: 1 }), "not a PackedBatches state");
});

Deno.test("MixedBatches: rows are all BIO or all QA, QA with probability QAr; resumable", () => {
  // BIO tokens are >= 2000, QA tokens in 2..1999.
  const bioDocs = randomDocs(1, { persons: 60, maxDocs: 5, maxLen: 20, base: 2000 });
  const qaDocs = randomDocs(2, { persons: 30, maxDocs: 6, maxLen: 10, qa: true, base: 2 })
    .map((d) => ({ ...d, personId: d.personId * 2 }));
  const bio = () => new PackedBatches(bioDocs, { seqLen: 40, batchSize: 16, eos: EOS, seed: 1 });
  const qa = () => new PackedBatches(qaDocs, { seqLen: 40, batchSize: 16, eos: EOS, seed: 2 });
  for (const qaRatio of [0, 0.3, 0.8, 1]) {
    const mixed = new MixedBatches(bio(), qa(), { qaRatio, seed: 4 });
    let qaRows = 0;
    let rows = 0;
    for (let s = 0; s < 150; s++) {
      const b = mixed.next();
      for (let r = 0; r < b.batchSize; r++) {
        const toks = Array.from(b.inputs.subarray(r * 40, (r + 1) * 40)).filter((t) => t !== EOS);
        const isQa = toks.every((t) => t < 2000);
        assert(isQa || toks.every((t) => t >= 2000), "row mixes BIO and QA");
        assertEquals(isQa, mixed.lastRowsQa[r]);
        qaRows += isQa ? 1 : 0;
        rows++;
      }
    }
    const tol = 4 * Math.sqrt(qaRatio * (1 - qaRatio) / rows) + 1e-9;
    assert(Math.abs(qaRows / rows - qaRatio) <= tol, `QA fraction ${qaRows / rows} vs ${qaRatio}`);
  }
  const ref = new MixedBatches(bio(), qa(), { qaRatio: 0.6, seed: 8 });
  for (let i = 0; i < 37; i++) ref.next();
  const saved = JSON.stringify(ref.getState());
  const resumed = new MixedBatches(bio(), qa(), { qaRatio: 0.6, seed: 8 });
  resumed.setState(JSON.parse(saved));
  for (let i = 0; i < 60; i++) assertEquals(resumed.next(), ref.next());
  assertThrows(
    () =>
      new MixedBatches(
        bio(),
        new PackedBatches(qaDocs, { seqLen: 41, batchSize: 1, eos: 0, seed: 0 }),
        {
          qaRatio: 0.5,
          seed: 0,
        },
      ),
    "seqLen",
  );
  assertThrows(() => new MixedBatches(bio(), qa(), { qaRatio: 1.5, seed: 0 }), "qaRatio");
});
