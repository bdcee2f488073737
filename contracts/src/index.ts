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

/**
 * The contract suite, written once and run against any target.
 *
 * @since 0.1.0
 */
export * as Suite from "./Suite.js"

/**
 * What a contract suite runs against: msw replay, the emulator over loopback, a live portal.
 *
 * @since 0.1.0
 */
export * as Target from "./Target.js"
