/**
 * The methods that change a portal: `im.recent.pin`, `im.recent.unread`, `im.recent.hide`, `im.message.add` and
 * `im.dialog.read`, as pure functions from a state to a result and the next state (or the method's documented
 * error). A caller only ever changes its own rows, its own relations and the messages it sends.
 *
 * Every effective change stamps the affected `b_im_recent` rows' `dateUpdate` with the server clock (whole seconds),
 * which is what `LAST_SYNC_DATE` delta sync sees; a call that changes nothing (pinning a pinned item) stamps nothing.
 *
 * @since 0.1.0
 */

import { PhpValue as Php } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Dialog from "./internal/methods/dialog.js"
import * as Format from "./internal/methods/format.js"
import * as Mutation from "./internal/methods/mutation.js"
import * as Restrictions from "./internal/methods/restrictions.js"
import * as Indexes from "./internal/state/indexes.js"
import { Tx } from "./internal/state/tx.js"
import type { MethodError } from "./Portal.js"
import { makeChat, type PortalChat, type PortalState } from "./PortalState.js"

/**
 * A successful call: the method's `result` and the state after it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Outcome<A> {
  readonly result: A
  readonly state: PortalState
}

/**
 * A state-changing method.
 *
 * @since 0.1.0
 * @category models
 */
export type Action<A> = (
  state: PortalState,
  userId: number,
  now: DateTime.DateTime,
  params: Readonly<Record<string, unknown>>
) => Either.Either<Outcome<A>, MethodError>

/**
 * The most pinned items a user may have (`Recent::PINNED_CHATS_LIMIT`); pinning one more answers `false`.
 *
 * @since 0.1.0
 * @category constants
 */
export const PINNED_LIMIT = 45

const error = Mutation.methodError

/**
 * `DIALOG_ID_EMPTY` (400): the `DIALOG_ID` is missing, empty or not a dialog id.
 *
 * @since 0.1.0
 * @category errors
 */
