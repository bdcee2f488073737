/**
 * Recent items in the 2017-era format the docs showed until 2026 (`im.recent.get` before IM API
 * revision 29): numbers as strings, one `date` instead of `date_update`, no `chat_id`, `pinned`,
 * `unread` or `options`. Decoded numbers are numbers; encoding writes the strings back.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AtomDateTime, AtomDateTimeOrFalse } from "./AtomDateTime.js"
import { falseAsNull, IntString } from "./internal/wire.js"
import { Avatar } from "./RecentItem.js"

const optional = <A, I, R>(schema: Schema.Schema<A, I, R>) => Schema.optionalWith(schema, { exact: true })

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyMessage = Schema.Struct({
  id: IntString,
  text: Schema.String,
  file: Schema.Boolean,
  attach: Schema.Union(Schema.Boolean, Schema.String),
  author_id: IntString,
  date: optional(AtomDateTime)
}).annotations({ identifier: "LegacyMessage" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyUser = Schema.Struct({
  id: IntString,
  name: Schema.String,
  first_name: Schema.String,
  last_name: Schema.String,
  work_position: Schema.String,
  color: Schema.String,
  avatar: Schema.String,
  gender: Schema.String,
  birthday: falseAsNull(Schema.String.pipe(Schema.pattern(/^(\d{2}-\d{2})?$/))),
  extranet: Schema.Boolean,
  network: Schema.Boolean,
  bot: Schema.Boolean,
  connector: Schema.Boolean,
  external_auth_id: Schema.String,
  status: Schema.String,
  idle: AtomDateTimeOrFalse,
  last_activity_date: AtomDateTimeOrFalse,
  mobile_last_date: AtomDateTimeOrFalse,
  absent: AtomDateTimeOrFalse
}).annotations({ identifier: "LegacyUser" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyChat = Schema.Struct({
  id: IntString,
  title: Schema.String,
  owner: IntString,
  extranet: Schema.Boolean,
  avatar: Schema.String,
  color: Schema.String,
  type: Schema.String,
  entity_type: Schema.String,
  entity_id: optional(Schema.String),
  entity_data_1: Schema.String,
  entity_data_2: Schema.String,
  entity_data_3: Schema.String,
  date_create: AtomDateTime,
  message_type: Schema.String
}).annotations({ identifier: "LegacyChat" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyDialogItem = Schema.Struct({
  id: IntString,
  type: Schema.Literal("user"),
  avatar: Avatar,
  title: Schema.String,
  message: LegacyMessage,
  counter: IntString,
  date: AtomDateTime,
  user: LegacyUser
}).annotations({ identifier: "LegacyDialogItem" })

/**
 * @since 0.1.0
 * @category models
 */
export interface LegacyDialogItem extends Schema.Schema.Type<typeof LegacyDialogItem> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyChatItem = Schema.Struct({
  id: Schema.String.pipe(Schema.pattern(/^chat\d+$/)),
  type: Schema.Literal("chat"),
  avatar: Avatar,
  title: Schema.String,
  message: LegacyMessage,
  counter: IntString,
  date: AtomDateTime,
  chat: LegacyChat
}).annotations({ identifier: "LegacyChatItem" })

/**
 * @since 0.1.0
 * @category models
 */
export interface LegacyChatItem extends Schema.Schema.Type<typeof LegacyChatItem> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const LegacyRecentItem = Schema.Union(LegacyDialogItem, LegacyChatItem).annotations({
  identifier: "LegacyRecentItem"
})

/**
 * @since 0.1.0
 * @category models
 */
export type LegacyRecentItem = LegacyDialogItem | LegacyChatItem
