/**
 * The `chat` object of recent items: the full chat on chat items, a partial one on dialog items.
 *
 * @since 0.1.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { AtomDateTime } from "./AtomDateTime.js"
import { FAIL, FastPathId } from "./internal/fastPath.js"
import { EmptyArray, emptyStringAsNull, LenientInt } from "./internal/wire.js"

/** The user ids of a `{ "<userId>": boolean }` mute list, ascending; `undefined` when a key is not a user id. */
const mutedIds = (wire: { readonly [userId: string]: boolean }): Array<number> | undefined => {
  const ids: Array<number> = []
  for (const key of Object.keys(wire)) {
    const id = Number(key)
    if (!Number.isSafeInteger(id) || id < 0) return undefined
    if (wire[key] === true) ids.push(id)
  }
  return ids.sort((a, b) => a - b)
}

const isAscending = (ids: ReadonlyArray<number>): boolean => {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) return false
  return true
}

/**
 * Muted user ids in ascending order without repeats: the order in which a JSON object with integer
 * keys is read back, so the encoding is reversible.
 */
const MutedUserIds = Schema.Array(Schema.NonNegativeInt).pipe(
  Schema.filter((ids) => isAscending(ids), {
    message: () => "Expected user ids in ascending order without repeats"
  })
)

/** FastDecode's path for {@link MuteList}: the common inputs, exactly as the schema decodes them. */
const fastMuteList = (input: unknown): unknown => {
  if (Array.isArray(input)) return input.length === 0 ? [] : FAIL
  if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype) return FAIL
  if (Object.getOwnPropertySymbols(input).length > 0) return FAIL
  const wire = input as Record<string, unknown>
  for (const key of Object.keys(wire)) if (typeof wire[key] !== "boolean") return FAIL
  const ids = mutedIds(wire as Record<string, boolean>)
  return ids !== undefined && isAscending(ids) ? ids : FAIL
}

/**
 * Who muted the chat. The server writes `[]` or `{ "<userId>": true }` (only the caller can appear);
 * decodes to the list of user ids, encodes back to the same two forms.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MuteList: Schema.Schema<
  ReadonlyArray<number>,
  readonly [] | { readonly [userId: string]: boolean }
> = Schema.transformOrFail(
  Schema.Union(EmptyArray, Schema.Record({ key: Schema.String, value: Schema.Boolean })),
  MutedUserIds,
  {
    strict: true,
    decode: (wire, _, ast) => {
      if (Array.isArray(wire)) return ParseResult.succeed([])
      const ids = mutedIds(wire as { readonly [userId: string]: boolean })
      if (ids === undefined) {
        const key = Object.keys(wire).find((key) => {
          const id = Number(key)
          return !Number.isSafeInteger(id) || id < 0
        })
        return ParseResult.fail(
          new ParseResult.Type(ast, wire, `Expected user ids as keys, got ${JSON.stringify(key)}`)
        )
      }
      return ParseResult.succeed(ids)
    },
    encode: (ids) => {
      if (ids.length === 0) return ParseResult.succeed([] as const)
      const wire: Record<string, boolean> = {}
      for (const id of ids) wire[id] = true
      return ParseResult.succeed(wire)
    }
  }
).annotations({ identifier: "MuteList", [FastPathId]: fastMuteList })

/**
 * What members may do in the chat (`CIMChat::GetChatOptions()`). Chats of some entity types (CRM)
 * also carry `path` and `path_title`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Restrictions = Schema.Struct({
  avatar: Schema.Boolean,
  rename: Schema.Boolean,
  extend: Schema.Boolean,
  call: Schema.Boolean,
  mute: Schema.Boolean,
  leave: Schema.Boolean,
  leave_owner: Schema.Boolean,
  send: Schema.Boolean,
  user_list: Schema.Boolean,
  path: Schema.optionalWith(Schema.String, { exact: true }),
  path_title: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "Restrictions" })

/**
 * Who may do what: `"member"`, `"manager"` or `"owner"` per action.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Permissions = Schema.Struct({
  manage_users_add: Schema.String,
  manage_users_delete: Schema.String,
  manage_ui: Schema.String,
  manage_settings: Schema.String,
  manage_messages: Schema.String,
  can_post: Schema.String
}).annotations({ identifier: "Permissions" })

/**
 * The entity a chat belongs to (a task, a deal, …); empty strings when none.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntityLink = Schema.Struct({
  type: Schema.String,
  url: Schema.String,
  id: Schema.String
}).annotations({ identifier: "EntityLink" })

/**
 * The caller's role in the chat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Role = Schema.String.annotations({
  identifier: "Role",
  description: "OWNER, MANAGER, MEMBER or GUEST",
  examples: ["OWNER", "MANAGER", "MEMBER", "GUEST"]
})

/**
 * A chat's public link (videoconferences); `""` on the wire when there is none, decoded to `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PublicLink = emptyStringAsNull(Schema.Record({ key: Schema.String, value: Schema.Unknown })).annotations({
  identifier: "PublicLink"
})

/**
 * The full `chat` object of a chat item. `type` is the extended type (`chat`, `open`, `channel`,
 * `tasksTask`, …) and `message_type` the raw type letter. The optional fields are missing from
 * builds before 2022 (IM API revision 30 and older) or, for `public`, before 25.550.100.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Chat = Schema.Struct({
  id: LenientInt,
  parent_chat_id: Schema.optionalWith(LenientInt, { exact: true }),
  parent_message_id: Schema.optionalWith(LenientInt, { exact: true }),
  name: Schema.String,
  title: Schema.optionalWith(Schema.String, { exact: true }),
  owner: LenientInt,
  extranet: Schema.Boolean,
  contains_collaber: Schema.optionalWith(Schema.Boolean, { exact: true }),
  avatar: Schema.String,
  color: Schema.String,
  type: Schema.String,
  entity_type: Schema.String,
  entity_id: Schema.String,
  entity_data_1: Schema.String,
  entity_data_2: Schema.String,
  entity_data_3: Schema.String,
  mute_list: MuteList,
  manager_list: Schema.Array(LenientInt),
  date_create: AtomDateTime,
  message_type: Schema.String,
  user_counter: Schema.optionalWith(LenientInt, { exact: true }),
  restrictions: Schema.optionalWith(Restrictions, { exact: true }),
  role: Schema.optionalWith(Role, { exact: true }),
  text_field_enabled: Schema.optionalWith(Schema.Boolean, { exact: true }),
  background_id: Schema.optionalWith(Schema.NullOr(Schema.Union(Schema.Finite, Schema.String)), { exact: true }),
  entity_link: Schema.optionalWith(EntityLink, { exact: true }),
  permissions: Schema.optionalWith(Permissions, { exact: true }),
  public: Schema.optionalWith(PublicLink, { exact: true })
}).annotations({ identifier: "Chat" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Chat extends Schema.Schema.Type<typeof Chat> {}

/**
 * The partial `chat` object of a dialog item.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DialogChat = Schema.Struct({
  text_field_enabled: Schema.Boolean,
  background_id: Schema.NullOr(Schema.Union(Schema.Finite, Schema.String)),
  mute_list: Schema.optionalWith(MuteList, { exact: true })
}).annotations({ identifier: "DialogChat" })

/**
 * @since 0.1.0
 * @category models
 */
export interface DialogChat extends Schema.Schema.Type<typeof DialogChat> {}
