import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { BadPort, ErrorEnvelope, FastDecode } from "@im-recent/domain"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import {
  type ApiError,
  type Bitrix24Error,
  DecodeError,
  fromEnvelope,
  InvalidParams,
  InvalidResponseBody,
  type Issue,
  NetworkError,
  PortalMoved,
  Timeout
} from "../Bitrix24Error.js"
import { isLoopback } from "./endpoint.js"
import { type Masker, snippet } from "./secrets.js"

/** Who is calling, for errors. */
export interface CallContext {
  readonly method: string
  readonly requestId: string
  readonly mask: Masker
  /** `oauth` reads the OAuth server's error codes. */
  readonly source: "rest" | "oauth"
  /** How REST calls are authorized (words auth errors for webhooks). */
  readonly credential?: "webhook" | "oauth" | undefined
}

/** A request id: a random UUID. */
export const makeRequestId = (): string => globalThis.crypto.randomUUID()

const describeCause = (cause: unknown, depth = 0): string => {
  if (depth > 3 || cause === undefined || cause === null) return ""
  if (Predicate.hasProperty(cause, "message") && typeof cause.message === "string") {
    const code = Predicate.hasProperty(cause, "code") && typeof cause.code === "string" ? ` [${cause.code}]` : ""
    const inner = Predicate.hasProperty(cause, "cause") ? describeCause(cause.cause, depth + 1) : ""
    return `${cause.message}${code}${inner === "" ? "" : `: ${inner}`}`
  }
  return typeof cause === "string" ? cause : ""
}

/** The first system error code (`ECONNREFUSED`, `ENOTFOUND`, …) along a chain of causes. */
const systemCode = (cause: unknown, depth = 0): string | undefined => {
  if (depth > 3 || !Predicate.isObject(cause)) return undefined
  if (Predicate.hasProperty(cause, "code") && typeof cause.code === "string" && /^E[A-Z0-9_]+$/.test(cause.code)) {
    return cause.code
  }
  return Predicate.hasProperty(cause, "cause") ? systemCode(cause.cause, depth + 1) : undefined
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).hostname
  } catch {
    return undefined
  }
}

/** Maps the platform's errors (which print the full URL) to ours, keeping no reference to them. */
export const mapHttpClientError = (error: HttpClientError.HttpClientError, ctx: CallContext): Bitrix24Error => {
  const context = { method: ctx.method, requestId: ctx.requestId }
  if (error._tag === "RequestError") {
    const detail = ctx.mask(describeCause(error.cause)) || "the request could not be sent"
    if (error.reason === "Transport") {
      const code = systemCode(error.cause)
      const host = hostOf(error.request.url)
      // fetch's whole explanation is "bad port": name the port (never the URL, which may hold a webhook code)
      const port = /\bbad port\b/i.test(detail) ? BadPort.portOf(error.request.url) : undefined
      const blockedPort = port !== undefined && BadPort.isBad(port) ? port : undefined
      return new NetworkError({
        ...context,
        description: detail,
        ...(code === undefined ? {} : { code }),
        ...(host === undefined ? {} : { loopback: isLoopback(host) }),
        ...(blockedPort === undefined ? {} : { blockedPort })
      })
    }
    return new InvalidParams({
      ...context,
      issues: [
        {
          path: "",
          message: error.reason === "Encode" ? `the request body could not be encoded: ${detail}` : "invalid URL"
        }
      ]
    })
  }
  return new NetworkError({
    ...context,
    status: error.response.status,
    description: `the response could not be read: ${ctx.mask(describeCause(error.cause)) || error.reason}`
  })
}

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((key, i) =>
      typeof key === "number" || (typeof key === "string" && /^\d+$/.test(key))
        ? `[${String(key)}]`
        : `${i === 0 ? "" : "."}${String(key)}`
    )
    .join("")

