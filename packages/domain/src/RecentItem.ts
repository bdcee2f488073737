/**
 * The items of the recent list: one-to-one dialogs (`type: "user"`) and chats (`type: "chat"`).
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import { AtomDateTime } from "./AtomDateTime.js"
import { Chat, DialogChat } from "./Chat.js"
import * as DialogId from "./DialogId.js"
import { emptyArrayAsNull, LenientInt, phpObject } from "./internal/wire.js"
import { Message } from "./Message.js"
import { SystemAuthor, User } from "./User.js"

/**
 * `{ url, color }`: `url` is `""` without an avatar, `color` a hex colour.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Avatar = Schema.Struct({ url: Schema.String, color: Schema.String }).annotations({
  identifier: "Avatar"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Avatar extends Schema.Schema.Type<typeof Avatar> {}

/**
 * The open-lines session of an `L` chat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Lines = Schema.Struct({
  id: LenientInt,
  status: LenientInt,
  date_create: AtomDateTime
}).annotations({ identifier: "Lines" })

/**
 * Present on dialogs with users who were invited but never logged in.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Invited = Schema.Struct({
  originator_id: LenientInt,
  can_resend: Schema.Boolean
}).annotations({ identifier: "Invited" })

/**
 * Extra flags of the row: `[]` when none, `{ default_user_record: true }` for the shared
 * "X joined the company" dialogs. Decodes `[]` to `{}`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Options = phpObject(
  Schema.Struct({ default_user_record: Schema.optionalWith(Schema.Boolean, { exact: true }) })
).annotations({ identifier: "Options" })

/**
 * The id of a chat item: `"chat<chatId>"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatItemId = Schema.TemplateLiteral("chat", Schema.Number)
  .pipe(Schema.pattern(/^chat[1-9]\d*$/))
  .annotations({ identifier: "ChatItemId" })

/** The fields every item carries between `title` and its `user`/`chat`, in the order the server emits them. */
const listState = {
  message: Message,
  counter: Schema.optionalWith(LenientInt, { exact: true }),
  last_id: Schema.optionalWith(LenientInt, { exact: true }),
  pinned: Schema.Boolean,
  unread: Schema.Boolean,
  has_reminder: Schema.optionalWith(Schema.Boolean, { exact: true }),
  date_update: AtomDateTime,
  date_last_activity: Schema.optionalWith(AtomDateTime, { exact: true })
} as const

/**
 * A one-to-one dialog. `id` is the other user's id; `avatar`, `title` and `user` are `null` when that
 * user no longer exists (the server writes `[]`).
 *
 * Optional fields follow the server's history: `last_id`, `has_reminder` and `date_last_activity`
 * arrived after IM API revision 30 (2021), `chat` later still, and 26.250 drops `counter` for
 * `WITH_COUNTERS=N`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DialogItem = Schema.Struct({
  id: LenientInt,
  chat_id: LenientInt,
  type: Schema.Literal("user"),
  avatar: emptyArrayAsNull(Avatar),
  title: emptyArrayAsNull(Schema.String),
  ...listState,
  invited: Schema.optionalWith(Invited, { exact: true }),
  user: emptyArrayAsNull(User),
  chat: Schema.optionalWith(DialogChat, { exact: true }),
  options: Schema.optionalWith(Options, { exact: true })
}).annotations({ identifier: "DialogItem" })

/**
 * @since 0.1.0
 * @category models
 */
export interface DialogItem extends Schema.Schema.Type<typeof DialogItem> {}

/**
 * A chat (group, open, channel, open line, task chat, …). `user` is the author of the last message,
 * `{ id: 0 }` for a system message. `lines` is present on open-lines chats. Optional fields as on
 * {@link DialogItem}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatItem = Schema.Struct({
  id: ChatItemId,
  chat_id: LenientInt,
  type: Schema.Literal("chat"),
  avatar: Avatar,
  title: Schema.String,
  ...listState,
  chat: Chat,
  user: emptyArrayAsNull(Schema.Union(SystemAuthor, User)),
  lines: Schema.optionalWith(Lines, { exact: true }),
  options: Schema.optionalWith(Options, { exact: true })
}).annotations({ identifier: "ChatItem" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ChatItem extends Schema.Schema.Type<typeof ChatItem> {}

/**
 * One item of `im.recent.get` / `im.recent.list`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RecentItem = Schema.Union(DialogItem, ChatItem).annotations({ identifier: "RecentItem" })

/**
 * @since 0.1.0
 * @category models
 */
export type RecentItem = DialogItem | ChatItem

/**
 * @since 0.1.0
 * @category guards
 */
export const isDialog = (item: RecentItem): item is DialogItem => item.type === "user"

/**
 * @since 0.1.0
 * @category guards
 */
export const isChat = (item: RecentItem): item is ChatItem => item.type === "chat"

/**
 * The dialog id to pass to `im.recent.pin`, `im.message.add` and friends.
 *
 * @since 0.1.0
 * @category getters
 */
export const dialogId = (item: RecentItem): DialogId.DialogId =>
  item.type === "user" ? DialogId.user(item.id) : DialogId.chat(item.chat_id)

/**
 * A readable title: the chat title or the user's name (`""` for a user that no longer exists).
 *
 * @since 0.1.0
 * @category getters
 */
export const title = (item: RecentItem): string => item.title ?? ""

/**
 * When the item last changed in the list (`date_update`): what `LAST_SYNC_DATE` compares with.
 *
 * @since 0.1.0
 * @category getters
 */
export const updatedAt = (item: RecentItem): DateTime.Zoned => item.date_update
