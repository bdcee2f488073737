/**
 * Lookup structures over a `PortalState`, built lazily and cached per table array (a change to the `recent` table
 * leaves the message index alone), and patched in place when a mutation moves the state forward, so a new message
 * costs a bucket push instead of a rebuild.
 *
 * @internal
 */
import type {
  OpenLinesSession,
  PortalChat,
  PortalMessage,
  PortalState,
  PortalUser,
  RecentRow,
  Relation
} from "../../PortalState.js"
import * as Text from "../methods/text.js"
import * as Zone from "./zone.js"

/**
 * A table change: rows replaced (old, new), added and removed. A row is either replaced or removed, never both.
 *
 * @internal
 */
export interface Change<A> {
  readonly replace?: ReadonlyArray<readonly [A, A]>
  readonly add?: ReadonlyArray<A>
  readonly remove?: ReadonlyArray<A>
}

/**
 * The new table after a change; rows keep their positions, added rows go last.
 *
 * @internal
 */
export const applyChange = <A>(rows: ReadonlyArray<A>, change: Change<A> | undefined): ReadonlyArray<A> => {
  if (change === undefined) return rows
  if ((change.replace?.length ?? 0) === 0 && (change.remove?.length ?? 0) === 0) {
    return change.add === undefined || change.add.length === 0 ? rows : rows.concat(change.add)
  }
  const replaced = new Map<A, A>(change.replace ?? [])
  const removed = new Set<A>(change.remove ?? [])
  const next: Array<A> = []
  for (const row of rows) {
    if (removed.has(row)) continue
    next.push(replaced.get(row) ?? row)
  }
  for (const row of change.add ?? []) next.push(row)
  return next
}

const replaceIn = <A>(bucket: Array<A>, from: A, to: A): void => {
  const at = bucket.indexOf(from)
  if (at !== -1) bucket[at] = to
}

const removeFrom = <A>(bucket: Array<A> | undefined, row: A): void => {
  if (bucket === undefined) return
  const at = bucket.indexOf(row)
  if (at !== -1) bucket.splice(at, 1)
}

// ---------------------------------------------------------------------------------------------------------------
// tables

interface UsersPart {
  readonly byId: Map<number, PortalUser>
}

interface ChatsPart {
  readonly byId: Map<number, PortalChat>
  readonly maxId: number
}

interface RelationsPart {
  readonly byId: Map<number, Relation>
  readonly byChat: Map<number, Map<number, Relation>>
  readonly byUser: Map<number, Array<Relation>>
  maxId: number
  /** The highest `lastReadMessageId`: it can name a message that was deleted since. */
  maxReadId: number
}

interface MessagesPart {
  readonly byId: Map<number, PortalMessage>
  /** Ascending ids. */
  readonly byChat: Map<number, Array<PortalMessage>>
  maxId: number
}

interface RecentPart {
  readonly byUser: Map<number, Array<RecentRow>>
  /** The highest `messageId` (`ITEM_MID`): it can name a message that was deleted since. */
  maxMessageId: number
}

interface SessionsPart {
  readonly byId: Map<number, OpenLinesSession>
  /** The newest session per chat. */
  readonly latestByChat: Map<number, OpenLinesSession>
}

const cached = <T extends object, P>(cache: WeakMap<T, P>, key: T, build: (key: T) => P): P => {
  let part = cache.get(key)
  if (part === undefined) {
    part = build(key)
    cache.set(key, part)
  }
  return part
}

const pushTo = <K, V>(map: Map<K, Array<V>>, key: K, value: V): void => {
  const bucket = map.get(key)
  if (bucket === undefined) map.set(key, [value])
  else bucket.push(value)
}

const usersParts = new WeakMap<ReadonlyArray<PortalUser>, UsersPart>()
const buildUsers = (users: ReadonlyArray<PortalUser>): UsersPart => ({
  byId: new Map(users.map((user) => [user.id, user]))
})

