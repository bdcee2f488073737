/**
 * Reading a request's parameters the way the portal does (`CRestUtil::getRequestData`): the query string merged with
 * a POST body, the body winning per top-level name, within size and shape limits; what the server drops without an
 * error (a malformed JSON body, another method's body) is returned as notes for the emulator's warning line.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { PhpValue as Php } from "@im-recent/domain"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as PhpQuery from "../../PhpQuery.js"
import { failure, type RestFailure } from "./envelope.js"

/** The bounds a request must stay within. @internal */
export interface RequestLimits {
  readonly maxBodyBytes: number
  readonly maxUrlLength: number
  readonly maxJsonDepth: number
  readonly params: PhpQuery.Limits
}

const empty = new Uint8Array(0)

const tooLarge = (limits: RequestLimits) =>
  failure(413, "INVALID_REQUEST", `Request body is larger than ${limits.maxBodyBytes} bytes`)

const unreadable = failure(400, "INVALID_REQUEST", "The request body could not be read")

/** The raw body, refused once it passes `maxBodyBytes`. @internal */
export const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Effect.Effect<Uint8Array, RestFailure> => {
  if (request.method !== "POST") return Effect.succeed(empty)
  const source = request.source as { readonly body?: unknown }
  if (typeof source === "object" && source !== null && "body" in source && source.body === null) {
    return Effect.succeed(empty)
  }
  const declared = Number(request.headers["content-length"])
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return Effect.fail(tooLarge(limits))
  if (Number.isFinite(declared)) {
    // A declared length within the limit: the HTTP parser delivers exactly that many bytes, read them whole (a stream
    // fold costs more than the rest of a small call). The size is checked again for sources that do not enforce it.
    return Effect.matchEffect(request.arrayBuffer, {
      onFailure: () => Effect.fail(unreadable),
      onSuccess: (buffer) =>
        buffer.byteLength > limits.maxBodyBytes ? Effect.fail(tooLarge(limits)) : Effect.succeed(new Uint8Array(buffer))
    })
  }
  // A body without a length is read to its end, the bytes past the limit thrown away, so the client gets the 413: to
  // stop reading would destroy the request and with it the connection (a reset). Node's `requestTimeout` (5 minutes)
  // ends a body that never ends.
  return Stream.runFold(request.stream, { chunks: Chunk.empty<Uint8Array>(), size: 0 }, (state, chunk) => ({
    chunks: state.size + chunk.length <= limits.maxBodyBytes ? Chunk.append(state.chunks, chunk) : state.chunks,
    size: state.size + chunk.length
  })).pipe(
    Effect.mapError(() => unreadable),
    Effect.flatMap((state) => {
      if (state.size > limits.maxBodyBytes) return Effect.fail(tooLarge(limits))
      const bytes = new Uint8Array(state.size)
      let offset = 0
      for (const chunk of state.chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return Effect.succeed(bytes)
    })
  )
}

const fromParamsError = (error: PhpQuery.ParamsError): RestFailure => failure(400, "INVALID_REQUEST", error.message)

/** The raw query string of a request URL, without `?`. @internal */
export const queryString = (url: string): string => {
  const index = url.indexOf("?")
  if (index === -1) return ""
  const hash = url.indexOf("#", index)
  return url.slice(index + 1, hash === -1 ? undefined : hash)
}

/** The query string's parameters. @internal */
export const queryParams = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Either.Either<PhpQuery.Params, RestFailure> =>
  request.url.length > limits.maxUrlLength
    ? Either.left(failure(414, "INVALID_REQUEST", `Request URL is longer than ${limits.maxUrlLength} characters`))
    : Either.mapLeft(PhpQuery.parse(queryString(request.url), limits.params), fromParamsError)

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** Whether a JSON value nests deeper than `max` (checked without recursion). */
const tooDeep = (value: unknown, max: number): boolean => {
  const stack: Array<readonly [unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (current === null || typeof current !== "object") continue
    if (depth > max) return true
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1])
    }
  }
  return false
}

/** Parameters read from a request, and what the server silently ignored on the way (one note each). @internal */
export interface Read {
  readonly params: PhpQuery.Params
  readonly notes: ReadonlyArray<string>
}

const nothing = (note?: string): Read => ({ params: {}, notes: note === undefined ? [] : [note] })

const dropped = (why: string): Read =>
  nothing(`the JSON body was dropped (${why}); the call ran with the query-string parameters only`)

/** PHP's `trim` on bytes. */
const trimBytes = (bytes: Uint8Array): Uint8Array => {
  let start = 0
  let end = bytes.length
  while (start < end && Php.TRIMMED.has(bytes[start])) start++
  while (end > start && Php.TRIMMED.has(bytes[end - 1])) end--
  return bytes.subarray(start, end)
}

