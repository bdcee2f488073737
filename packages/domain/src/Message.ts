/**
 * The last message of a recent item.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AtomDateTime } from "./AtomDateTime.js"
import { LenientInt } from "./internal/wire.js"

/**
 * A disk file attached to the message.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FileRef = Schema.Struct({
  id: LenientInt,
  type: Schema.String,
  name: Schema.String
}).annotations({ identifier: "FileRef" })

/**
 * `false`, `true` (legacy chat portals) or the file.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageFile = Schema.Union(Schema.Boolean, FileRef).annotations({ identifier: "MessageFile" })

/**
 * `false`, `true` (an attach id or a URL preview) or the description of a "first message" attach.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageAttach = Schema.Union(Schema.Boolean, Schema.String).annotations({ identifier: "MessageAttach" })

/**
 * `null`, a sticker id, or the sticker's parameters (`false` in build 25.1150.0).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageSticker = Schema.Union(
  Schema.Null,
  Schema.Literal(false),
  Schema.Int,
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "MessageSticker" })

/**
 * `"delivered"` when someone has read the message, `"received"` otherwise.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessageStatus = Schema.Literal("received", "delivered").annotations({ identifier: "MessageStatus" })

/**
 * The last message. `text` is plain text (BB codes stripped, labels like `[Attachment]` in the
 * portal's language). `uuid` is absent when the message row is gone.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Message = Schema.Struct({
  id: LenientInt,
  text: Schema.String,
  file: MessageFile,
  author_id: LenientInt,
  attach: MessageAttach,
  sticker: Schema.optionalWith(MessageSticker, { exact: true }),
  date: AtomDateTime,
  status: Schema.optionalWith(MessageStatus, { exact: true }),
  uuid: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true })
}).annotations({ identifier: "Message" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Message extends Schema.Schema.Type<typeof Message> {}
