/**
 * The emulator's routes: webhook and OAuth REST calls, the OAuth token endpoint, the portal pages that frame the
 * application (`internal/frame`), and `NOT_FOUND` for anything else;
 * every answer dated by the portal's clock, a path that does not decode refused, and a defect answered with
 * `INTERNAL_SERVER_ERROR` (and logged with the request's method and path, secrets masked).
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Frames from "../frame/frames.js"
import type { Engine } from "./call.js"
import * as EmulatorClock from "./clock.js"
import { errorBody, json } from "./envelope.js"
import * as OAuthServer from "./oauth.js"
import * as RestPipeline from "./pipeline.js"
import * as Redact from "./redact.js"

const segments = (path: string | undefined): ReadonlyArray<string> =>
  (path ?? "").split("/").filter((segment) => segment !== "")

/**
 * No limit on a segment's length (find-my-way's default of 100 fails the whole lookup, `RouteNotFound`, past it): a
 * long method name or webhook code reaches the REST pipeline and gets the server's answer; the URL as a whole is
 * bounded by `maxUrlLength` (414).
 */
const routerConfig = {
  ignoreTrailingSlash: true,
  ignoreDuplicateSlashes: true,
  maxParamLength: Number.MAX_SAFE_INTEGER
}

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
  Effect.flatMap(Frames.make(engine), (frames) =>
    Effect.map(HttpRouter.toHttpApp(routes(engine, frames)).pipe(HttpRouter.withRouterConfig(routerConfig)), (app) =>
      guarded(engine, app)
    )
  )

/**
 * Webhook calls, OAuth calls (also `/rest/` without a method), the token endpoint, the portal pages that frame the
 * application, and `NOT_FOUND`.
 */
const routes = (engine: Engine, frames: Frames.Frames) => {
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
    HttpRouter.get("/marketplace/app/:appId", frames.appPage),
    HttpRouter.get("/placement/:placement", frames.placementPage),
    HttpRouter.post("/marketplace/frame", frames.endpoint),
    HttpRouter.all("*", Effect.succeed(json(404, errorBody("NOT_FOUND", "Not found"))))
  )
}

const internalError = json(500, errorBody("INTERNAL_SERVER_ERROR", "Internal server error"))
const badPath = json(400, errorBody("INVALID_REQUEST", "The URL path is not valid percent-encoded UTF-8"))

/** The defect's line: the request's method and path and the defect, secrets masked and bounded. */
const logDefect = (engine: Engine, cause: Cause.Cause<unknown>) =>
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const state = yield* Ref.get(engine.portal.state)
    const secrets = [
      ...Redact.stateSecrets(state, yield* Ref.get(engine.retiredTokens)),
      ...Redact.urlSecrets(request.url)
    ]
    yield* Effect.logError("The emulator failed to answer a request").pipe(
      Effect.annotateLogs({
        request: Redact.target(request.method, request.url, secrets),
        defect: Redact.line(String(Cause.squash(cause)), secrets)
      })
    )
  })

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
        : Effect.as(logDefect(engine, cause), internalError)
    ),
    Effect.flatMap(dated)
  )
}
