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
