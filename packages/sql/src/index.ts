/**
 * The package's tables and their versioned, idempotent migrations (`@effect/sql`'s `Migrator`).
 *
 * @since 0.1.0
 */

/**
 * A database from a URL (`sqlite:<file>`, `postgres://…`): the driver loaded when needed, connected, writable, its
 * schema up to date, and one typed error naming what went wrong.
 *
 * @since 0.1.0
 */
export * as Database from "./Database.js"
export * as Migrations from "./Migrations.js"

/**
 * A queryable mirror of users' recent lists, kept in sync in one transaction per step, with a gap-free change outbox.
 *
 * @since 0.1.0
 */
export * as RecentMirror from "./RecentMirror.js"

/**
 * `RecentSync`'s `SnapshotStore` of `@im-recent/client` in a database row: a restarted sync goes on with a delta.
 *
 * @since 0.1.0
 */
export * as SqlSnapshotStore from "./SqlSnapshotStore.js"

/**
 * The OAuth `TokenStore` of `@im-recent/client` in a database row, with a renewal that processes sharing the row
 * run one at a time (no `invalid_grant` from a refresh token sent twice).
 *
 * @since 0.1.0
 */
export * as SqlTokenStore from "./SqlTokenStore.js"
