/**
 * The documented responses and errors, verbatim from the official Bitrix24 REST docs.
 *
 * @since 0.1.0
 */
export * as Fixtures from "./Fixtures.js"

/**
 * msw handlers that answer from the documented examples, and the documented errors on demand.
 *
 * @since 0.1.0
 */
export * as Replay from "./Replay.js"

/**
 * msw handlers backed by the emulator.
 *
 * @since 0.1.0
 */
export * as Stateful from "./Stateful.js"
