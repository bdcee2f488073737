/**
 * `im.dialog.get` and `im.counters.get` as pure functions of a portal state and the caller.
 *
 * @since 0.1.0
 */

import { PhpValue as Php } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Dialog from "./internal/methods/dialog.js"
import * as Format from "./internal/methods/format.js"
import * as Restrictions from "./internal/methods/restrictions.js"
import * as Indexes from "./internal/state/indexes.js"
import { MethodError } from "./Portal.js"
import type { PortalChat, PortalState } from "./PortalState.js"

/**
 * A wire object, in emission order.
 *
 * @since 0.1.0
 * @category models
 */
export type Json = Record<string, unknown>

const DAY = 86_400_000

/** `Dialog::hasAccess`: members see a chat (intranet users also open chats and channels); users see each other unless
 * the caller is extranet and shares no group chat with them. */
const hasAccess = (index: Indexes.Index, userId: number, target: Dialog.Target): boolean => {
  const caller = index.user(userId)
  const extranet = caller?.extranet === true
  if (target._tag === "User") {
    if (index.user(target.userId) === undefined) return false
    return !extranet || Format.extranetCanSee(index, userId)(target.userId)
  }
  const chat = Dialog.chatOf(index, userId, target)
  if (chat === undefined) return false
  if (index.membership(chat.id, userId) !== undefined) return true
  return !extranet && (chat.type === "O" || chat.type === "J")
}

const lastMessageViews = (index: Indexes.Index, chat: PortalChat): Json => {
  const messages = index.chatMessages(chat.id)
  const last = messages.length === 0 ? undefined : messages[messages.length - 1]
  if (last === undefined) return { message_id: 0, first_viewers: [], count_of_viewers: 0 }
  const viewers: Array<Json> = []
  for (const [memberId, relation] of index.members(chat.id)) {
    if (memberId === last.authorId || relation.lastReadMessageId < last.id) continue
    const read = index.message(relation.lastReadMessageId)
    viewers.push({
      user_id: memberId,
      user_name: index.userName(memberId),
      date: read === undefined ? null : index.zone.format(read.date.epochMillis)
    })
  }
  return { message_id: last.id, first_viewers: viewers, count_of_viewers: viewers.length }
}

/**
 * `im.dialog.get` (`DIALOG_ID`): the chat behind a dialog, for a caller with access.
 *
 * - `DIALOG_ID_EMPTY` (400) for a missing or malformed `DIALOG_ID`;
 * - `ACCESS_ERROR` (403) "You do not have access to the specified dialog" when the caller may not see it;
 * - `ACCESS_ERROR` (400) "You don't have access to this chat" when the dialog has no chat.
 *
 * Fields follow the documented example. Approximations: `marked_id` and `disk_folder_id` are 0 (not in the state);
 * `readed_list[].date` and `last_message_views.first_viewers[].date` are the date of the message read up to (the
 * server stores the time of reading); `first_viewers` entries are `{ user_id, user_name, date }` (format not
 * verified); `restrictions` has `path`/`path_title` only for entity types whose table defines them.
 *
 * @since 0.1.0
 * @category methods
 */
export const get = (
  state: PortalState,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
): Either.Either<Json, MethodError> => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const rawDialogId = upper.get("DIALOG_ID")
  const target = Dialog.parse(rawDialogId, false)
  if (target === undefined) {
    return Either.left(
      new MethodError({ code: "DIALOG_ID_EMPTY", description: "Dialog ID can't be empty", status: 400 })
    )
  }
  if (!hasAccess(index, userId, target)) {
    return Either.left(
      new MethodError({
        code: "ACCESS_ERROR",
        description: "You do not have access to the specified dialog",
        status: 403
      })
    )
  }
  const chat = Dialog.chatOf(index, userId, target)
  if (chat === undefined) {
    return Either.left(
      new MethodError({ code: "ACCESS_ERROR", description: "You don't have access to this chat", status: 400 })
    )
  }
  const relation = index.membership(chat.id, userId)
  const messages = index.chatMessages(chat.id)
  const lastRead = relation?.lastReadMessageId ?? 0
  const firstUnread =
    relation === undefined ? undefined : messages.find((m) => m.id > lastRead && m.authorId !== userId)
  const entityType = Format.entityTypeOf(index, chat)
  const muted: Json = {}
  const managers: Array<number> = []
  const readers: Array<Json> = []
  for (const [memberId, member] of index.members(chat.id)) {
    if (member.muted) muted[memberId] = true
    if (member.manager) managers.push(memberId)
    if (memberId === userId) continue
    const read = member.lastReadMessageId === 0 ? undefined : index.message(member.lastReadMessageId)
    readers.push({
      user_id: memberId,
      user_name: index.userName(memberId),
      message_id: member.lastReadMessageId,
      date: read === undefined ? null : index.zone.format(read.date.epochMillis)
    })
  }
  const json = Format.formatChat(index, chat, userId)
  return Either.right({
    id: chat.id,
    parent_chat_id: chat.parentChatId,
    parent_message_id: chat.parentMessageId,
    name: chat.title,
    description: chat.description,
    owner: chat.ownerId,
    extranet: chat.extranet,
    avatar: json.avatar,
    color: json.color,
    type: chat.extendedType,
    counter: index.counter(chat.id, userId),
    user_counter: index.members(chat.id).size,
    message_count: messages.length,
    unread_id: firstUnread?.id ?? 0,
    restrictions: Restrictions.forEntityType(entityType, Format.viewerOf(index, userId)),
    last_message_id: messages.length === 0 ? 0 : messages[messages.length - 1].id,
    last_id: lastRead,
    marked_id: 0,
    disk_folder_id: 0,
    entity_type: entityType,
    entity_id: chat.entityId,
    entity_data_1: chat.entityData1,
    entity_data_2: chat.entityData2,
    entity_data_3: chat.entityData3,
    mute_list: Object.keys(muted).length === 0 ? [] : muted,
    date_create: json.date_create,
    message_type: chat.type,
    public: json.public,
    role: (json.role as string).toLowerCase(),
    entity_link: chat.entityLink,
    text_field_enabled: chat.textFieldEnabled,
    background_id: chat.backgroundId,
    permissions: json.permissions,
    is_new: chat.type === "J" && chat.dateCreate.epochMillis > now.epochMillis - DAY,
    readed_list: readers,
    manager_list: managers,
    last_message_views: lastMessageViews(index, chat),
    // `$result['dialog_id'] = $arParams['DIALOG_ID']`: echoed as sent, a JSON number stays a number
    dialog_id: rawDialogId
  })
}

