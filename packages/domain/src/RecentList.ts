/**
 * `im.recent.list`: the paginated recent list (no date window, `OFFSET`/`LIMIT` pages).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AtomDateTimeParam } from "./AtomDateTime.js"
import * as PhpValue from "./PhpValue.js"
import { RecentItem } from "./RecentItem.js"
import { ResponseTime } from "./ResponseTime.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.recent.list"

/**
 * The server's page size cap.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxLimit = 200

/**
 * The page size when `LIMIT` is missing, not a number or not positive.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLimit = 50

/**
 * The page size the server reads from a raw `LIMIT` (`Recent::getLimit`): missing, non-numeric or `≤ 0` is
 * {@link defaultLimit}, over {@link maxLimit} is {@link maxLimit}, otherwise PHP's `intval` of it (`"20abc"` is 20).
 *
 * @since 0.1.0
 * @category parameters
 */
export const pageLimit = (raw: unknown): number => {
  const limit = PhpValue.isSet(raw) ? PhpValue.intval(raw) : 0
  return limit <= 0 ? defaultLimit : Math.min(limit, maxLimit)
}

/**
 * The offset the server reads (`Recent::getOffset`): the REST `start` parameter when it is positive, else `OFFSET`
 * when positive, else 0 (each through PHP's `intval`).
 *
 * @since 0.1.0
 * @category parameters
 */
export const pageOffset = (start: unknown, offset: unknown): number => {
  const fromStart = PhpValue.intval(start)
  return fromStart > 0 ? fromStart : Math.max(PhpValue.intval(offset), 0)
}

const flag = Schema.optionalWith(YesNo, { exact: true })

/**
 * The parameters, in the documented order. `LIMIT` is 1–200 (the server silently caps it); `OFFSET`
 * advances by `LIMIT`, not by the number of items received, because pages overlap.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  SKIP_OPENLINES: flag,
  SKIP_DIALOG: flag,
  SKIP_CHAT: flag,
  LAST_MESSAGE_DATE: Schema.optionalWith(AtomDateTimeParam, { exact: true }),
  UNREAD_ONLY: flag,
  PARSE_TEXT: flag,
  GET_ORIGINAL_TEXT: flag,
  SKIP_UNDISTRIBUTED_OPENLINES: flag,
  ONLY_COPILOT: flag,
  ONLY_CHANNEL: flag,
  CAN_MANAGE_MESSAGES: flag,
  OFFSET: Schema.optionalWith(Schema.NonNegativeInt, { exact: true }),
  LIMIT: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, maxLimit)), { exact: true })
}).annotations({ identifier: "RecentListParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * The `result` object. `hasMore` compares the raw rows the server fetched with `LIMIT`, so it can be
 * `true` on a short page. Older builds send only `items` and `hasMore`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Result = Schema.Struct({
  items: Schema.Array(RecentItem),
  hasMorePages: Schema.optionalWith(Schema.Boolean, { exact: true }),
  hasMore: Schema.Boolean,
  copilot: Schema.optionalWith(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })), {
    exact: true
  }),
  messagesAutoDeleteConfigs: Schema.optionalWith(Schema.Array(Schema.Unknown), { exact: true }),
  birthdayList: Schema.optionalWith(Schema.Array(Schema.Unknown), { exact: true })
}).annotations({ identifier: "RecentListResult" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Result extends Schema.Schema.Type<typeof Result> {}

/**
 * The HTTP 200 body: `{ result, next?, total, time }` (`next` and `total` hoisted out of `result`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({
  result: Result,
  next: Schema.optionalWith(Schema.Int, { exact: true }),
  total: Schema.optionalWith(Schema.Int, { exact: true }),
  time: ResponseTime
}).annotations({ identifier: "RecentListResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Response extends Schema.Schema.Type<typeof Response> {}
