/**
 * Fused element-wise kernels in WebAssembly SIMD, built with wasm_asm.ts and instantiated on the
 * TF.js WASM backend's own memory, so they read and write tensors on its heap in place (byte
 * offsets are the tensors' `memoryOffset`s).
 *
 * Each kernel body is written once against {@linkcode Lanes} and emitted twice: four floats at a
 * time (f32x4), then one at a time for the tail, so any size works.
 *
 * Kernels (all float32):
 * - `gelu`, `geluGrad`: GPT-2's tanh GELU as x·sigmoid(2·sqrt(2/pi)(x + 0.044715x^3)), and its
 *   derivative times dy, in one pass each (the op-by-op form is 6 kernels forward, 12 back).
 * - `layerNorm`, `layerNormGrad`: per-row mean and 1/std, normalize, gain and bias; the backward
 *   pass gives dx and accumulates dgain and dbias.
 * - `rotary`, `rotaryGrad`: GPT-NeoX rotate-half on the first `rd` dims of each head.
 * - `sumSquares`, `adamW`: the global gradient norm and the AdamW update of one parameter in one
 *   pass, with the optimizer's exact float32 operation order.
 * - `colSum`: the sum of the rows of a matrix (bias gradients).
 * - `softmax`, `softmaxGrad`: row softmax with an optional additive mask that repeats every
 *   `period` rows (attention's causal mask), and its backward pass p (dp - sum(p dp)).
 * - `xentGrad`: the gradient of the LM head's weighted cross-entropy with respect to the logits,
 *   (softmax - one-hot) dy w, from the saved softmax.
 * @module
 */
import {
  assemble,
  type Code,
  f32,
  forRange,
  type FuncDef,
  get,
  i32,
  lane,
  load,
  op,
  set,
  store,
  tee,
  type ValType,
} from "./wasm_asm.ts";

/** Arithmetic on either four lanes (v128) or one float (f32); see the module doc. */
interface Lanes {
  /** Floats per step. */
  width: 1 | 4;
  type: ValType;
  load(addr: Code, offset?: number): Code;
  store(addr: Code, value: Code, offset?: number): Code;
  /** A constant in every lane. */
  c(x: number): Code;
  /** A scalar f32 value in every lane. */
  splat(x: Code): Code;
  add(a: Code, b: Code): Code;
  sub(a: Code, b: Code): Code;
  mul(a: Code, b: Code): Code;
  div(a: Code, b: Code): Code;
  min(a: Code, b: Code): Code;
  max(a: Code, b: Code): Code;
  sqrt(a: Code): Code;
  neg(a: Code): Code;
  /** a b + c; fused (one rounding) in the vector form where the CPU has FMA. */
  fma(a: Code, b: Code, c: Code): Code;
  /** min and max of a value and a bound (a bound on the right; x86's minps/maxps). */
  clampMin(a: Code, bound: Code): Code;
  clampMax(a: Code, bound: Code): Code;
  /**
   * 2^n from t = n + 1.5 * 2^23 (integral n in [-126, 127]): the low bits of t's float encoding
   * hold n, so (bits(t) + 127) << 23 is the encoding of 2^n.
   */
  pow2Magic(t: Code): Code;
  /** The sum of the lanes, as an f32. */
  hsum(local: number): Code;
}

const SCALAR: Lanes = {
  width: 1,
  type: "f32",
  load: (a, o = 0) => load("f32.load", a, o),
  store: (a, v, o = 0) => store("f32.store", a, v, o),
  c: (x) => f32(x),
  splat: (x) => x,
  add: (a, b) => op("f32.add", a, b),
  sub: (a, b) => op("f32.sub", a, b),
  mul: (a, b) => op("f32.mul", a, b),
  div: (a, b) => op("f32.div", a, b),
  min: (a, b) => op("f32.min", a, b),
  max: (a, b) => op("f32.max", a, b),
  sqrt: (a) => op("f32.sqrt", a),
  neg: (a) => op("f32.neg", a),
  fma: (a, b, c) => op("f32.add", op("f32.mul", a, b), c),
  clampMin: (a, b) => op("f32.min", a, b),
  clampMax: (a, b) => op("f32.max", a, b),
  pow2Magic: (t) =>
    op(
      "f32.reinterpret_i32",
      op("i32.shl", op("i32.add", op("i32.reinterpret_f32", t), i32(127)), i32(23)),
    ),
  hsum: (l) => get(l),
};