const chatsParts = new WeakMap<ReadonlyArray<PortalChat>, ChatsPart>()
const buildChats = (chats: ReadonlyArray<PortalChat>): ChatsPart => {
  const byId = new Map<number, PortalChat>()
  let maxId = 0
  for (const chat of chats) {
    byId.set(chat.id, chat)
    if (chat.id > maxId) maxId = chat.id
  }
  return { byId, maxId }
}

const relationsParts = new WeakMap<ReadonlyArray<Relation>, RelationsPart>()
const addRelation = (part: RelationsPart, relation: Relation): void => {
  part.byId.set(relation.id, relation)
  let members = part.byChat.get(relation.chatId)
  if (members === undefined) {
    members = new Map()
    part.byChat.set(relation.chatId, members)
  }
  members.set(relation.userId, relation)
  pushTo(part.byUser, relation.userId, relation)
  if (relation.id > part.maxId) part.maxId = relation.id
  if (relation.lastReadMessageId > part.maxReadId) part.maxReadId = relation.lastReadMessageId
}
const buildRelations = (relations: ReadonlyArray<Relation>): RelationsPart => {
  const part: RelationsPart = { byId: new Map(), byChat: new Map(), byUser: new Map(), maxId: 0, maxReadId: 0 }
  for (const relation of relations) addRelation(part, relation)
  return part
}

const messagesParts = new WeakMap<ReadonlyArray<PortalMessage>, MessagesPart>()
const buildMessages = (messages: ReadonlyArray<PortalMessage>): MessagesPart => {
  const part: MessagesPart = { byId: new Map(), byChat: new Map(), maxId: 0 }
  let sorted = true
  let previous = 0
  for (const message of messages) {
    part.byId.set(message.id, message)
    pushTo(part.byChat, message.chatId, message)
    if (message.id < previous) sorted = false
    previous = message.id
    if (message.id > part.maxId) part.maxId = message.id
  }
  if (!sorted) for (const bucket of part.byChat.values()) bucket.sort((a, b) => a.id - b.id)
  return part
}

const recentParts = new WeakMap<ReadonlyArray<RecentRow>, RecentPart>()
const addRecent = (part: RecentPart, row: RecentRow): void => {
  pushTo(part.byUser, row.userId, row)
  if (row.messageId > part.maxMessageId) part.maxMessageId = row.messageId
}
const buildRecent = (rows: ReadonlyArray<RecentRow>): RecentPart => {
  const part: RecentPart = { byUser: new Map(), maxMessageId: 0 }
  for (const row of rows) addRecent(part, row)
  return part
}

const sessionsParts = new WeakMap<ReadonlyArray<OpenLinesSession>, SessionsPart>()
const buildSessions = (sessions: ReadonlyArray<OpenLinesSession>): SessionsPart => {
  const byId = new Map<number, OpenLinesSession>()
  const latestByChat = new Map<number, OpenLinesSession>()
  for (const session of sessions) {
    byId.set(session.id, session)
    const latest = latestByChat.get(session.chatId)
    if (latest === undefined || latest.id < session.id) latestByChat.set(session.chatId, session)
  }
  return { byId, latestByChat }
}

/** First position in an ascending bucket whose id is greater than `id`. */
const firstAfter = (bucket: ReadonlyArray<PortalMessage>, id: number): number => {
  let lo = 0
  let hi = bucket.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (bucket[mid].id <= id) lo = mid + 1
    else hi = mid
  }
  return lo
}

// ---------------------------------------------------------------------------------------------------------------
// the index

/**
 * Whether a message counts as unread for a member who has not read it: not their own, and not a service message
 * sent with `NOTIFY=N`.
 *
 * @internal
 */
export const countsFor = (message: PortalMessage, userId: number): boolean =>
  message.authorId !== userId && message.params.notify !== false

/**
 * Counters are capped here (`CounterOverflowService::$overflowValue`).
 *
 * @internal
 */
export const COUNTER_CAP = 100

/**
 * Everything the methods look up, for one state.
 *
 * @internal
 */
