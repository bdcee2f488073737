/**
 * One REST request, in the portal's order: the rate limit (every HTTP request, before anything is read),
 * injected faults, parameters, authentication, the method (or `batch`), the operating limit, the call, and the
 * envelope with its `time` object.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as Faults from "../Faults.js"
import * as RateLimit from "../RateLimit.js"
import * as BatchCall from "./batchCall.js"
import { type Engine, invoke, operatingAt } from "./callMethod.js"
import { toSeconds } from "./emulatorClock.js"
import * as HttpAuth from "./httpAuth.js"
import {
  badGatewayHtml,
  dropHeader,
  errorBody,
  failure,
  json,
  type RestFailure,
  successBody,
  type Timing,
  timeObject
} from "./httpEnvelope.js"
import { requestParams } from "./httpRequest.js"

/** Where the call came in: a webhook path or the OAuth path. @internal */
export type Route =
  | { readonly kind: "webhook"; readonly userId: string; readonly code: string; readonly method: string }
  | { readonly kind: "oauth"; readonly method: string }

/** Closes the connection without an answer (Node), or marks the answer for the web handler to reject. */
const dropConnection = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.sync(() => {
    const socket = (request.source as { readonly socket?: { readonly destroy?: () => void } }).socket
    if (typeof socket?.destroy === "function") socket.destroy()
    return HttpServerResponse.empty({ status: 500, headers: { [dropHeader]: "1" } })
  })

/** Answers one REST request. @internal */
export const handle = (
  engine: Engine,
  route: Route
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const start = toSeconds(yield* engine.clock.nanos)
    const method = BatchCall.normalizeMethod(route.method)
    let credential: HttpAuth.Credential | undefined
    let truncate = false

    const errorResponse = (error: RestFailure, timing?: Timing) =>
      Effect.gen(function* () {
        const finish = toSeconds(yield* engine.clock.nanos)
        const time = timeObject(
          engine.zone,
          timing ?? { start, finish, processing: 0, operating: yield* operatingAt(engine, credential, method, start) }
        )
        return json(error.status, errorBody(error.code, error.description, time), truncate)
      })

    const served: Effect.Effect<HttpServerResponse.HttpServerResponse, RestFailure> = Effect.gen(function* () {
      const rateLimit = engine.rateLimit
      if (rateLimit !== undefined) {
        const allowed = yield* Ref.modify(engine.bucket, (state) => RateLimit.take(state, start, rateLimit))
        if (!allowed) return yield* failure(503, "QUERY_LIMIT_EXCEEDED")
      }

      const faults = engine.faults
      if (faults !== undefined) {
        const decision = yield* Ref.modify(engine.faultState, (state) => Faults.decide(faults, state, method))
        if (decision.latencyMillis > 0) yield* engine.clock.sleep(decision.latencyMillis)
        switch (decision.fault) {
          case "dropConnection":
            return yield* dropConnection(request)
          case "badGateway":
            return HttpServerResponse.text(badGatewayHtml, { status: 502, contentType: "text/html" })
          case "internalError":
            return yield* failure(500, "INTERNAL_SERVER_ERROR")
          case "overload":
            return yield* failure(503, "OVERLOAD_LIMIT")
          case "truncatedJson":
            truncate = true
            break
        }
      }

      const raw = yield* requestParams(request, engine.limits)
      const state = yield* Ref.get(engine.portal.state)
      const caller = yield* route.kind === "webhook"
        ? HttpAuth.webhook(state, route.userId, route.code, start)
        : HttpAuth.oauth(state, HttpAuth.accessToken(request.headers.authorization, raw), start)
      credential = caller
      const params = HttpAuth.stripTransport(raw)

      if (method === "batch") {
        const outcome = yield* BatchCall.run(engine, caller, params)
        const finish = toSeconds(yield* engine.clock.nanos)
        const operating = yield* operatingAt(engine, caller, method, start)
        return json(
          200,
          successBody(
            outcome.result,
            timeObject(engine.zone, { start, finish, processing: outcome.processing, operating })
          ),
          truncate
        )
      }

      const handler = engine.portal.methods.get(method)
      if (handler === undefined) return yield* failure(404, "ERROR_METHOD_NOT_FOUND")
      if (!HttpAuth.hasScope(caller, handler.scope)) return yield* failure(403, "insufficient_scope")
      const outcome = yield* invoke(engine, caller, method, handler, params)
      if (Either.isLeft(outcome.result)) return yield* errorResponse(outcome.result.left, { ...outcome.timing, start })
      return json(
        200,
        successBody(outcome.result.right, timeObject(engine.zone, { ...outcome.timing, start })),
        truncate
      )
    })

    const response = yield* Effect.catchTag(served, "RestFailure", (error) => errorResponse(error))
    yield* Effect.logDebug("REST call").pipe(
      Effect.annotateLogs({ method, status: response.status, caller: credential?.kind ?? "anonymous" })
    )
    return response
  })
