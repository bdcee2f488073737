/**
 * The recent-chats API: `im.recent.get`, `im.recent.pin`, `im.recent.unread`, `im.recent.hide`, and
 * `im.recent.list` as an overlap-safe `Stream`.
 *
 * Parameters are encoded with the domain schemas: flags as `"Y"`/`"N"`, dates as ATOM with a numeric
 * offset and whole seconds (a `toISOString()` value would be misread by the server). Responses are
 * decoded into real types (dates keep the server's offset).
 *
 * A `LAST_SYNC_DATE`/`LAST_UPDATE` older than 7 days is silently clamped by the server, so the delta
 * would miss changes; `get` reports it (`clampedSince` and a warning log), judged on the server's
 * clock (the response's `time`), never the local one.
 *
 * @since 0.1.0
 */
import {
  DialogId,
  RecentGet,
  RecentHide,
  type RecentItem,
  RecentList,
  RecentPin,
  RecentQuery,
  RecentUnread,
  type ResponseTime
} from "@im-recent/domain"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Bitrix24 } from "./Bitrix24.js"
import { type Bitrix24Error, InvalidParams } from "./Bitrix24Error.js"
import { issuesOf, makeRequestId } from "./internal/http.js"
import { maskPatterns } from "./internal/secrets.js"

/**
 * A dialog id: parsed (`DialogId.chat(12)`) or raw (`"chat12"`, `"sg3"`, `42`, `"42"`).
 *
 * @since 0.1.0
 * @category models
 */
export type DialogIdInput = DialogId.DialogId | string | number

/**
 * What `get` returns.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetResult {
  /** The items, in the server's order. */
  readonly items: ReadonlyArray<RecentItem.RecentItem>
  readonly time: ResponseTime.ResponseTime
  /**
   * How the server read the request (its date window, type filter, …) at {@link serverTime}, in the
   * portal's zone when configured and at the response's offset otherwise.
   */
  readonly query: RecentQuery.RecentQuery
  /** When the server answered, on its own clock (`time.finish`): the local clock plays no part. */
  readonly serverTime: DateTime.Zoned
  /**
   * Set when the server may have clamped the sync date (more than 7 days old on the portal's clock,
   * `time.finish`): the latest lower bound it can have used instead (exact when the portal's time zone
   * is configured, `Bitrix24.Options.timeZone`; otherwise 2 hours later, to cover daylight saving
   * switches). Items changed between the sync date and this bound may be missing: reload in full.
   */
  readonly clampedSince: Option.Option<DateTime.Zoned>
  /** The `LAST_SYNC_DATE` for the next delta: the response's `time.date_start`. */
  readonly nextSyncDate: DateTime.Zoned
}

/**
 * The filters of `list` (paging is the stream's business).
 *
 * @since 0.1.0
 * @category models
 */
export type ListParams = Omit<RecentList.Params, "OFFSET" | "LIMIT" | "LAST_MESSAGE_DATE">

/**
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  /** `LIMIT` of each page, 1–200 (default 200, the server's cap). */
  readonly pageSize?: number | undefined
  /** Stop after this many pages in a row bring no new item while the server still says `hasMore` (3). */
  readonly maxStalePages?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `im.recent.get`: the recent list, or with `LAST_SYNC_DATE` the items changed since then. */
  readonly get: (params?: RecentGet.Params) => Effect.Effect<GetResult, Bitrix24Error>
  /** `im.recent.pin`: pins (default) or unpins a dialog. */
  readonly pin: (dialogId: DialogIdInput, pinned?: boolean) => Effect.Effect<boolean, Bitrix24Error>
  /**
   * `im.recent.unread`: sets (default) or clears the manual "unread" mark; clearing also reads the
   * dialog. `false` when no such dialog exists.
   */
  readonly unread: (dialogId: DialogIdInput, unread?: boolean) => Effect.Effect<boolean, Bitrix24Error>
  /** `im.recent.hide`: removes a dialog from the recent list. */
  readonly hide: (dialogId: DialogIdInput) => Effect.Effect<boolean, Bitrix24Error>
  /**
   * `im.recent.list`, every page: `OFFSET` advances by `LIMIT` (pages overlap on the server), items
   * are de-duplicated by id across pages, and the stream ends when `hasMore` is false.
   */
  readonly list: (params?: ListParams, options?: ListOptions) => Stream.Stream<RecentItem.RecentItem, Bitrix24Error>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ImRecent extends Context.Tag("@im-recent/client/ImRecent")<ImRecent, Service>() {}

const encodeParams = <A, I>(
  schema: Schema.Schema<A, I, never>,
  method: string,
  params: A
): Effect.Effect<I, InvalidParams> =>
  Effect.mapError(
    Schema.encode(schema)(params, { errors: "all" }),
    (error) => new InvalidParams({ method, requestId: makeRequestId(), issues: issuesOf(error, params, maskPatterns) })
  )

const dialogIdOf = (input: DialogIdInput, method: string): Effect.Effect<DialogId.DialogId, InvalidParams> => {
  const parsed = typeof input === "object" ? input : DialogId.parse(input)
  return parsed === undefined
    ? Effect.fail(
        new InvalidParams({
          method,
          requestId: makeRequestId(),
          issues: [
            {
              path: "DIALOG_ID",
              message: "Expected a dialog id: a user id, chatN or sgN",
              actual: JSON.stringify(input).slice(0, 60)
            }
          ]
        })
      )
    : Effect.succeed(parsed)
}

