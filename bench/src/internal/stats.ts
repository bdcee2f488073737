/**
 * Side-by-side measurement: two (or more) contenders are run in alternation, one run each per round, so that drift
 * of the machine (other processes, CPU frequency, heap growth) reaches them alike; each figure is the median over
 * the rounds, and a ratio is the median of the per-round ratios.
 *
 * @since 0.1.0
 */

/**
 * Median, minimum and maximum of some samples.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const summarize = (samples: ReadonlyArray<number>): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length }
}

/**
 * Runs `rounds` rounds after `warmup` unrecorded ones; each round runs every contender once, the order alternating
 * from round to round (A B, B A, …). Returns each contender's samples.
 *
 * @since 0.1.0
 * @category measuring
 */
export const interleave = async <K extends string>(
  contenders: Readonly<Record<K, () => Promise<number> | number>>,
  options: { readonly rounds: number; readonly warmup: number }
): Promise<Record<K, Array<number>>> => {
  const names = Object.keys(contenders) as Array<K>
  const samples = Object.fromEntries(names.map((name) => [name, [] as Array<number>])) as Record<K, Array<number>>
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const value = await contenders[name]()
      if (round >= options.warmup) samples[name].push(value)
    }
  }
  return samples
}

/**
 * The per-round ratios `a[i] / b[i]`.
 *
 * @since 0.1.0
 * @category measuring
 */
export const ratios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Array<number> =>
  a.map((value, i) => value / b[i]!)

/**
 * Rounds to `digits` significant-looking decimals for the report (keeps `results/latest.json` small and readable).
 *
 * @since 0.1.0
 * @category formatting
 */
export const round = (value: number, digits = 3): number => Number(value.toFixed(digits))

/**
 * A summary with rounded figures.
 *
 * @since 0.1.0
 * @category formatting
 */
export const rounded = (summary: Summary, digits = 3): Summary => ({
  median: round(summary.median, digits),
  min: round(summary.min, digits),
  max: round(summary.max, digits),
  runs: summary.runs
})

/**
 * Calls `gc()` when the process runs with `--expose-gc`, so that one contender's garbage is not collected on the
 * next one's time.
 *
 * @since 0.1.0
 * @category measuring
 */
export const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
}
