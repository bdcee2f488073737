import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * The registry of portals and users the cluster mirrors (`@im-recent/cluster`'s `PortalRegistry`): one row per portal
 * (its domain, `member_id`, base URL, the application's `application_token` and OAuth server when it was installed),
 * one row per mirrored user (a webhook URL, or `oauth`: the pair lives in `im_recent_token`). Documented in the
 * package README: change it only with a new migration.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const statements = sql.onDialectOrElse({
    pg: () => [
      sql`CREATE TABLE im_recent_portal (
        portal text PRIMARY KEY,
        member_id text,
        base_url text NOT NULL,
        application_token text,
        client_id text,
        oauth_server text,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      sql`CREATE UNIQUE INDEX im_recent_portal_member ON im_recent_portal (member_id) WHERE member_id IS NOT NULL`,
      sql`CREATE TABLE im_recent_portal_user (
        portal text NOT NULL REFERENCES im_recent_portal (portal) ON DELETE CASCADE,
        user_id bigint NOT NULL,
        auth text NOT NULL CHECK (auth IN ('webhook', 'oauth')),
        webhook_url text,
        registered_at timestamptz NOT NULL,
        PRIMARY KEY (portal, user_id)
      )`
    ],
    orElse: () => [
      sql`CREATE TABLE im_recent_portal (
        portal text PRIMARY KEY NOT NULL,
        member_id text,
        base_url text NOT NULL,
        application_token text,
        client_id text,
        oauth_server text,
        registered_at text NOT NULL,
        updated_at text NOT NULL
      )`,
      sql`CREATE UNIQUE INDEX im_recent_portal_member ON im_recent_portal (member_id) WHERE member_id IS NOT NULL`,
      sql`CREATE TABLE im_recent_portal_user (
        portal text NOT NULL REFERENCES im_recent_portal (portal) ON DELETE CASCADE,
        user_id integer NOT NULL,
        auth text NOT NULL CHECK (auth IN ('webhook', 'oauth')),
        webhook_url text,
        registered_at text NOT NULL,
        PRIMARY KEY (portal, user_id)
      )`
    ]
  })
  for (const statement of statements) yield* statement
})
