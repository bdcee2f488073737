/**
 * What the caller has read, beyond `im.dialog.read`: `im.dialog.unread` and `im.dialog.read.all`, as
 * `CIMRestService::dialogUnread` / `dialogReadAll`, `CIMChat::SetUnReadMessage`, `CIMMessage::SetUnReadMessage` and
 * `ReadService::readAll` do them.
 *
 * The emulator derives counters from each member's last read message (see `PortalState.Relation`), so reading
 * everything moves that id to the chat's last message, and marking unread moves it back; the server keeps a counter
 * table beside it. The "delivered" status of messages is left as it was.
 *
 * @since 0.1.0
 */

import { PhpValue as Php } from "@im-recent/domain"
import * as Either from "effect/Either"
import type { Action } from "./Actions.js"
import * as Dialog from "./internal/methods/dialog.js"
import { done, methodError, stampOf } from "./internal/methods/mutation.js"
import * as Indexes from "./internal/state/indexes.js"
import { Tx } from "./internal/state/tx.js"

/**
 * `im.dialog.unread` (`DIALOG_ID`, `MESSAGE_ID`): the message `MESSAGE_ID` and every later one count as unread again
 * for the caller.
 *
 * - `MESSAGE_ID_ERROR` (400) "First unread message id can't be empty" for a missing or non-positive id (checked
 *   first); `DIALOG_ID_EMPTY` (400) "Dialog ID can't be empty" for a malformed `DIALOG_ID`;
 * - a chat (`chatN`, `sgN`): when the caller is a member, their last read id becomes at most the id of the chat's
 *   message before `MESSAGE_ID`, and their rows of the chat get `DATE_UPDATE` = now;
 * - a user: the same, only when `MESSAGE_ID` is a message of the private chat of the two;
 * - always `true` (the server does not say whether anything changed).
 *
 * @since 0.1.0
 * @category methods
 */
export const unread: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const messageId = Php.intval(upper.get("MESSAGE_ID"))
  if (messageId <= 0) {
    return Either.left(methodError("MESSAGE_ID_ERROR", "First unread message id can't be empty", 400))
  }
  const target = Dialog.parse(upper.get("DIALOG_ID"), false)
  if (target === undefined) return Either.left(methodError("DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400))
  const chatId = Dialog.chatIdOf(index, userId, target)
  const relation = chatId === 0 ? undefined : index.membership(chatId, userId)
  if (relation === undefined) return done(true, state)
  if (target._tag === "User" && index.message(messageId)?.chatId !== chatId) return done(true, state)
  const messages = index.chatMessages(chatId)
  let before = 0
  for (const message of messages) {
    if (message.id >= messageId) break
    before = message.id
  }
  const tx = new Tx(index)
  if (before < relation.lastReadMessageId) {
    tx.relations.update(relation, (current) => ({ ...current, lastReadMessageId: before }))
  }
  const stamp = stampOf(index, now)
  for (const row of index.recentOf(userId)) {
    if (row.chatId === chatId) tx.recent.update(row, (current) => ({ ...current, dateUpdate: stamp }))
  }
  return done(true, tx.commit())
}

/**
 * `im.dialog.read.all` (no parameters): every chat and dialog of the caller is read up to its last message, except
 * the notifications chat (`S`), and every manual "unread" mark is cleared (`Recent::readAll`). No `DATE_UPDATE`
 * changes: `LAST_SYNC_DATE` deltas do not show it. Always `true`.
 *
 * @since 0.1.0
 * @category methods
 */
export const readAll: Action<boolean> = (state, userId) => {
  const index = Indexes.of(state)
  const tx = new Tx(index)
  for (const relation of index.relationsOf(userId)) {
    if (index.chat(relation.chatId)?.type === "S") continue
    const messages = index.chatMessages(relation.chatId)
    const last = messages.length === 0 ? 0 : messages[messages.length - 1]!.id
    if (last > relation.lastReadMessageId) {
      tx.relations.update(relation, (current) => ({ ...current, lastReadMessageId: last }))
    }
  }
  for (const row of index.recentOf(userId)) {
    if (row.unread) tx.recent.update(row, (current) => ({ ...current, unread: false }))
  }
  return done(true, tx.commit())
}
