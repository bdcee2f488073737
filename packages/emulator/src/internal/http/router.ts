/**
 * The emulator's routes: webhook and OAuth REST calls, the OAuth token endpoint, and `NOT_FOUND` for anything else;
 * every answer dated by the portal's clock, a path that does not decode refused, and a defect answered with
 * `INTERNAL_SERVER_ERROR`.
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type { Engine } from "./call.js"
import * as EmulatorClock from "./clock.js"
import { errorBody, json } from "./envelope.js"
import * as OAuthServer from "./oauth.js"
import * as RestPipeline from "./pipeline.js"

const segments = (path: string | undefined): ReadonlyArray<string> =>
  (path ?? "").split("/").filter((segment) => segment !== "")

const routerConfig = { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }

/** Whether a URL's path decodes (the router would throw on `%E0%A4%A`). */
const decodablePath = (url: string): boolean => {
  const end = url.search(/[?#]/)
  try {
    decodeURIComponent(end === -1 ? url : url.slice(0, end))
    return true
  } catch {
    return false
  }
}

/**
 * The emulator's HTTP app over an engine.
 *
 * @internal
 */
export const make = (engine: Engine): Effect.Effect<HttpApp.Default<never, never>> =>
  Effect.map(HttpRouter.toHttpApp(routes(engine)).pipe(HttpRouter.withRouterConfig(routerConfig)), (app) =>
    guarded(engine, app)
  )

/** Webhook calls, OAuth calls (also `/rest/` without a method), the token endpoint, and `NOT_FOUND`. */
const routes = (engine: Engine) => {
  const rest = (route: RestPipeline.Route) => RestPipeline.handle(engine, route)
  return HttpRouter.empty.pipe(
    HttpRouter.all(
      "/rest/:userId/:code/:method",
      Effect.flatMap(HttpRouter.params, (params) =>
        rest({ kind: "webhook", userId: params.userId ?? "", code: params.code ?? "", method: params.method ?? "" })
      )
    ),
    HttpRouter.all(
      "/rest/:method",
      Effect.flatMap(HttpRouter.params, (params) => rest({ kind: "oauth", method: params.method ?? "" }))
    ),
    HttpRouter.all("/oauth/token", OAuthServer.handle(engine)),
    HttpRouter.all("/rest", rest({ kind: "oauth", method: "" })),
    HttpRouter.all(
      "/rest/*",
      Effect.flatMap(HttpRouter.params, (params) => {
        const parts = segments(params["*"])
        return parts.length < 2
          ? rest({ kind: "oauth", method: parts[0] ?? "" })
          : rest({ kind: "webhook", userId: parts[0], code: parts[1], method: parts.slice(2).join("/") })
      })
    ),
    HttpRouter.all("*", Effect.succeed(json(404, errorBody("NOT_FOUND", "Not found"))))
  )
}

const internalError = json(500, errorBody("INTERNAL_SERVER_ERROR", "Internal server error"))
const badPath = json(400, errorBody("INVALID_REQUEST", "The URL path is not valid percent-encoded UTF-8"))

/** The app with a path that does not decode refused, a defect answered with a 500, and the portal's `Date`. */
const guarded = <E>(engine: Engine, app: HttpApp.Default<E, never>): HttpApp.Default<never, never> => {
  // The portal's clock, not the host's, dates every answer (Node keeps a `Date` header that is already set).
  const dated = (response: HttpServerResponse.HttpServerResponse) =>
    Effect.map(engine.clock.nanos, (nanos) =>
      HttpServerResponse.setHeader(response, "date", new Date(EmulatorClock.toMillis(nanos)).toUTCString())
    )
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    decodablePath(request.url) ? app : Effect.succeed(badPath)
  ).pipe(
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.as(
            Effect.logError("The emulator failed to answer a request").pipe(
              Effect.annotateLogs("defect", String(Cause.squash(cause)))
            ),
            internalError
          )
    ),
    Effect.flatMap(dated)
  )
}
