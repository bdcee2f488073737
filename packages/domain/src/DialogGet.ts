/**
 * `im.dialog.get`: one dialog's or chat's details.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AtomDateTime } from "./AtomDateTime.js"
import { EntityLink, MuteList, Permissions, PublicLink, Restrictions } from "./Chat.js"
import { DialogId } from "./DialogId.js"
import { LenientInt } from "./internal/wire.js"
import { LegacyChat } from "./LegacyRecentItem.js"
import * as RestResponse from "./RestResponse.js"

/**
 * The REST method name.
 *
 * @since 0.1.0
 * @category constants
 */
export const method = "im.dialog.get"

/**
 * `DIALOG_ID`: `chatN`, `sgN` or a user id.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Params = Schema.Struct({ DIALOG_ID: DialogId }).annotations({ identifier: "DialogGetParams" })

/**
 * Who has read up to which message.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReadEntry = Schema.Struct({
  user_id: LenientInt,
  user_name: Schema.String,
  message_id: LenientInt,
  date: Schema.NullOr(AtomDateTime)
}).annotations({ identifier: "ReadEntry" })

/**
 * The dialog. `restrictions` carries `path` and `path_title` for CRM chats; `role` is
 * lower-case here (`owner`), unlike the recent list (`OWNER`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Dialog = Schema.Struct({
  id: LenientInt,
  parent_chat_id: LenientInt,
  parent_message_id: LenientInt,
  name: Schema.String,
  description: Schema.String,
  owner: LenientInt,
  extranet: Schema.Boolean,
  avatar: Schema.String,
  color: Schema.String,
  type: Schema.String,
  counter: LenientInt,
  user_counter: LenientInt,
  message_count: LenientInt,
  unread_id: LenientInt,
  restrictions: Restrictions,
  last_message_id: LenientInt,
  last_id: LenientInt,
  marked_id: LenientInt,
  disk_folder_id: LenientInt,
  entity_type: Schema.String,
  entity_id: Schema.String,
  entity_data_1: Schema.String,
  entity_data_2: Schema.String,
  entity_data_3: Schema.String,
  mute_list: MuteList,
  date_create: AtomDateTime,
  message_type: Schema.String,
  public: PublicLink,
  role: Schema.String,
  entity_link: EntityLink,
  text_field_enabled: Schema.Boolean,
  background_id: Schema.NullOr(Schema.Union(Schema.Finite, Schema.String)),
  permissions: Permissions,
  is_new: Schema.Boolean,
  readed_list: Schema.Array(ReadEntry),
  manager_list: Schema.Array(LenientInt),
  last_message_views: Schema.Struct({
    message_id: LenientInt,
    first_viewers: Schema.Array(Schema.Unknown),
    count_of_viewers: LenientInt
  }),
  dialog_id: Schema.String
}).annotations({ identifier: "Dialog" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Dialog extends Schema.Schema.Type<typeof Dialog> {}

/**
 * The HTTP 200 body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = RestResponse.make(Dialog).annotations({ identifier: "DialogGetResponse" })

/**
 * The 2017-era body the docs showed until 2026: numbers as strings, `title`, no `time`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LegacyResponse = RestResponse.makeLegacy(LegacyChat).annotations({ identifier: "DialogGetLegacyResponse" })