export interface Index {
  readonly state: PortalState
  readonly zone: Zone.Zone
  readonly labels: Text.Labels
  readonly user: (id: number) => PortalUser | undefined
  readonly chat: (id: number) => PortalChat | undefined
  readonly maxChatId: number
  readonly relation: (id: number) => Relation | undefined
  readonly membership: (chatId: number, userId: number) => Relation | undefined
  readonly members: (chatId: number) => ReadonlyMap<number, Relation>
  readonly relationsOf: (userId: number) => ReadonlyArray<Relation>
  readonly maxRelationId: number
  readonly message: (id: number) => PortalMessage | undefined
  /** The chat's messages, ascending ids. */
  readonly chatMessages: (chatId: number) => ReadonlyArray<PortalMessage>
  readonly maxMessageId: number
  readonly recentOf: (userId: number) => ReadonlyArray<RecentRow>
  readonly session: (id: number) => OpenLinesSession | undefined
  readonly latestSession: (chatId: number) => OpenLinesSession | undefined
  /** Unread messages of `userId` in a chat: newer than the last one read and counting for them ({@link countsFor}),
   * capped at 100. */
  readonly counter: (chatId: number, userId: number) => number
  /** The private (`P`) chat of two users. */
  readonly privateChat: (a: number, b: number) => PortalChat | undefined
  /** `getFullName(false)`: `first last`, `""` for an unknown user. */
  readonly userName: (id: number) => string
  /** Per-state memo for derived values (formatted profiles, …). */
  readonly memo: Map<string, unknown>
}

const EMPTY_MEMBERS: ReadonlyMap<number, Relation> = new Map()
const EMPTY: ReadonlyArray<never> = []

/**
 * `first last`, trimmed.
 *
 * @internal
 */
export const fullName = (user: PortalUser): string => `${user.firstName} ${user.lastName}`.trim()

const build = (state: PortalState): Index => {
  const users = cached(usersParts, state.users, buildUsers)
  const chats = cached(chatsParts, state.chats, buildChats)
  const relations = cached(relationsParts, state.relations, buildRelations)
  const messages = cached(messagesParts, state.messages, buildMessages)
  const recent = cached(recentParts, state.recent, buildRecent)
  const sessions = cached(sessionsParts, state.openLinesSessions, buildSessions)
  const counter = (chatId: number, userId: number): number => {
    const relation = relations.byChat.get(chatId)?.get(userId)
    if (relation === undefined) return 0
    const bucket = messages.byChat.get(chatId)
    if (bucket === undefined) return 0
    let count = 0
    for (let i = firstAfter(bucket, relation.lastReadMessageId); i < bucket.length; i++) {
      if (countsFor(bucket[i], userId) && ++count >= COUNTER_CAP) return COUNTER_CAP
    }
    return count
  }
  return {
    state,
    zone: Zone.get(state.portal.timeZone),
    labels: Text.labels[state.portal.language],
    user: (id) => users.byId.get(id),
    chat: (id) => chats.byId.get(id),
    maxChatId: chats.maxId,
    relation: (id) => relations.byId.get(id),
    membership: (chatId, userId) => relations.byChat.get(chatId)?.get(userId),
    members: (chatId) => relations.byChat.get(chatId) ?? EMPTY_MEMBERS,
    relationsOf: (userId) => relations.byUser.get(userId) ?? EMPTY,
    maxRelationId: relations.maxId,
    message: (id) => messages.byId.get(id),
    chatMessages: (chatId) => messages.byChat.get(chatId) ?? EMPTY,
    // ids are never reused, as in the database: a deleted message's id may still be named by a row or a relation
    maxMessageId: Math.max(messages.maxId, recent.maxMessageId, relations.maxReadId),
    recentOf: (userId) => recent.byUser.get(userId) ?? EMPTY,
    session: (id) => sessions.byId.get(id),
    latestSession: (chatId) => sessions.latestByChat.get(chatId),
    counter,
    privateChat: (a, b) => {
      for (const relation of relations.byUser.get(a) ?? EMPTY) {
        const chat = chats.byId.get(relation.chatId)
        if (chat === undefined || chat.type !== "P") continue
        const members = relations.byChat.get(chat.id)
        if (members?.has(b) && (a !== b || members.size === 1)) return chat
      }
      return undefined
    },
    userName: (id) => {
      const user = users.byId.get(id)
      return user === undefined ? "" : fullName(user)
    },
    memo: new Map()
  }
}