const VECTOR: Lanes = {
  width: 4,
  type: "v128",
  load: (a, o = 0) => load("v128.load", a, o),
  store: (a, v, o = 0) => store("v128.store", a, v, o),
  c: (x) => op("f32x4.splat", f32(x)),
  splat: (x) => op("f32x4.splat", x),
  add: (a, b) => op("f32x4.add", a, b),
  sub: (a, b) => op("f32x4.sub", a, b),
  mul: (a, b) => op("f32x4.mul", a, b),
  div: (a, b) => op("f32x4.div", a, b),
  min: (a, b) => op("f32x4.min", a, b),
  max: (a, b) => op("f32x4.max", a, b),
  sqrt: (a) => op("f32x4.sqrt", a),
  neg: (a) => op("f32x4.neg", a),
  fma: (a, b, c) => op("f32x4.relaxed_madd", a, b, c),
  clampMin: (a, b) => op("f32x4.pmin", a, b),
  clampMax: (a, b) => op("f32x4.pmax", a, b),
  // Lanes are untyped: the float lanes' bits are added and shifted as integers.
  pow2Magic: (t) => op("i32x4.shl", op("i32x4.add", t, op("i32x4.splat", i32(127))), i32(23)),
  hsum: (l) =>
    op(
      "f32.add",
      op("f32.add", lane(get(l), 0), lane(get(l), 1)),
      op("f32.add", lane(get(l), 2), lane(get(l), 3)),
    ),
};

/** Locals of one function: parameters first, then locals. */
class Frame {
  readonly params: ValType[] = [];
  readonly locals: ValType[] = [];
  param(t: ValType): number {
    if (this.locals.length) throw new Error("Frame: parameters come before locals");
    this.params.push(t);
    return this.params.length - 1;
  }
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  /** `k` locals of each lanes type: pick the set with `lanes(L)`. */
  scratch(k: number): (L: Lanes) => number[] {
    const v = Array.from({ length: k }, () => this.local("v128"));
    const s = Array.from({ length: k }, () => this.local("f32"));
    return (L) => (L.width === 4 ? v : s);
  }
  def(name: string, body: Code[], results: ValType[] = []): FuncDef {
    return { name, params: this.params, locals: this.locals, results, body };
  }
}

const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer

/**
 * e^x, as Cephes' expf: x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial in r, scaled by
 * 2^n. x is clamped to [-87.34, 88] so that 2^n stays a normal float (e^x below comes out as
 * 2^-126, not 0, and above as e^88). n is rounded by adding 1.5 * 2^23, whose float encoding
 * then also gives 2^n (see {@linkcode Lanes.pow2Magic}). `t1`, `t2` are scratch locals of the
 * lanes' type.
 */
function exp(L: Lanes, x: Code, t1: number, t2: number): Code {
  const r = get(t1), n = L.sub(get(t2), L.c(MAGIC));
  let p = L.c(1.9875691500e-4);
  for (const k of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1]) {
    p = L.fma(p, r, L.c(k));
  }
  p = L.fma(p, r, L.c(5.0000001201e-1));
  return [
    set(t1, L.clampMax(L.clampMin(x, L.c(88)), L.c(-87.3365447504))),
    set(t2, L.fma(get(t1), L.c(Math.LOG2E), L.c(MAGIC))),
    set(t1, L.fma(n, L.c(2.12194440e-4), L.fma(n, L.c(-0.693359375), r))),
    L.mul(L.fma(L.mul(p, r), r, L.add(r, L.c(1))), L.pow2Magic(get(t2))),
  ];
}

