/**
 * Reading a request's parameters the way the portal does: the query string merged with the body
 * (`CRestUtil::getRequestData`: `array_replace($_GET, $_POST)`, the body winning per top-level name), the body
 * read as JSON, `application/x-www-form-urlencoded` or `multipart/form-data`, within size and shape limits.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as PhpQuery from "../PhpQuery.js"
import { failure, type RestFailure } from "./httpEnvelope.js"

/** The bounds a request must stay within. @internal */
export interface RequestLimits {
  readonly maxBodyBytes: number
  readonly maxUrlLength: number
  readonly maxJsonDepth: number
  readonly params: PhpQuery.Limits
}

const empty = new Uint8Array(0)

/** Bytes past the limit that are still read (and thrown away) so the client gets the 413 rather than a reset. */
const drainFactor = 16

const tooLarge = (limits: RequestLimits) =>
  failure(413, "INVALID_REQUEST", `Request body is larger than ${limits.maxBodyBytes} bytes`)

const unreadable = failure(400, "INVALID_REQUEST", "The request body could not be read")

/** The raw body, refused once it passes `maxBodyBytes`. @internal */
export const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Effect.Effect<Uint8Array, RestFailure> => {
  if (request.method === "GET" || request.method === "HEAD") return Effect.succeed(empty)
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
  return Stream.runFoldWhile(
    request.stream,
    { chunks: Chunk.empty<Uint8Array>(), size: 0 },
    (state) => state.size <= limits.maxBodyBytes * drainFactor,
    (state, chunk) => ({
      chunks: state.size + chunk.length <= limits.maxBodyBytes ? Chunk.append(state.chunks, chunk) : state.chunks,
      size: state.size + chunk.length
    })
  ).pipe(
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

const jsonParams = (bytes: Uint8Array, limits: RequestLimits): Either.Either<PhpQuery.Params, RestFailure> => {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return Either.left(failure(400, "INVALID_REQUEST", "The JSON body is not valid UTF-8"))
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return Either.left(failure(400, "INVALID_REQUEST", "The JSON body is malformed"))
  }
  if (Array.isArray(value) && value.length === 0) return Either.right({})
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return Either.left(failure(400, "INVALID_REQUEST", "The JSON body must be an object of parameters"))
  }
  if (tooDeep(value, limits.maxJsonDepth)) {
    return Either.left(
      failure(400, "INVALID_REQUEST", `The JSON body is nested deeper than ${limits.maxJsonDepth} levels`)
    )
  }
  return Either.right(value as PhpQuery.Params)
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

/** The media type of a `Content-Type` header, lower-cased, without parameters. @internal */
export const mediaType = (contentType: string | undefined): string =>
  (contentType ?? "").split(";")[0].trim().toLowerCase()

/** The body's parameters by its content type; an empty body has none, whatever its type. @internal */
export const bodyParams = (
  request: HttpServerRequest.HttpServerRequest,
  bytes: Uint8Array,
  limits: RequestLimits
): Effect.Effect<PhpQuery.Params, RestFailure> => {
  if (bytes.length === 0) return Effect.succeed({})
  const contentType = request.headers["content-type"]
  const type = mediaType(contentType)
  if (type === "application/json" || type.endsWith("+json")) return jsonParams(bytes, limits)
  if (type === "application/x-www-form-urlencoded") {
    return Either.mapLeft(PhpQuery.parse(bytes, limits.params), fromParamsError)
  }
  if (type === "multipart/form-data") return multipartParams(bytes, contentType ?? "", limits)
  return Effect.fail(
    failure(
      415,
      "INVALID_REQUEST",
      `Unsupported Content-Type ${JSON.stringify(type)}: send application/json, application/x-www-form-urlencoded or multipart/form-data`
    )
  )
}

/** Query and body parameters merged, the body winning per top-level name. @internal */
export const requestParams = (
  request: HttpServerRequest.HttpServerRequest,
  limits: RequestLimits
): Effect.Effect<PhpQuery.Params, RestFailure> =>
  Effect.gen(function* () {
    const query = yield* queryParams(request, limits)
    const bytes = yield* readBody(request, limits)
    const body = yield* bodyParams(request, bytes, limits)
    return { ...query, ...body }
  })
