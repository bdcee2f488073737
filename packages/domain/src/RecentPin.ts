/**
 * `im.recent.pin`: pins or unpins a dialog at the top of the recent list.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DialogId } from "./DialogId.js"
import { BooleanResponse } from "./RestResponse.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.recent.pin"

/**
 * `DIALOG_ID` (required) and `PIN` (`Y` pins, `N` unpins; the server's default is `Y`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  DIALOG_ID: DialogId,
  PIN: Schema.optionalWith(YesNo, { exact: true })
}).annotations({ identifier: "RecentPinParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
