/**
 * msw handlers that answer like a portal from the documented examples: `im.recent.get` returns the
 * documented list, `pin`/`unread`/`hide` return `true`, and the documented errors can be switched
 * on. Use them to test an app against exactly what the docs promise, with no portal and no emulator.
 *
 * ```ts
 * import { Replay } from "@im-recent/contracts"
 * import { setupServer } from "msw/node"
 *
 * const server = setupServer(...Replay.handlers({ baseUrl: "https://demo.bitrix24.test", language: "en" }))
 * server.use(Replay.error("expired_token", { baseUrl: "https://demo.bitrix24.test", once: true }))
 * ```
 *
 * @since 0.1.0
 */
import { ErrorEnvelope } from "@im-recent/domain"
import * as Faults from "@im-recent/emulator/Faults"
import { type HttpHandler, HttpResponse, http } from "msw"
import * as Fixtures from "./Fixtures.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The portal origin the app calls, e.g. `https://demo.bitrix24.test`. */
  readonly baseUrl: string
  /** Which documentation's examples to answer with (default `en`). */
  readonly language?: Fixtures.Language | undefined
}

/** `/rest/<method>`, `/rest/<user>/<code>/<method>`, with an optional `.json`. */
const methodOf = (url: URL): string | undefined => {
  const match = /\/rest\/(?:\d+\/[^/]+\/)?([a-z0-9_.]+?)(?:\.json)?\/?$/i.exec(url.pathname)
  return match?.[1]?.toLowerCase()
}

const restPattern = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, "")}/rest/*`

/** A documented JSON answer, sent as read from its file. */
const documented = (body: unknown, status = 200): Response =>
  new HttpResponse(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/**
 * Handlers for every documented `im.recent.*` example. Anything else under `/rest/` gets the real
 * server's `ERROR_METHOD_NOT_FOUND` (404).
 *
 * @since 0.1.0
 * @category handlers
 */
export const handlers = (options: Options): ReadonlyArray<HttpHandler> => {
  const language = options.language ?? "en"
  return [
    http.all(restPattern(options.baseUrl), ({ request }) => {
      const method = methodOf(new URL(request.url))
      switch (method) {
        case "im.recent.get":
          return documented(Fixtures.recentGet(language))
        case "im.recent.list":
          return documented(Fixtures.recentList(language))
        case "im.recent.pin":
          return documented(Fixtures.recentAction("pin", language))
        case "im.recent.unread":
          return documented(Fixtures.recentAction("unread", language))
        case "im.recent.hide":
          return documented(Fixtures.recentAction("hide", language))
        default:
          return HttpResponse.json(ErrorEnvelope.make("ERROR_METHOD_NOT_FOUND"), { status: 404 })
      }
    })
  ]
}

/**
 * The documented failures a portal can answer with.
 *
 * @since 0.1.0
 * @category models
 */
export type Failure =
  | "INVALID_CREDENTIALS"
  | "expired_token"
  | "QUERY_LIMIT_EXCEEDED"
  | "OPERATION_TIME_LIMIT"
  | "OVERLOAD_LIMIT"
  | "INTERNAL_SERVER_ERROR"
  | "html502"

/**
 * The response of one failure: the documented envelope and status (or nginx's HTML 502 page).
 *
 * @since 0.1.0
 * @category handlers
 */
export const failureResponse = (failure: Failure, language: Fixtures.Language = "en"): Response => {
  if (failure === "html502") {
    return new HttpResponse(Faults.badGatewayPage, { status: 502, headers: { "content-type": "text/html" } })
  }
  if (failure === "INVALID_CREDENTIALS") {
    return documented(Fixtures.invalidCredentials(language), 401)
  }
  const known = ErrorEnvelope.lookup(failure)!
  return HttpResponse.json(ErrorEnvelope.make(known.code), { status: known.status })
}

/**
 * A handler that answers every call under `/rest/` (or only `method`) with a failure; `once`
 * answers just the next call, so a retry then reaches the other handlers.
 *
 * @since 0.1.0
 * @category handlers
 */
export const error = (
  failure: Failure,
  options: Options & { readonly method?: string | undefined; readonly once?: boolean | undefined }
): HttpHandler =>
  http.all(
    restPattern(options.baseUrl),
    ({ request }) => {
      if (options.method !== undefined && methodOf(new URL(request.url)) !== options.method.toLowerCase()) return
      return failureResponse(failure, options.language)
    },
    { once: options.once ?? false }
  )