export const dialogIdEmpty = (): MethodError => error("DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400)

const { done, stampOf } = Mutation

interface ReadOutcome {
  readonly chatId: number
  readonly lastId: number
  readonly counter: number
}

/**
 * Reads a chat for a member up to `upTo` (or to its last message): the relation's last read id moves forward, the
 * newly read messages of other authors become `delivered` (`NOTIFY_READ`), and when anything was read the reader's
 * rows of that chat get `dateUpdate = stamp`. `undefined` when the user is not a member.
 *
 * Nobody else's row moves, the sender's included, as on the server: `Reading\Reader::read` marks the messages
 * (`ViewUpdater::add` → `MessageCollection::setViewedByOthers`, which sets `NOTIFY_READ`), then bumps only
 * `RecentReader::updateDateUpdate($userId, $chatId)` → `RecentUpdater::update`, whose filter is
 * `USER_ID = <the reader>`; `Chat::onAfterMessagesRead` only logs a sync event for the reader, and the sender learns
 * of the receipt by push (`Pull\ReadMessagesForOpponent`). Sources: `im/lib/V2/Reading/Reader.php`,
 * `RecentReader.php`, `View/ViewUpdater.php`, `im/lib/V2/Recent/RecentUpdater.php`, `im/lib/V2/Chat.php`
 * (yuliai/bitrix-modules, 26.250). So every member's item shows `message.status: "delivered"` from the message row
 * at once, but a delta (`DATE_UPDATE >= LAST_SYNC_DATE`) does not bring it: only a full load does.
 */
const readChat = (
  tx: Tx,
  userId: number,
  chatId: number,
  upTo: number | undefined,
  stamp: DateTime.Zoned
): ReadOutcome | undefined => {
  const { index } = tx
  const relation = index.membership(chatId, userId)
  if (relation === undefined) return undefined
  const messages = index.chatMessages(chatId)
  const from = tx.relations.current(relation).lastReadMessageId
  let target = from
  for (let i = messages.length - 1; i >= 0; i--) {
    if (upTo === undefined || messages[i].id <= upTo) {
      if (messages[i].id > target) target = messages[i].id
      break
    }
  }
  let counter = 0
  for (const message of messages) {
    if (message.id <= from || message.authorId === userId) continue
    if (message.id <= target) {
      if (!tx.messages.current(message).notifyRead) {
        tx.messages.update(message, (current) => ({ ...current, notifyRead: true }))
      }
    } else if (counter < Indexes.COUNTER_CAP && Indexes.countsFor(message, userId)) {
      counter++
    }
  }
  if (target !== from) {
    tx.relations.update(relation, (current) => ({ ...current, lastReadMessageId: target }))
    for (const row of index.recentOf(userId)) {
      if (row.chatId === chatId) tx.recent.update(row, (current) => ({ ...current, dateUpdate: stamp }))
    }
  }
  return { chatId, lastId: target, counter }
}

const pinValue = (upper: ReadonlyMap<string, unknown>, name: string): unknown =>
  Php.isSet(upper.get("ACTION")) ? upper.get("ACTION") : upper.get(name)

/**
 * `im.recent.pin` (`DIALOG_ID`, `PIN` — alias `ACTION` — pins unless it is `"N"`; default pin):
 *
 * - `DIALOG_ID_EMPTY` (400) for a missing or malformed `DIALOG_ID`;
 * - `ACCESS_ERROR` (400) "You don't have access to this chat" when the dialog has no chat (a user never talked to);
 * - `ACCESS_ERROR` (400) "You don’t have permission to pin this chat" when the chat does not exist or the caller is
 *   not a member;
 * - `false` when the caller has no row for the dialog (hidden, or a workgroup id) or already has 45 pinned items;
 * - `true` otherwise; the row's `pinned` and `dateUpdate` change only when the pin state does.
 *
 * @since 0.1.0
 * @category methods
 */
export const pin: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const target = Dialog.parse(upper.get("DIALOG_ID"), true)
  if (target === undefined) return Either.left(dialogIdEmpty())
  const chatId = Dialog.chatIdOf(index, userId, target)
  if (chatId === 0) return Either.left(error("ACCESS_ERROR", "You don't have access to this chat", 400))
  if (index.chat(chatId) === undefined || index.membership(chatId, userId) === undefined) {
    return Either.left(error("ACCESS_ERROR", "You don\u2019t have permission to pin this chat", 400))
  }
  const pinned = !Php.looseEqualsString(pinValue(upper, "PIN"), "N")
  const rows = index.recentOf(userId)
  if (pinned && rows.filter((row) => row.pinned).length >= PINNED_LIMIT) return done(false, state)
  const row = Dialog.rowOf(index, userId, target)
  if (row === undefined) return done(false, state)
  if (row.pinned === pinned) return done(true, state)
  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  tx.recent.update(row, (current) => ({ ...current, pinned, dateUpdate: stamp }))
  return done(true, tx.commit())
}

/**
 * `im.recent.unread` (`DIALOG_ID`, `ACTION` — alias of `UNREAD` — sets the manual mark unless it is exactly `"N"`):
 *
 * - `DIALOG_ID_EMPTY` (400) for a missing or malformed `DIALOG_ID`;
 * - `false` when the caller has no row for the dialog;
 * - `Y`: sets `unread` (and `dateUpdate`) unless already set;
 * - `N`: clears the mark and reads the dialog (the counter drops to 0), stamping `dateUpdate` when either changed.
 *
 * @since 0.1.0
 * @category methods
 */
export const unread: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const target = Dialog.parse(upper.get("DIALOG_ID"), true)
  if (target === undefined) return Either.left(dialogIdEmpty())
  const mark = pinValue(upper, "UNREAD") !== "N"
  const row = Dialog.rowOf(index, userId, target)
  if (row === undefined) return done(false, state)
  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  if (mark) {
    if (row.unread) return done(true, state)
    tx.recent.update(row, (current) => ({ ...current, unread: true, dateUpdate: stamp }))
    return done(true, tx.commit())
  }
  if (row.unread) tx.recent.update(row, (current) => ({ ...current, unread: false, dateUpdate: stamp }))
  readChat(tx, userId, row.chatId, undefined, stamp)
  return done(true, tx.commit())
}

