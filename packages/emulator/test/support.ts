/**
 * Small hand-made portals for rule tests, and the documented fixtures.
 */
import { readFileSync } from "node:fs"
import { AtomDateTime } from "@im-recent/domain"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as SynchronizedRef from "effect/SynchronizedRef"
import { methods } from "../src/Methods.js"
import * as Portal from "../src/Portal.js"
import {
  makeChat,
  makeUser,
  type OpenLinesSession,
  type PortalChat,
  type PortalMessage,
  type PortalState,
  type PortalUser,
  type RecentRow,
  type Relation
} from "../src/PortalState.js"

/**
 * Wire JSON the tests index into freely (results are checked against exact documented values, not types).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Wire = any

const fixturesDir = new URL("../../../contracts/fixtures/", import.meta.url)

/** A documented example (contracts/fixtures, see PROVENANCE.md there). */
export const fixture = (name: string): Wire => JSON.parse(readFileSync(new URL(name, fixturesDir), "utf8"))

/** An ATOM string as the zoned value PortalState holds. */
export const atom = (value: string): DateTime.Zoned =>
  Option.getOrThrowWith(AtomDateTime.parse(value), () => new Error(`bad date ${value}`))

export const utc = (value: string): DateTime.Utc => DateTime.unsafeMake(value)

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/**
 * A portal under construction. Dates are ATOM strings; defaults keep every entity valid and unremarkable.
 */
export class Builder {
  readonly state: Mutable<PortalState>
  private relationSeq = 0
  constructor(portal: Partial<PortalState["portal"]> = {}) {
    this.state = {
      version: 1,
      portal: {
        domain: "test.bitrix24.test",
        publicUrl: "https://test.bitrix24.test",
        timeZone: "UTC",
        language: "en",
        colorsEnabled: true,
        copilotHistoryAvailable: true,
        generalChatId: null,
        viewCommonUsers: true,
        collabAvailable: true,
        copilot: null,
        ...portal
      },
      users: [],
      chats: [],
      relations: [],
      messages: [],
      recent: [],
      openLinesSessions: [],
      webhooks: [],
      oauthApps: [],
      oauthTokens: []
    }
  }
  user(id: number, fields: Partial<PortalUser> = {}): this {
    this.state.users = [
      ...this.state.users,
      makeUser({
        id,
        firstName: `First${id}`,
        lastName: `Last${id}`,
        email: `user${id}@example.com`,
        lastActivityDate: atom("2026-02-01T10:00:00+00:00"),
        ...fields
      })
    ]
    return this
  }
  chat(id: number, type: PortalChat["type"], fields: Partial<PortalChat> = {}): this {
    this.state.chats = [
      ...this.state.chats,
      makeChat({
        id,
        type,
        extendedType: type === "P" ? "private" : type === "L" ? "lines" : "chat",
        title: type === "P" ? "" : `Chat ${id}`,
        ownerId: 0,
        entityType: type === "L" ? "LINES" : "",
        dateCreate: atom("2026-01-01T00:00:00+00:00"),
        ...fields
      })
    ]
    return this
  }
  member(chatId: number, userId: number, fields: Partial<Relation> = {}): this {
    this.state.relations = [
      ...this.state.relations,
      { id: ++this.relationSeq, chatId, userId, manager: false, muted: false, lastReadMessageId: 0, ...fields }
    ]
    return this
  }
  message(
    id: number,
    chatId: number,
    authorId: number,
    text: string,
    date: string,
    fields: Partial<PortalMessage> = {}
  ): this {
    this.state.messages = [
      ...this.state.messages,
      {
        id,
        chatId,
        authorId,
        text,
        date: atom(date),
        file: null,
        attach: null,
        sticker: null,
        notifyRead: false,
        uuid: null,
        params: {},
        ...fields
      }
    ]
    return this
  }
  /** A row of `userId`; its relation is the user's membership of `chatId` (0 when none). */
  row(
    userId: number,
    itemType: RecentRow["itemType"],
    itemId: number,
    chatId: number,
    messageId: number,
    date: string,
    fields: Partial<RecentRow> = {}
  ): this {
    const relation = this.state.relations.find((r) => r.chatId === chatId && r.userId === userId)
    this.state.recent = [
      ...this.state.recent,
      {
        userId,
        itemType,
        itemId,
        chatId,
        messageId,
        relationId: relation?.id ?? 0,
        sessionId: 0,
        pinned: false,
        unread: false,
        dateUpdate: atom(date),
        dateLastActivity: atom(date),
        dateMessage: atom(date),
        ...fields
      }
    ]
    return this
  }
  session(session: OpenLinesSession): this {
    this.state.openLinesSessions = [...this.state.openLinesSessions, session]
    return this
  }
  /**
   * A group chat `chatId` of `type` with members, one message from `authorId` at `date` and a row for each member
   * who has read it (user 1 reads up to `read1`, default everything).
   */
  groupChat(
    chatId: number,
    type: PortalChat["type"],
    members: ReadonlyArray<number>,
    messageId: number,
    date: string,
    options: { authorId?: number; text?: string; chat?: Partial<PortalChat>; row?: Partial<RecentRow> } = {}
  ): this {
    this.chat(chatId, type, options.chat)
    for (const m of members) this.member(chatId, m, { lastReadMessageId: messageId })
    this.message(messageId, chatId, options.authorId ?? members[members.length - 1], options.text ?? "hello", date)
    for (const m of members) this.row(m, type, chatId, chatId, messageId, date, options.row)
    return this
  }
  /** A private dialog between 1 and `other` with one message from `other`, unread by 1 unless `read`. */
  dialog(
    chatId: number,
    other: number,
    messageId: number,
    date: string,
    options: { read?: boolean; text?: string; row?: Partial<RecentRow>; message?: Partial<PortalMessage> } = {}
  ): this {
    this.chat(chatId, "P")
    this.member(chatId, 1, { lastReadMessageId: options.read === false ? 0 : messageId })
    this.member(chatId, other, { lastReadMessageId: messageId })
    this.message(messageId, chatId, other, options.text ?? "hi", date, options.message)
    this.row(1, "P", other, chatId, messageId, date, options.row)
    return this
  }
  build(): PortalState {
    return this.state
  }
}

/** The ids of a `result` array. */
export const ids = (items: ReadonlyArray<Wire>): Array<number | string> => items.map((item) => item.id)

/** Calls methods on one live portal, each at its own server time. */
export const session = (initial: PortalState) =>
  Effect.gen(function* () {
    const service = yield* Portal.make(initial, methods)
    const call = (userId: number, at: string, name: string, params: Record<string, unknown> = {}) =>
      Effect.either(methods.get(name)!.handler({ userId, now: utc(at), state: service.state }, params))
    const ok = (userId: number, at: string, name: string, params: Record<string, unknown> = {}) =>
      Effect.flatMap(call(userId, at, name, params), (result) =>
        Either.isRight(result) ? Effect.succeed(result.right as Wire) : Effect.die(result.left)
      )
    const fail = (userId: number, at: string, name: string, params: Record<string, unknown> = {}) =>
      Effect.flatMap(call(userId, at, name, params), (result) =>
        Either.isLeft(result)
          ? Effect.succeed({ code: result.left.code, description: result.left.description, status: result.left.status })
          : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.right)}`))
      )
    const recent = (userId: number, at: string, params: Record<string, unknown> = {}) =>
      ok(userId, at, "im.recent.get", params) as Effect.Effect<Array<Wire>>
    return { service, call, ok, fail, recent, state: SynchronizedRef.get(service.state) }
  })
