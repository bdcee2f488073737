/**
 * Benchmark 1, in its own process (run with `--expose-gc`): decoding `RecentGet.Response` from the response text,
 * against `JSON.parse` of the same text alone.
 *
 * For each size, three contenders run in alternation: `JSON.parse(text)`; `FastDecode.decodeUnknownEither` of
 * `JSON.parse(text)` (what the client does, with the client's parse options); and the same with the regular
 * `Schema.decodeUnknownSync`, for reference. One sample is the mean time of `repetitions` back-to-back operations
 * (the garbage of one is collected on the next one's time, as in a client that keeps decoding), after a full GC.
 *
 * Prints one JSON line: {@link Result}.
 *
 * @since 0.1.0
 */
import { FastDecode, RecentGet } from "@im-recent/domain"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Payload from "./internal/payload.js"
import { collectGarbage, interleave } from "./internal/stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly sizes: ReadonlyArray<number>
  readonly rounds: number
  readonly warmup: number
  /** Operations per sample: about this many items in total. */
  readonly itemsPerSample: number
}

/**
 * Per size: the text's UTF-8 size and the samples (milliseconds per operation) of each contender.
 *
 * @since 0.1.0
 * @category models
 */
export type Result = ReadonlyArray<{
  readonly items: number
  readonly bytes: number
  readonly repetitions: number
  readonly parse: ReadonlyArray<number>
  readonly fast: ReadonlyArray<number>
  readonly regular: ReadonlyArray<number>
}>

/** The client's options (see `packages/client/src/internal/http.ts`). */
const options = { errors: "all", onExcessProperty: "ignore" } as const

const config = JSON.parse(process.argv[2] ?? "{}") as Config
const texts = await Payload.responses(config.sizes)
const fast = FastDecode.decodeUnknownEither(RecentGet.Response, options)
const regular = Schema.decodeUnknownSync(RecentGet.Response, options)

const timed = (repetitions: number, operation: () => unknown) => (): number => {
  collectGarbage()
  const start = performance.now()
  for (let i = 0; i < repetitions; i++) operation()
  return (performance.now() - start) / repetitions
}

const result: Array<Result[number]> = []
for (const items of config.sizes) {
  const text = texts.get(items)!
  const check = fast(JSON.parse(text))
  if (Either.isLeft(check) || check.right.result.length !== items) throw new Error("the payload does not decode")
  const repetitions = Math.max(1, Math.round(config.itemsPerSample / items))
  const samples = await interleave(
    {
      parse: timed(repetitions, () => JSON.parse(text)),
      fast: timed(repetitions, () => fast(JSON.parse(text))),
      regular: timed(repetitions, () => regular(JSON.parse(text)))
    },
    config
  )
  result.push({ items, bytes: Buffer.byteLength(text), repetitions, ...samples })
}
process.stdout.write(`${JSON.stringify(result)}\n`)
