/**
 * The package's tables and their versioned, idempotent migrations (`@effect/sql`'s `Migrator`).
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

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
