/**
 * The recent-chats API: `im.recent.get`, `im.recent.pin`, `im.recent.unread`, `im.recent.hide`, and
 * `im.recent.list` as a `Stream` that pages by the `LAST_MESSAGE_DATE` cursor and emits every item exactly once,
 * even when the list moves while it is read. The cursor has whole seconds and the server ignores `OFFSET` next to
 * it, so more than 200 items in one second cannot all be listed: the listing goes on below that second and says so
 * (`Overflow`), or fails with `ListOverflow` when asked to (`onOverflow: "fail"`).
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
  /**
   * When more than 200 unpinned items share one second (a batch of posts does it), the cursor cannot list them all:
   * `"continue"` (the default) goes on from the second before, so every older item still comes, and reports what may
   * be missing (`ListPage.overflow`, `ListResult.overflow`); `"fail"` stops with {@link ListOverflow} instead.
   */
  readonly onOverflow?: "continue" | "fail" | undefined
}

/**
 * The error `list`, `listPages` and `listAll` add for their `options`: {@link ListOverflow} unless `onOverflow` is
 * certainly `"continue"` (left out, or written so).
 *
 * @since 0.1.0
 * @category models
 */
export type OverflowError<O extends ListOptions | undefined> = [O] extends [
  { readonly onOverflow?: "continue" | undefined } | undefined
]
  ? never
  : ListOverflow

/**
 * More than 200 unpinned items share one second, so the listing could not bring them all: the cursor
 * (`LAST_MESSAGE_DATE`) has whole seconds, a page holds at most 200 items, and the server ignores `OFFSET` next to
 * the cursor. The items of that second past the `listed` ones are missing; every older item came.
 *
 * @since 0.1.0
 * @category models
 */
export interface Overflow {
  /** The crowded second (the date of its items, at the response's offset). */
  readonly second: DateTime.Zoned
  /**
   * How many items of that second were listed (on a `ListPage`: up to that response; in a `ListResult`: in all);
   * the rest of that second is missing.
   */
  readonly listed: number
}

/**
 * `onOverflow: "fail"`: more than 200 unpinned items share one second, so `im.recent.list` cannot list them all (see
 * {@link Overflow}). Sending the same listing again cannot help until the list changes.
 *
 * @since 0.1.0
 * @category errors
 */
export class ListOverflow extends Schema.TaggedError<ListOverflow>("@im-recent/client/ImRecent/ListOverflow")(
  "ListOverflow",
  {
    /** The crowded second. */
    second: AtomDateTime.AtomDateTime,
    /** How many items of that second were listed before the listing stopped. */
    listed: Schema.Int
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `im.recent.list cannot list every item: more than ${RecentList.maxLimit} items share the second ${AtomDateTime.format(this.second)} (a page holds at most ${RecentList.maxLimit}, the LAST_MESSAGE_DATE cursor has whole seconds and the server ignores OFFSET next to it); ${this.listed} of them were listed and the others would be missing`
  }
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
  /**
   * Set when this response showed more than 200 unpinned items in one second: the next page starts at the second
   * before, and the items of that second past the ones listed are missing (see {@link Overflow}). Each second is
   * reported once per listing.
   */
  readonly overflow: Option.Option<Overflow>
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
  /**
   * The seconds that held more than 200 unpinned items, newest first: items of those seconds may be missing. Empty
   * when every item came (with `onOverflow: "fail"` it is always empty).
   */
  readonly overflow: ReadonlyArray<Overflow>
}

/**
 * Whose recent list the service reads: the portal and the caller.
 *
 * @since 0.1.0
 * @category models
 */
export interface Owner {
  /** The portal's base URL (`Bitrix24.Service.portal`). */
  readonly portal: string
  /** Who calls (`Bitrix24.Service.identity`: `webhook:1`, `oauth:<clientId>[:<userId>]`). */
  readonly user: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Whose list this is: the portal and the caller of the transport. */
  readonly owner: Owner
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
   * emitted exactly once, unless more than 200 unpinned items share its second (see `ListOptions.onOverflow`).
   */
  readonly list: <const O extends ListOptions = NoOptions>(
    params?: ListParams,
    options?: O
  ) => Stream.Stream<RecentItem.RecentItem, Bitrix24Error | OverflowError<O>>
  /**
   * `list` one response at a time, with each response's `time`, the first page's `time.date_start`, and the
   * overflow a response showed.
   */
  readonly listPages: <const O extends ListOptions = NoOptions>(
    params?: ListParams,
    options?: O
  ) => Stream.Stream<ListPage, Bitrix24Error | OverflowError<O>>
  /** `list` collected, with the `LAST_SYNC_DATE` for a follow-up delta and what may be missing (`overflow`). */
  readonly listAll: <const O extends ListOptions = NoOptions>(
    params?: ListParams,
    options?: O
  ) => Effect.Effect<ListResult, Bitrix24Error | OverflowError<O>>
}

