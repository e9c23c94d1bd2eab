import { assemble, f32, forRange, get, i32, load, op, set, sleb, store, uleb } from "./wasm_asm.ts";
import { simdModuleBytes } from "./simd.ts";
import { assert, assertEquals, assertThrows } from "../../util/assert.ts";

Deno.test("LEB128 encodings", () => {
  assertEquals(uleb(0), [0]);
  assertEquals(uleb(624485), [0xe5, 0x8e, 0x26]);
  assertEquals(sleb(-1), [0x7f]);
  assertEquals(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assertEquals(sleb(64), [0xc0, 0x00]);
});

Deno.test("assemble: a module on an imported memory runs; unknown instructions throw", () => {
  // scale(p, n, k): p[i] *= k for i < n
  const [p, n, k, i] = [0, 1, 2, 3];
  const bytes = assemble([{
    name: "scale",
    params: ["i32", "i32", "f32"],
    locals: ["i32"],
    body: [
      forRange(
        i,
        i32(0),
        get(n),
        1,
        store(
          "f32.store",
          op("i32.add", get(p), op("i32.shl", get(i), i32(2))),
          op(
            "f32.mul",
            load("f32.load", op("i32.add", get(p), op("i32.shl", get(i), i32(2)))),
            get(k),
          ),
        ),
      ),
      set(k, f32(0)),
    ],
  }]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { scale } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
    .exports as { scale: (p: number, n: number, k: number) => void };
  const xs = new Float32Array(memory.buffer, 8, 3);
  xs.set([1, 2, 3]);
  scale(8, 2, 2.5);
  assertEquals(Array.from(xs), [2.5, 5, 3]);
  assertThrows(() => op("f32.bogus"), "unknown instruction");
  assert(WebAssembly.validate(simdModuleBytes()), "the SIMD kernels' module must validate");
});
