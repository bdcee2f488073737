/**
 * Apps inside a Bitrix24 portal page: the frame transport. An application page (or a placement such as
 * `IM_SIDEBAR`) runs in an `iframe` of the portal and gets its authorization from the parent window over
 * `postMessage`, as BX24.js and `B24Frame` do; with this module `ImRecent`, `ImMessenger` and `ImBatch` run there
 * with the frame's user, on the whole `Bitrix24` transport (rate limit, operating budget, retries, typed errors).
 *
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { ImRecent } from "@im-recent/client"
 * import * as Frame from "@im-recent/client/Frame"
 *
 * const AppLive = ImRecent.layer.pipe(Layer.provideMerge(Frame.layer()), Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * - The portal is found in `window.name` (`DOMAIN|PROTOCOL|APP_SID`, as the portal names the frame), or in the page's
 *   query (`DOMAIN`, `PROTOCOL`, `APP_SID`). Its origin is `https://DOMAIN` (`http` when `PROTOCOL` is `0`, for loopback
 *   hosts only, as everywhere in the client).
 * - Commands go to `window.parent` as `command:params:callback:APP_SID` with the portal's origin as the target;
 *   answers come back as `callback:json`. A message from any other origin or window is ignored (one warning per
 *   origin), and so is an answer to no pending command.
 * - The credential is the frame's `AUTH_ID`, sent as `auth` in the JSON body of `POST <portal>/rest/<method>`. It is
 *   renewed by asking the parent (`refreshAuth`, one request however many calls need it) when its `AUTH_EXPIRES` has
 *   passed and when the portal answers `expired_token`, then the call is sent again.
 * - The transport sends no `X-Request-Id` and no `User-Agent` from a frame: a portal's CORS answer allows only
 *   `origin, content-type, accept`, so a browser would refuse the call (the request id is still on every error).
 *
 * Nothing here needs Node: it runs in any browser with `fetch` and `postMessage`.
 *
 * @since 0.1.0
 */

import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientModule from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Bitrix24 from "./Bitrix24.js"
import * as Bitrix24Auth from "./Bitrix24Auth.js"
import { parseBase } from "./internal/endpoint.js"
import { makeMasker } from "./internal/secrets.js"

/**
 * The parent window, as the frame sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParentWindow {
  postMessage(message: unknown, targetOrigin: string): void
}

/**
 * A `message` event, as the frame reads it.
 *
 * @since 0.1.0
 * @category models
 */
export interface FrameMessage {
  readonly origin: string
  readonly data: unknown
  readonly source?: unknown
}

/**
 * What the transport uses of the frame's `window` (the browser's `window` is one).
 *
 * @since 0.1.0
 * @category models
 */
export interface FrameWindow {
  readonly name: string
  readonly location: { readonly search: string }
  readonly parent: ParentWindow
  addEventListener(type: "message", listener: (event: FrameMessage) => void): void
  removeEventListener(type: "message", listener: (event: FrameMessage) => void): void
}

/**
 * The frame cannot talk to its portal: the page is not inside a portal frame (`NotInFrame`), the portal's address
 * cannot be used (`InvalidPortal`), the portal did not answer a command in time (`Timeout`), or answered with
 * something that is not what the command returns (`BadAnswer`). Never carries a token.
 *
 * @since 0.1.0
 * @category errors
 */
export class FrameError extends Schema.TaggedError<FrameError>("@im-recent/client/FrameError")("FrameError", {
  reason: Schema.Literal("NotInFrame", "InvalidPortal", "Timeout", "BadAnswer"),
  command: Schema.optional(Schema.String),
  description: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return this.command === undefined ? this.description : `${this.command}: ${this.description}`
  }
}

const NumberLike = Schema.Union(Schema.Number, Schema.NumberFromString)

/** A PHP array: an object, or `[]` when empty (any array reads as `{}`). */
const PhpRecord = Schema.transform(
  Schema.Union(Schema.Record({ key: Schema.String, value: Schema.Unknown }), Schema.Array(Schema.Unknown)),
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  {
    strict: true,
    decode: (value) => (Array.isArray(value) ? {} : (value as Readonly<Record<string, unknown>>)),
    encode: (value) => value
  }
)

const record = () => Schema.optionalWith(PhpRecord, { default: () => ({}) })
const flag = () => Schema.optionalWith(Schema.Boolean, { default: () => false })

