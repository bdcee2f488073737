/**
 * Chat membership: `im.chat.add`, `im.chat.leave` and `im.chat.mute`, as `CIMRestService::chatCreate` /
 * `chatUserDelete` / `chatMute`, `CIMChat::Add` / `DeleteUser` (through `V2\Chat\GroupChat`) and `Im\Chat::mute` do
 * them.
 *
 * @since 0.1.0
 */
import { ChatAdd, PhpValue as Php } from "@im-recent/domain"
import * as Either from "effect/Either"
import type { Action } from "./Actions.js"
import * as Dialog from "./internal/methods/dialog.js"
import { extendedTypeOf } from "./internal/methods/extendedType.js"
import * as Format from "./internal/methods/format.js"
import { done, methodError, postMessage, stampOf } from "./internal/methods/mutation.js"
import { phrases } from "./internal/methods/phrases.js"
import * as Restrictions from "./internal/methods/restrictions.js"
import * as Indexes from "./internal/state/indexes.js"
import { Tx } from "./internal/state/tx.js"
import type { MethodError } from "./Portal.js"
import { makeChat, type PortalChat } from "./PortalState.js"

const dialogIdEmpty = (): MethodError => methodError("DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400)
const chatIdEmpty = (): MethodError => methodError("CHAT_ID_EMPTY", "Chat ID can't be empty", 400)

/** The colours `Color::isSafeColor` accepts (the palette without ORANGE). */
const SAFE_COLORS: ReadonlySet<string> = new Set(ChatAdd.Color.literals)

/** `CUtil::JsObjectToPhp($value, true)` for the JSON a client sends: the parsed value, or `undefined`. */
const parseJsObject = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * `USERS` as `chatCreate` reads it: an array, an object (its values) or the JSON text of either; anything else is
 * no users. Falsy entries are dropped (`array_filter`); what remains must be integers or strings.
 */
const usersOf = (value: unknown): Either.Either<ReadonlyArray<number>, MethodError> => {
  if (!Php.isSet(value)) return Either.right([])
  const parsed = typeof value === "string" ? parseJsObject(value) : value
  const list: ReadonlyArray<unknown> = Array.isArray(parsed)
    ? parsed
    : parsed !== null && typeof parsed === "object"
      ? Object.values(parsed)
      : []
  const ids: Array<number> = []
  for (const entry of list) {
    if (!Php.isTruthy(entry)) continue
    if (!(typeof entry === "string" || (typeof entry === "number" && Number.isInteger(entry)))) {
      return Either.left(methodError("INVALID_FORMAT", "Parameter USERS has wrong type", 400))
    }
    ids.push(Php.intval(entry))
  }
  return Either.right(ids)
}

/**
 * The chat of `CHAT_ID`, or of `DIALOG_ID` when it is sent (`Dialog::getChatId`; `chats only` refuses a user id, as
 * `Common::isChatId` does): `DIALOG_ID_EMPTY` for a `DIALOG_ID` that is not one, `CHAT_ID_EMPTY` without a chat.
 */
const chatIdParam = (
  index: Indexes.Index,
  userId: number,
  upper: ReadonlyMap<string, unknown>,
  accepts: "chats only" | "any dialog"
): Either.Either<number, MethodError> => {
  let raw = upper.get("CHAT_ID")
  if (Php.isSet(upper.get("DIALOG_ID"))) {
    const target = Dialog.parse(upper.get("DIALOG_ID"), false)
    if (target === undefined || (accepts === "chats only" && target._tag === "User"))
      return Either.left(dialogIdEmpty())
    raw = Dialog.chatIdOf(index, userId, target)
  }
  const chatId = Php.intval(raw)
  return chatId <= 0 ? Either.left(chatIdEmpty()) : Either.right(chatId)
}

const textParam = (value: unknown): string => (Php.isSet(value) ? Php.trim(Php.toPhpString(value) ?? "") : "")

/**
 * `im.chat.add`: creates a chat owned by the caller and returns its id.
 *
 * - `TYPE`: `OPEN` (compared loosely) makes an open chat (`O`), anything else a closed one (`C`);
 * - `USERS`: an array, an object or its JSON text (`[2, 3]`, `"[2,3]"`); falsy entries are dropped, an entry that is
 *   neither an integer nor a string fails with `INVALID_FORMAT` (400) "Parameter USERS has wrong type". The members
 *   are the caller and these users (ids that name no user are left out); an extranet caller keeps only users it may
 *   see, and its `ENTITY_TYPE` / `ENTITY_ID` are ignored;
 * - the caller is the owner and a manager (`role` `OWNER`, `manager_list` `[caller]` in their item); the others are
 *   members (`MEMBER`, `manager_list` `[]`);
 * - `TITLE` (trimmed), else `Chat with <names>` / `Чат с <names>` (approximated: the server numbers chats per colour
 *   with localized colour names); `DESCRIPTION`; `COLOR` when it is a palette colour (else derived from the id);
 *   `ENTITY_TYPE` / `ENTITY_ID` bind the chat (`chat.type` becomes the entity type in camelCase: `crm`, `tasks`,
 *   `sonetGroup`, `videoconf`, …). `AVATAR` is accepted and not stored;
 * - messages, each raising every member's recent row: without an entity type a greeting from the server; a
 *   "<owner> invited <names> to chat." message when there are other members (both service messages that count as
 *   unread for nobody); then `MESSAGE`, trimmed, from the caller (unread for the others). With an entity type, no
 *   users and no `MESSAGE` nothing is posted, and the chat stays out of every recent list (a chat row without a
 *   message is dropped).
 *
 * @since 0.1.0
 * @category methods
 */
export const add: Action<number> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const users = usersOf(upper.get("USERS"))
  if (Either.isLeft(users)) return Either.left(users.left)
  const caller = index.user(userId)
  const extranet = caller?.extranet === true
  const canSee = extranet ? Format.extranetCanSee(index, userId) : () => true
  const members: Array<number> = [userId]
  for (const id of users.right) {
    if (id > 0 && !members.includes(id) && index.user(id) !== undefined && canSee(id)) members.push(id)
  }
  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  const type = Php.looseEqualsString(upper.get("TYPE"), "OPEN") ? "O" : "C"
  const entityType = extranet ? "" : textParam(upper.get("ENTITY_TYPE"))
  const color = Php.toPhpString(upper.get("COLOR"))?.toUpperCase()
  const language = phrases[state.portal.language]
  const title = textParam(upper.get("TITLE"))
  const chat: PortalChat = makeChat({
    id: tx.nextChatId,
    type,
    extendedType: extendedTypeOf(type, entityType),
    title: title !== "" ? title.slice(0, 255) : language.chatWith(members.map(index.userName).join(", ")),
    description: textParam(upper.get("DESCRIPTION")),
    ownerId: userId,
    colorCode: color !== undefined && SAFE_COLORS.has(color) ? color : null,
    entityType,
    entityId: extranet ? "" : textParam(upper.get("ENTITY_ID")),
    extranet: members.some((id) => index.user(id)?.extranet === true),
    dateCreate: stamp
  })
  tx.chats.added.push(chat)
  for (const member of members) {
    tx.relations.added.push({
      id: tx.nextRelationId,
      chatId: chat.id,
      userId: member,
      manager: member === userId,
      muted: false,
      lastReadMessageId: 0
    })
  }
  const gender = caller?.gender ?? ""
  const service = { notify: false } as const
  if (entityType === "") {
    postMessage(tx, chat, { authorId: 0, text: language.created(gender, userId), params: service }, stamp)
  }
  const invited = members.filter((id) => id !== userId)
  if (invited.length > 0) {
    const text = language.invited(gender, index.userName(userId), invited.map(index.userName).join(", "))
    postMessage(tx, chat, { authorId: 0, text, params: service }, stamp)
  }
  const first = textParam(upper.get("MESSAGE"))
  if (first !== "") postMessage(tx, chat, { authorId: userId, text: first }, stamp)
  return done(chat.id, tx.commit())
}

