/**
 * The one-letter chat types of Bitrix24's `im` module (`b_im_recent.ITEM_TYPE`, `chat.message_type`;
 * `Bitrix\Im\V2\Chat::IM_TYPE_*` and the `IM_MESSAGE_*` constants of `im/include.php`).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Every chat type letter, in the order Bitrix's documentation lists them.
 *
 * @since 0.1.0
 * @category constants
 */
export const all = ["P", "C", "O", "L", "S", "T", "N", "J", "A", "B", "X"] as const

/**
 * A chat type letter.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatType = Schema.Literal(...all).annotations({
  identifier: "ChatType",
  description:
    "a Bitrix24 chat type letter: P private, C chat, O open chat, L open line, S system, T comment, " +
    "N channel, J open channel, A copilot, B collab, X external"
})

/**
 * A chat type letter.
 *
 * @since 0.1.0
 * @category models
 */
export type ChatType = typeof ChatType.Type

/**
 * What each letter means.
 *
 * @since 0.1.0
 * @category constants
 */
export const descriptions: { readonly [K in ChatType]: string } = {
  P: "private: a one-to-one dialog (the item's id is the other user's id)",
  C: "chat: a closed group chat",
  O: "open chat: a group chat anyone in the company can join",
  L: "open line: a customer conversation from a connected channel (imopenlines)",
  S: "system: notifications",
  T: "comment: the comment thread of a channel post",
  N: "channel: a closed broadcast channel",
  J: "open channel: a broadcast channel anyone can join",
  A: "copilot: a chat with the CoPilot AI assistant",
  B: "collab: a collaboration with external participants",
  X: "external: a chat attached to another module's entity, such as a task"
}

/**
 * Whether a value is a chat type letter.
 *
 * @since 0.1.0
 * @category guards
 */
export const isChatType: (u: unknown) => u is ChatType = Schema.is(ChatType)
