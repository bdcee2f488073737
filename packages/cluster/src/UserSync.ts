/**
 * The per-(portal, user) mirror work, as the `Portal` entity calls it: {@link UserSync} makes, for one user, a
 * {@link UserMirror} whose `sync` is one step (a full load or a delta) written to the database. The entity builds one
 * per user when it starts (over the user's own connection, which shares the portal's throttle and budget) and calls
 * `sync` for every user on each round.
 *
 * {@link layerRecentMirror} (the default of `Mirror`) is `@im-recent/sql`'s `RecentMirror`: the items in
 * `im_recent_item`, the cursor in `im_recent_cursor`, every change in the gap-free outbox `im_recent_change`, each step
 * in one transaction, a restarted entity resuming with a delta from the stored cursor. {@link layerSnapshot} keeps the
 * snapshot in memory and writes the whole list after each step (no cursor, no outbox).
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { type ImRecent, RecentSync, SnapshotStore } from "@im-recent/client"
import { RecentItem } from "@im-recent/domain"
import { RecentMirror } from "@im-recent/sql"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

/**
 * Whose list: the portal's domain (the `Portal` entity's id) and the user's id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly portal: string
  readonly userId: number
}

/**
 * One step as written.
 *
 * @since 0.1.0
 * @category models
 */
export interface Synced {
  readonly key: Key
  readonly kind: "full" | "delta"
  /** The size of the list after the step. */
  readonly items: number
  /** Items added, updated or removed by the step. */
  readonly changed: number
}

/**
 * What a step can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type SyncError = RecentSync.StepError | SqlError

/**
 * One user's mirror.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserMirror {
  readonly key: Key
  /** One step (steps of one mirror never overlap). */
  readonly sync: Effect.Effect<Synced, SyncError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The mirror of `key`, over the `ImRecent` of that user's connection. */
  readonly make: (key: Key) => Effect.Effect<UserMirror, never, ImRecent.ImRecent | SqlClient.SqlClient>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class UserSync extends Context.Tag("@im-recent/cluster/UserSync")<UserSync, Service>() {}

const encodeItem = Schema.encodeSync(RecentItem.RecentItem)

const writeList = (sql: SqlClient.SqlClient, key: Key, items: ReadonlyArray<RecentItem.RecentItem>) =>
  sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`DELETE FROM im_recent_item WHERE portal = ${key.portal} AND user_id = ${key.userId}`
      const rows = items.map((item, position) => ({
        portal: key.portal,
        user_id: key.userId,
        item_id: String(item.id),
        type: item.type,
        position,
        pinned: sql.onDialectOrElse({ pg: () => item.pinned, orElse: () => (item.pinned ? 1 : 0) }),
        data: JSON.stringify(encodeItem(item))
      }))
      // SQLite binds at most 32766 parameters per statement: 7 per row, in chunks
      for (let start = 0; start < rows.length; start += 500) {
        yield* sql`INSERT INTO im_recent_item ${sql.insert(rows.slice(start, start + 500))}`
      }
    })
  )

/**
 * `RecentSync` steps over an in-memory snapshot (a full load when the entity starts, deltas after), the list written
 * whole to `im_recent_item` after each step.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSnapshot = (options?: RecentSync.Options): Service => ({
  make: (key) =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const sync = yield* RecentSync.make(options).pipe(
        Effect.provideServiceEffect(SnapshotStore.SnapshotStore, SnapshotStore.makeMemory())
      )
      return {
        key,
        sync: Effect.gen(function* () {
          const change = yield* sync.sync
          yield* writeList(sql, key, change.snapshot.items)
          return {
            key,
            kind: change.kind,
            items: change.snapshot.items.length,
            changed: change.added.length + change.updated.length + change.removed.length
          }
        }).pipe(Effect.withSpan("UserSync.sync", { attributes: { portal: key.portal, user: key.userId } }))
      }
    })
})

/**
 * {@link makeSnapshot} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSnapshot = (options?: RecentSync.Options): Layer.Layer<UserSync> =>
  Layer.succeed(UserSync, makeSnapshot(options))

/**
 * `RecentMirror` steps: the list, its cursor and the change outbox in the database, one transaction per step; an
 * entity that starts on another runner resumes from the stored cursor.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRecentMirror = (options?: RecentSync.Options): Service => ({
  make: (key) =>
    RecentMirror.make({ ...options, userId: key.userId }).pipe(
      // the user id is given: the mirror cannot fail to tell whose list it keeps
      Effect.orDie,
      Effect.map((mirror) => ({
        key,
        sync: mirror.sync.pipe(
          Effect.map((synced) => ({
            key,
            kind: synced.kind,
            items: synced.items,
            changed: synced.changes.length
          })),
          Effect.withSpan("UserSync.sync", { attributes: { portal: key.portal, user: key.userId } })
        )
      }))
    )
})

/**
 * {@link makeRecentMirror} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerRecentMirror = (options?: RecentSync.Options): Layer.Layer<UserSync> =>
  Layer.succeed(UserSync, makeRecentMirror(options))
