/**
 * `im.chat.add`: creates a group chat (`CHAT`, closed) or an open chat (`OPEN`) owned by the caller.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as RestResponse from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.chat.add"

/**
 * The chat colours `COLOR` accepts (`Bitrix\Im\Color::isSafeColor`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Color = Schema.Literal(
  "RED",
  "GREEN",
  "MINT",
  "LIGHT_BLUE",
  "DARK_BLUE",
  "PURPLE",
  "AQUA",
  "PINK",
  "LIME",
  "BROWN",
  "AZURE",
  "KHAKI",
  "SAND",
  "MARENGO",
  "GRAY",
  "GRAPHITE"
).annotations({ identifier: "ChatColor" })

/**
 * `TYPE` (`OPEN` for an open chat, anything else a closed one), `USERS` (the members besides the
 * caller, who becomes the owner), `TITLE` (generated when missing), `DESCRIPTION`, `COLOR`,
 * `MESSAGE` (a first message from the caller), `AVATAR` (base64 image), and `ENTITY_TYPE` /
 * `ENTITY_ID` binding the chat to an object (`CRM` with `DEAL|1663`, `TASKS`, `SONET_GROUP`, …).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({
  TYPE: Schema.optionalWith(Schema.Literal("OPEN", "CHAT"), { exact: true }),
  USERS: Schema.optionalWith(Schema.Array(Schema.Int.pipe(Schema.positive())), { exact: true }),
  TITLE: Schema.optionalWith(Schema.String, { exact: true }),
  DESCRIPTION: Schema.optionalWith(Schema.String, { exact: true }),
  COLOR: Schema.optionalWith(Color, { exact: true }),
  MESSAGE: Schema.optionalWith(Schema.String, { exact: true }),
  AVATAR: Schema.optionalWith(Schema.String, { exact: true }),
  ENTITY_TYPE: Schema.optionalWith(Schema.String, { exact: true }),
  ENTITY_ID: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "ChatAddParams" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/**
 * `{ result: <chat id>, time }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.make(Schema.Int).annotations({ identifier: "ChatAddResponse" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Response extends Schema.Schema.Type<typeof Response> {}
