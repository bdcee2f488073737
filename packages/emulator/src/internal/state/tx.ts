/**
 * A mutation in progress: row updates accumulate against the state's index and commit as one new state.
 *
 * @internal
 */
import type { PortalChat, PortalMessage, PortalState, RecentRow, Relation } from "../../PortalState.js"
import * as Indexes from "./indexes.js"

class Table<A> {
  readonly replaced = new Map<A, A>()
  readonly added: Array<A> = []
  readonly removed: Array<A> = []
  /** The state's row a replacement stands for. */
  private readonly origins = new Map<A, A>()
  private origin(row: A): A {
    return this.origins.get(row) ?? row
  }
  current(row: A): A {
    return this.replaced.get(this.origin(row)) ?? row
  }
  /**
   * Replaces a row, given as the state's row or its latest version; a row added in this mutation is replaced in
   * place; a row already removed stays removed.
   */
  update(row: A, f: (current: A) => A): void {
    const addedAt = this.added.indexOf(row)
    if (addedAt !== -1) {
      this.added[addedAt] = f(row)
      return
    }
    const origin = this.origin(row)
    if (this.removed.includes(origin)) return
    const next = f(this.current(origin))
    this.replaced.set(origin, next)
    this.origins.set(next, origin)
  }
  /** Removes a row (and forgets any update to it), given as the state's row, its latest version or an added row. */
  remove(row: A): void {
    const addedAt = this.added.indexOf(row)
    if (addedAt !== -1) {
      this.added.splice(addedAt, 1)
      return
    }
    const origin = this.origin(row)
    this.replaced.delete(origin)
    if (!this.removed.includes(origin)) this.removed.push(origin)
  }
  /** The latest version of the state's `rows` that are still there, then the rows added in this mutation. */
  live(rows: Iterable<A>, addedFilter: (row: A) => boolean): Array<A> {
    const result: Array<A> = []
    for (const row of rows) if (!this.removed.includes(row)) result.push(this.current(row))
    for (const row of this.added) if (addedFilter(row)) result.push(row)
    return result
  }
  get change(): Indexes.Change<A> | undefined {
    if (this.replaced.size === 0 && this.added.length === 0 && this.removed.length === 0) return undefined
    return { replace: Array.from(this.replaced), add: this.added, remove: this.removed }
  }
}

/**
 * @internal
 */
export class Tx {
  readonly chats = new Table<PortalChat>()
  readonly relations = new Table<Relation>()
  readonly messages = new Table<PortalMessage>()
  readonly recent = new Table<RecentRow>()
  constructor(readonly index: Indexes.Index) {}
  /** A user's `b_im_recent` rows as this mutation leaves them (latest versions, then the rows it added). */
  rowsOf(userId: number): Array<RecentRow> {
    return this.recent.live(this.index.recentOf(userId), (row) => row.userId === userId)
  }
  /** A chat's relations as this mutation leaves them. */
  membersOf(chatId: number): Array<Relation> {
    return this.relations.live(this.index.members(chatId).values(), (relation) => relation.chatId === chatId)
  }
  /** A user's relation to a chat as this mutation leaves it. */
  membership(chatId: number, userId: number): Relation | undefined {
    return this.membersOf(chatId).find((relation) => relation.userId === userId)
  }
  /** A chat as this mutation leaves it (one it added included). */
  chat(chatId: number): PortalChat | undefined {
    const existing = this.index.chat(chatId)
    if (existing !== undefined) return this.chats.current(existing)
    return this.chats.added.find((chat) => chat.id === chatId)
  }
  /** The id the next added chat gets. */
  get nextChatId(): number {
    return this.index.maxChatId + 1 + this.chats.added.length
  }
  /** The id the next added relation gets. */
  get nextRelationId(): number {
    return this.index.maxRelationId + 1 + this.relations.added.length
  }
  /** The id the next added message gets. */
  get nextMessageId(): number {
    return this.index.maxMessageId + 1 + this.messages.added.length
  }
  get changed(): boolean {
    return (
      this.chats.change !== undefined ||
      this.relations.change !== undefined ||
      this.messages.change !== undefined ||
      this.recent.change !== undefined
    )
  }
  commit(): PortalState {
    if (!this.changed) return this.index.state
    const changes: { -readonly [K in keyof Indexes.Changes]: Indexes.Changes[K] } = {}
    const chats = this.chats.change
    if (chats !== undefined) changes.chats = chats
    const relations = this.relations.change
    if (relations !== undefined) changes.relations = relations
    const messages = this.messages.change
    if (messages !== undefined) changes.messages = messages
    const recent = this.recent.change
    if (recent !== undefined) changes.recent = recent
    return Indexes.commit(this.index.state, changes)
  }
}