/**
 * `im.chat.leave` (`CHAT_ID`, or `DIALOG_ID` as `chatN` / `sgN`; `USER_ID` removes another member instead): the
 * caller leaves the chat.
 *
 * - `DIALOG_ID_EMPTY` (400) for a `DIALOG_ID` that is not a chat; `CHAT_ID_EMPTY` (400) without a chat id;
 * - `ACCESS_ERROR` (403) "Action unavailable" for the general chat, "It is forbidden to delete users of this chat"
 *   when the chat's entity type forbids leaving (workgroup chats, support bots, calls), and — for the owner when it
 *   forbids the owner to leave (CRM chats) — the portal's "Cannot dismiss chat owner." text;
 * - `WRONG_REQUEST` (400) "You don't have access or user isn't member in chat" when the chat does not exist, is a
 *   one-to-one dialog (whose creator gets the owner's `ACCESS_ERROR` instead), the user is not a member, or the caller
 *   removes someone else without owning the chat;
 * - otherwise the relation goes, and with it the user's recent row for the chat (their lists no longer show it, and
 *   a closed chat's `im.dialog.get` answers `ACCESS_ERROR`); an owner who leaves hands the chat to another active
 *   human member, who becomes a manager; in a group chat (not in open lines) the other members get a service message
 *   "[USER=n][/USER] left the chat." (or "… removed … from the chat.") that raises their rows and counts for nobody.
 *
 * @since 0.1.0
 * @category methods
 */
