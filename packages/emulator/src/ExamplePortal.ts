/**
 * The portal behind the documented examples: a state that answers the documented requests of `im.recent.get` and
 * `im.recent.list` (RU and EN pages) with exactly the documented `result`.
 *
 * The caller is user 503. They own two task chats (`X`, `tasksTask`, the entity `TASKS_TASK`) whose last messages are
 * system messages with an attachment ("[USER=547][/USER] created a task" plus ` [Attachment]`); chat 1449 carries the
 * explicit colour BROWN (the id rule would give LIME), chat 1451 none (RED by the rule). User 547 (the tester) talks
 * to them in a private dialog and in group chat 1317 ("I want a green chat", MINT, muted by 503), one unread message
 * each. An open line the caller has read and older history complete the portal; the documented requests filter them
 * out (`SKIP_OPENLINES`, the sync date, `UNREAD_ONLY`).
 *
 * The same portal answers the documented `im.counters.get` (the dialog and chat 1317 unread, a second muted chat the
 * caller hid, four unread notifications). `im.dialog.get`'s example names other users (103, 547 as a different
 * person), so {@link dialogGet} has a portal of its own: a CRM deal chat (`crm`, `CRM`, `DEAL|1663`, PINK).
 *
 * The RU and EN pages show the same data with localized strings. Their dates differ: the `im.recent.get` examples are
 * both in `+03:00` (Moscow), the EN `im.recent.list` example in `+01:00` all year (a zone without DST, e.g.
 * `Africa/Lagos`: its August `date_create` is `+01:00` too).
 *
 * @since 0.1.0
 */
import { AtomDateTime } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as DealPortal from "./internal/fixtures/dealPortal.js"
import * as Tables from "./internal/fixtures/examplePortal.js"
import { texts } from "./internal/fixtures/exampleTexts.js"
import type { PortalState } from "./PortalState.js"

/**
 * One documented exchange: the portal, who calls, when (the response's `time.date_start`) and with which parameters.
 *
 * @since 0.1.0
 * @category models
 */
export interface Example {
  readonly state: PortalState
  readonly userId: number
  readonly now: DateTime.Zoned
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * A documentation language.
 *
 * @since 0.1.0
 * @category models
 */
export type Language = "ru" | "en"

const parseAtom = (value: string): DateTime.Zoned =>
  Option.getOrThrowWith(AtomDateTime.parse(value), () => new Error(`not an ATOM date: ${value}`))

/**
 * The portal, with dates read as wall-clock times in `timeZone`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (language: Language, timeZone: string): PortalState => {
  const t = texts[language]
  const at = Tables.wallClock(timeZone)
  const relations = Tables.relations()
  return {
    version: 1,
    portal: Tables.portal(t, language, timeZone),
    users: Tables.users(t, at),
    chats: Tables.chats(t, at),
    relations,
    messages: Tables.messages(t, at),
    recent: Tables.recent(at, relations),
    openLinesSessions: [{ id: 7, chatId: 1299, status: 25, dateCreate: at("2026-02-24T10:15:00") }],
    webhooks: [{ userId: 503, code: "example503webhook", scopes: ["im"], expiresAt: null }],
    oauthApps: [],
    oauthTokens: []
  }
}

/**
 * The documented `im.recent.get` exchange: `{"SKIP_OPENLINES":"Y","LAST_UPDATE":"2026-02-25T18:30:00+01:00"}` from
 * user 503 at `2026-02-26T09:07:18+03:00`, on a Moscow-time portal (both pages).
 *
 * @since 0.1.0
 * @category examples
 */
export const recentGet = (language: Language): Example => ({
  state: make(language, "Europe/Moscow"),
  userId: 503,
  now: parseAtom("2026-02-26T09:07:18+03:00"),
  params: { SKIP_OPENLINES: "Y", LAST_UPDATE: "2026-02-25T18:30:00+01:00" }
})

/**
 * The documented `im.recent.list` exchange (the documented request body, `UNREAD_ONLY=Y` with the
 * `LAST_MESSAGE_DATE` cursor) from user 503: RU on a Moscow-time portal at `2026-02-26T10:10:43+03:00`, EN on a
 * `+01:00` portal at `2026-02-26T10:10:43+01:00`.
 *
 * @since 0.1.0
 * @category examples
 */
export const recentList = (language: Language): Example => {
  const offset = language === "ru" ? "+03:00" : "+01:00"
  return {
    state: make(language, language === "ru" ? "Europe/Moscow" : "Africa/Lagos"),
    userId: 503,
    now: parseAtom(`2026-02-26T10:10:43${offset}`),
    params: {
      LAST_MESSAGE_DATE: `2026-02-25T18:30:00${offset}`,
      SKIP_OPENLINES: "N",
      SKIP_DIALOG: "N",
      SKIP_CHAT: "N",
      UNREAD_ONLY: "Y",
      PARSE_TEXT: "Y",
      GET_ORIGINAL_TEXT: "N",
      SKIP_UNDISTRIBUTED_OPENLINES: "Y",
      ONLY_COPILOT: "N",
      ONLY_CHANNEL: "N",
      CAN_MANAGE_MESSAGES: "Y",
      OFFSET: 0,
      LIMIT: 20
    }
  }
}

/**
 * The documented `im.counters.get` exchange (no parameters) from user 503 at `2026-02-25T12:07:45` (`+03:00` RU,
 * `+01:00` EN), on the {@link recentGet} portal.
 *
 * @since 0.1.0
 * @category examples
 */
export const countersGet = (language: Language): Example => {
  const offset = language === "ru" ? "+03:00" : "+01:00"
  return {
    state: make(language, language === "ru" ? "Europe/Moscow" : "Africa/Lagos"),
    userId: 503,
    now: parseAtom(`2026-02-25T12:07:45${offset}`),
    params: {}
  }
}

/**
 * The documented `im.dialog.get` exchange: `{"DIALOG_ID":"chat1439"}` from user 503, the owner of CRM deal chat 1439
 * whose other two members have read nothing, at `2026-02-25T17:34:51` (`+03:00` RU, `+01:00` EN).
 *
 * @since 0.1.0
 * @category examples
 */
export const dialogGet = (language: Language): Example => {
  const offset = language === "ru" ? "+03:00" : "+01:00"
  const timeZone = language === "ru" ? "Europe/Moscow" : "Africa/Lagos"
  return {
    state: DealPortal.make(make(language, timeZone), language, Tables.wallClock(timeZone)),
    userId: 503,
    now: parseAtom(`2026-02-25T17:34:51${offset}`),
    params: { DIALOG_ID: "chat1439" }
  }
}