/**
 * The answer to `getInitData`: the portal, the user's tokens (`Redacted`), the options and the placement.
 * `AUTH_EXPIRES` is in seconds from the answer.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InitData = Schema.Struct({
  DOMAIN: Schema.String,
  PROTOCOL: NumberLike,
  LANG: Schema.optionalWith(Schema.String, { default: () => "en" }),
  AUTH_ID: Schema.Redacted(Schema.String),
  AUTH_EXPIRES: NumberLike,
  REFRESH_ID: Schema.Redacted(Schema.String),
  MEMBER_ID: Schema.optionalWith(Schema.String, { default: () => "" }),
  IS_ADMIN: flag(),
  APP_OPTIONS: record(),
  USER_OPTIONS: record(),
  PLACEMENT: Schema.optionalWith(Schema.String, { default: () => "DEFAULT" }),
  PLACEMENT_OPTIONS: record(),
  INSTALL: flag(),
  FIRST_RUN: flag()
}).annotations({ identifier: "InitData" })

/**
 * @since 0.1.0
 * @category models
 */
export interface InitData extends Schema.Schema.Type<typeof InitData> {}

/**
 * The answer to `refreshAuth`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RefreshAnswer = Schema.Struct({
  AUTH_ID: Schema.Redacted(Schema.String),
  AUTH_EXPIRES: NumberLike,
  REFRESH_ID: Schema.Redacted(Schema.String)
}).annotations({ identifier: "RefreshAnswer" })

/**
 * The frame's current authorization. `generation` increases with every renewal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Auth {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly expiresAt: DateTime.Utc
  readonly generation: number
}

/**
 * How a command waits for its answer: `timeout` (default: the layer's), or `safely` — done at the answer or after
 * 900 ms without one, as B24Frame does for commands a portal may leave unanswered.
 *
 * @since 0.1.0
 * @category models
 */
export interface SendOptions {
  readonly timeout?: Duration.DurationInput | undefined
  readonly safely?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The portal's origin (`https://your-company.bitrix24.com`). */
  readonly portal: string
  readonly appSid: string
  /** The start data (`getInitData`), as the portal sent it when the frame connected. */
  readonly init: InitData
  /** The placement the application was opened from (`DEFAULT` for its own page) and its options. */
  readonly placement: string
  readonly placementOptions: Readonly<Record<string, unknown>>
  /** Sends a command to the portal and waits for its answer (the decoded JSON; `undefined` for none). */
  readonly send: (
    command: string,
    params?: Readonly<Record<string, unknown>> | string,
    options?: SendOptions
  ) => Effect.Effect<unknown, FrameError>
  /** The current authorization. */
  readonly auth: Effect.Effect<Auth>
  /** Asks the portal for a new token (`refreshAuth`); one request however many fibers ask at once. */
  readonly refreshAuth: Effect.Effect<Auth, FrameError>
  readonly resizeWindow: (width: number | string, height: number | string) => Effect.Effect<void, FrameError>
  readonly setTitle: (title: string) => Effect.Effect<void, FrameError>
  readonly setScroll: (scroll: number) => Effect.Effect<void, FrameError>
  readonly reloadWindow: Effect.Effect<void, FrameError>
  readonly setAppOption: (name: string, value: string) => Effect.Effect<void, FrameError>
  readonly setUserOption: (name: string, value: string) => Effect.Effect<void, FrameError>
  /** Opens the application in a slider with `params` as its `PLACEMENT_OPTIONS`; done when the slider closes. */
  readonly openApplication: (params?: Readonly<Record<string, unknown>>) => Effect.Effect<void, FrameError>
  readonly closeApplication: Effect.Effect<void, FrameError>
  readonly imOpenMessenger: (dialogId: string, messageId?: number) => Effect.Effect<void, FrameError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Frame extends Context.Tag("@im-recent/client/Frame")<Frame, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The frame's window (default: the global `window`). */
  readonly window?: FrameWindow | undefined
  /** How long a command waits for the portal's answer (default 10 s, as B24Frame waits for `refreshAuth`). */
  readonly timeout?: Duration.DurationInput | undefined
}

