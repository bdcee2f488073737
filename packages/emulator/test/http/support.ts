/**
 * A small hand-made portal with webhooks and OAuth tokens, test methods that expose what the HTTP layer hands to
 * a handler, and helpers that run web `Request`s through an emulator in the current fiber.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { type Emulator, Methods, Portal, PortalState } from "@im-recent/emulator"
import { Effect, Schema } from "effect"

/** 2026-02-26T09:07:18+03:00, the `start` of the documented im.recent.get example. */
export const START = 1_772_086_038
export const startAt = START * 1000
export const DAY = 86_400

const user = (id: number, firstName: string, active = true) => ({
  id,
  active,
  firstName,
  lastName: "Test",
  workPosition: "",
  gender: "M",
  birthday: "",
  color: "#df532d",
  avatar: "",
  email: `${firstName.toLowerCase()}@example.com`,
  website: "",
  phones: null,
  departments: [1],
  extranet: false,
  network: false,
  bot: false,
  connector: false,
  externalAuthId: "default",
  type: "employee",
  status: "online",
  lastActivityDate: "2026-02-26T09:00:00+03:00",
  absent: null,
  botData: null,
  invited: null
})

/** The webhook codes and tokens of {@link state}. */
export const secrets = {
  hook1: "h00k1s3cr3tc0de1",
  hook2: "h00k2s3cr3tc0de2",
  userScopeOnly: "userscope0nlyhk",
  expiredHook: "expiredh00kc0de",
  firedHook: "firedh00kc0de33",
  access1: "acc3ss1tok3n000000000000000000aa",
  refresh1: "r3fr3sh1tok3n00000000000000000aa",
  access2: "acc3ss2tok3n000000000000000000bb",
  refresh2: "r3fr3sh2tok3n00000000000000000bb",
  expiredAccess: "expiredacc3sstok3n0000000000000c",
  expiredRefresh: "expiredr3fr3shtok3n000000000000c",
  clientId: "local.6789abcdef0123.45678901",
  clientSecret: "cl13nts3cr3tcl13nts3cr3tcl13nts3"
} as const

const message = (id: number, authorId: number, text: string, date: string) => ({
  id,
  chatId: 1,
  authorId,
  text,
  date,
  file: null,
  attach: null,
  sticker: null,
  notifyRead: false,
  uuid: null
})

const recentRow = (userId: number, itemId: number, relationId: number) => ({
  userId,
  itemType: "P" as const,
  itemId,
  chatId: 1,
  messageId: 1,
  relationId,
  sessionId: 0,
  pinned: false,
  unread: false,
  dateUpdate: "2026-02-26T08:00:00+03:00",
  dateLastActivity: "2026-02-26T08:00:00+03:00",
  dateMessage: "2026-02-26T08:00:00+03:00"
})

/** A small portal: users 1 and 2 (active) and 3 (fired), one dialog between 1 and 2, webhooks and tokens. */
export const encodedState: PortalState.PortalStateEncoded = {
  version: 1,
  portal: { domain: "portal.test", publicUrl: "https://portal.test", timeZone: "Europe/Moscow", language: "en" },
  users: [user(1, "Alice"), user(2, "Bob"), user(3, "Carol", false)] as never,
  chats: [
    {
      id: 1,
      type: "P",
      extendedType: "private",
      title: "",
      description: "",
      ownerId: 0,
      colorCode: null,
      avatar: "",
      entityType: "",
      entityId: "",
      entityData1: "",
      entityData2: "",
      entityData3: "",
      parentChatId: 0,
      parentMessageId: 0,
      dateCreate: "2026-02-20T10:00:00+03:00",
      extranet: false,
      containsCollaber: false,
      textFieldEnabled: true,
      backgroundId: null,
      entityLink: { type: "", url: "", id: "" },
      permissions: {
        manageUsersAdd: "member",
        manageUsersDelete: "manager",
        manageUi: "member",
        manageSettings: "owner",
        canPost: "member"
      },
      public: null
    }
  ],
  relations: [
    { id: 1, chatId: 1, userId: 1, manager: false, muted: false, lastReadMessageId: 0 },
    { id: 2, chatId: 1, userId: 2, manager: false, muted: false, lastReadMessageId: 1 }
  ],
  messages: [message(1, 2, "Hello", "2026-02-26T08:00:00+03:00")],
  recent: [recentRow(1, 2, 1), recentRow(2, 1, 2)],
  openLinesSessions: [],
  webhooks: [
    { userId: 1, code: secrets.hook1, scopes: ["im", "user", "department"] },
    { userId: 2, code: secrets.hook2, scopes: ["im"] },
    { userId: 1, code: secrets.userScopeOnly, scopes: ["user"] },
    { userId: 1, code: secrets.expiredHook, scopes: ["im"], expiresAt: "2026-01-01T00:00:00+03:00" },
    { userId: 3, code: secrets.firedHook, scopes: ["im"] }
  ],
  oauthApps: [{ clientId: secrets.clientId, clientSecret: secrets.clientSecret, scopes: ["im", "user"] }],
  oauthTokens: [
    {
      clientId: secrets.clientId,
      userId: 1,
      accessToken: secrets.access1,
      refreshToken: secrets.refresh1,
      scopes: ["im", "user"],
      accessExpiresAt: START + 3600,
      refreshExpiresAt: START + 180 * DAY
    },
    {
      clientId: secrets.clientId,
      userId: 2,
      accessToken: secrets.access2,
      refreshToken: secrets.refresh2,
      scopes: ["im"],
      accessExpiresAt: START + 3600,
      refreshExpiresAt: START + 180 * DAY
    },
    {
      clientId: secrets.clientId,
      userId: 1,
      accessToken: secrets.expiredAccess,
      refreshToken: secrets.expiredRefresh,
      scopes: ["im"],
      accessExpiresAt: START - 60,
      refreshExpiresAt: START - 1
    }
  ]
}

