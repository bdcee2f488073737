/**
 * Recent rows to wire items, as `Bitrix\Im\Recent::formatRow` + `jsonRow` build them in im 25.1150–26.0: the key
 * order of that build (the one the documented example shows), dates as `date('c')` in the portal's zone, relative
 * avatars prefixed with the portal's public URL, and the row-dropping rules of `formatRow`/`formatUser`.
 *
 * @internal
 */
import type { PortalChat, PortalMessage, PortalUser, RecentRow } from "../../PortalState.js"
import { readOnly } from "../http/jsonBytes.js"
import type { Index } from "../state/indexes.js"
import { fullName } from "../state/indexes.js"
import * as Color from "./color.js"
import * as Restrictions from "./restrictions.js"
import * as Text from "./text.js"

/**
 * A JSON object in emission order.
 *
 * @internal
 */
export type Json = Record<string, unknown>

/**
 * PHP's empty array, which is what a missing user profile, avatar or title serialises to.
 *
 * @internal
 */
export const emptyArray = (): ReadonlyArray<never> => []

/**
 * `jsonRow`'s avatar rule: a non-empty value that does not start with `http` gets the public URL in front.
 *
 * @internal
 */
export const prefixed = (publicUrl: string, value: string): string =>
  value !== "" && !value.startsWith("http") ? publicUrl + value : value

const BLANK_AVATAR = "/bitrix/js/im/images/blank.gif"

/**
 * The full profile (`V2\Entity\User\User::getArray`, lower-cased) after `formatUser`: `idle`, `mobile_last_date` and
 * `desktop_last_date` forced to `false`, `last_activity_date` the stored date or `false`. Memoised per state.
 *
 * @internal
 */
export const profile = (index: Index, user: PortalUser): Json => {
  const key = `profile:${user.id}`
  const memo = index.memo.get(key) as Json | undefined
  if (memo !== undefined) return memo
  const { portal } = index.state
  const json: Json = {
    id: user.id,
    active: user.active,
    name: fullName(user),
    first_name: user.firstName,
    last_name: user.lastName,
    work_position: user.workPosition,
    color: user.color,
    avatar: prefixed(portal.publicUrl, user.avatar),
    avatar_hr: user.avatar === "" ? BLANK_AVATAR : user.avatar,
    gender: user.gender,
    birthday: user.birthday,
    extranet: user.extranet,
    network: user.network,
    bot: user.bot,
    connector: user.connector,
    external_auth_id: user.externalAuthId,
    status: user.status,
    idle: false,
    last_activity_date: user.lastActivityDate === null ? false : index.zone.format(user.lastActivityDate.epochMillis),
    mobile_last_date: false,
    desktop_last_date: false,
    absent: user.absent === null ? false : index.zone.format(user.absent.epochMillis),
    departments: user.departments,
    phones: user.phones === null || Object.keys(user.phones).length === 0 ? false : user.phones,
    bot_data: user.botData,
    type: user.type,
    website: user.website,
    email: user.email
  }
  index.memo.set(key, json)
  return json
}

/**
 * How `message.text` is produced: the default preview (BB codes stripped, labels appended) or `im.recent.list`'s
 * `GET_ORIGINAL_TEXT=Y`.
 *
 * @internal
 */
export type TextMode = "preview" | "original"

/**
 * What the message's parameters make of `attach` (`formatMessage`).
 *
 * @internal
 */
export const attachOf = (message: PortalMessage): Text.AttachValue =>
  message.attach === null
    ? false
    : message.attach === true
      ? true
      : /^\d+$/.test(message.attach)
        ? true
        : message.attach

/**
 * Previews per message object, per users table (mentions resolve to names) and language: messages never change in
 * place, so a cached preview stays right until the message or the users are replaced.
 */
const previews = new WeakMap<
  ReadonlyArray<PortalUser>,
  { language: Text.Labels; texts: WeakMap<PortalMessage, string> }
>()

const preview = (index: Index, message: PortalMessage, attach: Text.AttachValue): string => {
  let cache = previews.get(index.state.users)
  if (cache === undefined || cache.language !== index.labels) {
    cache = { language: index.labels, texts: new WeakMap() }
    previews.set(index.state.users, cache)
  }
  let text = cache.texts.get(message)
  if (text === undefined) {
    text = Text.removeBbCodes(message.text, message.file !== null, attach, index.labels, index.userName)
    cache.texts.set(message, text)
  }
  return text
}

