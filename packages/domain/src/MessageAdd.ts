/**
 * `im.message.add`: sends a message to a dialog or chat.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DialogId } from "./DialogId.js"
import * as RestResponse from "./RestResponse.js"
import { YesNo } from "./YesNo.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.message.add"

/**
 * `DIALOG_ID` (a user id, `chatN` or `sgN`) and `MESSAGE` (required unless `ATTACH` is given);
 * `ATTACH` (the attachment's JSON structure), `SYSTEM` (shown as a system message), `URL_PREVIEW`
 * (links to rich links, default `Y`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  DIALOG_ID: DialogId,
  MESSAGE: Schema.optionalWith(Schema.String, { exact: true }),
  ATTACH: Schema.optionalWith(
    Schema.Union(Schema.Record({ key: Schema.String, value: Schema.Unknown }), Schema.Array(Schema.Unknown)),
    { exact: true }
  ),
  SYSTEM: Schema.optionalWith(YesNo, { exact: true }),
  URL_PREVIEW: Schema.optionalWith(YesNo, { exact: true })
}).annotations({ identifier: "MessageAddParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: <message id>, time }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.make(Schema.Int).annotations({ identifier: "MessageAddResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Response extends Schema.Schema.Type<typeof Response> {}
