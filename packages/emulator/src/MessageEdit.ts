/**
 * `im.message.update` and `im.message.delete` as `CIMRestService::messageUpdate` / `messageDelete` and
 * `CIMMessenger::Update` / `Delete` / `CheckPossibilityUpdateMessage` do them.
 *
 * Who may change a message: its author only, while it is not deleted; editing also only within 3 days of sending
 * (deleting has no time limit). The server's exceptions for portal administrators (deleting others' messages in the
 * general chat or of fired users), for bots, for forwarded messages and for open-lines connectors are not emulated:
 * the state has no administrators, bots never call, and nothing is forwarded.
 *
 * @since 0.1.0
 */

import { PhpValue as Php } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import type { Action } from "./Actions.js"
import { done, methodError, stampOf } from "./internal/methods/mutation.js"
import * as Indexes from "./internal/state/indexes.js"
import { Tx } from "./internal/state/tx.js"
import type { MethodError } from "./Portal.js"
import type { PortalMessage } from "./PortalState.js"

/**
 * How long after sending a message its author may still edit it, in seconds (`259200`).
 *
 * @since 0.1.0
 * @category constants
 */
export const EDIT_WINDOW_SECONDS = 259_200

/** `CIMMessenger::MESSAGE_LIMIT`: longer texts are cut to it and get ` (...)`. */
const MESSAGE_LIMIT = 20_000

const messageIdError = (): MethodError => methodError("MESSAGE_ID_ERROR", "Message ID can't be empty", 400)

const cantEdit = (): MethodError =>
  methodError("CANT_EDIT_MESSAGE", "Time has expired for modification or you don't have access", 403)

/** `CheckPossibilityUpdateMessage`: the message when `userId` may change it now, else `undefined`. */
const modifiable = (
  index: Indexes.Index,
  userId: number,
  messageId: number,
  mode: "update" | "delete",
  now: DateTime.DateTime
): PortalMessage | undefined => {
  if (messageId <= 0 || userId <= 0) return undefined
  const message = index.message(messageId)
  if (message === undefined || message.params.isDeleted === true) return undefined
  const sentSeconds = Math.floor(message.date.epochMillis / 1000)
  if (mode === "update" && sentSeconds + EDIT_WINDOW_SECONDS < Math.floor(now.epochMillis / 1000)) return undefined
  return message.authorId === userId ? message : undefined
}

const messageIdOf = (upper: ReadonlyMap<string, unknown>): number =>
  Php.intval(Php.isSet(upper.get("MESSAGE_ID")) ? upper.get("MESSAGE_ID") : upper.get("ID"))

/** `GetAttachByJson` / `getKeyboardByJson` / `ContextMenu::getByJson`: a non-empty structure, or its JSON text. */
const structureOf = (value: unknown): boolean => {
  let parsed = value
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value)
    } catch {
      return false
    }
  }
  return parsed !== null && typeof parsed === "object" && Object.keys(parsed).length > 0
}

/** `empty($value) || $value == 'N'`: the value that removes an attachment, keyboard or menu. */
const removes = (value: unknown): boolean => !Php.isTruthy(value) || Php.looseEqualsString(value, "N")

/** The soft deletion (`SoftDeletionStrategy`): the portal's "deleted" text, no file or attachment, `IS_DELETED`. */
const softDeleted = (index: Indexes.Index, message: PortalMessage): PortalMessage => ({
  ...message,
  text: index.labels.deleted,
  file: null,
  attach: null,
  sticker: null,
  params: { isDeleted: true, ...(message.params.notify === false ? { notify: false } : {}) }
})

/**
 * `im.message.delete` (`MESSAGE_ID`, alias `ID`): the author deletes a message, softly — it stays in the chat with the
 * portal's "This message has been deleted." / «Это сообщение было удалено.» text, without file or attachment, so the
 * recent items that show it keep their place and their dates (only the text changes; `LAST_SYNC_DATE` deltas do not
 * see it). Counters do not change.
 *
 * - `MESSAGE_ID_ERROR` (400) "Message ID can't be empty" for a missing or non-positive id;
 * - `CANT_EDIT_MESSAGE` (403) "Time has expired for modification or you don't have access" when the message does not
 *   exist, is already deleted or is someone else's;
 * - `true` otherwise.
 *
 * @since 0.1.0
 * @category methods
 */
export const remove: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const messageId = messageIdOf(upper)
  if (messageId <= 0) return Either.left(messageIdError())
  const message = modifiable(index, userId, messageId, "delete", now)
  if (message === undefined) return Either.left(cantEdit())
  const tx = new Tx(index)
  tx.messages.update(message, () => softDeleted(index, message))
  return done(true, tx.commit())
}

