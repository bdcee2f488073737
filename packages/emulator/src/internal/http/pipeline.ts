/**
 * One REST request, in the portal's order (`rest.server` component, `CRestServer::process`): the rate limit (every
 * HTTP request, before anything is read), injected faults, the parameters (`CRestUtil::getRequestData`), the method
 * (an unknown one is `ERROR_METHOD_NOT_FOUND` whatever the credentials), authentication with the method's scope, the
 * operating limit, the call (or `batch`), and the answer in the path's transport (`.json` or `.xml`) with the
 * headers of `CRestUtil::sendHeaders`. What the server silently ignored is logged as one warning line (secrets masked,
 * each note and the line bounded).
 *
 * A browser's CORS preflight (an `OPTIONS` with `Access-Control-Request-Method`) carries no credentials: it is
 * answered at once with 200, an empty body and those headers, before the rate limit, the faults and the credentials
 * (the PHP source has no preflight branch and would refuse it with 401 on the OAuth path, yet browser apps on real
 * portals get through). A bare `OPTIONS` still runs like a `GET`.
 *
 * @internal
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { RateLimit } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as LogLevel from "effect/LogLevel"
import * as Ref from "effect/Ref"
import * as Faults from "../../Faults.js"
import type * as PhpQuery from "../../PhpQuery.js"
import * as HttpAuth from "./auth.js"
import * as BatchCall from "./batch.js"
import { type Engine, invoke, operatingAt } from "./call.js"
import { toSeconds } from "./clock.js"
import {
  dropHeader,
  errorBody,
  failure,
  type RestFailure,
  restAnswer,
  restHeaders,
  successBody,
  type Transport,
  timeObject
} from "./envelope.js"
import * as Redact from "./redact.js"
import { requestParams } from "./request.js"
import * as ServerErrors from "./serverErrors.js"

/** Where the call came in: a webhook path or the OAuth path. @internal */
export type Route =
  | { readonly kind: "webhook"; readonly userId: string; readonly code: string; readonly method: string }
  | { readonly kind: "oauth"; readonly method: string }

/**
 * The method and transport of a path's last segment, as the `rest.server` component reads them: lower-cased, and a
 * `json` / `xml` suffix after the last dot (not at position 0) chooses the transport and is cut off.
 *
 * @internal
 */
export const methodPath = (raw: string): { readonly method: string; readonly transport: Transport } => {
  const lower = raw.toLowerCase()
  const point = lower.lastIndexOf(".")
  const suffix = point > 0 ? lower.slice(point + 1) : ""
  return suffix === "json" || suffix === "xml"
    ? { method: lower.slice(0, point), transport: suffix }
    : { method: lower, transport: "json" }
}

/** Closes the connection without an answer (Node), or marks the answer for the web handler to reject. */
const dropConnection = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.sync(() => {
    const socket = (request.source as { readonly socket?: { readonly destroy?: () => void } }).socket
    if (typeof socket?.destroy === "function") socket.destroy()
    return HttpServerResponse.empty({ status: 500, headers: { [dropHeader]: "1" } })
  })

/** Whether a request is a browser's CORS preflight rather than a call. @internal */
export const isPreflight = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined

const preflightAnswer = HttpServerResponse.empty({ status: 200, headers: restHeaders })