export const leave: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const requestedChat = chatIdParam(index, userId, upper, "chats only")
  if (Either.isLeft(requestedChat)) return Either.left(requestedChat.left)
  const chatId = requestedChat.right
  if (state.portal.generalChatId === chatId) {
    return Either.left(methodError("ACCESS_ERROR", "Action unavailable", 403))
  }
  const chat = index.chat(chatId)
  const viewer = Format.viewerOf(index, userId)
  const restrictions = Restrictions.forEntityType(chat === undefined ? "" : Format.entityTypeOf(index, chat), viewer)
  if (!restrictions.leave) {
    return Either.left(methodError("ACCESS_ERROR", "It is forbidden to delete users of this chat", 403))
  }
  const requested = Php.intval(upper.get("USER_ID"))
  const leaver = requested > 0 ? requested : userId
  const wrongRequest = () =>
    Either.left(methodError("WRONG_REQUEST", "You don't have access or user isn't member in chat", 400))
  const ownerCannotLeave = () =>
    Either.left(methodError("ACCESS_ERROR", phrases[state.portal.language].ownerCannotLeave, 403))
  if (chat === undefined || index.membership(chatId, userId) === undefined) return wrongRequest()
  if (chat.type === "P") return leaver === userId && chat.ownerId === userId ? ownerCannotLeave() : wrongRequest()
  if (leaver === userId && chat.ownerId === userId && !restrictions.leave_owner) return ownerCannotLeave()
  if (leaver !== userId && chat.ownerId !== userId) return wrongRequest()
  const relation = index.membership(chatId, leaver)
  if (relation === undefined) return wrongRequest()

  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  tx.relations.remove(relation)
  for (const row of tx.rowsOf(leaver)) if (row.itemType !== "P" && row.itemId === chatId) tx.recent.remove(row)
  let current = chat
  if (chat.ownerId === leaver) {
    const heir = tx.membersOf(chatId).find((member) => {
      const user = index.user(member.userId)
      return user?.active === true && !user.bot && !user.extranet && !user.connector
    })
    if (heir !== undefined) {
      tx.relations.update(heir, (value) => ({ ...value, manager: true }))
      tx.chats.update(chat, (value) => ({ ...value, ownerId: heir.userId }))
      current = tx.chat(chatId) ?? chat
    }
  }
  if (chat.type !== "L" && chat.entityType !== "ANNOUNCEMENT") {
    const language = phrases[state.portal.language]
    const gender = index.user(userId)?.gender ?? ""
    const text = leaver === userId ? language.left(gender, userId) : language.removed(gender, userId, leaver)
    postMessage(tx, current, { authorId: 0, text, params: { code: "CHAT_LEAVE", notify: false } }, stamp)
  }
  return done(true, tx.commit())
}

/**
 * `im.chat.mute` (`DIALOG_ID` — any dialog id; a user id names the private chat with them — or `CHAT_ID`; `ACTION`,
 * alias `MUTE`: only `"N"` unmutes, anything else mutes):
 *
 * - `DIALOG_ID_EMPTY` (400) for a malformed `DIALOG_ID`; `CHAT_ID_EMPTY` (400) when there is no chat (also for a user
 *   the caller never talked to);
 * - `ACCESS_ERROR` (403) "This chat cannot be muted" when the chat does not exist, the caller is not a member, or its
 *   entity type forbids muting (calls, support bots);
 * - otherwise `true`; the caller's relation is muted or unmuted: the item's `chat.mute_list` becomes `{ "<caller>": true }`
 *   or `[]`, and a chat's unread count moves between `CHAT` and `CHAT_MUTED` in `im.counters.get`. `DATE_UPDATE` does
 *   not change, so `LAST_SYNC_DATE` deltas do not show it.
 *
 * @since 0.1.0
 * @category methods
 */
export const mute: Action<boolean> = (state, userId, _now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const requestedChat = chatIdParam(index, userId, upper, "any dialog")
  if (Either.isLeft(requestedChat)) return Either.left(requestedChat.left)
  const chatId = requestedChat.right
  const chat = index.chat(chatId)
  const relation = index.membership(chatId, userId)
  if (
    chat === undefined ||
    relation === undefined ||
    !Restrictions.forEntityType(Format.entityTypeOf(index, chat), Format.viewerOf(index, userId)).mute
  ) {
    return Either.left(methodError("ACCESS_ERROR", "This chat cannot be muted", 403))
  }
  const raw = Php.isSet(upper.get("ACTION")) ? upper.get("ACTION") : upper.get("MUTE")
  const muted = !Php.looseEqualsString(raw, "N")
  if (relation.muted === muted) return done(true, state)
  const tx = new Tx(index)
  tx.relations.update(relation, (value) => ({ ...value, muted }))
  return done(true, tx.commit())
}