/**
 * `im.recent.hide` (`DIALOG_ID`): deletes the caller's row(s) for the dialog (`CIMContactList::DialogHide`), then
 * reads the dialog as the server does. Always `true` (also for dialogs with no row); `DIALOG_ID_EMPTY` (400) for a
 * missing or malformed `DIALOG_ID`. A hidden dialog comes back with its next message.
 *
 * @since 0.1.0
 * @category methods
 */
export const hide: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const target = Dialog.parse(upper.get("DIALOG_ID"), true)
  if (target === undefined) return Either.left(dialogIdEmpty())
  if (target._tag !== "Chat" && target._tag !== "User") return done(true, state)
  const tx = new Tx(index)
  for (const row of index.recentOf(userId)) {
    const matches =
      target._tag === "Chat"
        ? row.itemType !== "P" && row.itemId === target.chatId
        : row.itemType === "P" && row.itemId === target.userId
    if (matches) tx.recent.remove(row)
  }
  const chatId = Dialog.chatIdOf(index, userId, target)
  if (chatId !== 0 && index.chat(chatId) !== undefined) readChat(tx, userId, chatId, undefined, stampOf(index, now))
  return done(true, tx.commit())
}

/**
 * `im.dialog.read` (`DIALOG_ID`, optional `MESSAGE_ID` — alias `LAST_ID`): reads the dialog up to that message (or
 * entirely), moving the caller's last read id forward, marking the newly read messages `delivered` for their authors,
 * and stamping the caller's rows when something was read.
 *
 * Result: `{ dialogId, chatId, lastId, counter }` (camelCase, as the REST layer's `objectEncode` writes it; the exact
 * shape of this undocumented method was not verified), `true` for `notify`, and `false` when the caller is not a
 * member of the dialog or the dialog has no chat. `DIALOG_ID_EMPTY` (400) for a missing or malformed `DIALOG_ID`.
 *
 * @since 0.1.0
 * @category methods
 */
export const read: Action<unknown> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const rawMessageId = Php.isSet(upper.get("LAST_ID")) ? upper.get("LAST_ID") : upper.get("MESSAGE_ID")
  const messageId = Php.intval(rawMessageId)
  const target = Dialog.parse(upper.get("DIALOG_ID"), true)
  if (target === undefined) return Either.left(dialogIdEmpty())
  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  const chatId = Dialog.chatIdOf(index, userId, target)
  if (target._tag === "Notify") {
    if (chatId !== 0) readChat(tx, userId, chatId, undefined, stamp)
    return done(true, tx.commit())
  }
  const chat = chatId === 0 ? undefined : index.chat(chatId)
  if (chat === undefined || (chat.type === "L" && chat.ownerId === 0)) return done(false, state)
  const outcome = readChat(tx, userId, chatId, messageId > 0 ? messageId : undefined, stamp)
  if (outcome === undefined) return done(false, state)
  return done(
    {
      dialogId: target._tag === "User" ? target.userId : `chat${chatId}`,
      chatId,
      lastId: outcome.lastId,
      counter: outcome.counter
    },
    tx.commit()
  )
}

/** A new private chat between the caller and `otherId`, with both relations. */
const createPrivateChat = (tx: Tx, userId: number, otherId: number, stamp: DateTime.Zoned): PortalChat => {
  const chat = makeChat({
    id: tx.nextChatId,
    type: "P",
    extendedType: "private",
    title: "",
    ownerId: userId,
    dateCreate: stamp
  })
  tx.chats.added.push(chat)
  for (const member of userId === otherId ? [userId] : [userId, otherId]) {
    tx.relations.added.push({
      id: tx.nextRelationId,
      chatId: chat.id,
      userId: member,
      manager: false,
      muted: false,
      lastReadMessageId: 0
    })
  }
  return chat
}