const formatMessage = (index: Index, row: RecentRow, message: PortalMessage | undefined, mode: TextMode): Json => {
  const date = index.zone.format((row.dateMessage ?? row.dateUpdate).epochMillis)
  if (row.messageId === 0 || message === undefined) {
    return {
      id: row.messageId,
      text: "",
      file: false,
      author_id: 0,
      attach: false,
      sticker: null,
      date,
      status: "received"
    }
  }
  const attach = attachOf(message)
  const text = mode === "original" ? Text.originalText(message.text, index.userName) : preview(index, message, attach)
  const sticker = message.sticker
  return {
    id: message.id,
    text,
    file: message.file === null ? false : message.file,
    author_id: message.authorId,
    attach,
    sticker: sticker !== null && typeof sticker === "object" ? sticker : null,
    date,
    status: message.notifyRead ? "delivered" : "received",
    uuid: message.uuid
  }
}

const ROLE_RANK = { member: 0, manager: 1, owner: 2 } as const

/**
 * The caller's role in a chat (`Recent::getRole`): `GUEST` without a relation, `OWNER` for the chat's author,
 * `MANAGER` for a manager, `MEMBER` otherwise.
 *
 * @internal
 */
export const roleOf = (index: Index, chat: PortalChat, userId: number): "GUEST" | "OWNER" | "MANAGER" | "MEMBER" => {
  const relation = index.membership(chat.id, userId)
  if (relation === undefined) return "GUEST"
  if (chat.ownerId === userId) return "OWNER"
  return relation.manager ? "MANAGER" : "MEMBER"
}

/**
 * Whether a role satisfies a permission level (`member` < `manager` < `owner`); `GUEST` satisfies none.
 *
 * @internal
 */
export const satisfies = (role: ReturnType<typeof roleOf>, level: string): boolean => {
  if (role === "GUEST") return false
  const needed = ROLE_RANK[level.toLowerCase() as keyof typeof ROLE_RANK]
  if (needed === undefined) return false
  const rank = role === "OWNER" ? 2 : role === "MANAGER" ? 1 : 0
  return rank >= needed
}

/**
 * The entity type the server reports: `GENERAL` for the portal's general chat.
 *
 * @internal
 */
export const entityTypeOf = (index: Index, chat: PortalChat): string =>
  index.state.portal.generalChatId === chat.id ? "GENERAL" : chat.entityType

/**
 * The caller as the restrictions table sees them.
 *
 * @internal
 */
export const viewerOf = (index: Index, userId: number): Restrictions.Viewer => ({
  userId,
  language: index.state.portal.language
})

/**
 * The chat's colour (`Color::getColor` of its code, or `getColorByNumber` of its id).
 *
 * @internal
 */
export const chatColor = (index: Index, chat: PortalChat): string =>
  Color.hexOf(chat.colorCode, chat.id, index.state.portal.colorsEnabled)

const muteList = (muted: boolean, userId: number): Json | ReadonlyArray<never> =>
  muted ? { [userId]: true } : emptyArray()

const permissions = (chat: PortalChat): Json => ({
  manage_users_add: chat.permissions.manageUsersAdd.toLowerCase(),
  manage_users_delete: chat.permissions.manageUsersDelete.toLowerCase(),
  manage_ui: chat.permissions.manageUi.toLowerCase(),
  manage_settings: chat.permissions.manageSettings.toLowerCase(),
  manage_messages: chat.permissions.canPost.toLowerCase(),
  can_post: chat.permissions.canPost.toLowerCase()
})

/**
 * The full `chat` object of a chat item (`Recent::formatChat`), for the caller `userId` whose relation is `muted` /
 * `manager`.
 *
 * @internal
 */