/** 1 / (1 + e^-u). */
function sigmoid(L: Lanes, u: Code, t1: number, t2: number): Code {
  return L.div(L.c(1), L.add(L.c(1), exp(L, L.neg(u), t1, t2)));
}

/**
 * A loop over `count` floats in steps of four, then one: `body(L, o)` gets the lanes and `o`, the
 * byte offset of the current element from any stream's base.
 */
function each(f: Frame, count: Code, body: (L: Lanes, o: Code) => Code[]): Code {
  const i = f.local("i32"), end4 = f.local("i32"), end = f.local("i32");
  return [
    set(end, op("i32.shl", count, i32(2))),
    set(end4, op("i32.and", get(end), i32(~15))),
    forRange(i, i32(0), get(end4), 16, ...body(VECTOR, get(i))),
    forRange(i, get(end4), get(end), 4, ...body(SCALAR, get(i))),
  ];
}

/** Byte address: a base local plus an offset. */
const at = (base: number, off: Code): Code => op("i32.add", get(base), off);
/** i32 multiply of two codes. */
const imul = (a: Code, b: Code): Code => op("i32.mul", a, b);
/** Bytes of `n` floats. */
const bytes = (n: Code): Code => op("i32.shl", n, i32(2));

const GELU_C1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_C2 = GELU_C1 * 0.044715;

/** u = x (C1 + C2 x^2), the sigmoid's argument in GELU. */
const geluArg = (L: Lanes, x: number) =>
  L.mul(get(x), L.fma(L.mul(get(x), get(x)), L.c(GELU_C2), L.c(GELU_C1)));

/** gelu(x, y, n): y = x sigmoid(u). */
function geluDef(): FuncDef {
  const f = new Frame();
  const x = f.param("i32"), y = f.param("i32"), n = f.param("i32");
  const tmp = f.scratch(3);
  return f.def("gelu", [
    each(f, get(n), (L, o) => {
      const [xv, t1, t2] = tmp(L);
      return [
        set(xv, L.load(at(x, o))),
        L.store(at(y, o), L.mul(get(xv), sigmoid(L, geluArg(L, xv), t1, t2))),
      ];
    }),
  ]);
}

/** geluGrad(x, dy, dx, n): dx = dy (s + x s (1 - s)(C1 + 3 C2 x^2)), s = sigmoid(u). */
function geluGradDef(): FuncDef {
  const f = new Frame();
  const x = f.param("i32"), dy = f.param("i32"), dx = f.param("i32"), n = f.param("i32");
  const tmp = f.scratch(4);
  return f.def("geluGrad", [
    each(f, get(n), (L, o) => {
      const [xv, sv, t1, t2] = tmp(L);
      const du = L.fma(L.mul(get(xv), get(xv)), L.c(3 * GELU_C2), L.c(GELU_C1));
      return [
        set(xv, L.load(at(x, o))),
        set(sv, sigmoid(L, geluArg(L, xv), t1, t2)),
        L.store(
          at(dx, o),
          L.mul(
            L.load(at(dy, o)),
            L.add(get(sv), L.mul(L.mul(L.mul(get(xv), get(sv)), L.sub(L.c(1), get(sv))), du)),
          ),
        ),
      ];
    }),
  ]);
}

/**
 * Sums `term(L, o)` over a row of `count` floats into the f32 local `out` (four partial sums,
 * then the tail).
 */
function rowSum(
  f: Frame,
  count: Code,
  acc: { v: number; s: number },
  out: number,
  term: (L: Lanes, o: Code) => Code,
): Code {
  return [
    set(acc.v, VECTOR.c(0)),
    set(acc.s, f32(0)),
    each(f, count, (L, o) => {
      const a = L.width === 4 ? acc.v : acc.s;
      return [set(a, L.add(get(a), term(L, o)))];
    }),
    set(out, op("f32.add", VECTOR.hsum(acc.v), get(acc.s))),
  ];
}

