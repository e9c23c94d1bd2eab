/**
 * A small seeded PRNG (sfc32 seeded through splitmix32) so that the same seed gives the same bytes
 * on every machine. `Math.random` is never used by the toolkit.
 * @module
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Serializable RNG state (four 32-bit words), e.g. for checkpoints. */
export type RngState = [number, number, number, number];

/** A deterministic random number generator. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Seed with a non-negative integer; `stream` derives independent generators from one seed. */
  constructor(seed: number, stream = 0) {
    if (!Number.isInteger(seed) || seed < 0) {
      throw new RangeError(`Rng seed must be a non-negative integer, got ${seed}`);
    }
    const sm = splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2f)) >>> 0);
    this.#a = sm();
    this.#b = sm();
    this.#c = sm();
    this.#d = sm();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }

  /** Standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The current state, to resume the exact stream later. */
  getState(): RngState {
    // Words are kept as unsigned so a state compares equal after a JSON round trip.
    return [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
  }

  /** Restores a state from `getState`. */
  setState(s: RngState): void {
    [this.#a, this.#b, this.#c, this.#d] = s.map((x) => x >>> 0) as RngState;
  }
}