/** Where the portal is: from `window.name`, else from the page's query. */
const locate = (win: FrameWindow): Either.Either<{ domain: string; protocol: string; appSid: string }, FrameError> => {
  const [domain = "", protocol = "", appSid = ""] = win.name.split("|")
  if (domain !== "" && appSid !== "") return Either.right({ domain, protocol, appSid })
  const query = new URLSearchParams(win.location.search)
  const fromQuery = {
    domain: query.get("DOMAIN") ?? "",
    protocol: query.get("PROTOCOL") ?? "",
    appSid: query.get("APP_SID") ?? ""
  }
  if (fromQuery.domain !== "" && fromQuery.appSid !== "") return Either.right(fromQuery)
  return Either.left(
    new FrameError({
      reason: "NotInFrame",
      description:
        "this page is not inside a Bitrix24 portal frame: window.name is not DOMAIN|PROTOCOL|APP_SID and the URL has no DOMAIN and APP_SID"
    })
  )
}

const randomKey = (): string => {
  const bytes = new Uint8Array(8)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
}

/** Origins warned about, at most; past it a new foreign origin is ignored without a warning. */
const maxWarnedOrigins = 50

/** The token values of an answer, whatever their type, to mask out of a description of it. */
const tokensIn = (value: unknown): ReadonlyArray<string> =>
  typeof value === "object" && value !== null
    ? ["AUTH_ID", "REFRESH_ID"].flatMap((key) => {
        const token = (value as Record<string, unknown>)[key]
        return typeof token === "string" || typeof token === "number" ? [String(token)] : []
      })
    : []