/**
 * layerNorm(x, g, b, y, mean, rstd, rows, d, eps): per row of x [rows, d], y = (x - mean) rstd g
 * + b with rstd = 1 / sqrt(var + eps), var the mean square of x - mean; writes mean and rstd
 * [rows] for the backward pass.
 */
function layerNormDef(): FuncDef {
  const f = new Frame();
  const [x, g, b, y, mean, rstd, rows, d] = Array.from({ length: 8 }, () => f.param("i32"));
  const eps = f.param("f32");
  const r = f.local("i32"), row = f.local("i32"), dF = f.local("f32");
  const mu = f.local("f32"), rs = f.local("f32"), sum = f.local("f32");
  const acc = { v: f.local("v128"), s: f.local("f32") };
  const tmp = f.scratch(1);
  const xAt = (o: Code) => op("i32.add", op("i32.add", get(x), get(row)), o);
  const yAt = (o: Code) => op("i32.add", op("i32.add", get(y), get(row)), o);
  return f.def("layerNorm", [
    set(dF, op("f32.convert_i32_s", get(d))),
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, bytes(imul(get(r), get(d)))),
      rowSum(f, get(d), acc, sum, (L, o) => L.load(xAt(o))),
      set(mu, op("f32.div", get(sum), get(dF))),
      rowSum(f, get(d), acc, sum, (L, o) => {
        const [c] = tmp(L);
        return [set(c, L.sub(L.load(xAt(o)), L.splat(get(mu)))), L.mul(get(c), get(c))];
      }),
      set(
        rs,
        op(
          "f32.div",
          f32(1),
          op("f32.sqrt", op("f32.add", op("f32.div", get(sum), get(dF)), get(eps))),
        ),
      ),
      store("f32.store", op("i32.add", get(mean), bytes(get(r))), get(mu)),
      store("f32.store", op("i32.add", get(rstd), bytes(get(r))), get(rs)),
      each(f, get(d), (L, o) => [
        L.store(
          yAt(o),
          L.add(
            L.mul(
              L.mul(L.sub(L.load(xAt(o)), L.splat(get(mu))), L.splat(get(rs))),
              L.load(at(g, o)),
            ),
            L.load(at(b, o)),
          ),
        ),
      ]),
    ),
  ]);
}

/**
 * layerNormGrad(x, g, mean, rstd, dy, dx, dg, db, rows, d): with xhat = (x - mean) rstd and
 * dxhat = dy g, dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) per row; dg = sum over
 * rows of dy xhat, db = sum of dy (both overwritten).
 */
function layerNormGradDef(): FuncDef {
  const f = new Frame();
  const [x, g, mean, rstd, dy, dx, dg, db, rows, d] = Array.from(
    { length: 10 },
    () => f.param("i32"),
  );
  const r = f.local("i32"), row = f.local("i32"), dF = f.local("f32");
  const mu = f.local("f32"), rs = f.local("f32"), a = f.local("f32"), bb = f.local("f32");
  const acc = { v: f.local("v128"), s: f.local("f32") };
  const tmp = f.scratch(2);
  const rowAt = (base: number, o: Code) => op("i32.add", op("i32.add", get(base), get(row)), o);
  const xhat = (L: Lanes, o: Code) =>
    L.mul(L.sub(L.load(rowAt(x, o)), L.splat(get(mu))), L.splat(get(rs)));
  return f.def("layerNormGrad", [
    set(dF, op("f32.convert_i32_s", get(d))),
    each(f, get(d), (L, o) => [L.store(at(dg, o), L.c(0)), L.store(at(db, o), L.c(0))]),
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, bytes(imul(get(r), get(d)))),
      set(mu, load("f32.load", op("i32.add", get(mean), bytes(get(r))))),
      set(rs, load("f32.load", op("i32.add", get(rstd), bytes(get(r))))),
      rowSum(f, get(d), acc, a, (L, o) => L.mul(L.load(rowAt(dy, o)), L.load(at(g, o)))),
      rowSum(
        f,
        get(d),
        acc,
        bb,
        (L, o) => L.mul(L.mul(L.load(rowAt(dy, o)), L.load(at(g, o))), xhat(L, o)),
      ),
      set(a, op("f32.div", get(a), get(dF))),
      set(bb, op("f32.div", get(bb), get(dF))),
      each(f, get(d), (L, o) => {
        const [xh, dyv] = tmp(L);
        return [
          set(xh, xhat(L, o)),
          set(dyv, L.load(rowAt(dy, o))),
          L.store(
            rowAt(dx, o),
            L.mul(
              L.splat(get(rs)),
              L.sub(
                L.sub(L.mul(get(dyv), L.load(at(g, o))), L.splat(get(a))),
                L.mul(get(xh), L.splat(get(bb))),
              ),
            ),
          ),
          L.store(at(dg, o), L.add(L.load(at(dg, o)), L.mul(get(dyv), get(xh)))),
          L.store(at(db, o), L.add(L.load(at(db, o)), get(dyv))),
        ];
      }),
    ),
  ]);
}

