/**
 * A small WebAssembly assembler: enough of the binary format to build a module of SIMD kernels
 * that imports the TF.js WASM backend's memory and works on its heap in place.
 *
 * Why: the element-wise parts of a training step (GELU, layer norm, the AdamW update) cost most
 * of what remains once matrix products run on OpenBLAS, and each stock kernel is one pass over
 * memory. Fused kernels need SIMD to beat them, and no WebAssembly toolchain is available at
 * run time, so the kernels are written here as folded instructions, in the spirit of WAT:
 * `op("f32x4.add", get(a), get(b))` emits `a`, then `b`, then the opcode.
 * @module
 */

/** Value types used by our kernels. */
export type ValType = "i32" | "f32" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Code bytes: nested arrays are flattened when the module is built. */
export type Code = number | Code[];

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  while (true) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Opcodes without immediates (the SIMD ones carry their 0xfd prefix). */
const OPS: Record<string, number[]> = {
  "i32.eqz": [0x45],
  "i32.eq": [0x46],
  "i32.ne": [0x47],
  "i32.lt_s": [0x48],
  "i32.lt_u": [0x49],
  "i32.gt_s": [0x4a],
  "i32.gt_u": [0x4b],
  "i32.le_s": [0x4c],
  "i32.le_u": [0x4d],
  "i32.ge_s": [0x4e],
  "i32.ge_u": [0x4f],
  "f32.eq": [0x5b],
  "f32.ne": [0x5c],
  "f32.lt": [0x5d],
  "f32.gt": [0x5e],
  "i32.add": [0x6a],
  "i32.sub": [0x6b],
  "i32.mul": [0x6c],
  "i32.and": [0x71],
  "i32.or": [0x72],
  "i32.shl": [0x74],
  "i32.shr_u": [0x76],
  "i32.rem_u": [0x70],
  "f32.abs": [0x8b],
  "f32.neg": [0x8c],
  "f32.sqrt": [0x91],
  "f32.add": [0x92],
  "f32.sub": [0x93],
  "f32.mul": [0x94],
  "f32.div": [0x95],
  "f32.min": [0x96],
  "f32.max": [0x97],
  "f32.nearest": [0x90],
  "f32.convert_i32_s": [0xb2],
  "f32.reinterpret_i32": [0xbe],
  "i32.reinterpret_f32": [0xbc],
  "i32.trunc_sat_f32_s": [0xfc, 0x00],
  "f32x4.splat": [0xfd, 0x13],
  "i32x4.splat": [0xfd, 0x11],
  "f32x4.eq": [0xfd, 0x41],
  "f32x4.lt": [0xfd, 0x43],
  "f32x4.gt": [0xfd, 0x44],
  "v128.and": [0xfd, 0x4e],
  "v128.or": [0xfd, 0x50],
  "v128.bitselect": [0xfd, 0x52],
  "f32x4.nearest": [0xfd, 0x6a],
  "i32x4.shl": [0xfd, 0xab, 0x01],
  "i32x4.add": [0xfd, 0xae, 0x01],
  "f32x4.abs": [0xfd, 0xe0, 0x01],
  "f32x4.neg": [0xfd, 0xe1, 0x01],
  "f32x4.sqrt": [0xfd, 0xe3, 0x01],
  "f32x4.add": [0xfd, 0xe4, 0x01],
  "f32x4.sub": [0xfd, 0xe5, 0x01],
  "f32x4.mul": [0xfd, 0xe6, 0x01],
  "f32x4.div": [0xfd, 0xe7, 0x01],
  "f32x4.min": [0xfd, 0xe8, 0x01],
  "f32x4.max": [0xfd, 0xe9, 0x01],
  "f32x4.pmin": [0xfd, 0xea, 0x01],
  "f32x4.pmax": [0xfd, 0xeb, 0x01],
  // Relaxed SIMD: a*b + c, fused where the CPU has FMA (so results may differ in the last bit).
  "f32x4.relaxed_madd": [0xfd, 0x85, 0x02],
  "i32x4.trunc_sat_f32x4_s": [0xfd, 0xf8, 0x01],
  "f32x4.convert_i32x4_s": [0xfd, 0xfa, 0x01],
};

