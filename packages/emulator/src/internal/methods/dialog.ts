/**
 * `DIALOG_ID` handling shared by the methods: validation (`Common::isDialogId`, plus `notify` where the handler allows
 * it), `Dialog::getChatId`, and the caller's `b_im_recent` row for a dialog.
 *
 * @internal
 */
import { DialogId } from "@im-recent/domain"
import type { PortalChat, RecentRow } from "../../PortalState.js"
import type { Index } from "../state/indexes.js"

/**
 * A parsed `DIALOG_ID`.
 *
 * @internal
 */
export type Target =
  | { readonly _tag: "Chat"; readonly chatId: number }
  | { readonly _tag: "User"; readonly userId: number }
  | { readonly _tag: "Group"; readonly groupId: number }
  | { readonly _tag: "Notify" }

/**
 * Reads a `DIALOG_ID` value; `undefined` is what the server answers with `DIALOG_ID_EMPTY`.
 *
 * @internal
 */
export const parse = (value: unknown, allowNotify: boolean): Target | undefined => {
  if (allowNotify && value === "notify") return { _tag: "Notify" }
  if (typeof value !== "string" && typeof value !== "number") return undefined
  const parsed = DialogId.parse(value)
  if (parsed === undefined) return undefined
  return parsed._tag === "Chat"
    ? { _tag: "Chat", chatId: parsed.chatId }
    : parsed._tag === "User"
      ? { _tag: "User", userId: parsed.userId }
      : { _tag: "Group", groupId: parsed.groupId }
}

/**
 * `Dialog::getChatId`: the id in `chatN` (whether or not that chat exists), the private chat with a user, the chat of
 * workgroup `sgN`, the caller's notifications chat for `notify`; 0 when there is none.
 *
 * @internal
 */
export const chatIdOf = (index: Index, userId: number, target: Target): number => {
  switch (target._tag) {
    case "Chat":
      return target.chatId
    case "User":
      return index.privateChat(userId, target.userId)?.id ?? 0
    case "Group": {
      const entityId = String(target.groupId)
      for (const chat of index.state.chats) {
        if (chat.entityType === "SONET_GROUP" && chat.entityId === entityId) return chat.id
      }
      return 0
    }
    case "Notify": {
      for (const relation of index.relationsOf(userId)) {
        if (index.chat(relation.chatId)?.type === "S") return relation.chatId
      }
      return 0
    }
  }
}

/**
 * The caller's row for a dialog as `Recent::pin` / `Recent::unread` find it: a chat row (any chat type) with the chat's
 * id, or the `P` row with the user's id. Workgroup and `notify` ids are looked up as `P` rows with a non-numeric id,
 * so they never match.
 *
 * @internal
 */
export const rowOf = (index: Index, userId: number, target: Target): RecentRow | undefined => {
  if (target._tag === "Chat") {
    return index.recentOf(userId).find((row) => row.itemType !== "P" && row.itemId === target.chatId)
  }
  if (target._tag === "User") {
    return index.recentOf(userId).find((row) => row.itemType === "P" && row.itemId === target.userId)
  }
  return undefined
}

/**
 * The chat a dialog denotes, if it exists.
 *
 * @internal
 */
export const chatOf = (index: Index, userId: number, target: Target): PortalChat | undefined => {
  const chatId = chatIdOf(index, userId, target)
  return chatId === 0 ? undefined : index.chat(chatId)
}