export const state: PortalState.PortalState = Schema.decodeUnknownSync(PortalState.PortalState)(encodedState)

const ok = (value: unknown) => Effect.succeed(value)

/** Small methods that expose what the HTTP layer passes to a handler. */
export const testMethods: ReadonlyMap<string, Portal.Method> = new Map<string, Portal.Method>([
  [
    "test.echo",
    { scope: "im", handler: (context, params) => ok({ userId: context.userId, now: context.now.epochMillis, params }) }
  ],
  ["test.list", { scope: "im", handler: () => ok({ items: ["a", "b"], next: 2, total: 5 }) }],
  [
    "test.fail",
    {
      scope: "im",
      handler: () =>
        Effect.fail(
          new Portal.MethodError({ code: "DIALOG_ID_EMPTY", description: "Dialog ID can't be empty", status: 400 })
        )
    }
  ],
  ["test.defect", { scope: "im", handler: () => Effect.die(new Error("engine bug")) }],
  ["test.slow", { scope: "im", handler: () => Effect.as(Effect.sleep("3 seconds"), "done") }],
  [
    "user.get",
    {
      scope: "user",
      handler: (_, params) =>
        ok({ ID: String(params.ID ?? params.id ?? ""), NAME: "John", LAST_NAME: "Doe", UF_DEPARTMENT: [1] })
    }
  ],
  [
    "department.get",
    {
      scope: "department",
      handler: (_, params) => ok({ 0: { ID: String(params.ID ?? ""), NAME: "DEMO", SORT: 500 }, total: 1 })
    }
  ]
])

/** The engine's methods plus the test methods. */
export const allMethods: ReadonlyMap<string, Portal.Method> = new Map([...Methods.methods, ...testMethods])

/** Options for a test emulator: the small portal, all methods, its clock at START. */
export const options = (overrides: Partial<Emulator.Options> = {}): Emulator.Options => ({
  state,
  methods: allMethods,
  startAt,
  ...overrides
})

/** A parsed JSON body: tests index into it freely and assert on what they find. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON is asserted on, never trusted
export type Json = any

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly body: Json
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Reads a web `Response` into an {@link Answer}. */
export const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, body: parse(text) }
}

/** Runs one web `Request` through an emulator's app, in the current fiber (so `TestClock` drives it). */
export const call = (service: Emulator.Service, request: Request) =>
  Effect.gen(function* () {
    const response = yield* service.app.pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(request)),
      Effect.scoped
    )
    return yield* Effect.promise(() => answerOf(HttpServerResponse.toWeb(response)))
  })

export const base = "https://portal.test"
export const hook1 = `${base}/rest/1/${secrets.hook1}`

export const get = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers })

export const postJson = (url: string, body: unknown, headers?: Record<string, string>) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

export const postForm = (url: string, body: string, headers?: Record<string, string>) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body
  })

/** PHP's `http_build_query` (spaces as `+`, brackets encoded), as CRest and the PHP SDK build queries. */
export const httpBuildQuery = (params: Record<string, unknown>, prefix?: string): string =>
  Object.entries(params)
    .map(([key, value]) => {
      const name = prefix === undefined ? key : `${prefix}[${key}]`
      if (value !== null && typeof value === "object") return httpBuildQuery(value as Record<string, unknown>, name)
      const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value)
      return `${encodeURIComponent(name).replace(/%20/g, "+")}=${encodeURIComponent(text).replace(/%20/g, "+")}`
    })
    .filter((part) => part !== "")
    .join("&")

/** The `time` object of an answer. */
export const timeOf = (answer: Answer): Record<string, unknown> => answer.body?.time
