/**
 * The package's tables and their versioned, idempotent migrations (`@effect/sql`'s `Migrator`).
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * A queryable mirror of users' recent lists, kept in sync in one transaction per step, with a gap-free change outbox.
 *
 * @since 0.1.0
 */
export * as RecentMirror from "./RecentMirror.js"
