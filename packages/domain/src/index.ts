/**
 * ATOM date-times as Bitrix24 writes them: `YYYY-MM-DDThh:mm:ss±hh:mm` (PHP `date('c')`).
 *
 * @since 0.1.0
 */
export * as AtomDateTime from "./AtomDateTime.js"
/**
 * The ports `fetch` refuses to connect to: the WHATWG Fetch standard's "bad port" list (§2.9 "Port blocking"), which
 * undici, and so Node's `fetch`, applies before any connection is made (`TypeError: fetch failed`, cause
 * `bad port`). A portal or an emulator on one of them cannot be reached by a client that uses `fetch`
 * (`FetchHttpClient`, browsers), whatever it answers.
 *
 * @since 0.1.0
 */
export * as BadPort from "./BadPort.js"
/**
 * `batch`: up to 50 calls in one HTTP request.
 *
 * @since 0.1.0
 */
export * as Batch from "./Batch.js"
/**
 * How the server reads a date parameter: PHP's lenient `date_parse_from_format` as Bitrix calls it.
 *
 * @since 0.1.0
 */
export * as BitrixDate from "./BitrixDate.js"
/**
 * The `chat` object of recent items: the full chat on chat items, a partial one on dialog items.
 *
 * @since 0.1.0
 */
export * as Chat from "./Chat.js"
/**
 * `im.chat.add`: creates a group or open chat owned by the caller.
 *
 * @since 0.1.0
 */
export * as ChatAdd from "./ChatAdd.js"
/**
 * `im.chat.leave`: the caller leaves a chat.
 *
 * @since 0.1.0
 */
export * as ChatLeave from "./ChatLeave.js"
/**
 * `im.chat.mute`: turns a chat's notifications off or on for the caller.
 *
 * @since 0.1.0
 */
export * as ChatMute from "./ChatMute.js"
/**
 * Chat type letters: `P` private, `C` group, `O` open, `L` open line, `X` external, and the rest.
 *
 * @since 0.1.0
 */
export * as ChatType from "./ChatType.js"
/**
 * `im.counters.get`: the caller's unread counters.
 *
 * @since 0.1.0
 */
export * as CountersGet from "./CountersGet.js"
/**
 * `im.dialog.get`: one dialog's or chat's details.
 *
 * @since 0.1.0
 */
export * as DialogGet from "./DialogGet.js"
/**
 * Dialog identifiers: a user id, `chatN` or `sgN`.
 *
 * @since 0.1.0
 */
export * as DialogId from "./DialogId.js"
/**
 * `im.dialog.read.all`: reads every dialog and chat of the caller.
 *
 * @since 0.1.0
 */
export * as DialogReadAll from "./DialogReadAll.js"
/**
 * `im.dialog.unread`: marks a message and everything after it unread again.
 *
 * @since 0.1.0
 */
export * as DialogUnread from "./DialogUnread.js"
/**
 * The error envelope `{ error, error_description }` and the catalog of documented error codes.
 *
 * @since 0.1.0
 */
export * as ErrorEnvelope from "./ErrorEnvelope.js"
/**
 * Schema decoding for large payloads: the same schema, the same result, several times faster.
 *
 * @since 0.1.0
 */
export * as FastDecode from "./FastDecode.js"
/**
 * Recent items in the 2017-era documented format.
 *
 * @since 0.1.0
 */
export * as LegacyRecentItem from "./LegacyRecentItem.js"
/**
 * The last message of a recent item.
 *
 * @since 0.1.0
 */
export * as Message from "./Message.js"
/**
 * `im.message.add`: sends a message to a dialog or chat.
 *
 * @since 0.1.0
 */
export * as MessageAdd from "./MessageAdd.js"
/**
 * `im.message.delete`: deletes a message the caller sent.
 *
 * @since 0.1.0
 */
export * as MessageDelete from "./MessageDelete.js"
/**
 * `im.message.update`: changes a message the caller sent.
 *
 * @since 0.1.0
 */
export * as MessageUpdate from "./MessageUpdate.js"
/**
 * The OAuth server's token answer.
 *
 * @since 0.1.0
 */
export * as OAuthToken from "./OAuthToken.js"
/**
 * The per-method operating-time limit: one-minute buckets of execution time that live ten minutes.
 *
 * @since 0.1.0
 */
export * as OperatingLimit from "./OperatingLimit.js"
/**
 * PHP 8 value semantics the server's rules depend on: truthiness, string conversion, `intval`, `<=>`.
 *
 * @since 0.1.0
 */
export * as PhpValue from "./PhpValue.js"
/**
 * The portal's request-rate limit: a leaky bucket per portal (`burst`, `drainPerSecond`).
 *
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * `im.recent.get`: the user's recent dialogs and chats.
 *
 * @since 0.1.0
 */
export * as RecentGet from "./RecentGet.js"
/**
 * `im.recent.hide`: removes a dialog from the caller's recent list.
 *
 * @since 0.1.0
 */
export * as RecentHide from "./RecentHide.js"
/**
 * The items of the recent list: dialogs and chats.
 *
 * @since 0.1.0
 */
export * as RecentItem from "./RecentItem.js"
/**
 * `im.recent.list`: the paginated recent list.
 *
 * @since 0.1.0
 */
export * as RecentList from "./RecentList.js"
/**
 * The server's order of `im.recent.get`: pinned first, newest message first, then id descending (PHP 8 comparison).
 *
 * @since 0.1.0
 */
export * as RecentOrder from "./RecentOrder.js"
/**
 * `im.recent.pin`: pins or unpins a dialog.
 *
 * @since 0.1.0
 */
export * as RecentPin from "./RecentPin.js"
/**
 * How the server interprets the parameters of `im.recent.get`: flags, sync date, date window and type filter.
 *
 * @since 0.1.0
 */
export * as RecentQuery from "./RecentQuery.js"
/**
 * The client-side delta rule: merge a delta into a snapshot by id; the next sync date is `time.date_start`.
 *
 * @since 0.1.0
 */
export * as RecentSnapshot from "./RecentSnapshot.js"
/**
 * `im.recent.unread`: sets or clears the manual "unread" mark.
 *
 * @since 0.1.0
 */
export * as RecentUnread from "./RecentUnread.js"
/**
 * The `time` object every REST response carries.
 *
 * @since 0.1.0
 */
export * as ResponseTime from "./ResponseTime.js"
/**
 * The success envelope of a REST call: `{ result, time }`.
 *
 * @since 0.1.0
 */
export * as RestResponse from "./RestResponse.js"
/**
 * User profiles as `im.recent.*` emits them under `user`.
 *
 * @since 0.1.0
 */
export * as User from "./User.js"
/**
 * Bitrix24's `"Y"` / `"N"` flags.
 *
 * @since 0.1.0
 */
export * as YesNo from "./YesNo.js"
/**
 * A time zone's UTC offset at an instant, cached per hour.
 *
 * @since 0.1.0
 */
export * as ZoneOffset from "./ZoneOffset.js"
