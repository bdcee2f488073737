import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

/**
 * `Effect.withSpan`, with the span ended on `void` instead of the value when the effect succeeds (failures and
 * interruptions end it as usual). A span keeps its exit, and a response (thousands of decoded items) held by a span
 * that has been promoted to the old generation stays reachable for every minor GC until the next full one: copying
 * it over and over cost about a millisecond per `im.recent.get` call. Exporters read a success exit as "OK" whatever
 * its value.
 */
export const withSpan =
  (name: string, options: Tracer.SpanOptions) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      let value: A
      return Effect.map(
        Effect.withSpan(
          Effect.map(self, (a) => {
            value = a
          }),
          name,
          options
        ),
        () => value
      )
    })
