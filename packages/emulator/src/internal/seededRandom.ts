/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every run and
 * platform, and its state is one 32-bit integer, so it fits in a `Ref` and advances atomically.
 *
 * @internal
 */

/**
 * The state for a seed; any finite number is accepted (it is folded into 32 bits).
 *
 * @internal
 */
export const seed = (value: number): number => {
  let h = Math.trunc(value) | 0
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b)
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b)
  return (h ^ (h >>> 16)) | 0
}

/**
 * The next number in `[0, 1)` and the advanced state.
 *
 * @internal
 */
export const next = (state: number): readonly [value: number, state: number] => {
  const advanced = (state + 0x6d2b79f5) | 0
  let t = advanced
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return [((t ^ (t >>> 14)) >>> 0) / 4_294_967_296, advanced]
}
