/**
 * A queryable mirror of users' recent lists: for each (portal, user) the items of `im.recent.get` in the table
 * `im_recent_item`, its sync state (`LAST_SYNC_DATE`, filters, last full load) in `im_recent_cursor`, and every change
 * in the outbox `im_recent_change`, on any `@effect/sql` client (SQLite, Postgres).
 *
 * The steps are `RecentSync`'s (a full load, then deltas with `LAST_SYNC_DATE`, a full reload when due, the same
 * reasons): the mirror's tables are its snapshot store. Each step is written in ONE transaction with its cursor, so a
 * crash between two statements leaves the tables as they were; a restart resumes with a delta from the stored cursor
 * and items. Items gone on a full reload (hidden dialogs, chats left) are deleted.
 *
 * Every change (an item added, updated or removed) is published twice: on {@link Service.changes}, a `Stream` of the
 * committed changes, and in the outbox, where each change has an id one above the previous one, with no gap: ids are
 * taken as `max(id) + 1` inside the sync's transaction, under a lock (Postgres: `LOCK TABLE im_recent_change IN
 * EXCLUSIVE MODE`; SQLite: one writer at a time), never from a sequence that a rolled-back transaction would skip.
 * Consumers in other processes read it in order with {@link changesAfter}; replaying it from the start rebuilds the
 * items (with their `data`).
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { ImRecent, RecentSync, SnapshotStore } from "@im-recent/client"
import { AtomDateTime, RecentItem } from "@im-recent/domain"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/**
 * Whose list: the portal's domain (`company.bitrix24.com`) and the user's id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly portal: string
  readonly userId: number
}

/**
 * What happened to an item.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "added" | "updated" | "removed"

/**
 * One change, as the outbox records it: its id (1, 2, 3, … across all lists of the database, no gaps), whose list,
 * the item's id as on the wire (`"7"`, `"chat12"`), and the item's wire JSON after the change (`undefined` for a
 * removal).
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly id: number
  readonly portal: string
  readonly userId: number
  readonly itemId: string
  readonly kind: Kind
  readonly data: string | undefined
}

/**
 * One sync step as the mirror wrote it: `RecentSync`'s kind and reason, the size of the list after it, the changes
 * it recorded (in outbox order), the `LAST_SYNC_DATE` it stored, and how long it took.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sync {
  readonly key: Key
  readonly kind: "full" | "delta"
  readonly reason: RecentSync.Reason
  readonly items: number
  readonly changes: ReadonlyArray<Change>
  readonly syncDate: DateTime.Zoned
  /** How long the step took: the request, the transaction, and any retries before them. */
  readonly elapsed: Duration.Duration
}

/**
 * The mirror cannot tell whose list it keeps: the connection's identity has no user id (an OAuth application without
 * `userId`); pass `Options.userId`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownUser extends Schema.TaggedError<UnknownUser>("@im-recent/sql/RecentMirror/UnknownUser")(
  "UnknownUser",
  { identity: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The mirror needs the user whose list it keeps, and the connection (${this.identity}) does not say: pass userId`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends RecentSync.Options {
  /** The user whose list this is, when the connection does not say (an OAuth application without a user id). */
  readonly userId?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Whose list this mirror keeps. */
  readonly key: Key
  /** One step (a full load or a delta, whichever is due), written in one transaction with its cursor. */
  readonly sync: Effect.Effect<Sync, RecentSync.StepError>
  /** A full reload now. */
  readonly refresh: Effect.Effect<Sync, RecentSync.StepError>
  /**
   * A step now, then one every `interval`; failed steps that time can fix are tried again after a back-off
   * (`RecentSync.changesRetrying`).
   */
  readonly syncs: (options?: RecentSync.RetryOptions) => Stream.Stream<Sync, RecentSync.StepError>
  /** The changes this mirror commits from now on, in outbox order. */
  readonly changes: Stream.Stream<Change>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RecentMirror extends Context.Tag("@im-recent/sql/RecentMirror")<RecentMirror, Service>() {}