/**
 * rotary(x, cos, sin, y, batch, td, hd, half, rd) and rotaryGrad (same arguments, dy in x and dx
 * in y): x is [batch, td] with td = T * nHead * hd; the tables are [td]. Forward, per head:
 * y[k] = x[k] cos[k] + r[k] sin[k] with r = (-x[half..rd), x[0..half), 0...). Backward: dx[j] =
 * dy[j] cos[j] + (dy[j + half] sin[j + half] for j < half, -dy[j - half] sin[j - half] for
 * half <= j < rd).
 */
function rotaryDef(grad: boolean): FuncDef {
  const f = new Frame();
  const [x, cos, sin, y, batch, td, hd, half, rd] = Array.from({ length: 9 }, () => f.param("i32"));
  const bi = f.local("i32"), p = f.local("i32");
  const xb = f.local("i32"), tb = f.local("i32"), yb = f.local("i32");
  const hb = f.local("i32");
  // Addresses of element k0 + o of the current head in x, the tables, y.
  const xa = (k0: Code, o: Code) => op("i32.add", op("i32.add", get(xb), bytes(k0)), o);
  const ta = (base: number, k0: Code, o: Code) =>
    op("i32.add", op("i32.add", op("i32.add", get(base), get(tb)), bytes(k0)), o);
  const ya = (k0: Code, o: Code) => op("i32.add", op("i32.add", get(yb), bytes(k0)), o);
  const plain = (L: Lanes, k0: Code, o: Code) => L.mul(L.load(xa(k0, o)), L.load(ta(cos, k0, o)));
  const zero = i32(0);
  const segments: Code[] = grad
    ? [
      each(f, get(half), (L, o) => [
        L.store(
          ya(zero, o),
          L.add(plain(L, zero, o), L.mul(L.load(xa(get(half), o)), L.load(ta(sin, get(half), o)))),
        ),
      ]),
      each(f, get(hb), (L, o) => [
        L.store(
          ya(get(half), o),
          L.sub(plain(L, get(half), o), L.mul(L.load(xa(zero, o)), L.load(ta(sin, zero, o)))),
        ),
      ]),
    ]
    : [
      each(f, get(half), (L, o) => [
        L.store(
          ya(zero, o),
          L.sub(plain(L, zero, o), L.mul(L.load(xa(get(half), o)), L.load(ta(sin, zero, o)))),
        ),
      ]),
      each(f, get(hb), (L, o) => [
        L.store(
          ya(get(half), o),
          L.add(plain(L, get(half), o), L.mul(L.load(xa(zero, o)), L.load(ta(sin, get(half), o)))),
        ),
      ]),
    ];
  return f.def(grad ? "rotaryGrad" : "rotary", [
    // hb: the length of the second segment, rd - half (= half).
    set(hb, op("i32.sub", get(rd), get(half))),
    forRange(
      bi,
      i32(0),
      get(batch),
      1,
      forRange(
        p,
        i32(0),
        get(td),
        0,
        set(xb, op("i32.add", get(x), bytes(op("i32.add", imul(get(bi), get(td)), get(p))))),
        set(yb, op("i32.add", get(y), bytes(op("i32.add", imul(get(bi), get(td)), get(p))))),
        set(tb, bytes(get(p))),
        ...segments,
        each(f, op("i32.sub", get(hd), get(rd)), (L, o) => [
          L.store(ya(get(rd), o), plain(L, get(rd), o)),
        ]),
        set(p, op("i32.add", get(p), get(hd))),
      ),
    ),
  ]);
}