const asMap = (entries: ReadonlyArray<readonly [number, number]>): Json | ReadonlyArray<never> => {
  if (entries.length === 0) return []
  const json: Json = {}
  for (const [id, count] of [...entries].sort((a, b) => a[0] - b[0])) json[id] = count
  return json
}

/** `Bitrix\Im\Common::toJson`: keys in camelCase (`CHAT_MUTED` → `chatMuted`), recursively. */
const toJson = (value: unknown): unknown => {
  if (value === null || typeof value !== "object") return value
  if (Array.isArray(value)) return value.map(toJson)
  const json: Json = {}
  for (const [key, child] of Object.entries(value)) {
    const camel = key
      .toLowerCase()
      .split("_")
      .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
      .join("")
    json[camel] = toJson(child)
  }
  return json
}

/**
 * `im.counters.get` (`CIMRestService::counterGet`): the caller's unread counters per chat (`CHAT`, muted ones in
 * `CHAT_MUTED`), per dialog partner (`DIALOG`), per open line (`LINES`), the manually marked items (`CHAT_UNREAD`,
 * `DIALOG_UNREAD`), and the totals. `NOTIFY` counts the unread messages of the caller's notifications chat (`S`); muted
 * chats stay out of the totals; `MESSENGER` is `CHAT + DIALOG + LINES` and `ALL` adds `NOTIFY`. Empty maps are `[]`, as
 * PHP writes them.
 *
 * The handler reads its parameters as sent (no upper-casing): `ONLY_COUNTER`, when PHP finds it truthy, keeps only
 * `TYPE`; `JSON` exactly `"Y"` turns the keys into camelCase (`Common::toJson`: `type.all`, `chatMuted`, …).
 *
 * @since 0.1.0
 * @category methods
 */
export const counters = (
  state: PortalState,
  userId: number,
  params: Readonly<Record<string, unknown>> = {}
): unknown => {
  const all = counterSet(state, userId)
  const counted = Php.isTruthy(params.ONLY_COUNTER) ? all.TYPE : all
  return params.JSON === "Y" ? toJson(counted) : counted
}

const counterSet = (state: PortalState, userId: number): Json & { readonly TYPE: Json } => {
  const index = Indexes.of(state)
  const chat: Array<[number, number]> = []
  const chatMuted: Array<[number, number]> = []
  const dialog: Array<[number, number]> = []
  const lines: Array<[number, number]> = []
  let notify = 0
  for (const relation of index.relationsOf(userId)) {
    const found = index.chat(relation.chatId)
    if (found === undefined) continue
    const count = index.counter(found.id, userId)
    if (count <= 0) continue
    if (found.type === "S") notify += count
    else if (found.type === "P") {
      const other = [...index.members(found.id).keys()].find((id) => id !== userId) ?? userId
      dialog.push([other, count])
    } else if (found.type === "L") lines.push([found.id, count])
    else if (relation.muted) chatMuted.push([found.id, count])
    else chat.push([found.id, count])
  }
  const chatUnread: Array<number> = []
  const dialogUnread: Array<number> = []
  for (const row of index.recentOf(userId)) {
    if (!row.unread) continue
    if (row.itemType === "P") dialogUnread.push(row.itemId)
    else chatUnread.push(row.chatId)
  }
  const sum = (entries: ReadonlyArray<readonly [number, number]>) => entries.reduce((total, [, n]) => total + n, 0)
  const messenger = sum(chat) + sum(dialog) + sum(lines)
  return {
    TYPE: {
      ALL: messenger + notify,
      NOTIFY: notify,
      CHAT: sum(chat),
      LINES: sum(lines),
      DIALOG: sum(dialog),
      MESSENGER: messenger
    },
    CHAT: asMap(chat),
    CHAT_MUTED: asMap(chatMuted),
    CHAT_UNREAD: chatUnread,
    LINES: asMap(lines),
    DIALOG: asMap(dialog),
    DIALOG_UNREAD: dialogUnread
  }
}