const indexes = new WeakMap<PortalState, Index>()

/**
 * The index of a state (built on first use).
 *
 * @internal
 */
export const of = (state: PortalState): Index => cached(indexes, state, build)

/**
 * The changes a mutation makes, per table.
 *
 * @internal
 */
export interface Changes {
  readonly chats?: Change<PortalChat>
  readonly relations?: Change<Relation>
  readonly messages?: Change<PortalMessage>
  readonly recent?: Change<RecentRow>
}

/**
 * Applies changes to a state: the new state shares every untouched table, and the indexes of the touched ones move
 * to the new tables, patched, instead of being rebuilt. The old state's index is dropped (it would now see the
 * patched parts); reading the old state again rebuilds one from its own, unchanged tables.
 *
 * @internal
 */
export const commit = (state: PortalState, changes: Changes): PortalState => {
  const next: PortalState = {
    ...state,
    chats: applyChange(state.chats, changes.chats),
    relations: applyChange(state.relations, changes.relations),
    messages: applyChange(state.messages, changes.messages),
    recent: applyChange(state.recent, changes.recent)
  }
  indexes.delete(state)
  if (changes.relations !== undefined) {
    const part = relationsParts.get(state.relations)
    if (part !== undefined) {
      relationsParts.delete(state.relations)
      for (const relation of changes.relations.remove ?? []) {
        part.byId.delete(relation.id)
        part.byChat.get(relation.chatId)?.delete(relation.userId)
        removeFrom(part.byUser.get(relation.userId), relation)
      }
      for (const [from, to] of changes.relations.replace ?? []) {
        part.byId.set(to.id, to)
        part.byChat.get(to.chatId)?.set(to.userId, to)
        const bucket = part.byUser.get(to.userId)
        if (bucket !== undefined) replaceIn(bucket, from, to)
        if (to.lastReadMessageId > part.maxReadId) part.maxReadId = to.lastReadMessageId
      }
      for (const relation of changes.relations.add ?? []) addRelation(part, relation)
      relationsParts.set(next.relations, part)
    }
  }
  if (changes.messages !== undefined) {
    const part = messagesParts.get(state.messages)
    if (part !== undefined) {
      messagesParts.delete(state.messages)
      for (const message of changes.messages.remove ?? []) {
        part.byId.delete(message.id)
        removeFrom(part.byChat.get(message.chatId), message)
      }
      for (const [, to] of changes.messages.replace ?? []) {
        part.byId.set(to.id, to)
        const bucket = part.byChat.get(to.chatId)
        if (bucket !== undefined) {
          const at = firstAfter(bucket, to.id) - 1
          if (at >= 0 && bucket[at].id === to.id) bucket[at] = to
        }
      }
      for (const message of changes.messages.add ?? []) {
        part.byId.set(message.id, message)
        const bucket = part.byChat.get(message.chatId)
        if (bucket === undefined) part.byChat.set(message.chatId, [message])
        else bucket.splice(firstAfter(bucket, message.id), 0, message)
        if (message.id > part.maxId) part.maxId = message.id
      }
      messagesParts.set(next.messages, part)
    }
  }
  if (changes.recent !== undefined) {
    const part = recentParts.get(state.recent)
    if (part !== undefined) {
      recentParts.delete(state.recent)
      for (const row of changes.recent.remove ?? []) removeFrom(part.byUser.get(row.userId), row)
      for (const [from, to] of changes.recent.replace ?? []) {
        const bucket = part.byUser.get(from.userId)
        if (bucket !== undefined) replaceIn(bucket, from, to)
        if (to.messageId > part.maxMessageId) part.maxMessageId = to.messageId
      }
      for (const row of changes.recent.add ?? []) addRecent(part, row)
      recentParts.set(next.recent, part)
    }
  }
  return next
}
