/**
 * What the REST endpoint writes: the `time` object, the success envelope with `next` / `total` hoisted, the
 * `{ error, error_description }` envelope (`CRestServer::outputError`: no `time`), the headers every REST answer
 * carries (`CRestUtil::sendHeaders`) and the two transports, JSON and XML (`CRestServer::output`).
 *
 * @internal
 */

import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { ErrorEnvelope } from "@im-recent/domain"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Stream from "effect/Stream"
import * as Zone from "../state/zone.js"
import * as JsonBytes from "./jsonBytes.js"
import * as XmlBody from "./xml.js"

/** A request refused with a documented code. @internal */
export class RestFailure extends Data.TaggedError("RestFailure")<{
  readonly status: number
  readonly code: string
  readonly description: string
}> {}

/** A failure with the catalog's text for `code` unless one is given. @internal */
export const failure = (status: number, code: string, description?: string): RestFailure =>
  new RestFailure({ status, code, description: description ?? ErrorEnvelope.lookup(code)?.description ?? "" })

/** The operating fields of one method for one caller. @internal */
export interface Operating {
  readonly operating: number
  readonly resetAt: number
}

/** When a call ran (Unix seconds) and what it cost. @internal */
export interface Timing {
  readonly start: number
  readonly finish: number
  readonly processing: number
  readonly operating: Operating | undefined
}

/** The zone with its offsets and formatted seconds cached (`date('c')` without an `Intl` call per answer). */
const zones = new WeakMap<DateTime.TimeZone, Zone.Zone>()
const cachedZone = (zone: DateTime.TimeZone): Zone.Zone => {
  let cached = zones.get(zone)
  if (cached === undefined) {
    cached = Zone.get(DateTime.zoneToString(zone))
    zones.set(zone, cached)
  }
  return cached
}

const micro = (seconds: number): number => Math.round(seconds * 1e6) / 1e6

/** The `time` object, keys in the server's order. @internal */
export const timeObject = (zone: DateTime.TimeZone, timing: Timing): Record<string, number | string> => {
  const cached = cachedZone(zone)
  const date = (seconds: number) => cached.format(Math.floor(seconds * 1000))
  const time: Record<string, number | string> = {
    start: micro(timing.start),
    finish: micro(timing.finish),
    duration: micro(timing.finish - timing.start),
    processing: micro(timing.processing),
    date_start: date(timing.start),
    date_finish: date(timing.finish)
  }
  if (timing.operating !== undefined) {
    time.operating_reset_at = timing.operating.resetAt
    time.operating = micro(timing.operating.operating)
  }
  return time
}

/** Splits `next` / `total` off a result object, as `CRestServer::processResponse` does. @internal */
export const hoist = (
  result: unknown
): { readonly result: unknown; readonly next?: unknown; readonly total?: unknown; readonly hoisted: boolean } => {
  if (result === null || typeof result !== "object" || Array.isArray(result)) return { result, hoisted: false }
  const record = result as Record<string, unknown>
  if (!Object.hasOwn(record, "next") && !Object.hasOwn(record, "total")) return { result, hoisted: false }
  const { next, total, ...rest } = record
  // A PHP array that held list items next to `next` / `total` is a list again once they are gone.
  const keys = Object.keys(rest)
  const list = keys.length > 0 && keys.every((key, index) => key === String(index))
  return {
    result: list ? keys.map((key) => rest[key]) : rest,
    ...(Object.hasOwn(record, "next") ? { next } : {}),
    ...(Object.hasOwn(record, "total") ? { total } : {}),
    hoisted: true
  }
}

/** The success envelope: `{ result, next?, total?, time }`. @internal */
export const successBody = (result: unknown, time: Record<string, number | string>): Record<string, unknown> => {
  const split = hoist(result)
  return {
    result: split.result,
    ...("next" in split ? { next: split.next } : {}),
    ...("total" in split ? { total: split.total } : {}),
    time
  }
}

/** The error envelope, exactly `{ error, error_description }` (`CRestServer::outputError`). @internal */
export const errorBody = (code: string, description: string): Record<string, unknown> => ({
  error: code,
  error_description: description
})

/** How a REST answer is written: the method path's `.json` / `.xml` suffix chooses (`CRestServer::output`). @internal */
export type Transport = "json" | "xml"

/** `CRestUtil::sendHeaders`, sent with every REST answer. @internal */
export const restHeaders: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "origin, content-type, accept",
  "x-content-type-options": "nosniff"
}

/** The content type of an XML answer (`CRestServer::sendHeaders`). @internal */
export const xmlContentType = "text/xml; charset=utf-8"

/** A REST answer in its transport, with {@link restHeaders}; `truncate` cuts the serialised body in the middle. @internal */
export const restAnswer = (
  transport: Transport,
  status: number,
  body: unknown,
  truncate = false
): HttpServerResponse.HttpServerResponse => {
  if (transport === "json") return json(status, body, truncate, restHeaders)
  const text = XmlBody.encode(body)
  return HttpServerResponse.text(truncate ? cut(text) : text, {
    status,
    contentType: xmlContentType,
    headers: restHeaders
  })
}

/** The content type of every JSON answer. @internal */
export const jsonContentType = "application/json; charset=utf-8"

/**
 * A JSON answer (`JSON.stringify(body)`, reusing the bytes of read-only items, see `jsonBytes`); `truncate` cuts the
 * serialised body in the middle. @internal
 */
export const json = (
  status: number,
  body: unknown,
  truncate = false,
  headers: Readonly<Record<string, string>> = {}
): HttpServerResponse.HttpServerResponse => {
  if (truncate) {
    return HttpServerResponse.text(cut(JSON.stringify(body)), { status, contentType: jsonContentType, headers })
  }
  const chunks = JsonBytes.encodeChunks(body)
  if (chunks.length === 1)
    return HttpServerResponse.uint8Array(chunks[0]!, { status, contentType: jsonContentType, headers })
  // a body with large shared chunks goes out chunk by chunk, with its length declared (never chunked encoding)
  let contentLength = 0
  for (const chunk of chunks) contentLength += chunk.length
  return HttpServerResponse.stream(Stream.fromChunk(Chunk.unsafeFromArray(chunks)), {
    status,
    contentType: jsonContentType,
    contentLength,
    headers
  })
}

const cut = (text: string): string => text.slice(0, Math.max(1, Math.floor(text.length / 2)))

/** The header that marks an answer to be replaced by a dropped connection. @internal */
export const dropHeader = "x-im-recent-emulator-drop"