/** Answers one REST request. @internal */
export const handle = (
  engine: Engine,
  route: Route
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    if (isPreflight(request)) return preflightAnswer
    const start = toSeconds(yield* engine.clock.nanos)
    const { method, transport } = methodPath(route.method)
    const notes: Array<string> = []
    let credential: HttpAuth.Credential | undefined
    let sent: PhpQuery.Params = {}
    let truncate = false

    const errorResponse = (error: RestFailure) =>
      restAnswer(transport, error.status, errorBody(error.code, error.description), truncate)

    const served: Effect.Effect<HttpServerResponse.HttpServerResponse, RestFailure> = Effect.gen(function* () {
      const rateLimit = engine.rateLimit
      if (rateLimit !== undefined) {
        const allowed = yield* Ref.modify(engine.bucket, (state) => RateLimit.take(state, start * 1000, rateLimit))
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
            return HttpServerResponse.text(Faults.badGatewayPage, { status: 502, contentType: "text/html" })
          case "internalError":
            return yield* failure(500, "INTERNAL_SERVER_ERROR")
          case "overload":
            return yield* ServerErrors.overloadLimit()
          case "truncatedJson":
            truncate = true
            break
        }
      }

      const read = yield* requestParams(request, engine.limits)
      notes.push(...read.notes)
      const raw = read.params
      sent = raw

      const handler = engine.portal.methods.get(method)
      if (method !== "batch" && handler === undefined) return yield* ServerErrors.methodNotFound()
      // `batch` is in the global scope, which every credential has
      const scope = handler?.scope ?? ""
      const state = yield* Ref.get(engine.portal.state)
      const token = HttpAuth.accessToken(request.headers.authorization, raw)
      const hookParams = route.kind === "oauth" && token === undefined ? HttpAuth.webhookParams(raw) : undefined
      const caller = yield* route.kind === "webhook"
        ? HttpAuth.webhook(state, route.userId, route.code, scope, start)
        : hookParams !== undefined
          ? HttpAuth.webhook(state, hookParams.userId, hookParams.code, scope, start)
          : HttpAuth.oauth(state, yield* Ref.get(engine.retiredTokens), token, scope, start)
      credential = caller
      const params = HttpAuth.stripTransport(raw)

      if (handler === undefined) {
        const outcome = yield* BatchCall.run(engine, caller, params)
        notes.push(...outcome.notes)
        const finish = toSeconds(yield* engine.clock.nanos)
        const operating = yield* operatingAt(engine, caller, method, start)
        const time = timeObject(engine.zone, { start, finish, processing: outcome.processing, operating })
        return restAnswer(transport, 200, successBody(outcome.result, time), truncate)
      }

      const outcome = yield* invoke(engine, caller, method, handler, params)
      notes.push(...outcome.notes)
      if (Either.isLeft(outcome.result)) return errorResponse(outcome.result.left)
      const time = timeObject(engine.zone, { ...outcome.timing, start })
      return restAnswer(transport, 200, successBody(outcome.result.right, time), truncate)
    })

    const response = yield* Effect.catchTag(served, "RestFailure", (error) => Effect.succeed(errorResponse(error)))
    // A log line never shows a secret (the portal's, or one this request carried), nor an unbounded echo of it.
    const secrets = Effect.gen(function* () {
      const state = yield* Ref.get(engine.portal.state)
      return [
        ...Redact.stateSecrets(state, yield* Ref.get(engine.retiredTokens)),
        ...(route.kind === "webhook" ? [route.code] : []),
        ...Redact.urlSecrets(request.url),
        ...Redact.paramSecrets(sent),
        ...(request.headers.authorization === undefined ? [] : [request.headers.authorization])
      ]
    })
    const shown = (secrets: ReadonlyArray<string>) =>
      method === "" ? "/rest/" : Redact.excerpt(method, Redact.maxValue, secrets)
    if (notes.length > 0) {
      yield* Effect.whenLogLevel(
        Effect.flatMap(secrets, (masked) => {
          const text = notes.map((note) => Redact.excerpt(note, Redact.maxNote, masked)).join("; ")
          return Effect.logWarning(Redact.line(`${shown(masked)}: ${text}`, masked))
        }),
        LogLevel.Warning
      )
    }
    yield* Effect.whenLogLevel(
      Effect.flatMap(secrets, (masked) =>
        Effect.logDebug("REST call").pipe(
          Effect.annotateLogs({
            method: shown(masked),
            status: response.status,
            caller: credential?.kind ?? "anonymous"
          })
        )
      ),
      LogLevel.Debug
    )
    return response
  })
