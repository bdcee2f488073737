import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * The first schema: token pairs, sync snapshots, the mirror of the recent lists, its cursors and its change outbox.
 * Documented column by column in the package README (a public contract): change it only with a new migration.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const statements = sql.onDialectOrElse({
    pg: () => [
      sql`CREATE TABLE im_recent_token (
        key text PRIMARY KEY,
        access_token text NOT NULL,
        refresh_token text NOT NULL,
        expires_at timestamptz,
        generation bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      sql`CREATE TABLE im_recent_snapshot (
        key text PRIMARY KEY,
        data text NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      sql`CREATE TABLE im_recent_item (
        portal text NOT NULL,
        user_id bigint NOT NULL,
        item_id text NOT NULL,
        type text NOT NULL,
        position integer NOT NULL,
        pinned boolean NOT NULL,
        message_date timestamptz,
        date_update timestamptz,
        data text NOT NULL,
        PRIMARY KEY (portal, user_id, item_id)
      )`,
      sql`CREATE INDEX im_recent_item_order ON im_recent_item (portal, user_id, position)`,
      sql`CREATE TABLE im_recent_cursor (
        portal text NOT NULL,
        user_id bigint NOT NULL,
        params text NOT NULL,
        sync_date text NOT NULL,
        full_at timestamptz NOT NULL,
        synced_at timestamptz NOT NULL,
        PRIMARY KEY (portal, user_id)
      )`,
      sql`CREATE TABLE im_recent_change (
        id bigint PRIMARY KEY,
        portal text NOT NULL,
        user_id bigint NOT NULL,
        item_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('added', 'updated', 'removed')),
        data text,
        created_at timestamptz NOT NULL
      )`,
      sql`CREATE INDEX im_recent_change_user ON im_recent_change (portal, user_id, id)`
    ],
    orElse: () => [
      sql`CREATE TABLE im_recent_token (
        key text PRIMARY KEY NOT NULL,
        access_token text NOT NULL,
        refresh_token text NOT NULL,
        expires_at text,
        generation integer NOT NULL,
        updated_at text NOT NULL
      )`,
      sql`CREATE TABLE im_recent_snapshot (
        key text PRIMARY KEY NOT NULL,
        data text NOT NULL,
        updated_at text NOT NULL
      )`,
      sql`CREATE TABLE im_recent_item (
        portal text NOT NULL,
        user_id integer NOT NULL,
        item_id text NOT NULL,
        type text NOT NULL,
        position integer NOT NULL,
        pinned integer NOT NULL,
        message_date text,
        date_update text,
        data text NOT NULL,
        PRIMARY KEY (portal, user_id, item_id)
      )`,
      sql`CREATE INDEX im_recent_item_order ON im_recent_item (portal, user_id, position)`,
      sql`CREATE TABLE im_recent_cursor (
        portal text NOT NULL,
        user_id integer NOT NULL,
        params text NOT NULL,
        sync_date text NOT NULL,
        full_at text NOT NULL,
        synced_at text NOT NULL,
        PRIMARY KEY (portal, user_id)
      )`,
      sql`CREATE TABLE im_recent_change (
        id integer PRIMARY KEY NOT NULL,
        portal text NOT NULL,
        user_id integer NOT NULL,
        item_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('added', 'updated', 'removed')),
        data text,
        created_at text NOT NULL
      )`,
      sql`CREATE INDEX im_recent_change_user ON im_recent_change (portal, user_id, id)`
    ]
  })
  for (const statement of statements) yield* statement
})