export const formatChat = (index: Index, chat: PortalChat, userId: number): Json => {
  const relation = index.membership(chat.id, userId)
  const entityType = entityTypeOf(index, chat)
  const color = chatColor(index, chat)
  return {
    id: chat.id,
    parent_chat_id: chat.parentChatId,
    parent_message_id: chat.parentMessageId,
    name: chat.title,
    owner: chat.ownerId,
    extranet: chat.extranet,
    contains_collaber: chat.containsCollaber,
    avatar: prefixed(index.state.portal.publicUrl, chat.avatar),
    color,
    type: chat.extendedType,
    entity_type: entityType,
    entity_id: chat.entityId,
    entity_data_1: chat.entityData1,
    entity_data_2: chat.entityData2,
    entity_data_3: chat.entityData3,
    mute_list: muteList(relation?.muted === true, userId),
    manager_list: relation?.manager === true ? [userId] : emptyArray(),
    date_create: index.zone.format(chat.dateCreate.epochMillis),
    message_type: chat.type,
    user_counter: index.members(chat.id).size,
    restrictions: Restrictions.forEntityType(entityType, viewerOf(index, userId)),
    role: roleOf(index, chat, userId),
    text_field_enabled: chat.textFieldEnabled,
    background_id: chat.backgroundId,
    entity_link: chat.entityLink,
    permissions: permissions(chat),
    public: entityType === "VIDEOCONF" && chat.public !== null ? chat.public : ""
  }
}

/**
 * How `formatRow` is called: `im.recent.get` passes neither `WITHOUT_COMMON_USERS` nor invitations; `im.recent.list`
 * passes both according to the portal's common-users setting.
 *
 * @internal
 */
export interface RowOptions {
  readonly text: TextMode
  /** Drop dialogs of the shared "new employee" rows and of `USER_JOIN` messages (`im.recent.list` without common users). */
  readonly withoutCommonUsers: boolean
  /** Add `invited` to dialogs with invited users who never logged in (`im.recent.list` with common users). */
  readonly invitations: boolean
}

/**
 * A formatted item and the keys the server sorts and de-duplicates it by.
 *
 * @internal
 */
export interface Formatted {
  /** The item's `id`: the other user's id for dialogs, `"chat<id>"` for chats. */
  readonly id: number | string
  readonly pinned: boolean
  readonly message: { readonly date: RecentRow["dateUpdate"] }
  readonly item: Json
}

/**
 * One `b_im_recent` row of the caller `userId` as an item, or `undefined` when `formatRow` drops it:
 *
 * - chats without the joined message (none, or deleted), without the caller's relation or without the chat row;
 * - dialogs with the Copilot bot;
 * - dialogs with a fired user whose counter is 0, unless that user is a bot, a connector or a network user;
 * - with `withoutCommonUsers`, dialogs from shared rows or `USER_JOIN` messages.
 *
 * @internal
 */
export const formatRow = (index: Index, userId: number, row: RecentRow, options: RowOptions): Formatted | undefined => {
  const isUser = row.itemType === "P"
  const chat = index.chat(row.chatId)
  const relation = row.relationId === 0 ? undefined : index.relation(row.relationId)
  const message = row.messageId === 0 ? undefined : index.message(row.messageId)
  if (!isUser && (message === undefined || relation === undefined || chat === undefined)) return undefined
  const id: number | string = isUser ? row.itemId : `chat${row.itemId}`
  const counter = index.counter(row.chatId, userId)
  const userJoin = row.userId === 0 || message?.params.code === "USER_JOIN"
  const item: Json = {
    id,
    chat_id: chat?.id ?? 0,
    type: isUser ? "user" : "chat",
    avatar: emptyArray(),
    title: emptyArray(),
    message: formatMessage(index, row, message, options.text),
    counter,
    last_id: relation?.lastReadMessageId ?? 0,
    pinned: row.pinned,
    unread: row.unread,
    has_reminder: false,
    date_update: index.zone.format(row.dateUpdate.epochMillis),
    date_last_activity: index.zone.format(row.dateLastActivity.epochMillis)
  }
  if (isUser) {
    if (options.withoutCommonUsers && userJoin) return undefined
    const user = index.user(row.itemId)
    if (user !== undefined) {
      if (user.copilot) return undefined
      if (!user.active && counter <= 0 && !user.bot && !user.connector && !user.network) return undefined
      if (options.invitations && user.lastActivityDate === null && user.invited !== null) {
        item.invited = { originator_id: user.invited.originatorId, can_resend: user.invited.canResend }
      }
      const json = profile(index, user)
      item.user = json
      item.avatar = { url: json.avatar, color: json.color }
      item.title = json.name
    } else {
      item.user = emptyArray()
    }
    item.chat = {
      text_field_enabled: chat?.textFieldEnabled ?? true,
      background_id: chat?.backgroundId ?? null,
      mute_list: muteList(relation?.muted === true, userId)
    }
  } else {
    const json = formatChat(index, chat!, userId)
    item.avatar = { url: json.avatar, color: json.color }
    item.title = chat!.title
    item.chat = json
    if (json.entity_type === "LINES") {
      const session = row.sessionId === 0 ? undefined : index.session(row.sessionId)
      item.lines = {
        id: session?.id ?? 0,
        status: session?.status ?? 0,
        date_create: index.zone.format((session?.dateCreate ?? row.dateUpdate).epochMillis)
      }
    }
    const authorId = message!.authorId
    if (authorId > 0) {
      const author = index.user(authorId)
      item.user = author === undefined ? emptyArray() : profile(index, author)
    } else {
      item.user = { id: 0 }
    }
  }
  item.options = userJoin ? { default_user_record: true } : emptyArray()
  return { id, pinned: row.pinned, message: { date: row.dateMessage ?? row.dateUpdate }, item }
}