/**
 * The key of a connection: the domain of its portal URL, and the user id of its identity (`webhook:<user>`,
 * `oauth:<client>:<user>`), or `userId` when given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const keyOf = (
  owner: { readonly portal: string; readonly user: string },
  userId?: number
): Effect.Effect<Key, UnknownUser> => {
  const portal = new URL(owner.portal).host
  if (userId !== undefined) return Effect.succeed({ portal, userId })
  const match = /^(?:webhook:(\d+)|oauth:.+:(\d+))$/.exec(owner.user)
  const found = match?.[1] ?? match?.[2]
  return found === undefined
    ? Effect.fail(new UnknownUser({ identity: owner.user }))
    : Effect.succeed({ portal, userId: Number(found) })
}

/** A stored row of the mirror, as this process last saw it. */
interface Row {
  readonly position: number
  readonly data: string
  /** The decoded item the row was written from or read as; compared by reference to skip encoding. */
  readonly item: RecentItem.RecentItem | undefined
}

interface Cache {
  readonly version: string
  readonly snapshot: SnapshotStore.Snapshot
  readonly rows: ReadonlyMap<string, Row>
}

interface CursorRow {
  readonly params: string
  readonly sync_date: string
  readonly full_at: string | Date
  readonly synced_at: string | Date
}

const iso = (value: string | Date): string => new Date(value).toISOString()

const versionOf = (cursor: CursorRow): string => `${cursor.sync_date}|${iso(cursor.full_at)}|${iso(cursor.synced_at)}`

const encodeItem = Schema.encodeSync(RecentItem.RecentItem)
const decodeItem = Schema.decodeUnknownEither(RecentItem.RecentItem, { errors: "all", onExcessProperty: "ignore" })
const decodeParams = Schema.decodeUnknownOption(
  Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String }))
)
const decodeSyncDate = Schema.decodeUnknownEither(AtomDateTime.AtomDateTime)

/**
 * The wire JSON of an item (`im_recent_item.data`, the outbox's `data`): the decoded item encoded back with the domain
 * schema. It has the fields and values the server sent, dates with the server's offsets; its keys come in the schema's
 * order, which a server build may not share (26.250 moved `counter`), so compare it as JSON, not as text.
 *
 * @since 0.1.0
 * @category encoding
 */
export const wireJson = (item: RecentItem.RecentItem): string => JSON.stringify(encodeItem(item))

/** Rows per multi-row statement: well under SQLite's and Postgres's limits on bound parameters. */
const CHUNK = 100

const chunks = <A>(all: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < all.length; i += CHUNK) out.push(all.slice(i, i + CHUNK))
  return out
}

const describe = (error: SqlError): string => {
  const cause = error.cause
  return cause instanceof Error && cause.message !== "" ? `${error.message}: ${cause.message}` : error.message
}

/**
 * Takes the lock that orders every writer of the outbox, first thing in a transaction: Postgres locks the table
 * against other writers (readers go on); on SQLite a write statement takes the database's one write lock.
 */
const lockOutbox = (sql: SqlClient.SqlClient) =>
  sql.onDialectOrElse({
    pg: () => sql`LOCK TABLE im_recent_change IN EXCLUSIVE MODE`,
    orElse: () => sql`UPDATE im_recent_change SET id = id WHERE 0 = 1`
  })

/**
 * The changes recorded after `afterId` (0: from the first), oldest first, at most `limit` (default 1,000) of them,
 * optionally only one list's. A consumer keeps the id of the last change it handled and asks again from there: it sees
 * every change once, in order.
 *
 * @since 0.1.0
 * @category outbox
 */