/** sumSquares(g, n) -> the sum of g^2 (f32). */
function sumSquaresDef(): FuncDef {
  const f = new Frame();
  const g = f.param("i32"), n = f.param("i32");
  const out = f.local("f32");
  const acc = { v: f.local("v128"), s: f.local("f32") };
  const tmp = f.scratch(1);
  return f.def("sumSquares", [
    rowSum(f, get(n), acc, out, (L, o) => {
      const [t] = tmp(L);
      return [set(t, L.load(at(g, o))), L.mul(get(t), get(t))];
    }),
    get(out),
  ], ["f32"]);
}

/**
 * adamW(p, g, m, v, pOut, mOut, vOut, n, coef, b1, omb1, b2, omb2, decay, sqrtBc2, eps, step):
 * in the optimizer's float32 order, g' = g coef, m' = m b1 + g' omb1, v' = v b2 + g'^2 omb2,
 * p' = p decay - m' / (sqrt(v') / sqrtBc2 + eps) step.
 */
function adamWDef(): FuncDef {
  const f = new Frame();
  const [p, g, m, v, pOut, mOut, vOut, n] = Array.from({ length: 8 }, () => f.param("i32"));
  const names = ["coef", "b1", "omb1", "b2", "omb2", "decay", "sqrtBc2", "eps", "step"] as const;
  const sc = Object.fromEntries(names.map((k) => [k, f.param("f32")])) as Record<
    (typeof names)[number],
    number
  >;
  const vc = Object.fromEntries(names.map((k) => [k, f.local("v128")])) as Record<
    (typeof names)[number],
    number
  >;
  const tmp = f.scratch(3);
  const k = (L: Lanes, name: (typeof names)[number]) => get(L.width === 4 ? vc[name] : sc[name]);
  return f.def("adamW", [
    ...names.map((name) => set(vc[name], VECTOR.splat(get(sc[name])))),
    each(f, get(n), (L, o) => {
      const [gg, mm, vv] = tmp(L);
      return [
        set(gg, L.mul(L.load(at(g, o)), k(L, "coef"))),
        L.store(
          at(mOut, o),
          tee(mm, L.add(L.mul(L.load(at(m, o)), k(L, "b1")), L.mul(get(gg), k(L, "omb1")))),
        ),
        L.store(
          at(vOut, o),
          tee(
            vv,
            L.add(
              L.mul(L.load(at(v, o)), k(L, "b2")),
              L.mul(L.mul(get(gg), get(gg)), k(L, "omb2")),
            ),
          ),
        ),
        L.store(
          at(pOut, o),
          L.sub(
            L.mul(L.load(at(p, o)), k(L, "decay")),
            L.mul(
              L.div(get(mm), L.add(L.div(L.sqrt(get(vv)), k(L, "sqrtBc2")), k(L, "eps"))),
              k(L, "step"),
            ),
          ),
        ),
      ];
    }),
  ]);
}

/** colSum(x, out, rows, cols): out = the sum of the rows of x [rows, cols], in row order. */
function colSumDef(): FuncDef {
  const f = new Frame();
  const x = f.param("i32"), out = f.param("i32"), rows = f.param("i32"), cols = f.param("i32");
  const r = f.local("i32"), row = f.local("i32");
  return f.def("colSum", [
    each(f, get(cols), (L, o) => [L.store(at(out, o), L.c(0))]),
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, op("i32.add", get(x), bytes(imul(get(r), get(cols))))),
      each(f, get(cols), (L, o) => [
        L.store(at(out, o), L.add(L.load(at(out, o)), L.load(at(row, o)))),
      ]),
    ),
  ]);
}