/** An instruction without immediates, after its operands (folded form). */
export function op(name: keyof typeof OPS | string, ...operands: Code[]): Code {
  const code = OPS[name];
  if (!code) throw new Error(`wasm_asm: unknown instruction "${name}"`);
  return [...operands, ...code];
}

/** Memory instructions: opcode and log2 of the alignment hint. */
const MEM: Record<string, { code: number[]; align: number }> = {
  "i32.load": { code: [0x28], align: 2 },
  "f32.load": { code: [0x2a], align: 2 },
  "f32.store": { code: [0x38], align: 2 },
  "v128.load": { code: [0xfd, 0x00], align: 2 },
  "v128.store": { code: [0xfd, 0x0b], align: 2 },
};

/** A load from byte address `addr` + `offset`. */
export function load(name: "i32.load" | "f32.load" | "v128.load", addr: Code, offset = 0): Code {
  const m = MEM[name];
  return [addr, ...m.code, m.align, ...uleb(offset)];
}

/** A store of `value` to byte address `addr` + `offset`. */
export function store(name: "f32.store" | "v128.store", addr: Code, value: Code, offset = 0): Code {
  const m = MEM[name];
  return [addr, value, ...m.code, m.align, ...uleb(offset)];
}

/** `local.get`. */
export const get = (i: number): Code => [0x20, ...uleb(i)];
/** `local.set` of `value`. */
export const set = (i: number, value: Code): Code => [value, 0x21, ...uleb(i)];
/** `local.tee` of `value`. */
export const tee = (i: number, value: Code): Code => [value, 0x22, ...uleb(i)];
/** `i32.const`. */
export const i32 = (n: number): Code => [0x41, ...sleb(n)];
/** `f32.const`. */
export function f32(x: number): Code {
  const b = new Uint8Array(new Float32Array([x]).buffer);
  return [0x43, ...b];
}
/** A v128 with `x` in every f32 lane. */
export const f32x4 = (x: number): Code => op("f32x4.splat", f32(x));
/** `f32x4.extract_lane`. */
export const lane = (v: Code, i: number): Code => [v, 0xfd, 0x1f, i];
/** `br` to the enclosing label `depth` levels out. */
export const br = (depth: number): Code => [0x0c, ...uleb(depth)];
/** `br_if` on `cond`. */
export const brIf = (depth: number, cond: Code): Code => [cond, 0x0d, ...uleb(depth)];
/** A `block` (no result). */
export const block = (...body: Code[]): Code => [0x02, 0x40, ...body, 0x0b];
/** A `loop` (no result). */
export const loop = (...body: Code[]): Code => [0x03, 0x40, ...body, 0x0b];
/** `if` on `cond`, with an optional else branch (no result). */
export function ifElse(cond: Code, then: Code[], otherwise?: Code[]): Code {
  return [cond, 0x04, 0x40, ...then, ...(otherwise ? [0x05, ...otherwise] : []), 0x0b];
}

/**
 * `for (i = from; i < to; i += step) body` over i32 locals (`to` is re-evaluated each turn, so
 * keep it a local or constant). Nothing runs when from >= to.
 */
export function forRange(i: number, from: Code, to: Code, step: number, ...body: Code[]): Code {
  return [
    set(i, from),
    block(
      brIf(0, op("i32.ge_s", get(i), to)),
      loop(...body, set(i, op("i32.add", get(i), i32(step))), brIf(0, op("i32.lt_s", get(i), to))),
    ),
  ];
}

/** One function of a module: its signature, locals and body. */
export interface FuncDef {
  name: string;
  params: ValType[];
  results?: ValType[];
  locals?: ValType[];
  body: Code[];
}

function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === "number") out.push(code);
  else for (const c of code) flatten(c, out);
  return out;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/**
 * The binary of a module that imports its memory as `env.memory` and exports `funcs` by name.
 */
export function assemble(funcs: FuncDef[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [VALTYPE[t]])),
    ...vec((f.results ?? []).map((t) => [VALTYPE[t]])),
  ]);
  const memImport = [...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)];
  const bodies = funcs.map((f) => {
    const locals = (f.locals ?? []).map((t) => [1, VALTYPE[t]]);
    const code = [...vec(locals), ...flatten(f.body), 0x0b];
    return [...uleb(code.length), ...code];
  });
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memImport])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ];
  return new Uint8Array(bytes);
}