export const changesAfter = (
  afterId: number,
  options?: { readonly limit?: number | undefined; readonly key?: Key | undefined }
): Effect.Effect<ReadonlyArray<Change>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const limit = options?.limit ?? 1000
    const key = options?.key
    const rows = yield* sql<{
      id: number | string
      portal: string
      user_id: number | string
      item_id: string
      kind: Kind
      data: string | null
    }>`SELECT id, portal, user_id, item_id, kind, data FROM im_recent_change WHERE id > ${afterId}${
      key === undefined ? sql`` : sql` AND portal = ${key.portal} AND user_id = ${key.userId}`
    } ORDER BY id LIMIT ${limit}`
    return rows.map(
      (row): Change => ({
        id: Number(row.id),
        portal: row.portal,
        userId: Number(row.user_id),
        itemId: row.item_id,
        kind: row.kind,
        data: row.data ?? undefined
      })
    )
  }).pipe(Effect.withSpan("RecentMirror.changesAfter"))

/**
 * The items of one list as stored, in the server's order, decoded from their wire JSON.
 *
 * @since 0.1.0
 * @category queries
 */
export const items = (
  key: Key
): Effect.Effect<
  ReadonlyArray<RecentItem.RecentItem>,
  SqlError | SnapshotStore.SnapshotStoreError,
  SqlClient.SqlClient
> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      data: string
    }>`SELECT data FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId} ORDER BY position`
    return yield* Effect.forEach(rows, (row) => decodeRow(row.data))
  })

const decodeRow = (data: string) =>
  Effect.suspend(() => {
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      return Effect.fail(
        new SnapshotStore.SnapshotStoreError({ operation: "load", description: "a stored item is not JSON" })
      )
    }
    const decoded = decodeItem(json)
    return decoded._tag === "Right"
      ? Effect.succeed(decoded.right)
      : Effect.fail(
          new SnapshotStore.SnapshotStoreError({
            operation: "load",
            description: `a stored item is not a recent item: ${decoded.left.message}`
          })
        )
  })

