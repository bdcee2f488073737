/**
 * The package's tables and their versioned, idempotent migrations (`@effect/sql`'s `Migrator`).
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"