/**
 * `im.message.add` (`DIALOG_ID` — or `CHAT_ID` / `USER_ID` — and `MESSAGE`, optionally `ATTACH`): sends a message as
 * the caller and returns its id.
 *
 * - to a user (`DIALOG_ID` = user id): into the private chat of the two, created with both relations when missing;
 * - to a chat (`chatN`, `sgN`): the caller must be a member whose role reaches the chat's `can_post` level;
 * - the message gets the next message id and the server time; the caller's last read id moves to it;
 * - every member's row for the chat is raised (created if missing or hidden) with the new message and its date as
 *   `DATE_MESSAGE`, `DATE_UPDATE` and `DATE_LAST_ACTIVITY`; the other members' counters grow by one.
 *
 * Errors, as `CIMRestService::messageAdd` raises them (all 400 unless noted): `MESSAGE_EMPTY` ("Wrong message type"
 * for a non-string `MESSAGE`, "Message can't be empty" for an empty one without `ATTACH`), `USER_ID_EMPTY`,
 * `USER_NOT_FOUND`, `CHAT_ID_EMPTY`, `ACCESS_ERROR` (403) "It is forbidden to send messages to this chat" when the
 * chat type forbids sending, `PARAMS_ERROR` "Incorrect params" with no recipient and "Message isn't added" when the
 * caller may not post there.
 *
 * @since 0.1.0
 * @category methods
 */
export const addMessage: Action<number> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const rawMessage = upper.get("MESSAGE")
  const attach = upper.get("ATTACH")
  let text = ""
  if (Php.isSet(rawMessage)) {
    if (typeof rawMessage !== "string") return Either.left(error("MESSAGE_EMPTY", "Wrong message type", 400))
    text = Php.trim(rawMessage)
    if (text === "" && !Php.isTruthy(attach)) return Either.left(error("MESSAGE_EMPTY", "Message can't be empty", 400))
  } else if (!Php.isSet(attach)) {
    return Either.left(error("MESSAGE_EMPTY", "Message can't be empty", 400))
  }

  let toUser: unknown = upper.get("USER_ID")
  let toChat: unknown = upper.get("CHAT_ID")
  const dialogParam = upper.get("DIALOG_ID")
  if (Php.isSet(dialogParam)) {
    const target = Dialog.parse(dialogParam, false)
    if (target !== undefined && (target._tag === "Chat" || target._tag === "Group")) {
      toChat = Dialog.chatIdOf(index, userId, target)
    } else {
      toUser = Php.intval(dialogParam)
    }
  }

  const tx = new Tx(index)
  const stamp = stampOf(index, now)
  let chat: PortalChat
  if (Php.isSet(toUser)) {
    const otherId = Php.intval(toUser)
    if (otherId <= 0) return Either.left(error("USER_ID_EMPTY", "User ID can't be empty", 400))
    if (index.user(otherId) === undefined) return Either.left(error("USER_NOT_FOUND", "User not found", 400))
    chat = index.privateChat(userId, otherId) ?? createPrivateChat(tx, userId, otherId, stamp)
  } else if (Php.isSet(toChat)) {
    const chatId = Php.intval(toChat)
    if (chatId <= 0) return Either.left(error("CHAT_ID_EMPTY", "Chat ID can't be empty", 400))
    const found = index.chat(chatId)
    if (
      found !== undefined &&
      !Restrictions.forEntityType(Format.entityTypeOf(index, found), Format.viewerOf(index, userId)).send
    ) {
      return Either.left(error("ACCESS_ERROR", "It is forbidden to send messages to this chat", 403))
    }
    if (found === undefined || !Format.satisfies(Format.roleOf(index, found, userId), found.permissions.canPost)) {
      return Either.left(error("PARAMS_ERROR", "Message isn't added", 400))
    }
    chat = found
  } else {
    return Either.left(error("PARAMS_ERROR", "Incorrect params", 400))
  }

  const message = Mutation.postMessage(
    tx,
    chat,
    { authorId: userId, text, attach: Php.isTruthy(attach) ? true : null },
    stamp
  )
  return done(message.id, tx.commit())
}
