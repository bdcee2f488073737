/**
 * `im.recent.get`: the user's recent dialogs and chats.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as AtomDateTime from "./AtomDateTime.js"
import { LegacyRecentItem } from "./LegacyRecentItem.js"
import { RecentItem } from "./RecentItem.js"
import * as RestResponse from "./RestResponse.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.recent.get"

const flag = Schema.optionalWith(YesNo, { exact: true })
const date = Schema.optionalWith(AtomDateTime.AtomDateTimeParam, { exact: true })

/**
 * The parameters. Encoded: the wire object (`"Y"`/`"N"` flags, ATOM dates, all optional). Decoded:
 * booleans and `DateTime` values.
 *
 * - `SKIP_OPENLINES`, `SKIP_CHAT` (group and open chats only), `SKIP_DIALOG` (one-to-one dialogs);
 * - `ONLY_OPENLINES`: only open lines; the server then ignores the three SKIP_ flags and the dates;
 * - `LAST_SYNC_DATE`: only items changed since then (the server clamps it to 7 days back);
 * - `LAST_UPDATE`: the deprecated alias of `LAST_SYNC_DATE`; it wins when both are sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  SKIP_OPENLINES: flag,
  SKIP_CHAT: flag,
  SKIP_DIALOG: flag,
  LAST_UPDATE: date,
  ONLY_OPENLINES: flag,
  LAST_SYNC_DATE: date
}).annotations({ identifier: "RecentGetParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface ParamsEncoded extends Schema.Schema.Encoded<typeof Params> {}

/**
 * The HTTP 200 body: `{ result: RecentItem[], time }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.make(Schema.Array(RecentItem)).annotations({ identifier: "RecentGetResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Response extends Schema.Schema.Type<typeof Response> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface ResponseEncoded extends Schema.Schema.Encoded<typeof Response> {}

/**
 * The 2017-era body the docs showed until 2026: legacy items and no `time`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegacyResponse = RestResponse.makeLegacy(Schema.Array(LegacyRecentItem)).annotations({
  identifier: "RecentGetLegacyResponse"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface LegacyResponse extends Schema.Schema.Type<typeof LegacyResponse> {}

/**
 * Either format, current first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnyResponse = Schema.Union(Response, LegacyResponse).annotations({ identifier: "RecentGetAnyResponse" })
