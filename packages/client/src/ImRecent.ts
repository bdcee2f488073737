/**
 * The recent-chats API: `im.recent.get`, `im.recent.pin`, `im.recent.unread`, `im.recent.hide`, and
 * `im.recent.list` as a `Stream` that pages by the `LAST_MESSAGE_DATE` cursor and emits every item exactly once,
 * even when the list moves while it is read.
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
import { AtomDateTime, RecentGet, type RecentItem, RecentList, RecentQuery, type ResponseTime } from "@im-recent/domain"
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
import * as ImCommand from "./ImCommand.js"
import { issuesOf, makeRequestId } from "./internal/http.js"
import * as ListCursor from "./internal/listCursor.js"
import { maskPatterns } from "./internal/secrets.js"

/**
 * A dialog id: parsed (`DialogId.chat(12)`) or raw (`"chat12"`, `"sg3"`, `42`, `"42"`).
 *
 * @since 0.1.0
 * @category models
 */
export type DialogIdInput = ImCommand.DialogIdInput

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
  /** `LIMIT` of each page, 1–200 (default 200, the server's cap); grown when a page cannot advance the cursor. */
  readonly pageSize?: number | undefined
  /**
   * After the last page, read the top of the list again for the items that moved while the pages were read (default
   * `true`; only when the listing took more than one request).
   */
  readonly catchUp?: boolean | undefined
}

/**
 * One response of `listPages`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListPage {
  /** The items of this response that no earlier page brought, in the server's order. */
  readonly items: ReadonlyArray<RecentItem.RecentItem>
  /** The response's `time`. */
  readonly time: ResponseTime.ResponseTime
  /**
   * The first page's `time.date_start`: pass it as `LAST_SYNC_DATE` to `get` for what changed since the listing
   * began (what `RecentSync` does after a full load).
   */
  readonly syncDate: DateTime.Zoned
  /** `walk`: a page of the cursor walk down the list; `catch-up`: a read of the top for items that moved meanwhile. */
  readonly phase: "walk" | "catch-up"
}

/**
 * What `listAll` returns.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListResult {
  readonly items: ReadonlyArray<RecentItem.RecentItem>
  /** The `LAST_SYNC_DATE` of the next delta: the first page's `time.date_start`. */
  readonly nextSyncDate: DateTime.Zoned
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
   * `im.recent.list`, every item once: pages follow the `LAST_MESSAGE_DATE` cursor (never `OFFSET`), items are
   * de-duplicated by id (pinned items and the boundary item repeat on every page), and a final read of the top picks
   * up the items that moved up while the pages were read. An item that exists from the first request to the last is
   * emitted exactly once.
   */
  readonly list: (params?: ListParams, options?: ListOptions) => Stream.Stream<RecentItem.RecentItem, Bitrix24Error>
  /** `list` one response at a time, with each response's `time` and the first page's `time.date_start`. */
  readonly listPages: (params?: ListParams, options?: ListOptions) => Stream.Stream<ListPage, Bitrix24Error>
  /** `list` collected, with the `LAST_SYNC_DATE` for a follow-up delta. */
  readonly listAll: (params?: ListParams, options?: ListOptions) => Effect.Effect<ListResult, Bitrix24Error>
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

  const run = <A>(command: ImCommand.ImCommand<A>) => Effect.provideService(ImCommand.run(command), Bitrix24, bitrix)
  const pin = Effect.fn("ImRecent.pin")((dialogId: DialogIdInput, pinned?: boolean) =>
    run(ImCommand.recent.pin(dialogId, pinned))
  )
  const unread = Effect.fn("ImRecent.unread")((dialogId: DialogIdInput, isUnread?: boolean) =>
    run(ImCommand.recent.unread(dialogId, isUnread))
  )
  const hide = Effect.fn("ImRecent.hide")((dialogId: DialogIdInput) => run(ImCommand.recent.hide(dialogId)))

  const listPages = (params?: ListParams, options?: ListOptions): Stream.Stream<ListPage, Bitrix24Error> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const pageSize = options?.pageSize ?? RecentList.maxLimit
        const wire = yield* encodeParams(RecentList.Params, RecentList.method, { ...params, LIMIT: pageSize })
        const read = (cursor: DateTime.Zoned | undefined, limit: number) =>
          bitrix.call(
            RecentList.method,
            cursor === undefined
              ? { ...wire, LIMIT: limit }
              : { ...wire, LIMIT: limit, LAST_MESSAGE_DATE: AtomDateTime.format(cursor) },
            RecentList.Response
          )
        const seen = new Set<number | string>()
        const fresh = (items: ReadonlyArray<RecentItem.RecentItem>) =>
          items.filter((item) => {
            if (seen.has(item.id)) return false
            seen.add(item.id)
            return true
          })
        return Stream.unfoldEffect(ListCursor.start(pageSize), (step) =>
          step._tag === "Done"
            ? Effect.succeed(Option.none())
            : Effect.gen(function* () {
                const response = yield* read(step.cursor, step.limit)
                const syncDate = step.syncDate ?? response.time.date_start
                const { hasMore, items } = response.result
                const page: ListPage = { items: fresh(items), time: response.time, syncDate, phase: step.phase }
                const next = ListCursor.next(step, { hasMore, items, syncDate }, options?.catchUp ?? true)
                if (next._tag === "Done" && next.stuck !== undefined) {
                  yield* Effect.logWarning(
                    `im.recent.list: more than ${RecentList.maxLimit} items share the last second of the page; stopping there`
                  ).pipe(Effect.annotateLogs({ cursor: AtomDateTime.format(next.stuck) }))
                }
                return Option.some([page, next] as const)
              })
        )
      })
    ).pipe(Stream.withSpan("ImRecent.listPages"))

  const list = (params?: ListParams, options?: ListOptions): Stream.Stream<RecentItem.RecentItem, Bitrix24Error> =>
    Stream.flatMap(listPages(params, options), (page) => Stream.fromIterable(page.items))

  const listAll = Effect.fn("ImRecent.listAll")(function* (params?: ListParams, options?: ListOptions) {
    const pages = yield* Stream.runCollect(listPages(params, options))
    const first = Chunk.head(pages)
    const items = Chunk.toReadonlyArray(pages).flatMap((page) => page.items)
    if (Option.isNone(first)) return yield* Effect.dieMessage("im.recent.list answered no page")
    return { items, nextSyncDate: first.value.syncDate } satisfies ListResult
  })

  return ImRecent.of({ get, pin, unread, hide, list, listPages, listAll })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ImRecent, never, Bitrix24> = Layer.effect(ImRecent, make)
