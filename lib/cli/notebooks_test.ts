import * as path from "node:path";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  kernelspec,
  listNotebooks,
  NOTEBOOKS_DIR,
  ROOT,
  runNotebooks,
  selectNotebooks,
  writeKernelspec,
} from "./notebooks.ts";
import { checkExport, exportedPageProblems, exportHtml, hasNbconvert } from "./export_html.ts";
import { Browser, findChromium } from "../plot/browser.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A minimal nbformat 4 notebook with the given code cells. */
function notebook(cells: string[]): Json {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno (plm3.1)", language: "typescript" },
    },
    cells: cells.map((source, i) => ({
      id: `c${i + 1}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  };
}

/** nbformat stores multi-line strings as arrays of lines; the kernel colors text/plain. */
function text(x: string | string[] | undefined): string {
  // deno-lint-ignore no-control-regex
  return (Array.isArray(x) ? x.join("") : x ?? "").replace(/\x1b\[[0-9;]*m/g, "");
}

async function writeNotebook(dir: string, name: string, cells: string[]): Promise<string> {
  const p = path.join(dir, name);
  await Deno.writeTextFile(p, JSON.stringify(notebook(cells), null, 1));
  return p;
}

Deno.test("selectNotebooks matches by prefix or full name and keeps the notebooks' order", () => {
  const all = ["/n/01_data.ipynb", "/n/02_pretrain.ipynb", "/n/03_qa_finetune.ipynb"];
  assertEquals(selectNotebooks(all, []), all);
  assertEquals(selectNotebooks(all, ["03", "01"]), [all[0], all[2]]);
  assertEquals(selectNotebooks(all, ["02_pretrain.ipynb"]), [all[1]]);
  assertEquals(selectNotebooks(all, ["notebooks/02_pretrain"]), [all[1]]);
  assertThrows(() => selectNotebooks(all, ["07"]), 'no notebook matches "07"');
});

Deno.test("listNotebooks keeps only NN_*.ipynb, sorted, and tolerates a missing folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const n of ["02_b.ipynb", "01_a.ipynb", "scratch.ipynb", "03_c.txt"]) {
      await Deno.writeTextFile(path.join(dir, n), "{}");
    }
    const got = (await listNotebooks(dir)).map((p) => path.basename(p));
    assertEquals(got, ["01_a.ipynb", "02_b.ipynb"]);
    assertEquals(await listNotebooks(path.join(dir, "nope")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeKernelspec writes an absolute deno path and is idempotent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await writeKernelspec({ dir, denoPath: "/opt/deno" });
    assert(a.changed);
    const spec = JSON.parse(await Deno.readTextFile(a.path));
    assertEquals(spec, kernelspec("/opt/deno"));
    assertEquals(spec.argv, ["/opt/deno", "jupyter", "--kernel", "--conn", "{connection_file}"]);
    assertEquals(spec.env.DENO_NO_UPDATE_CHECK, "1");
    assertEquals((await writeKernelspec({ dir, denoPath: "/opt/deno" })).changed, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the runner executes a notebook headless and keeps every output", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const presetUrl = new URL("../config/preset.ts", import.meta.url).href;
    const nb = await writeNotebook(dir, "01_probe.ipynb", [
      'console.log("hello from cell 1");',
      "40 + 2",
      'await Deno.jupyter.display({ "text/plain": "shown", "text/markdown": "**shown**" }, ' +
      "{ raw: true });",
      `import { currentPreset } from "${presetUrl}";\ncurrentPreset()`,
      'Deno.cwd().endsWith("' + path.basename(dir) + '")',
    ]);
    const out = path.join(dir, "out");
    const res = await runNotebooks([nb], { preset: "smoke", out, inheritOutput: false });
    assert(res.ok, `runner failed:\n${res.stdout}\n${res.stderr}`);
    assert(/executed .*01_probe\.ipynb .* in \d+\.\d s/.test(res.stdout), res.stdout);
    assertEquals(res.outputs, [path.join(out, "01_probe.ipynb")]);
    const cells = JSON.parse(await Deno.readTextFile(res.outputs[0])).cells;
    const outs = cells.map((c: Json) => c.outputs);
    assertEquals(outs[0][0].output_type, "stream");
    assert(text(outs[0][0].text).includes("hello from cell 1"), text(outs[0][0].text));
    const result = (i: number) => outs[i].find((o: Json) => o.output_type === "execute_result");
    assertEquals(text(result(1)?.data["text/plain"]), "42");
    const shown = outs[2].find((o: Json) => o.output_type === "display_data");
    assertEquals(text(shown?.data["text/markdown"]), "**shown**");
    assertEquals(text(result(3)?.data["text/plain"]), '"smoke"'); // PLM_PRESET reached the kernel
    assertEquals(text(result(4)?.data["text/plain"]), "true"); // the kernel runs in the notebook's folder
    // The source notebook is untouched when writing to an output folder.
    const src = JSON.parse(await Deno.readTextFile(nb));
    assertEquals(src.cells[1].outputs, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the runner fails naming the notebook and the failing cell", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = await writeNotebook(dir, "02_broken.ipynb", [
      "const x = 1;",
      'throw new Error("boom in the second cell");',
      'console.log("never runs");',
    ]);
    const out = path.join(dir, "out");
    const res = await runNotebooks([nb], { preset: "smoke", out, inheritOutput: false });
    assertEquals(res.ok, false);
    assertEquals(res.code, 1);
    assert(res.stderr.includes("02_broken.ipynb"), res.stderr);
    assert(res.stderr.includes("cell 2 (code cell 2, id c2)"), res.stderr);
    assert(res.stderr.includes("boom in the second cell"), res.stderr);
    // The partial notebook is kept for inspection, with the error stored in cell 2.
    const cells = JSON.parse(await Deno.readTextFile(path.join(out, "02_broken.ipynb"))).cells;
    assertEquals(cells[1].outputs.at(-1).output_type, "error");
    assertEquals(cells[2].outputs, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--inplace stores outputs in the notebook itself, and a failure leaves it alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = await writeNotebook(dir, "01_ok.ipynb", ['"in place"']);
    const res = await runNotebooks([good], {
      preset: "smoke",
      inplace: true,
      inheritOutput: false,
    });
    assert(res.ok, res.stderr);
    assertEquals(res.outputs, [good]);
    const cell = JSON.parse(await Deno.readTextFile(good)).cells[0];
    assertEquals(text(cell.outputs[0].data["text/plain"]), '"in place"');
    const bad = await writeNotebook(dir, "02_bad.ipynb", ["1", "throw new Error('x')"]);
    const before = await Deno.readTextFile(bad);
    const res2 = await runNotebooks([bad], {
      preset: "smoke",
      inplace: true,
      inheritOutput: false,
    });
    assertEquals(res2.ok, false);
    assertEquals(await Deno.readTextFile(bad), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("in the kernel, lib/plot show() displays figures, tables and markdown", async () => {
  // Inside the repository, so the kernel finds deno.json (bare imports such as nodejs-polars).
  await Deno.mkdir(path.join(ROOT, "out"), { recursive: true });
  const dir = await Deno.makeTempDir({ dir: path.join(ROOT, "out"), prefix: "test-show-" });
  try {
    const plot = path.relative(dir, path.join(ROOT, "lib", "plot", "mod.ts"));
    const nb = await writeNotebook(dir, "01_show.ipynb", [
      `import { heatmapSpec, show } from "${plot}";\nimport pl from "nodejs-polars";`,
      'const spec = heatmapSpec([{ row: "r", column: "c", ours: 50, paper: 60 }]);\n' +
      "await show(spec);",
      'await show({ spec, plotly: { data: [{ type: "bar", x: ["c"], y: [50] }] } });',
      'await show(pl.DataFrame({ a: [1, 2], b: ["x", "y"] }));',
      'await show("## markdown");',
    ]);
    const res = await runNotebooks([nb], { preset: "smoke", out: dir, inheritOutput: false });
    assert(res.ok, `${res.stdout}\n${res.stderr}`);
    const cells = JSON.parse(await Deno.readTextFile(res.outputs[0])).cells;
    const mimes = cells.map((c: Json) =>
      c.outputs.map((o: Json) => `${o.output_type}:${Object.keys(o.data ?? {}).sort().join(",")}`)
    );
    assertEquals(mimes, [
      [],
      ["display_data:application/vnd.vegalite.v5+json,image/png,text/plain"],
      [
        "display_data:application/vnd.plotly.v1+json,application/vnd.vegalite.v5+json," +
        "image/png,text/plain",
      ],
      ["display_data:text/html,text/plain"],
      ["display_data:text/markdown,text/plain"],
    ]);
    // The PNG is drawn at the figure's size (it has twice the pixels), through the metadata.
    const meta = cells[1].outputs[0].metadata["image/png"];
    assert(meta.width > 50 && meta.height > 20, JSON.stringify(meta));
    assert(text(cells[1].outputs[0].data["image/png"]).startsWith("iVBORw0KGgo"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const notebooks = await listNotebooks();
Deno.test({
  name: notebooks.length
    ? `every notebook in notebooks/ runs at PLM_PRESET=smoke (${notebooks.length})`
    : "every notebook in notebooks/ runs at PLM_PRESET=smoke (skipped: notebooks/ has none)",
  ignore: notebooks.length === 0,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "plm-notebooks-smoke-" });
    try {
      const res = await runNotebooks(notebooks, { preset: "smoke", out, inheritOutput: false });
      console.log(res.stdout.trim());
      assert(
        res.ok,
        `notebooks failed at preset smoke (from ${path.relative(ROOT, NOTEBOOKS_DIR)}/):\n` +
          `${res.stdout}\n${res.stderr}`,
      );
      for (const o of res.outputs) await Deno.stat(o);
      // A reader's export: every figure of every notebook is an image in nbconvert's HTML.
      if (!(await hasNbconvert())) {
        console.log("HTML export not checked: /usr/bin/python3 cannot import nbconvert");
        return;
      }
      const pages = await exportHtml(res.outputs, path.join(out, "html"));
      for (const [i, nb] of res.outputs.entries()) {
        const check = checkExport(
          JSON.parse(await Deno.readTextFile(nb)),
          await Deno.readTextFile(pages[i]),
        );
        assertEquals(
          check.missing,
          [],
          `${path.basename(nb)}: ${check.missing.length} of ${check.figures} figures missing`,
        );
      }
      // And the page renders them in a real browser (05: heatmap panels and Venn diagrams).
      const page = pages.find((p) => path.basename(p).startsWith("05_")) ?? pages[0];
      if (!findChromium()) {
        console.log("exported page not opened: no Chromium (`deno task setup --with-chromium`)");
        return;
      }
      const browser = await Browser.launch();
      try {
        const tab = await browser.open(page);
        const imgs = await tab.evaluate<{ w: number; h: number; natural: number }[]>(
          `[...document.querySelectorAll(".jp-OutputArea-output img")].map((i) => ` +
            `({ w: i.clientWidth, h: i.clientHeight, natural: i.naturalWidth }))`,
        );
        assert(imgs.length > 0, "no figure image in the exported page");
        for (const [k, im] of imgs.entries()) {
          assert(im.w > 0 && im.h > 0 && im.natural > 0, `figure ${k + 1} drawn empty`);
        }
        assertEquals(exportedPageProblems(tab.problems), []);
        await tab.close();
      } finally {
        await browser.close();
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("committed notebooks print no path of the machine they ran on", async () => {
  const home = Deno.env.get("HOME");
  for (const nb of await listNotebooks()) {
    const cells = JSON.parse(await Deno.readTextFile(nb)).cells;
    const outputs = JSON.stringify(cells.map((c: Json) => c.outputs ?? []));
    for (const p of [ROOT, ...(home && home !== "/" ? [home] : [])]) {
      assert(!outputs.includes(p), `${path.basename(nb)}: an output contains "${p}"`);
    }
  }
});