const valueAt = (
  input: unknown,
  path: ReadonlyArray<PropertyKey>
): { readonly found: boolean; readonly value: unknown } => {
  let current: unknown = input
  for (const key of path) {
    if (current === null || typeof current !== "object" || !(key in current)) return { found: false, value: undefined }
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return { found: true, value: current }
}

const showValue = (value: unknown, mask: Masker): string => {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return snippet(text, mask, 120)
}

/** Schema issues with their path and the offending value (shortened, masked). */
export const issuesOf = (error: ParseResult.ParseError, input: unknown, mask: Masker): ReadonlyArray<Issue> =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
    const at = valueAt(input, issue.path)
    const base = { path: formatPath(issue.path), message: snippet(issue.message, mask, 300) }
    return at.found ? { ...base, actual: showValue(at.value, mask) } : base
  })

const HTML = /^\s*<(?:!doctype|html|head|body|\?xml|title|h1|center)\b/i

/** What a response said, before the caller decides what to do with it. */
export type Outcome =
  | { readonly _tag: "Success"; readonly body: Record<string, unknown> }
  | {
      readonly _tag: "Envelope"
      readonly envelope: ErrorEnvelope.ErrorEnvelope
      readonly body: Record<string, unknown>
    }

const decodeEnvelope = Schema.decodeUnknownEither(ErrorEnvelope.ErrorEnvelope)

/**
 * Reads a body: an error envelope (whatever the status), a JSON success, or an unusable body.
 */
export const classify = (
  ctx: CallContext,
  status: number,
  contentType: string | undefined,
  text: string
): Either.Either<Outcome, InvalidResponseBody> => {
  const context = { method: ctx.method, requestId: ctx.requestId, status, contentType }
  if (text.trim() === "") return Either.left(new InvalidResponseBody({ ...context, reason: "Empty", snippet: "" }))
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const html = HTML.test(text) || (contentType !== undefined && /html/i.test(contentType))
    return Either.left(
      new InvalidResponseBody({ ...context, reason: html ? "Html" : "NotJson", snippet: snippet(text, ctx.mask) })
    )
  }
  if (Predicate.isRecord(parsed) && typeof parsed.error === "string") {
    const envelope: ErrorEnvelope.ErrorEnvelope = Either.getOrElse(decodeEnvelope(parsed), () => ({
      error: parsed.error as string
    }))
    return Either.right({
      _tag: "Envelope",
      envelope: {
        error: envelope.error,
        ...(envelope.error_description === undefined ? {} : { error_description: ctx.mask(envelope.error_description) })
      },
      body: parsed
    })
  }
  if (status >= 200 && status < 300 && Predicate.isRecord(parsed))
    return Either.right({ _tag: "Success", body: parsed })
  return Either.left(
    new InvalidResponseBody({ ...context, reason: "UnexpectedJson", snippet: snippet(text, ctx.mask) })
  )
}

const decodeOptions = { errors: "all", onExcessProperty: "ignore" } as const

/** One decoder per schema, built on first use. */
const decoders = new WeakMap<Schema.Schema.Any, (input: unknown) => Either.Either<unknown, ParseResult.ParseError>>()
const decoderFor = <A, I>(
  schema: Schema.Schema<A, I, never>
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = FastDecode.decodeUnknownEither(schema, decodeOptions)
    decoders.set(schema, decoder)
  }
  return decoder as (input: unknown) => Either.Either<A, ParseResult.ParseError>
}

/** Decodes a success body with `schema` (on the domain's compiled fast path); failures become `DecodeError`. */
export const decodeBody = <A, I>(
  ctx: CallContext,
  status: number,
  schema: Schema.Schema<A, I, never>,
  body: unknown
): Effect.Effect<A, DecodeError> =>
  Effect.mapError(
    Effect.suspend(() => decoderFor(schema)(body)),
    (error) =>
      new DecodeError({
        method: ctx.method,
        requestId: ctx.requestId,
        status,
        issues: issuesOf(error, body, ctx.mask)
      })
  )

/** The error an envelope maps to. */
export const envelopeError = (
  ctx: CallContext,
  status: number,
  envelope: ErrorEnvelope.ErrorEnvelope,
  resetAt?: Parameters<typeof fromEnvelope>[1]["resetAt"]
): ApiError =>
  fromEnvelope(envelope, {
    method: ctx.method,
    requestId: ctx.requestId,
    status,
    resetAt,
    source: ctx.source,
    credential: ctx.credential
  })

