/**
 * `im.recent.hide`: removes a dialog from the caller's recent list.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DialogId } from "./DialogId.js"
import { BooleanResponse } from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.recent.hide"

/**
 * `DIALOG_ID` (required).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({ DIALOG_ID: DialogId }).annotations({ identifier: "RecentHideParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: true, time }`. A delta sync cannot see hidden dialogs: the row is deleted.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = BooleanResponse
