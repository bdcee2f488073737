/**
 * The Bitrix24 REST transport: `call(method, params, schema)` over an abstract `HttpClient`, with the
 * portal's rate limit, operating budgets, retries, timeouts and OAuth renewal.
 *
 * @since 0.1.0
 */
export * as Bitrix24 from "./Bitrix24.js"
/**
 * How calls are authorized: an incoming webhook or an OAuth application.
 *
 * @since 0.1.0
 */
export * as Bitrix24Auth from "./Bitrix24Auth.js"
/**
 * Everything a Bitrix24 call can fail with, as `Schema.TaggedError` classes.
 *
 * @since 0.1.0
 */
export * as Bitrix24Error from "./Bitrix24Error.js"
/**
 * Apps inside a Bitrix24 portal page: the frame transport.
 *
 * @since 0.1.0
 */
export * as Frame from "./Frame.js"
/**
 * `batch`: up to 50 `ImCommand`s in one HTTP request, each result typed by its command.
 *
 * @since 0.1.0
 */
export * as ImBatch from "./ImBatch.js"
/**
 * REST calls as values: a method, its encoded parameters and the decoder of its result; run alone or in a batch.
 *
 * @since 0.1.0
 */
export * as ImCommand from "./ImCommand.js"
/**
 * The messenger around the recent list: messages, chats, dialogs, counters, and batches of commands.
 *
 * @since 0.1.0
 */
export * as ImMessenger from "./ImMessenger.js"
/**
 * The recent-chats API: `im.recent.get`, `pin`, `unread`, `hide`, and `im.recent.list` as a `Stream`.
 *
 * @since 0.1.0
 */
export * as ImRecent from "./ImRecent.js"
/**
 * The per-method operating-time budget (`time.operating`, `time.operating_reset_at`).
 *
 * @since 0.1.0
 */
export * as OperatingBudget from "./OperatingBudget.js"
/**
 * Keeps a local snapshot of the recent list current: a full load, then deltas.
 *
 * @since 0.1.0
 */
export * as RecentSync from "./RecentSync.js"
/**
 * Holds each request back until the portal's request-rate limit (`RateLimit` of the domain) has room for it: one
 * leaky bucket per portal, shared by every client in the process.
 *
 * @since 0.1.0
 */
export * as RequestThrottle from "./RequestThrottle.js"
/**
 * The retry schedule of Bitrix24 calls.
 *
 * @since 0.1.0
 */
export * as RetrySchedule from "./RetrySchedule.js"
/**
 * Where `RecentSync` keeps its snapshot.
 *
 * @since 0.1.0
 */
export * as SnapshotStore from "./SnapshotStore.js"
/**
 * Where the OAuth layer keeps its tokens, and how renewed tokens are persisted.
 *
 * @since 0.1.0
 */
export * as TokenStore from "./TokenStore.js"