/**
 * A raw `application/json` body as `Bitrix\Main\Web\Json::decode` reads it: malformed JSON (or JSON nested deeper
 * than `json_decode`'s 512 levels, or not UTF-8) and JSON that is not an array or object are dropped without an error.
 * A JSON list becomes parameters `0`, `1`, ….
 */
const jsonParams = (text: string | undefined, limits: RequestLimits): Read => {
  if (text === undefined) return dropped("it is not valid UTF-8")
  const trimmed = Php.trim(text)
  if (trimmed === "") return nothing()
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    return dropped("it is not valid JSON")
  }
  if (value === null || typeof value !== "object")
    return dropped(`it is ${value === null ? "null" : `a ${typeof value}`}, not an object of parameters`)
  if (tooDeep(value, limits.maxJsonDepth)) return dropped(`it is nested deeper than ${limits.maxJsonDepth} levels`)
  return { params: Array.isArray(value) ? { ...value } : (value as PhpQuery.Params), notes: [] }
}

const multipartParams = (
  bytes: Uint8Array,
  contentType: string,
  limits: RequestLimits
): Effect.Effect<PhpQuery.Params, RestFailure> =>
  Effect.tryPromise({
    try: () => new Response(bytes as unknown as BodyInit, { headers: { "content-type": contentType } }).formData(),
    catch: () => failure(400, "INVALID_REQUEST", "The multipart body is malformed")
  }).pipe(
    Effect.flatMap((form) => {
      // File parts are PHP's $_FILES, not request parameters; no im.* method takes uploads.
      const fields: Array<readonly [string, string]> = []
      form.forEach((value, name) => {
        if (typeof value === "string") fields.push([name, value])
      })
      return Either.mapLeft(PhpQuery.fromEntries(fields, limits.params), fromParamsError)
    })
  )

/** The media type of a `Content-Type` header, lower-cased, without parameters (how PHP picks a POST reader). @internal */
export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? "").split(";")[0].trim().toLowerCase()

/** Whether the request has a body: a length above 0 or a chunked one (Node), or a web `Request`'s body stream. */
const declaresBody = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const length = Number(request.headers["content-length"] ?? 0)
  if (length > 0 || request.headers["transfer-encoding"] !== undefined) return true
  const source = request.source as { readonly body?: unknown }
  return source instanceof Request && source.body !== null
}

/**
 * The body's parameters, as `CRestUtil::getRequestData` reads them:
 * - only a POST body is read; any other method's body is ignored;
 * - `application/x-www-form-urlencoded` and `multipart/form-data` (any case: PHP lower-cases the type) are PHP's
 *   `$_POST`;
 * - otherwise the raw body is read: as JSON when the type is exactly `application/json` (case-sensitive, parameters
 *   after `;` cut off), else with `parse_str` (so `text/plain`, a missing type, `application/vnd.api+json` or
 *   `Application/JSON` carry query-string syntax).
 *
 * @internal
 */
export const bodyParams = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Effect.Effect<Read, RestFailure> =>
  Effect.gen(function* () {
    if (request.method !== "POST") {
      return nothing(
        declaresBody(request)
          ? `the ${request.method} request's body was ignored: the server reads the body of POST requests only`
          : undefined
      )
    }
    const bytes = yield* readBody(request, limits)
    if (bytes.length === 0) return nothing()
    const contentType = request.headers["content-type"]
    const type = mediaType(contentType)
    if (type === "application/x-www-form-urlencoded") {
      return { params: yield* Either.mapLeft(PhpQuery.parse(bytes, limits.params), fromParamsError), notes: [] }
    }
    if (type === "multipart/form-data") {
      return { params: yield* multipartParams(bytes, contentType ?? "", limits), notes: [] }
    }
    const rawType = (contentType ?? "").replace(/;.*$/, "").trim()
    if (rawType === "application/json") {
      let text: string | undefined
      try {
        text = utf8.decode(bytes)
      } catch {
        text = undefined
      }
      return jsonParams(text, limits)
    }
    const trimmed = trimBytes(bytes)
    if (trimmed.length === 0) return nothing()
    const params = yield* Either.mapLeft(PhpQuery.parse(trimmed, limits.params), fromParamsError)
    const looksLikeJson = trimmed[0] === 0x7b || trimmed[0] === 0x5b
    return {
      params,
      notes: looksLikeJson
        ? [
            `the body looks like JSON but was read as a query string: its Content-Type is ${contentType === undefined ? "missing" : JSON.stringify(rawType)}, and only exactly "application/json" is read as JSON`
          ]
        : []
    }
  })

/** Query and body parameters merged, the body winning per top-level name (`array_replace`). @internal */
export const requestParams = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Effect.Effect<Read, RestFailure> =>
  Effect.gen(function* () {
    const query = yield* queryParams(request, limits)
    const body = yield* bodyParams(request, limits)
    return { params: { ...query, ...body.params }, notes: body.notes }
  })
