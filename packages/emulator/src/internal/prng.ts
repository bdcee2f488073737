/**
 * A seeded pseudo-random generator (sfc32 seeded through splitmix32) for the portal generator: the same seed gives the
 * same sequence on every run and platform.
 *
 * @internal
 */

const splitmix32 = (seed: number): (() => number) => {
  let state = seed | 0
  return () => {
    state = (state + 0x9e3779b9) | 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

/**
 * @internal
 */
export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor(seed: number) {
    const mix = splitmix32(Math.trunc(seed) ^ Math.trunc(seed / 4_294_967_296))
    this.a = mix()
    this.b = mix()
    this.c = mix()
    this.d = mix()
    for (let i = 0; i < 12; i++) this.next()
  }
  /** A number in `[0, 1)`. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4_294_967_296
  }
  /** An integer in `[min, max]`. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  chance(probability: number): boolean {
    return this.next() < probability
  }
  pick<A>(items: ReadonlyArray<A>): A {
    return items[Math.floor(this.next() * items.length)]
  }
  /** A random subset of `count` items, in random order. */
  sample<A>(items: ReadonlyArray<A>, count: number): Array<A> {
    const copy = [...items]
    const n = Math.min(count, copy.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i))
      const tmp = copy[i]
      copy[i] = copy[j]
      copy[j] = tmp
    }
    return copy.slice(0, n)
  }
  /** A string of `length` characters from `alphabet`. */
  string(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    let s = ""
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]
    return s
  }
}
