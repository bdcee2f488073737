/**
 * `im.counters.get`: the caller's unread counters.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { EmptyArray } from "./internal/wire.js"
import * as RestResponse from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.counters.get"

/**
 * A map from chat or user id to a count. PHP writes an empty one as `[]` (older builds as `{}`); both
 * forms are kept as they came.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CountMap = Schema.Union(
  EmptyArray,
  Schema.Record({ key: Schema.String, value: Schema.Finite })
).annotations({ identifier: "CountMap" })

/**
 * Ids marked "unread" by hand: `[]`, a list, or a map.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnreadMarks = Schema.Union(
  Schema.Array(Schema.Finite),
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "UnreadMarks" })

/**
 * Totals: `ALL` (messages and notifications), `NOTIFY`, `CHAT`, `LINES`, `DIALOG`, and `MESSENGER`
 * (messages only; newer builds).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Totals = Schema.Struct({
  ALL: Schema.Finite,
  NOTIFY: Schema.Finite,
  CHAT: Schema.Finite,
  LINES: Schema.Finite,
  DIALOG: Schema.Finite,
  MESSENGER: Schema.optionalWith(Schema.Finite, { exact: true })
}).annotations({ identifier: "CounterTotals" })

/**
 * The counters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Counters = Schema.Struct({
  TYPE: Totals,
  CHAT: CountMap,
  CHAT_MUTED: Schema.optionalWith(CountMap, { exact: true }),
  CHAT_UNREAD: Schema.optionalWith(UnreadMarks, { exact: true }),
  LINES: CountMap,
  DIALOG: CountMap,
  DIALOG_UNREAD: Schema.optionalWith(UnreadMarks, { exact: true })
}).annotations({ identifier: "Counters" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Counters extends Schema.Schema.Type<typeof Counters> {}

/**
 * The HTTP 200 body (documents from before 2026 show no `time`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.make(Counters).annotations({ identifier: "CountersGetResponse" })

/**
 * The 2017-era body the docs showed until 2026: no `MESSENGER`, `CHAT_MUTED`, `*_UNREAD` or `time`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegacyResponse = RestResponse.makeLegacy(Counters).annotations({ identifier: "CountersGetLegacyResponse" })