/** No list options: the defaults (`onOverflow: "continue"`). */
type NoOptions = { readonly onOverflow?: "continue" | undefined }

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

  const listPages = (
    params?: ListParams,
    options?: ListOptions
  ): Stream.Stream<ListPage, Bitrix24Error | ListOverflow> =>
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
        /** Items listed per second of activity: what an overflow reports as listed. */
        const perSecond = new Map<number, number>()
        const fresh = (items: ReadonlyArray<RecentItem.RecentItem>) =>
          items.filter((item) => {
            if (seen.has(item.id)) return false
            seen.add(item.id)
            const second = ListCursor.seconds(ListCursor.activityOf(item))
            perSecond.set(second, (perSecond.get(second) ?? 0) + 1)
            return true
          })
        return Stream.unfoldEffect(ListCursor.start(pageSize), (step) =>
          step._tag === "Done"
            ? Effect.succeed(Option.none())
            : Effect.gen(function* () {
                const response = yield* read(step.cursor, step.limit)
                const syncDate = step.syncDate ?? response.time.date_start
                const { hasMore, items } = response.result
                const pageItems = fresh(items)
                const transition = ListCursor.next(step, { hasMore, items, syncDate }, options?.catchUp ?? true)
                const overflow = Option.map(
                  Option.fromNullable(transition.overflow),
                  (second): Overflow => ({ second, listed: perSecond.get(ListCursor.seconds(second)) ?? 0 })
                )
                if (Option.isSome(overflow)) {
                  if (options?.onOverflow === "fail") return yield* new ListOverflow(overflow.value)
                  yield* Effect.logWarning(
                    `im.recent.list: more than ${RecentList.maxLimit} items share one second; going on from the second before, the items of that second past the ${overflow.value.listed} listed are missing`
                  ).pipe(Effect.annotateLogs({ second: AtomDateTime.format(overflow.value.second) }))
                }
                const next = transition.next
                const page: ListPage = { items: pageItems, time: response.time, syncDate, phase: step.phase, overflow }
                return Option.some([page, next] as const)
              })
        )
      })
    ).pipe(Stream.withSpan("ImRecent.listPages"))

  const list = (
    params?: ListParams,
    options?: ListOptions
  ): Stream.Stream<RecentItem.RecentItem, Bitrix24Error | ListOverflow> =>
    Stream.flatMap(listPages(params, options), (page) => Stream.fromIterable(page.items))

  const listAll = Effect.fn("ImRecent.listAll")(function* (params?: ListParams, options?: ListOptions) {
    const pages = Chunk.toReadonlyArray(yield* Stream.runCollect(listPages(params, options)))
    const first = pages[0]
    if (first === undefined) return yield* Effect.dieMessage("im.recent.list answered no page")
    const items = pages.flatMap((page) => page.items)
    // counted over the whole listing: the catch-up read may have brought more items of a crowded second
    const overflow = pages
      .flatMap((page) => Option.toArray(page.overflow))
      .map(({ second }) => ({
        second,
        listed: items.filter((item) => ListCursor.seconds(ListCursor.activityOf(item)) === ListCursor.seconds(second))
          .length
      }))
    return { items, nextSyncDate: first.syncDate, overflow } satisfies ListResult
  })

  // `ListOverflow` is in the types only where `onOverflow` may be "fail": the only case it can happen
  return ImRecent.of({
    owner: { portal: bitrix.portal, user: bitrix.identity },
    get,
    pin,
    unread,
    hide,
    list: list as Service["list"],
    listPages: listPages as Service["listPages"],
    listAll: listAll as Service["listAll"]
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ImRecent, never, Bitrix24> = Layer.effect(ImRecent, make)