/**
 * softmax(x, mask, out, rows, n, period): per row of x [rows, n], out = e^(s - max s) / sum with
 * s = x; softmaxMasked: s = x + mask[r % period] (mask [period, n]). out may be x.
 */
function softmaxDef(masked: boolean): FuncDef {
  const f = new Frame();
  const [x, mask, out, rows, n, period] = Array.from({ length: 6 }, () => f.param("i32"));
  const r = f.local("i32"), row = f.local("i32"), mrow = f.local("i32");
  const mx = f.local("f32"), sum = f.local("f32"), inv = f.local("f32");
  const accV = f.local("v128"), accS = f.local("f32"), mxV = f.local("v128");
  const tmp = f.scratch(3);
  const rowAt = (base: number, o: Code) => op("i32.add", op("i32.add", get(base), get(row)), o);
  const s = (L: Lanes, o: Code) =>
    masked ? L.add(L.load(rowAt(x, o)), L.load(op("i32.add", get(mrow), o))) : L.load(rowAt(x, o));
  return f.def(masked ? "softmaxMasked" : "softmax", [
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, bytes(imul(get(r), get(n)))),
      masked
        ? set(
          mrow,
          op("i32.add", get(mask), bytes(imul(op("i32.rem_u", get(r), get(period)), get(n)))),
        )
        : [],
      set(accV, VECTOR.c(-Infinity)),
      set(accS, f32(-Infinity)),
      each(f, get(n), (L, o) => {
        const a = L.width === 4 ? accV : accS;
        return [set(a, L.clampMax(get(a), s(L, o)))];
      }),
      set(
        mx,
        op(
          "f32.max",
          op(
            "f32.max",
            op("f32.max", lane(get(accV), 0), lane(get(accV), 1)),
            op("f32.max", lane(get(accV), 2), lane(get(accV), 3)),
          ),
          get(accS),
        ),
      ),
      set(mxV, VECTOR.splat(get(mx))),
      set(accV, VECTOR.c(0)),
      set(accS, f32(0)),
      each(f, get(n), (L, o) => {
        const [e, t1, t2] = tmp(L);
        const a = L.width === 4 ? accV : accS;
        return [
          set(e, exp(L, L.sub(s(L, o), get(L.width === 4 ? mxV : mx)), t1, t2)),
          L.store(rowAt(out, o), get(e)),
          set(a, L.add(get(a), get(e))),
        ];
      }),
      set(sum, op("f32.add", VECTOR.hsum(accV), get(accS))),
      set(inv, op("f32.div", f32(1), get(sum))),
      each(f, get(n), (L, o) => [
        L.store(rowAt(out, o), L.mul(L.load(rowAt(out, o)), L.splat(get(inv)))),
      ]),
    ),
  ]);
}

/** softmaxGrad(p, dp, out, rows, n): out = p (dp - sum(p dp)) per row; out may be dp. */
function softmaxGradDef(): FuncDef {
  const f = new Frame();
  const [p, dp, out, rows, n] = Array.from({ length: 5 }, () => f.param("i32"));
  const r = f.local("i32"), row = f.local("i32"), dot = f.local("f32");
  const acc = { v: f.local("v128"), s: f.local("f32") };
  const rowAt = (base: number, o: Code) => op("i32.add", op("i32.add", get(base), get(row)), o);
  return f.def("softmaxGrad", [
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, bytes(imul(get(r), get(n)))),
      rowSum(f, get(n), acc, dot, (L, o) => L.mul(L.load(rowAt(p, o)), L.load(rowAt(dp, o)))),
      each(f, get(n), (L, o) => [
        L.store(
          rowAt(out, o),
          L.mul(L.load(rowAt(p, o)), L.sub(L.load(rowAt(dp, o)), L.splat(get(dot)))),
        ),
      ]),
    ),
  ]);
}