const decodeAnswer = <A, I>(schema: Schema.Schema<A, I, never>, command: string, value: unknown) =>
  Effect.mapError(Schema.decodeUnknown(schema, { errors: "all" })(value), (error) => {
    const mask = makeMasker(() => tokensIn(value))
    return new FrameError({
      reason: "BadAnswer",
      command,
      description: mask(
        `the portal's answer is not what ${command} returns: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
      )
    })
  })

/**
 * Connects to the portal: listens for its messages (until the scope closes) and asks for the start data.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, FrameError, Scope.Scope> =>
  Effect.gen(function* () {
    const win = options?.window ?? (globalThis as { readonly window?: FrameWindow }).window
    if (win === undefined) {
      return yield* new FrameError({
        reason: "NotInFrame",
        description: "there is no window: this is not a browser page"
      })
    }
    const where = yield* locate(win)
    const scheme = where.protocol === "0" ? "http" : "https"
    const portal = yield* Either.mapLeft(
      parseBase(`${scheme}://${where.domain}`, "The portal's address in the frame"),
      (error) => new FrameError({ reason: "InvalidPortal", description: error.description })
    )
    const origin = portal.origin
    const defaultTimeout = Duration.decode(options?.timeout ?? Duration.seconds(10))
    const runtime = yield* Effect.runtime<never>()
    const scope = yield* Effect.scope
    const pending = new Map<string, Deferred.Deferred<unknown, FrameError>>()
    const warned = new Set<string>()
    let counter = 0

    const onMessage = (event: FrameMessage) => {
      if (
        event.origin !== origin ||
        (event.source !== undefined && event.source !== null && event.source !== win.parent)
      ) {
        if (!warned.has(event.origin) && warned.size < maxWarnedOrigins) {
          warned.add(event.origin)
          Runtime.runFork(runtime)(
            Effect.logWarning("Frame: ignored a message that is not from the portal").pipe(
              Effect.annotateLogs({ origin: event.origin, portal: origin })
            )
          )
        }
        return
      }
      if (typeof event.data !== "string") return
      const colon = event.data.indexOf(":")
      const key = colon === -1 ? event.data : event.data.slice(0, colon)
      const deferred = pending.get(key)
      if (deferred === undefined) return
      pending.delete(key)
      const payload = colon === -1 ? "" : event.data.slice(colon + 1)
      if (payload === "") {
        Deferred.unsafeDone(deferred, Exit.succeed(undefined))
        return
      }
      try {
        Deferred.unsafeDone(deferred, Exit.succeed(JSON.parse(payload)))
      } catch {
        Deferred.unsafeDone(
          deferred,
          Exit.fail(new FrameError({ reason: "BadAnswer", description: "the portal's answer is not JSON" }))
        )
      }
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => win.addEventListener("message", onMessage)),
      () => Effect.sync(() => win.removeEventListener("message", onMessage))
    )

    const send = (
      command: string,
      params?: Readonly<Record<string, unknown>> | string,
      sendOptions?: SendOptions
    ): Effect.Effect<unknown, FrameError> => {
      const key = `${randomKey()}${(counter++).toString(36)}`
      return Effect.gen(function* () {
        const deferred = yield* Deferred.make<unknown, FrameError>()
        pending.set(key, deferred)
        const encoded =
          params === undefined
            ? ""
            : typeof params === "string"
              ? params
              : Object.keys(params).length === 0
                ? ""
                : JSON.stringify(params)
        const message = command.includes(":")
          ? { method: command, params: params ?? "", callback: key, appSid: where.appSid }
          : [command, encoded, key, where.appSid].filter((part) => part !== "").join(":")
        yield* Effect.logDebug("Frame: sent a command to the portal").pipe(
          Effect.annotateLogs({ command, callback: key })
        )
        win.parent.postMessage(message, origin)
        const answer = Deferred.await(deferred)
        if (sendOptions?.safely === true) {
          return yield* Effect.timeoutTo(answer, {
            duration: Duration.millis(900),
            onSuccess: (value) => value,
            onTimeout: () => undefined
          })
        }
        const timeout = Duration.decode(sendOptions?.timeout ?? defaultTimeout)
        if (!Duration.isFinite(timeout)) return yield* answer
        return yield* Effect.timeoutFail(answer, {
          duration: timeout,
          onTimeout: () =>
            new FrameError({
              reason: "Timeout",
              command,
              description: `the portal did not answer within ${Duration.format(timeout)}`
            })
        })
      }).pipe(Effect.ensuring(Effect.sync(() => pending.delete(key))))
    }

    const init = yield* Effect.flatMap(send("getInitData"), (answer) => decodeAnswer(InitData, "getInitData", answer))
    const expiry = (seconds: number) =>
      Effect.map(Clock.currentTimeMillis, (now) => DateTime.unsafeMake(now + seconds * 1000))
    let current: Auth = {
      accessToken: init.AUTH_ID,
      refreshToken: init.REFRESH_ID,
      expiresAt: yield* expiry(init.AUTH_EXPIRES),
      generation: 0
    }
    let inflight: Deferred.Deferred<Auth, FrameError> | undefined

    const renewal = (deferred: Deferred.Deferred<Auth, FrameError>) =>
      send("refreshAuth").pipe(
        Effect.flatMap((answer) => decodeAnswer(RefreshAnswer, "refreshAuth", answer)),
        Effect.flatMap((answer) =>
          Effect.map(
            expiry(answer.AUTH_EXPIRES),
            (expiresAt): Auth => ({
              accessToken: answer.AUTH_ID,
              refreshToken: answer.REFRESH_ID,
              expiresAt,
              generation: current.generation + 1
            })
          )
        ),
        Effect.tap((auth) =>
          Effect.sync(() => {
            current = auth
          })
        ),
        Effect.onExit((exit) =>
          Effect.zipRight(
            Effect.sync(() => {
              inflight = undefined
            }),
            Deferred.done(deferred, exit)
          )
        )
      )

    const refreshAuth: Effect.Effect<Auth, FrameError> = Effect.suspend(() => {
      if (inflight !== undefined) return Deferred.await(inflight)
      const deferred = Deferred.unsafeMake<Auth, FrameError>(FiberId.none)
      inflight = deferred
      // forked into the frame's scope: one caller's interruption must not cancel everyone's renewal
      return Effect.zipRight(Effect.forkIn(renewal(deferred), scope), Deferred.await(deferred))
    })

    const safely = (command: string, params?: Readonly<Record<string, unknown>>) =>
      Effect.asVoid(send(command, params, { safely: true }))

    return Frame.of({
      portal: origin,
      appSid: where.appSid,
      init,
      placement: init.PLACEMENT,
      placementOptions: init.PLACEMENT_OPTIONS,
      send,
      auth: Effect.sync(() => current),
      refreshAuth,
      resizeWindow: (width, height) => safely("resizeWindow", { width, height }),
      setTitle: (title) => safely("setTitle", { title }),
      setScroll: (scroll) => safely("setScroll", { scroll }),
      reloadWindow: safely("reloadWindow"),
      setAppOption: (name, value) => safely("setAppOption", { name, value }),
      setUserOption: (name, value) => safely("setUserOption", { name, value }),
      openApplication: (params) => Effect.asVoid(send("openApplication", params ?? {}, { timeout: Duration.infinity })),
      closeApplication: safely("closeApplication"),
      imOpenMessenger: (dialogId, messageId) =>
        safely("imOpenMessenger", messageId === undefined ? { dialogId } : { dialogId, messageId })
    })
  })

/**
 * The connection to the portal.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerParent = (options?: Options): Layer.Layer<Frame, FrameError> => Layer.scoped(Frame, make(options))

/**
 * The frame's authorization as a `Bitrix24Auth`: the credential is the frame's `AUTH_ID` (`auth` in the JSON body of
 * `POST <portal>/rest/<method>`), renewed through `refreshAuth` once its `AUTH_EXPIRES` has passed, and by `renew`
 * after the portal answered `expired_token`. A renewal the portal does not answer is logged, and the call goes on
 * with the token it has (the portal's answer then reaches the caller as an `AuthError`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const auth: Effect.Effect<Bitrix24Auth.Service, never, Frame> = Effect.map(Frame, (frame) => {
  // every token used, newest first (a late error may echo a replaced one): masked out of any text
  const known: Array<Redacted.Redacted<string>> = [frame.init.AUTH_ID, frame.init.REFRESH_ID]
  const credentialOf = (current: Auth): Bitrix24Auth.Credential => {
    for (const secret of [current.refreshToken, current.accessToken]) {
      if (!known.includes(secret)) known.unshift(secret)
    }
    known.length = Math.min(known.length, 10)
    return {
      kind: "oauth",
      generation: current.generation,
      url: (method) => Redacted.make(`${frame.portal}/rest/${method}`),
      displayUrl: (method) => `${frame.portal}/rest/${method}`,
      body: { auth: current.accessToken }
    }
  }
  const renewed = frame.refreshAuth.pipe(
    Effect.map(Option.some),
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logWarning("Frame: the portal did not renew the token").pipe(
          Effect.annotateLogs("error", error.message)
        ),
        Option.none<Auth>()
      )
    )
  )
  return Bitrix24Auth.Bitrix24Auth.of({
    kind: "oauth",
    portal: frame.portal,
    origin: frame.portal,
    identity: `frame:${frame.appSid}`,
    credential: Effect.gen(function* () {
      const current = yield* frame.auth
      const now = yield* Clock.currentTimeMillis
      if (current.expiresAt.epochMillis > now) return credentialOf(current)
      const fresh = yield* renewed
      return credentialOf(Option.getOrElse(fresh, () => current))
    }),
    renew: (stale) =>
      Effect.flatMap(frame.auth, (current) =>
        current.generation !== stale.generation
          ? Effect.succeed(Option.some(credentialOf(current)))
          : Effect.map(renewed, Option.map(credentialOf))
      ),
    secrets: () => known
  })
})

/**
 * {@link auth} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuth: Layer.Layer<Bitrix24Auth.Bitrix24Auth, never, Frame> = Layer.effect(
  Bitrix24Auth.Bitrix24Auth,
  auth
)

/**
 * What {@link layer} takes: the frame's options and the transport's.
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends Options {
  readonly transport?: Bitrix24.Options | undefined
}

/** Headers a portal's CORS answer does not allow (a browser would refuse the call). */
const withoutCustomHeaders = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClientModule.mapRequest(client, (request) =>
    HttpClientRequest.make(request.method)(request.url, {
      urlParams: request.urlParams,
      hash: Option.getOrUndefined(request.hash),
      headers: Headers.remove(request.headers, ["x-request-id", "user-agent"]),
      body: request.body
    })
  )

/**
 * The `Bitrix24` transport inside a portal frame, with the {@link Frame} connection: provide it to `ImRecent.layer`,
 * `ImMessenger.layer`, `ImBatch`, with an `HttpClient` (`FetchHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: LayerOptions
): Layer.Layer<Frame | Bitrix24.Bitrix24, FrameError, HttpClient.HttpClient> => {
  const transform = options?.transport?.transformClient
  const transport = Bitrix24.layer({
    ...options?.transport,
    transformClient: (client) => withoutCustomHeaders(transform === undefined ? client : transform(client))
  })
  return transport.pipe(Layer.provide(layerAuth), Layer.provideMerge(layerParent(options)))
}
