import { assertEquals } from "./assert.ts";
import { writeFileAtomic, writeJsonAtomic } from "./fs.ts";

Deno.test("writeFileAtomic: creates folders, replaces whole files, leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = `${dir}/a/b/x.json`;
    await writeJsonAtomic(p, { a: 1 });
    await writeFileAtomic(p, new TextEncoder().encode("second"));
    assertEquals(await Deno.readTextFile(p), "second");
    assertEquals([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["x.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
