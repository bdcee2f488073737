/**
 * A mutation in progress: row updates accumulate against the state's index and commit as one new state.
 *
 * @internal
 */
import type { PortalChat, PortalMessage, PortalState, RecentRow, Relation } from "../PortalState.js"
import * as Indexes from "./indexes.js"

class Table<A> {
  readonly replaced = new Map<A, A>()
  readonly added: Array<A> = []
  readonly removed: Array<A> = []
  current(row: A): A {
    return this.replaced.get(row) ?? row
  }
  /** Replaces a row; a row already removed stays removed. */
  update(row: A, f: (current: A) => A): void {
    if (this.removed.includes(row)) return
    this.replaced.set(row, f(this.current(row)))
  }
  /** Removes a row (and forgets any update to it). */
  remove(row: A): void {
    this.replaced.delete(row)
    if (!this.removed.includes(row)) this.removed.push(row)
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
