/**
 * What the state-changing methods share: their error and success values, the server clock as the database stores
 * it, and posting a message the way `CIMMessenger::Add` raises every member's recent row.
 *
 * @internal
 */
import type * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import type { Outcome } from "../../Actions.js"
import { MethodError } from "../../Portal.js"
import type { PortalChat, PortalMessage, PortalState, RecentRow } from "../../PortalState.js"
import type * as Indexes from "../state/indexes.js"
import type { Tx } from "../state/tx.js"
import * as Zone from "../state/zone.js"

/**
 * A method's documented error.
 *
 * @internal
 */
export const methodError = (code: string, description: string, status: number): MethodError =>
  new MethodError({ code, description, status })

/**
 * A successful call.
 *
 * @internal
 */
export const done = <A>(result: A, state: PortalState): Either.Either<Outcome<A>, MethodError> =>
  Either.right({ result, state })

/**
 * The server clock as the database stores it: whole seconds, in the portal's zone.
 *
 * @internal
 */
export const stampOf = (index: Indexes.Index, now: DateTime.DateTime): DateTime.Zoned =>
  index.zone.zoned(Zone.truncateToSecond(now.epochMillis))

/**
 * What a posted message says; the rest of the row takes a plain message's values.
 *
 * @internal
 */
export interface Post {
  /** 0 for a system message. */
  readonly authorId: number
  readonly text: string
  readonly attach?: PortalMessage["attach"] | undefined
  readonly params?: PortalMessage["params"] | undefined
}

/**
 * Posts a message into `chat` at `stamp`: it gets the next message id; the author's last read id moves to it; every
 * member's row for the chat is raised (created when missing or hidden) with the message and its date as
 * `DATE_MESSAGE`, `DATE_UPDATE` and `DATE_LAST_ACTIVITY`. Counters follow from the relations ({@link Indexes}).
 *
 * @internal
 */
export const postMessage = (tx: Tx, chat: PortalChat, post: Post, stamp: DateTime.Zoned): PortalMessage => {
  const message: PortalMessage = {
    id: tx.nextMessageId,
    chatId: chat.id,
    authorId: post.authorId,
    text: post.text,
    date: stamp,
    file: null,
    attach: post.attach ?? null,
    sticker: null,
    notifyRead: false,
    uuid: null,
    params: post.params ?? {}
  }
  tx.messages.added.push(message)
  const members = tx.membersOf(chat.id)
  for (const relation of members) {
    const member = relation.userId
    if (post.authorId > 0 && member === post.authorId) {
      tx.relations.update(relation, (current) => ({ ...current, lastReadMessageId: message.id }))
    }
    const itemId = chat.type === "P" ? (members.find((other) => other.userId !== member)?.userId ?? member) : chat.id
    const existing = tx.rowsOf(member).find((row) => row.itemType === chat.type && row.itemId === itemId)
    const raised = {
      chatId: chat.id,
      messageId: message.id,
      relationId: relation.id,
      dateMessage: stamp,
      dateUpdate: stamp,
      dateLastActivity: stamp
    }
    if (existing !== undefined) {
      tx.recent.update(existing, (current) => ({ ...current, ...raised }))
    } else {
      const row: RecentRow = {
        userId: member,
        itemType: chat.type,
        itemId,
        sessionId: chat.type === "L" ? (tx.index.latestSession(chat.id)?.id ?? 0) : 0,
        pinned: false,
        unread: false,
        ...raised
      }
      tx.recent.added.push(row)
    }
  }
  return message
}