/**
 * `im.message.update` (`MESSAGE_ID` — alias `ID` — and any of `MESSAGE`, `ATTACH`, `KEYBOARD`, `MENU`):
 *
 * - `MESSAGE_ID_ERROR` (400) "Message ID can't be empty" for a missing or non-positive id;
 * - each of `ATTACH`, `KEYBOARD` and `MENU` that is sent first checks that the caller may edit the message (else
 *   `CANT_EDIT_MESSAGE`, 403); `""` or `"N"` removes it, a structure (or its JSON text) replaces it, anything else
 *   fails with `ATTACH_ERROR` "Incorrect attach params" / `KEYBOARD_ERROR` "Incorrect keyboard params" /
 *   `menu_ERROR` "Incorrect menu params" (400). As on the server, `MENU` is checked against the raw `MESSAGE_ID` (not
 *   `ID`) and, when `BOT_ID` is sent, as that user. Keyboards and menus are not kept in the state;
 * - `MESSAGE`: cut to 20 000 characters plus ` (...)`, `[BR]` turned into a newline, trimmed. An empty text deletes the
 *   message (see {@link remove}); otherwise the author may change it within 3 days of sending (else
 *   `CANT_EDIT_MESSAGE`). Every recent row whose last message it is gets `DATE_UPDATE` = now (`UPDATE b_im_recent SET
 *   DATE_UPDATE = NOW() WHERE ITEM_MID = id`), for every user: the item shows the new text and moves into
 *   `LAST_SYNC_DATE` deltas, but keeps its place (`message.date`, `date_last_activity` do not change). A `MESSAGE`
 *   that is not text (an array or object, which PHP cannot take as a string) answers 500 `INTERNAL_SERVER_ERROR`;
 * - `true` otherwise, also when nothing was sent to change.
 *
 * @since 0.1.0
 * @category methods
 */
export const update: Action<boolean> = (state, userId, now, params) => {
  const index = Indexes.of(state)
  const upper = Php.upperKeys(params)
  const messageId = messageIdOf(upper)
  if (messageId <= 0) return Either.left(messageIdError())
  const tx = new Tx(index)
  const replaceable = [
    ["ATTACH", "ATTACH_ERROR", "Incorrect attach params"],
    ["KEYBOARD", "KEYBOARD_ERROR", "Incorrect keyboard params"],
    ["MENU", "menu_ERROR", "Incorrect menu params"]
  ] as const
  for (const [name, code, description] of replaceable) {
    const value = upper.get(name)
    if (!Php.isSet(value)) continue
    const asUser = name === "MENU" && Php.isSet(upper.get("BOT_ID")) ? Php.intval(upper.get("BOT_ID")) : userId
    const checkedId = name === "MENU" ? Php.intval(upper.get("MESSAGE_ID")) : messageId
    const message = modifiable(index, asUser, checkedId, "update", now)
    if (message === undefined) return Either.left(cantEdit())
    if (removes(value)) {
      if (name === "ATTACH") tx.messages.update(message, (current) => ({ ...current, attach: null }))
    } else if (structureOf(value)) {
      if (name === "ATTACH") tx.messages.update(message, (current) => ({ ...current, attach: true }))
    } else {
      return Either.left(methodError(code, description, 400))
    }
  }
  const raw = upper.get("MESSAGE")
  if (Php.isSet(raw)) {
    const given = Php.toPhpString(raw)
    if (given === undefined) {
      return Either.left(methodError("INTERNAL_SERVER_ERROR", "MESSAGE must be a string, got an array", 500))
    }
    const cut = [...given].length > MESSAGE_LIMIT + 6 ? `${[...given].slice(0, MESSAGE_LIMIT).join("")} (...)` : given
    const text = Php.trim(cut.replaceAll("[BR]", "\n").replaceAll("[br]", "\n"))
    if (text === "") {
      const message = modifiable(index, userId, messageId, "delete", now)
      if (message === undefined) return Either.left(cantEdit())
      tx.messages.update(message, () => softDeleted(index, tx.messages.current(message)))
      return done(true, tx.commit())
    }
    const message = modifiable(index, userId, messageId, "update", now)
    if (message === undefined) return Either.left(cantEdit())
    tx.messages.update(message, (current) => ({ ...current, text }))
    const stamp = stampOf(index, now)
    for (const row of index.state.recent) {
      if (row.messageId === messageId) tx.recent.update(row, (current) => ({ ...current, dateUpdate: stamp }))
    }
  }
  return done(true, tx.commit())
}