/**
 * Builds the mirror of the list `ImRecent` reads (its portal and user), with `RecentSync`'s options. The schema must
 * be current (`Migrations.run`, which `Database.layer` runs).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, UnknownUser, ImRecent.ImRecent | SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const recent = yield* ImRecent.ImRecent
    const sql = yield* SqlClient.SqlClient
    const key = yield* keyOf(recent.owner, options?.userId)
    const cache = yield* Ref.make(Option.none<Cache>())
    /** The changes of the last committed save, read by the step that made it (steps never overlap). */
    const lastChanges = yield* Ref.make<ReadonlyArray<Change>>([])
    const hub = yield* PubSub.unbounded<Change>()
    const sqlite = sql.onDialectOrElse({ pg: () => false, orElse: () => true })
    const bool = (value: boolean) => (sqlite ? (value ? 1 : 0) : value)

    const readCursor = sql<CursorRow>`SELECT params, sync_date, full_at, synced_at FROM im_recent_cursor WHERE portal = ${key.portal} AND user_id = ${key.userId}`

    const load: Effect.Effect<Option.Option<SnapshotStore.Snapshot>, SnapshotStore.SnapshotStoreError> = Effect.gen(
      function* () {
        const cursors = yield* readCursor
        const cursor = cursors[0]
        if (cursor === undefined) {
          yield* Ref.set(cache, Option.none())
          return Option.none()
        }
        const version = versionOf(cursor)
        const cached = yield* Ref.get(cache)
        if (Option.isSome(cached) && cached.value.version === version) return Option.some(cached.value.snapshot)
        const rows = yield* sql<{
          item_id: string
          position: number
          data: string
        }>`SELECT item_id, position, data FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId} ORDER BY position`
        const decoded = yield* Effect.forEach(rows, (row) => decodeRow(row.data))
        const syncDate = decodeSyncDate(cursor.sync_date)
        if (syncDate._tag === "Left") {
          return yield* new SnapshotStore.SnapshotStoreError({
            operation: "load",
            description: `the stored sync date ${JSON.stringify(cursor.sync_date)} is not an ATOM date-time`
          })
        }
        const snapshot: SnapshotStore.Snapshot = {
          portal: recent.owner.portal,
          user: recent.owner.user,
          params: Option.getOrElse(decodeParams(cursor.params), () => ({})),
          items: decoded,
          syncDate: syncDate.right,
          fullAt: DateTime.unsafeMake(new Date(cursor.full_at))
        }
        yield* Ref.set(
          cache,
          Option.some({
            version,
            snapshot,
            rows: new Map(
              rows.map((row, i) => [row.item_id, { position: Number(row.position), data: row.data, item: decoded[i] }])
            )
          })
        )
        return Option.some(snapshot)
      }
    ).pipe(
      Effect.catchTag("SqlError", (error) =>
        Effect.fail(new SnapshotStore.SnapshotStoreError({ operation: "load", description: describe(error) }))
      )
    )

    const save = (snapshot: SnapshotStore.Snapshot): Effect.Effect<void, SnapshotStore.SnapshotStoreError> =>
      Effect.gen(function* () {
        const now = yield* DateTime.now
        const nowIso = DateTime.formatIso(now)
        const committed = yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* lockOutbox(sql)
            const cursor = (yield* readCursor)[0]
            const cached = yield* Ref.get(cache)
            // the rows as they are now: the cache when nobody wrote since this process did, else read them
            const base: ReadonlyMap<string, Row> =
              cursor !== undefined && Option.isSome(cached) && cached.value.version === versionOf(cursor)
                ? cached.value.rows
                : new Map(
                    (yield* sql<{
                      item_id: string
                      position: number
                      data: string
                    }>`SELECT item_id, position, data FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId}`).map(
                      (row) =>
                        [row.item_id, { position: Number(row.position), data: row.data, item: undefined }] as const
                    )
                  )
            const next = new Map<string, Row>()
            const written: Array<Record<string, unknown>> = []
            const changed: Array<{ readonly itemId: string; readonly kind: Kind; readonly data: string | undefined }> =
              []
            snapshot.items.forEach((item, position) => {
              const itemId = String(item.id)
              if (next.has(itemId)) return
              const old = base.get(itemId)
              const data = old !== undefined && old.item === item ? old.data : wireJson(item)
              next.set(itemId, { position, data, item })
              if (old === undefined || old.data !== data) {
                changed.push({ itemId, kind: old === undefined ? "added" : "updated", data })
                written.push({
                  portal: key.portal,
                  user_id: key.userId,
                  item_id: itemId,
                  type: item.type,
                  position,
                  pinned: bool(item.pinned),
                  message_date: DateTime.formatIso(item.message.date),
                  date_update: DateTime.formatIso(item.date_update),
                  data
                })
              }
            })
            const removed = [...base.entries()]
              .filter(([itemId]) => !next.has(itemId))
              .sort((a, b) => a[1].position - b[1].position)
              .map(([itemId]) => itemId)
            for (const ids of chunks(removed)) {
              yield* sql`DELETE FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId} AND ${sql.in("item_id", ids)}`
            }
            // Rows that only moved shift in runs: after a delta most of the list moves by the same few places. A run is
            // moved out of the way first (to -1 - its new position), so that no later run's range catches it.
            const runs: Array<{ readonly from: number; to: number; readonly by: number }> = []
            let run: (typeof runs)[number] | undefined
            for (const [itemId, old] of [...base.entries()].sort((a, b) => a[1].position - b[1].position)) {
              const now = next.get(itemId)
              // a removed row is deleted, a changed one rewritten afterwards: neither breaks a run
              if (now === undefined || now.data !== old.data) continue
              const by = now.position - old.position
              if (by === 0) run = undefined
              else if (run !== undefined && run.by === by) run.to = old.position
              else {
                run = { from: old.position, to: old.position, by }
                runs.push(run)
              }
            }
            for (const shift of runs) {
              yield* sql`UPDATE im_recent_item SET position = ${-1 - shift.by} - position WHERE portal = ${key.portal} AND user_id = ${key.userId} AND position BETWEEN ${shift.from} AND ${shift.to}`
            }
            if (runs.length > 0) {
              yield* sql`UPDATE im_recent_item SET position = -1 - position WHERE portal = ${key.portal} AND user_id = ${key.userId} AND position < 0`
            }
            for (const rows of chunks(written)) {
              yield* sql`INSERT INTO im_recent_item ${sql.insert(rows)} ON CONFLICT (portal, user_id, item_id) DO UPDATE SET type = excluded.type, position = excluded.position, pinned = excluded.pinned, message_date = excluded.message_date, date_update = excluded.date_update, data = excluded.data`
            }
            const cursorRow = {
              portal: key.portal,
              user_id: key.userId,
              params: JSON.stringify(snapshot.params ?? {}),
              sync_date: AtomDateTime.format(snapshot.syncDate),
              full_at: DateTime.formatIso(snapshot.fullAt),
              synced_at: nowIso
            }
            yield* sql`INSERT INTO im_recent_cursor ${sql.insert(cursorRow)} ON CONFLICT (portal, user_id) DO UPDATE SET params = excluded.params, sync_date = excluded.sync_date, full_at = excluded.full_at, synced_at = excluded.synced_at`
            const all = [
              ...removed.map((itemId) => ({ itemId, kind: "removed" as const, data: undefined })),
              ...changed
            ]
            const top = yield* sql<{ top: number | string | null }>`SELECT max(id) AS top FROM im_recent_change`
            const first = Number(top[0]?.top ?? 0) + 1
            const changes = all.map(
              (change, i): Change => ({ id: first + i, portal: key.portal, userId: key.userId, ...change })
            )
            for (const part of chunks(changes)) {
              yield* sql`INSERT INTO im_recent_change ${sql.insert(
                part.map((change) => ({
                  id: change.id,
                  portal: change.portal,
                  user_id: change.userId,
                  item_id: change.itemId,
                  kind: change.kind,
                  data: change.data ?? null,
                  created_at: nowIso
                }))
              )}`
            }
            return { rows: next, changes, version: versionOf(cursorRow) }
          })
        )
        yield* Ref.set(cache, Option.some({ version: committed.version, snapshot, rows: committed.rows }))
        yield* Ref.set(lastChanges, committed.changes)
        yield* PubSub.publishAll(hub, committed.changes)
      }).pipe(
        Effect.catchTag("SqlError", (error) =>
          Effect.fail(new SnapshotStore.SnapshotStoreError({ operation: "save", description: describe(error) }))
        ),
        Effect.withSpan("RecentMirror.save")
      )

    const sync = yield* RecentSync.make(options).pipe(
      Effect.provideService(SnapshotStore.SnapshotStore, { load, save }),
      Effect.provideService(ImRecent.ImRecent, recent)
    )
    const lock = yield* Effect.makeSemaphore(1)
    const step = (run: Effect.Effect<RecentSync.Change, RecentSync.StepError>) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          yield* Ref.set(lastChanges, [])
          const [elapsed, change] = yield* Effect.timed(run)
          return {
            key,
            kind: change.kind,
            reason: change.reason,
            items: change.snapshot.items.length,
            changes: yield* Ref.getAndSet(lastChanges, []),
            syncDate: change.snapshot.syncDate,
            elapsed
          } satisfies Sync
        })
      )
    const interval = options?.interval ?? "30 seconds"
    const once = step(sync.sync).pipe(Effect.withSpan("RecentMirror.sync"))
    return RecentMirror.of({
      key,
      sync: once,
      refresh: step(sync.refresh).pipe(Effect.withSpan("RecentMirror.refresh")),
      syncs: (retry) =>
        Stream.repeatEffectWithSchedule(
          step(
            RecentSync.retrying({ ...retry, schedule: retry?.schedule ?? RecentSync.backoff(interval) })(sync.sync)
          ).pipe(Effect.withSpan("RecentMirror.sync")),
          Schedule.spaced(interval)
        ),
      changes: Stream.fromPubSub(hub)
    })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<RecentMirror, UnknownUser, ImRecent.ImRecent | SqlClient.SqlClient> =>
  Layer.effect(RecentMirror, make(options))