/** A response: status, content type and the whole body as text. */
export interface RawResponse {
  readonly status: number
  readonly contentType: string | undefined
  readonly text: string
}

/** Same-origin redirects followed in a row before giving up. */
const MAX_REDIRECTS = 5

/**
 * `fetch` follows redirects by itself: to any host (the webhook code in the path, or the token in the body, would go
 * along), turning a `POST` into a body-less `GET` on 301/302, and failing on a 307/308 in Node 20 ("Cannot perform
 * ArrayBuffer.prototype.slice on a detached ArrayBuffer": undici re-reads the request body from a buffer its first
 * send transferred to a stream). `redirect: "manual"` hands every redirect back here instead. The `RequestInit` the
 * client was built with (`base`) and the one in context at call time are kept; the other HTTP clients (`node:http`,
 * undici's `request`) never follow redirects.
 */
const manualRedirects = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  base: Option.Option<globalThis.RequestInit>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (atCall) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...Option.getOrUndefined(base),
      ...Option.getOrUndefined(atCall),
      redirect: "manual"
    })
  )

const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304

const resolveLocation = (location: string | undefined, base: string): URL | undefined => {
  if (location === undefined || location.trim() === "") return undefined
  try {
    return new URL(location.trim(), base)
  } catch {
    return undefined
  }
}

/**
 * Sends a request and reads the whole body, within `timeout`. Interruption (and the timeout) abort
 * the underlying request. A redirect within the same origin is followed with the same method and body
 * (up to 5 in a row); one to another origin fails with `PortalMoved`, naming the new origin only.
 */
export const exchange = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  ctx: CallContext,
  timeout: Duration.Duration,
  requestInit: Option.Option<globalThis.RequestInit> = Option.none()
): Effect.Effect<RawResponse, Bitrix24Error> => {
  const context = { method: ctx.method, requestId: ctx.requestId }
  type Answer =
    | { readonly _tag: "Final"; readonly raw: RawResponse }
    | { readonly _tag: "Redirect"; readonly status: number; readonly location: string | undefined }
  const once = (current: HttpClientRequest.HttpClientRequest): Effect.Effect<Answer, Bitrix24Error> =>
    client.execute(current).pipe(
      Effect.flatMap(
        (response): Effect.Effect<Answer, HttpClientError.HttpClientError> =>
          isRedirect(response.status)
            ? Effect.as(Effect.ignore(response.text), {
                _tag: "Redirect",
                status: response.status,
                location: response.headers.location
              } as const)
            : Effect.map(response.text, (text) => ({
                _tag: "Final",
                raw: { status: response.status, contentType: response.headers["content-type"], text }
              }))
      ),
      Effect.catchAll((error) => Effect.fail(mapHttpClientError(error, ctx)))
    )
  const follow = (
    current: HttpClientRequest.HttpClientRequest,
    hops: number
  ): Effect.Effect<RawResponse, Bitrix24Error> =>
    Effect.flatMap(once(current), (answer): Effect.Effect<RawResponse, Bitrix24Error> => {
      if (answer._tag === "Final") return Effect.succeed(answer.raw)
      const from = new URL(current.url)
      const target = resolveLocation(answer.location, current.url)
      if (target !== undefined && target.origin !== from.origin) {
        return Effect.fail(new PortalMoved({ ...context, status: answer.status, location: ctx.mask(target.origin) }))
      }
      if (target === undefined || hops >= MAX_REDIRECTS) {
        return Effect.fail(
          new InvalidResponseBody({
            ...context,
            status: answer.status,
            reason: "Redirect",
            snippet: target === undefined ? "" : `more than ${MAX_REDIRECTS} redirects within ${from.origin}`
          })
        )
      }
      return follow(HttpClientRequest.setUrl(current, target), hops + 1)
    })
  return manualRedirects(follow(request, 0), requestInit).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () =>
        new Timeout({ method: ctx.method, requestId: ctx.requestId, timeoutMillis: Duration.toMillis(timeout) })
    })
  )
}