/**
 * `formatRow`, memoised per state, caller and options: a state never changes, so neither does the item a row makes of
 * it (the wire objects are shared between calls and must be treated as read-only; their JSON bytes are reused too,
 * see `internal/http/jsonBytes`).
 *
 * @internal
 */
export const formatRowCached = (
  index: Index,
  userId: number,
  row: RecentRow,
  options: RowOptions
): Formatted | undefined => formatRowIn(rowCache(index, userId, options), index, userId, row, options)

const rowCache = (index: Index, userId: number, options: RowOptions): WeakMap<RecentRow, Formatted | null> => {
  const key = `rows:${userId}:${options.text}:${options.withoutCommonUsers}:${options.invitations}`
  let cache = index.memo.get(key) as WeakMap<RecentRow, Formatted | null> | undefined
  if (cache === undefined) {
    cache = new WeakMap()
    index.memo.set(key, cache)
  }
  return cache
}

const formatRowIn = (
  cache: WeakMap<RecentRow, Formatted | null>,
  index: Index,
  userId: number,
  row: RecentRow,
  options: RowOptions
): Formatted | undefined => {
  let formatted = cache.get(row)
  if (formatted === undefined) {
    formatted = formatRow(index, userId, row, options) ?? null
    if (formatted !== null) readOnly(formatted.item)
    cache.set(row, formatted)
  }
  return formatted ?? undefined
}

/**
 * Runs `formatRow` over rows in order with the server's de-duplication: dialogs by user id (a later row with a
 * message replaces an earlier one, in its place), chats by `"chat<id>"` (the first formatted row wins).
 *
 * @internal
 */
export const formatRows = (
  index: Index,
  userId: number,
  rows: Iterable<RecentRow>,
  options: RowOptions
): Array<Formatted> => {
  const result = new Map<number | string, Formatted>()
  const cache = rowCache(index, userId, options)
  for (const row of rows) {
    const key: number | string = row.itemType === "P" ? row.itemId : `chat${row.itemId}`
    if (result.has(key) && (row.itemType !== "P" || row.messageId === 0)) continue
    const formatted = formatRowIn(cache, index, userId, row, options)
    if (formatted !== undefined) result.set(key, formatted)
  }
  return Array.from(result.values())
}

/**
 * Whether an extranet caller may see a dialog with `otherId`: only users who share a group chat with them (the
 * emulator's stand-in for `Group::getExtranetAccessibleUsersQuery`, which needs workgroups).
 *
 * @internal
 */
export const extranetCanSee = (index: Index, userId: number): ((otherId: number) => boolean) => {
  const key = `extranet:${userId}`
  let visible = index.memo.get(key) as Set<number> | undefined
  if (visible === undefined) {
    visible = new Set()
    for (const relation of index.relationsOf(userId)) {
      const chat = index.chat(relation.chatId)
      if (chat === undefined || chat.type === "P") continue
      for (const member of index.members(chat.id).keys()) visible.add(member)
    }
    index.memo.set(key, visible)
  }
  const set = visible
  return (otherId) => set.has(otherId)
}
