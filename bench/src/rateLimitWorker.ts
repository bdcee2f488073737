/**
 * Benchmark 4, in its own process: `calls` concurrent `ImRecent.get` calls through one client whose rate limiter has
 * the emulator's leaky-bucket settings. They all start at once; the client's bucket lets `burst` through and then
 * `drainPerSecond`. No retries: a refused call would fail and be counted here (and on the server).
 *
 * Prints one JSON line: {@link Result}.
 *
 * @since 0.1.0
 */
import { ImRecent } from "@im-recent/client"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Clients from "./internal/clients.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Config {
  readonly webhookUrl: string
  readonly calls: number
  readonly burst: number
  readonly drainPerSecond: number
}

/**
 * Seconds from the first call to the last answer, and the failures by error tag.
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly seconds: number
  readonly succeeded: number
  readonly failures: Readonly<Record<string, number>>
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config
const program = Effect.gen(function* () {
  const recent = yield* ImRecent.ImRecent
  const start = performance.now()
  const outcomes = yield* Effect.forEach(Array.from({ length: config.calls }), () => Effect.either(recent.get()), {
    concurrency: "unbounded"
  })
  const seconds = (performance.now() - start) / 1000
  const failures: Record<string, number> = {}
  for (const outcome of outcomes) {
    if (Either.isLeft(outcome)) failures[outcome.left._tag] = (failures[outcome.left._tag] ?? 0) + 1
  }
  return { seconds, succeeded: outcomes.filter(Either.isRight).length, failures } satisfies Result
})
const result = await Effect.runPromise(
  program.pipe(
    Effect.provide(Clients.oursLayer(config.webhookUrl, { burst: config.burst, drainPerSecond: config.drainPerSecond }))
  )
)
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