/**
 * When the server answered, on its own clock: the end of the request (`time.finish`, the latest instant its `now` can
 * have been), in the portal's zone when it is known and at the response's offset otherwise. The local clock plays no
 * part: it may be off by any amount.
 */
const serverTimeOf = (time: ResponseTime.ResponseTime, zone: Option.Option<DateTime.TimeZone>): DateTime.Zoned => {
  const finish = Math.max(Math.ceil(time.finish * 1000), time.date_finish.epochMillis, time.date_start.epochMillis)
  return DateTime.unsafeMakeZoned(finish, { timeZone: Option.getOrElse(zone, () => time.date_finish.zone) })
}

/**
 * Builds the service on the `Bitrix24` transport in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Bitrix24> = Effect.gen(function* () {
  const bitrix = yield* Bitrix24

  const get = Effect.fn("ImRecent.get")(function* (params?: RecentGet.Params) {
    const wire = yield* encodeParams(RecentGet.Params, RecentGet.method, params ?? {})
    const response = yield* bitrix.call(RecentGet.method, wire, RecentGet.Response)
    const serverNow = serverTimeOf(response.time, bitrix.timeZone)
    const query = RecentQuery.fromParams(wire, serverNow, { serverTimeZone: serverNow.zone })
    const clampedSince =
      query.window._tag === "Sync" && RecentQuery.mayClamp(query.window.requested, serverNow)
        ? Option.some(RecentQuery.latestClampBound(serverNow))
        : Option.none()
    if (Option.isSome(clampedSince) && query.window._tag === "Sync") {
      yield* Effect.logWarning(
        "im.recent.get: the sync date is more than 7 days old on the portal's clock; the server clamped it and the delta misses older changes (reload in full)"
      ).pipe(
        Effect.annotateLogs({
          requested: DateTime.formatIso(query.window.requested),
          since: DateTime.formatIso(clampedSince.value)
        })
      )
    }
    return {
      items: response.result,
      time: response.time,
      query,
      serverTime: serverNow,
      clampedSince,
      nextSyncDate: response.time.date_start
    } satisfies GetResult
  })

  const pin = Effect.fn("ImRecent.pin")(function* (dialogId: DialogIdInput, pinned?: boolean) {
    const id = yield* dialogIdOf(dialogId, RecentPin.method)
    const wire = yield* encodeParams(RecentPin.Params, RecentPin.method, { DIALOG_ID: id, PIN: pinned ?? true })
    const response = yield* bitrix.call(RecentPin.method, wire, RecentPin.Response)
    return response.result
  })

  const unread = Effect.fn("ImRecent.unread")(function* (dialogId: DialogIdInput, isUnread?: boolean) {
    const id = yield* dialogIdOf(dialogId, RecentUnread.method)
    const wire = yield* encodeParams(RecentUnread.Params, RecentUnread.method, {
      DIALOG_ID: id,
      ACTION: isUnread ?? true
    })
    const response = yield* bitrix.call(RecentUnread.method, wire, RecentUnread.Response)
    return response.result
  })

  const hide = Effect.fn("ImRecent.hide")(function* (dialogId: DialogIdInput) {
    const id = yield* dialogIdOf(dialogId, RecentHide.method)
    const wire = yield* encodeParams(RecentHide.Params, RecentHide.method, { DIALOG_ID: id })
    const response = yield* bitrix.call(RecentHide.method, wire, RecentHide.Response)
    return response.result
  })

  const list = (params?: ListParams, options?: ListOptions): Stream.Stream<RecentItem.RecentItem, Bitrix24Error> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const pageSize = options?.pageSize ?? RecentList.maxLimit
        const maxStale = Math.max(1, options?.maxStalePages ?? 3)
        const wire = yield* encodeParams(RecentList.Params, RecentList.method, { ...params, LIMIT: pageSize })
        const seen = new Set<number | string>()
        let stale = 0
        return Stream.paginateChunkEffect(0, (offset: number) =>
          Effect.gen(function* () {
            const response = yield* bitrix.call(RecentList.method, { ...wire, OFFSET: offset }, RecentList.Response)
            const fresh = response.result.items.filter((item) => {
              if (seen.has(item.id)) return false
              seen.add(item.id)
              return true
            })
            stale = fresh.length === 0 ? stale + 1 : 0
            if (response.result.hasMore && stale >= maxStale) {
              yield* Effect.logWarning(
                `im.recent.list: ${stale} pages in a row brought no new item although hasMore is true; stopping`
              ).pipe(Effect.annotateLogs({ offset }))
            }
            const next =
              response.result.hasMore && stale < maxStale ? Option.some(offset + pageSize) : Option.none<number>()
            return [Chunk.fromIterable(fresh), next] as const
          })
        )
      })
    ).pipe(Stream.withSpan("ImRecent.list"))

  return ImRecent.of({ get, pin, unread, hide, list })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ImRecent, never, Bitrix24> = Layer.effect(ImRecent, make)