/**
 * xentGrad(p, t, w, out, rows, v, dy): with s = dy w[i], out[i, j] = p[i, j] s, minus s at
 * j = t[i] (t int32, in range): the float32 operations of lmHeadLoss's gradient.
 */
function xentGradDef(): FuncDef {
  const f = new Frame();
  const [p, t, w, out, rows, v] = Array.from({ length: 6 }, () => f.param("i32"));
  const dy = f.param("f32");
  const r = f.local("i32"), row = f.local("i32"), s = f.local("f32"), sv = f.local("v128");
  const target = f.local("i32");
  const rowAt = (base: number, o: Code) => op("i32.add", op("i32.add", get(base), get(row)), o);
  return f.def("xentGrad", [
    forRange(
      r,
      i32(0),
      get(rows),
      1,
      set(row, bytes(imul(get(r), get(v)))),
      set(s, op("f32.mul", get(dy), load("f32.load", op("i32.add", get(w), bytes(get(r)))))),
      set(sv, VECTOR.splat(get(s))),
      each(f, get(v), (L, o) => [
        L.store(rowAt(out, o), L.mul(L.load(rowAt(p, o)), get(L.width === 4 ? sv : s))),
      ]),
      set(target, bytes(load("i32.load", op("i32.add", get(t), bytes(get(r)))))),
      store(
        "f32.store",
        rowAt(out, get(target)),
        op("f32.sub", op("f32.mul", load("f32.load", rowAt(p, get(target))), get(s)), get(s)),
      ),
    ),
  ]);
}

/** The exported kernels; arguments are byte offsets on the heap, counts, and f32 scalars. */
export interface SimdKernels {
  gelu(x: number, y: number, n: number): void;
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  layerNorm(
    x: number,
    g: number,
    b: number,
    y: number,
    mean: number,
    rstd: number,
    rows: number,
    d: number,
    eps: number,
  ): void;
  layerNormGrad(
    x: number,
    g: number,
    mean: number,
    rstd: number,
    dy: number,
    dx: number,
    dg: number,
    db: number,
    rows: number,
    d: number,
  ): void;
  rotary(
    x: number,
    cos: number,
    sin: number,
    y: number,
    batch: number,
    td: number,
    hd: number,
    half: number,
    rd: number,
  ): void;
  rotaryGrad(
    dy: number,
    cos: number,
    sin: number,
    dx: number,
    batch: number,
    td: number,
    hd: number,
    half: number,
    rd: number,
  ): void;
  sumSquares(g: number, n: number): number;
  adamW(
    p: number,
    g: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    coef: number,
    b1: number,
    omb1: number,
    b2: number,
    omb2: number,
    decay: number,
    sqrtBc2: number,
    eps: number,
    step: number,
  ): void;
  colSum(x: number, out: number, rows: number, cols: number): void;
  xentGrad(p: number, t: number, w: number, out: number, rows: number, v: number, dy: number): void;
  softmax(x: number, mask: number, out: number, rows: number, n: number, period: number): void;
  softmaxMasked(
    x: number,
    mask: number,
    out: number,
    rows: number,
    n: number,
    period: number,
  ): void;
  softmaxGrad(p: number, dp: number, out: number, rows: number, n: number): void;
}

/** The module's binary (built once). */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  return assemble([
    geluDef(),
    geluGradDef(),
    layerNormDef(),
    layerNormGradDef(),
    rotaryDef(false),
    rotaryDef(true),
    sumSquaresDef(),
    adamWDef(),
    colSumDef(),
    xentGradDef(),
    softmaxDef(false),
    softmaxDef(true),
    softmaxGradDef(),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels instantiated on `memory` (once per memory). */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels {
  let k = instances.get(memory);
  if (!k) {
    const module = new WebAssembly.Module(simdModuleBytes());
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    k = instance.exports as unknown as SimdKernels;
    instances.set(memory, k);
  }
  return k;
}
