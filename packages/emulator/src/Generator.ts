/**
 * A realistic portal from a seed: employees with names, positions, departments and avatars in Russian or English,
 * every chat type with plausible traffic over the 60 days before `now`, and the edge cases the recent list has rules
 * for. The same options give a byte-identical state (a seeded PRNG; no clock, no `Math.random`).
 *
 * What a portal holds (user 1 is the administrator and the richest caller):
 *
 * - `users` employees (ids 1…`users`): some fired, one extranet user, one invited user who never logged in, the
 *   newest one with a "joined the team" (`USER_JOIN`) dialog; avatars relative (`/upload/…`), absolute or none;
 *   after them a chat bot, the Copilot bot, a Bitrix24.Network user and one open-lines guest (connector) per open line;
 * - `chats` group chats: the general chat, group (`C`), open (`O`), channels (`N`), open channels (`J`), collabs
 *   (`B`), copilot chats (`A`, with the Copilot bot), open lines (`L`, with sessions), task chats (`X`,
 *   `tasksTask`, `TASKS_TASK`, with an entity link and a system "created a task" message with an attachment), and
 *   group chats bound to an entity: a legacy task chat (`tasks`), a workgroup's (`sonetGroup`, reachable as `sgN`), a
 *   CRM deal's (`crm`, with its entity link) and a video conference (`videoconf`, with its public link); some with
 *   an explicit colour, some with an avatar, some muted or managed by user 1; one "busy" chat with over 100 messages
 *   user 1 has not read (the counter cap);
 * - one-to-one dialogs of user 1 with several colleagues, the bot, the Copilot bot (dropped by the list), a fired user
 *   with and one without unread messages, and a colleague who was deleted (`[]` profile); dialogs among others;
 * - messages with BB codes, mentions, links, quotes, `[ATTACH]`, files, stickers, system messages (author 0),
 *   `delivered`/`received` states; `messages` is per chat or a total spread over the chats;
 * - recent rows for every member, some pinned, some marked unread, a few hidden; plus rows the server drops: a chat
 *   whose last message was deleted, a chat user 1 left, a dialog with no message (the fallback message), and a shared
 *   "new employee" row (`userId` 0, read by `im.recent.list` only);
 * - an `im` webhook for every employee who ever logged in (fired ones included: the portal must refuse them), a
 *   webhook of user 1 without `im` (`insufficient_scope`), and an OAuth application with a token pair for user 1
 *   (the access token valid for an hour after `now`, the refresh token for 180 days).
 *
 * @since 0.1.0
 */
import { ChatAdd } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import { type Corpus, corpus } from "./internal/fixtures/corpus.js"
import { Prng } from "./internal/fixtures/random.js"
import * as Color from "./internal/methods/color.js"
import * as Zone from "./internal/state/zone.js"
import {
  defaultPermissions,
  makeChat,
  type OAuthApp,
  type OAuthTokenPair,
  type OpenLinesSession,
  type PortalChat,
  type PortalMessage,
  type PortalState,
  type PortalUser,
  type RecentRow,
  type Relation,
  type Webhook
} from "./PortalState.js"

/**
 * What to generate.
 *
 * - `users`: employees (at least 2);
 * - `chats`: group chats of all kinds (at least 1; the first thirteen cover every kind, each with user 1 and active in the last 29 days), besides one-to-one dialogs;
 * - `messages`: `{ perChat }` or `{ total }` (spread evenly over all chats and dialogs);
 * - `locale`: names and texts, and the portal's language;
 * - `now`: the server clock the portal's history ends at; `timeZone`: the portal's zone (IANA name or offset).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly seed: number
  readonly users: number
  readonly chats: number
  readonly messages: { readonly perChat: number } | { readonly total: number }
  readonly locale: "ru" | "en"
  readonly now: DateTime.DateTime
  readonly timeZone: string
}

/**
 * A small portal: 30 employees, 20 chats, 12 messages per chat.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults = (now: DateTime.DateTime): Options => ({
  seed: 1,
  users: 30,
  chats: 20,
  messages: { perChat: 12 },
  locale: "ru",
  now,
  timeZone: "Europe/Moscow"
})

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const HISTORY = 60 * DAY
const BUSY_MESSAGES = 130

/** Group chats bound to another module's entity: their type letter is `C`. */
type EntityKind = "tasks" | "sonetGroup" | "crm" | "videoconf"

type Kind = "general" | "C" | "O" | "N" | "J" | "B" | "A" | "L" | "X" | "P" | EntityKind

interface ChatPlan {
  readonly chat: PortalChat
  readonly kind: Kind
  readonly members: Array<number>
  /** Who may post (channels: owner and managers). */
  readonly posters: Array<number>
  readonly managers: Set<number>
  messageCount: number
  /** When the last message was sent. */
  lastAt: number
  guest?: number
  sessionId?: number
}

const SPECIAL_KINDS: ReadonlyArray<Kind> = [
  "general",
  "C",
  "O",
  "N",
  "J",
  "B",
  "A",
  "L",
  "X",
  "tasks",
  "sonetGroup",
  "crm",
  "videoconf"
]
const WEIGHTED_KINDS: ReadonlyArray<Kind> = [
  "C",
  "C",
  "C",
  "C",
  "C",
  "C",
  "C",
  "X",
  "X",
  "X",
  "X",
  "L",
  "L",
  "L",
  "O",
  "O",
  "N",
  "J",
  "B",
  "A"
]

const EXTENDED: Record<Kind, string> = {
  general: "general",
  C: "chat",
  O: "open",
  N: "channel",
  J: "openChannel",
  B: "collab",
  A: "copilot",
  L: "lines",
  X: "tasksTask",
  P: "private",
  tasks: "tasks",
  sonetGroup: "sonetGroup",
  crm: "crm",
  videoconf: "videoconf"
}

const ENTITY_TYPES: Record<EntityKind, string> = {
  tasks: "TASKS",
  sonetGroup: "SONET_GROUP",
  crm: "CRM",
  videoconf: "VIDEOCONF"
}

/** The type letter of a kind. */
const letterOf = (kind: Kind): PortalChat["type"] =>
  kind === "general" ? "O" : kind in ENTITY_TYPES ? "C" : (kind as PortalChat["type"])

/** The palette's bright colours (the chat colours without MARENGO, GRAY and GRAPHITE). */
const COLOR_CODES = ChatAdd.Color.literals.slice(0, 13)

/**
 * Generates a portal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (options: Options): PortalState => {
  const rng = new Prng(options.seed)
  const text: Corpus = corpus[options.locale]
  const zone = Zone.get(options.timeZone)
  const nowMs = Zone.truncateToSecond(options.now.epochMillis)
  const at = (ms: number): DateTime.Zoned => zone.zoned(Zone.truncateToSecond(Math.min(ms, nowMs)))
  const employeeCount = Math.max(2, Math.trunc(options.users))
  const chatCount = Math.max(1, Math.trunc(options.chats))
  const publicUrl = `https://${text.domain}`

  // ----------------------------------------------------------------------------------------------- users
  const users: Array<PortalUser> = []
  const taken = new Set<string>()
  const fired = new Set<number>()
  const employees: Array<number> = []
  const extranetId = employeeCount >= 6 ? employeeCount - 1 : 0
  const invitedId = employeeCount >= 8 ? employeeCount - 2 : 0
  const newcomerId = employeeCount >= 4 ? employeeCount : 0
  for (let id = 1; id <= employeeCount; id++) {
    const female = rng.chance(0.5)
    let firstName = ""
    let lastName = ""
    for (let attempt = 0; attempt < 8; attempt++) {
      firstName = rng.pick(female ? text.femaleFirst : text.maleFirst)
      const index = rng.int(0, text.maleLast.length - 1)
      lastName = female ? text.femaleLast[index] : text.maleLast[index]
      if (!taken.has(`${firstName} ${lastName}`)) break
    }
    taken.add(`${firstName} ${lastName}`)
    const isFired = id > 2 && id !== extranetId && id !== invitedId && id !== newcomerId && rng.chance(0.08)
    if (isFired) fired.add(id)
    const extranet = id === extranetId
    const invited = id === invitedId
    const avatarRoll = rng.next()
    const avatar =
      avatarRoll < 0.45
        ? ""
        : avatarRoll < 0.9
          ? `/upload/main/${rng.string(3, "0123456789abcdef")}/${rng.string(32, "0123456789abcdef")}/avatar_${id}.jpg`
          : `https://cdn.bitrix24.${text.tld}/b${rng.int(1_000_000, 9_999_999)}/main/${rng.string(32, "0123456789abcdef")}.png`
    const login = `${transliterate(firstName)}.${transliterate(lastName)}`.toLowerCase()
    const lastActivity = invited ? null : nowMs - (isFired ? rng.int(20, 59) * DAY : rng.int(0, 72 * 60) * MINUTE)
    users.push({
      id,
      active: !isFired,
      firstName,
      lastName,
      workPosition: id === 1 ? text.ceo : rng.pick(text.positions),
      gender: female ? "F" : "M",
      birthday: rng.chance(0.6) ? `${pad(rng.int(1, 28))}-${pad(rng.int(1, 12))}` : "",
      color: Color.hexOf(null, id, true),
      avatar: invited ? "" : avatar,
      email: invited && rng.chance(0.3) ? "" : `${login}@${text.domain.replace(/^company\./, "mail.")}`,
      website: rng.chance(0.1) ? `https://${login.replace(".", "-")}.example.${text.tld}` : "",
      phones: rng.chance(0.3)
        ? {
            personal_mobile: `+7 9${rng.string(2, "0123456789")} ${rng.string(3, "0123456789")}-${rng.string(2, "0123456789")}-${rng.string(2, "0123456789")}`
          }
        : null,
      departments: extranet ? [] : id === 1 ? [1] : [rng.int(2, 9)],
      extranet,
      network: false,
      bot: false,
      connector: false,
      copilot: false,
      externalAuthId: extranet ? "" : "socservices",
      type: extranet ? "extranet" : "user",
      status: isFired ? "offline" : rng.pick(["online", "online", "offline", "away", "dnd"]),
      lastActivityDate: lastActivity === null ? null : at(lastActivity),
      absent: !isFired && rng.chance(0.05) ? at(nowMs + rng.int(1, 10) * DAY) : null,
      botData: null,
      invited: invited ? { originatorId: 1, canResend: true } : null
    })
    employees.push(id)
  }
  // the invited user can be re-invited only with an e-mail
  if (invitedId > 0) {
    const invited = users[invitedId - 1]
    users[invitedId - 1] = { ...invited, invited: { originatorId: 1, canResend: invited.email !== "" } }
  }
  const special = (
    id: number,
    [firstName, lastName, workPosition]: readonly [string, string, string],
    fields: Partial<PortalUser>
  ): PortalUser => ({
    id,
    active: true,
    firstName,
    lastName,
    workPosition,
    gender: "",
    birthday: "",
    color: Color.hexOf(null, id, true),
    avatar: "",
    email: "",
    website: "",
    phones: null,
    departments: [],
    extranet: false,
    network: false,
    bot: false,
    connector: false,
    copilot: false,
    externalAuthId: "",
    type: "user",
    status: "online",
    lastActivityDate: at(nowMs - rng.int(1, 600) * MINUTE),
    absent: null,
    botData: null,
    invited: null,
    ...fields
  })
  const botId = employeeCount + 1
  const copilotId = employeeCount + 2
  const networkId = employeeCount + 3
  users.push(
    special(botId, text.botName, {
      bot: true,
      externalAuthId: "bot",
      type: "bot",
      avatar: "/bitrix/images/im/bots/marta.png",
      botData: { code: "marta", type: "B", appId: "", isHidden: false, isSupportOpenline: false }
    }),
    special(copilotId, text.copilotName, {
      bot: true,
      copilot: true,
      externalAuthId: "bot",
      type: "bot",
      botData: { code: "copilot", type: "S", appId: "", isHidden: false, isSupportOpenline: false }
    }),
    special(networkId, text.networkName, { network: true, externalAuthId: "replica", status: "offline" })
  )
  let nextUserId = networkId + 1
  const activeHumans = employees.filter((id) => !fired.has(id) && id !== invitedId)
  const userName = (id: number): string => {
    const user = users.find((u) => u.id === id)
    return user === undefined ? "" : `${user.firstName} ${user.lastName}`.trim()
  }

  // ----------------------------------------------------------------------------------------------- chats
  const plans: Array<ChatPlan> = []
  const sessions: Array<OpenLinesSession> = []
  const counters: Record<string, number> = {}
  const baseChat = (id: number, kind: Kind, title: string, ownerId: number, created: number): PortalChat =>
    makeChat({
      id,
      type: letterOf(kind),
      extendedType: EXTENDED[kind],
      title,
      ownerId,
      colorCode: kind !== "P" && rng.chance(0.4) ? rng.pick(COLOR_CODES) : null,
      avatar:
        kind !== "P" && rng.chance(0.2)
          ? `/upload/resize_cache/im/${rng.string(3, "0123456789abcdef")}/${rng.string(32, "0123456789abcdef")}/200_200_2/chat${id}.png`
          : "",
      dateCreate: at(created)
    })
  const pickMembers = (min: number, max: number, withAdmin: boolean): Array<number> => {
    const pool = employees.filter((id) => id !== 1 && id !== invitedId && id !== extranetId)
    const count = Math.max(0, Math.min(pool.length, rng.int(min, max)))
    const members = rng.sample(pool, count)
    if (withAdmin) members.unshift(1)
    return members
  }
  const lastActivityAt = (): number => {
    const roll = rng.next()
    const daysAgo = roll < 0.5 ? rng.next() * 7 : roll < 0.8 ? 7 + rng.next() * 23 : 30 + rng.next() * 29
    return nowMs - Math.max(MINUTE, Math.round(daysAgo * DAY))
  }
  /** Within the last 29 days: in `im.recent.get`'s default 30-day window (the first chat of every kind). */
  const lastMonthAt = (): number => nowMs - Math.max(MINUTE, Math.round(rng.next() * 29 * DAY))

  /**
   * A chat bound to another module's entity: a task's chat (`TASKS`, the legacy task chats), a workgroup's
   * (`SONET_GROUP`, reachable as `sgN`), a CRM deal's (`CRM`, `DEAL|n`) or a video conference (`VIDEOCONF`, with a
   * public link). The owner is the first member.
   */
  const entityChat = (kind: EntityKind, n: number) => {
    const members = pickMembers(kind === "sonetGroup" ? 3 : 1, kind === "sonetGroup" ? 10 : 4, true)
    const entityId = String(rng.int(10, 9999))
    const fields: { -readonly [K in keyof PortalChat]?: PortalChat[K] } = { entityType: ENTITY_TYPES[kind] }
    let title: string
    switch (kind) {
      case "tasks":
        title = rng.pick(text.taskTitles)
        fields.entityId = entityId
        break
      case "sonetGroup":
        title = numbered(text.workgroupTitles, n)
        fields.entityId = entityId
        break
      case "crm":
        title = numbered(text.dealTitles, n)
        fields.entityId = `DEAL|${entityId}`
        fields.entityLink = { type: "DEAL", url: `/crm/deal/details/${entityId}/`, id: `DEAL|${entityId}` }
        break
      case "videoconf": {
        title = text.videoconference(n)
        const code = rng.string(8, "abcdefghijklmnopqrstuvwxyz0123456789")
        fields.public = { code, link: `${publicUrl}/video/${code}` }
        break
      }
    }
    return { members, title, ownerId: members[0]!, fields }
  }

  let chatId = 0
  for (let i = 0; i < chatCount; i++) {
    const kind = i < SPECIAL_KINDS.length ? SPECIAL_KINDS[i] : rng.pick(WEIGHTED_KINDS)
    const id = ++chatId
    const lastAt =
      kind === "general"
        ? nowMs - rng.int(5, 600) * MINUTE
        : i < SPECIAL_KINDS.length
          ? lastMonthAt()
          : lastActivityAt()
    const created = Math.max(nowMs - HISTORY, lastAt - rng.int(1, 20) * DAY)
    // user 1 is in the first chat of every kind (the viewer sees them all), in most others
    const withAdmin = i < SPECIAL_KINDS.length || rng.chance(0.8)
    let members: Array<number>
    let title: string
    let ownerId: number
    const fields: { -readonly [K in keyof PortalChat]?: PortalChat[K] } = {}
    let posters: Array<number> | undefined
    const managers = new Set<number>()
    let guest: number | undefined
    let sessionId: number | undefined
    const counterKey = kind === "general" ? "O" : kind
    const n = (counters[counterKey] ?? 0) + 1
    counters[counterKey] = n
    switch (kind) {
      case "general":
        members = [...employees.filter((e) => e !== extranetId && e !== invitedId)]
        title = text.general
        ownerId = 1
        fields.entityType = "GENERAL"
        managers.add(1)
        break
      case "C":
      case "O":
        members = pickMembers(2, 10, withAdmin)
        title = numbered(kind === "C" ? text.groupTitles : text.openTitles, n)
        ownerId = rng.pick(members)
        break
      case "N":
      case "J":
        members = pickMembers(4, 20, withAdmin)
        title = numbered(kind === "N" ? text.channelTitles : text.openChannelTitles, n)
        ownerId = members[0]
        fields.permissions = {
          ...defaultPermissions,
          manageUi: "manager",
          manageUsersAdd: "manager",
          canPost: "manager"
        }
        posters = [ownerId]
        break
      case "B": {
        members = pickMembers(2, 6, withAdmin)
        if (extranetId > 0) members.push(extranetId)
        title = numbered(text.collabTitles, n)
        ownerId = members[0]
        fields.containsCollaber = extranetId > 0
        fields.extranet = extranetId > 0
        break
      }
      case "A":
        members = [1, copilotId]
        title = numbered(text.copilotTitles, n)
        ownerId = 1
        break
      case "L": {
        guest = nextUserId++
        const guestName = text.guest(rng.int(1, 99))
        users.push(
          special(guest, [guestName, "", ""], {
            connector: true,
            externalAuthId: "imconnector",
            status: "offline",
            color: Color.hexOf(null, guest, true)
          })
        )
        members = [withAdmin ? 1 : rng.pick(activeHumans), guest]
        title = text.line(guestName, rng.int(1, 3))
        ownerId = rng.chance(0.15) ? 0 : members[0]
        fields.entityType = "LINES"
        fields.entityId = `livechat|${rng.int(1, 3)}|${id}|${guest}`
        fields.entityData1 = `N|NONE|0|N|N|${id}|${Math.floor(created / 1000)}|0|0|0`
        sessionId = sessions.length + 1
        sessions.push({
          id: sessionId,
          chatId: id,
          status: rng.pick([0, 5, 10, 20, 25, 40, 50]),
          dateCreate: rng.chance(0.2) ? null : at(created)
        })
        break
      }
      case "X": {
        members = pickMembers(1, 5, withAdmin)
        title = rng.pick(text.taskTitles)
        ownerId = members[0]
        const taskId = String(rng.int(1000, 9999))
        fields.entityType = "TASKS_TASK"
        fields.entityId = taskId
        fields.entityLink = {
          type: "TASKS",
          url: `/company/personal/user/${ownerId}/tasks/task/view/${taskId}/?ta_sec=chat_tasks&ta_el=view_button`,
          id: taskId
        }
        break
      }
      case "tasks":
      case "sonetGroup":
      case "crm":
      case "videoconf": {
        const made = entityChat(kind, n)
        members = made.members
        title = made.title
        ownerId = made.ownerId
        Object.assign(fields, made.fields)
        break
      }
      default:
        members = [1]
        title = ""
        ownerId = 1
    }
    members = [...new Set(members)]
    if (ownerId > 0) managers.add(ownerId)
    for (const member of members) if (member !== ownerId && rng.chance(0.1)) managers.add(member)
    const chat = { ...baseChat(id, kind, title, ownerId, created), ...fields }
    const plan: ChatPlan = {
      chat,
      kind,
      members,
      posters: posters ?? members.filter((m) => m !== copilotId),
      managers,
      messageCount: 0,
      lastAt
    }
    if (guest !== undefined) plan.guest = guest
    if (sessionId !== undefined) plan.sessionId = sessionId
    plans.push(plan)
  }

  // one-to-one dialogs
  const dialogPlans: Array<ChatPlan> = []
  const addDialog = (a: number, b: number, lastAt: number): ChatPlan => {
    const id = ++chatId
    const plan: ChatPlan = {
      chat: baseChat(id, "P", "", a, Math.max(nowMs - HISTORY, lastAt - rng.int(1, 20) * DAY)),
      kind: "P",
      members: a === b ? [a] : [a, b],
      posters: a === b ? [a] : [a, b],
      managers: new Set(),
      messageCount: 0,
      lastAt
    }
    dialogPlans.push(plan)
    return plan
  }
  const colleagues = rng.sample(
    employees.filter((id) => id !== 1 && !fired.has(id) && id !== invitedId && id !== newcomerId),
    Math.min(12, employeeCount)
  )
  for (const other of colleagues) addDialog(1, other, lastActivityAt())
  const firedList = [...fired]
  const firedRead = firedList[0]
  const firedUnread = firedList[1]
  if (firedRead !== undefined) addDialog(1, firedRead, nowMs - rng.int(10, 25) * DAY)
  if (firedUnread !== undefined) addDialog(firedUnread, 1, nowMs - rng.int(1, 25) * DAY)
  addDialog(botId, 1, nowMs - rng.int(1, 72) * HOUR)
  addDialog(1, copilotId, nowMs - rng.int(1, 72) * HOUR)
  const silent = addDialog(1, networkId, nowMs - rng.int(1, 5) * DAY)
  const newcomerDialog = newcomerId > 0 ? addDialog(newcomerId, 1, nowMs - rng.int(2, 20) * HOUR) : undefined
  for (let i = 0; i < Math.floor(employeeCount / 2); i++) {
    const [a, b] = rng.sample(
      activeHumans.filter((id) => id !== 1),
      2
    )
    if (a === undefined || b === undefined) break
    if (dialogPlans.some((p) => p.members.includes(a) && p.members.includes(b))) continue
    addDialog(a, b, lastActivityAt())
  }

  // ----------------------------------------------------------------------------------------------- messages
  const all = [...plans, ...dialogPlans]
  const spread = "perChat" in options.messages ? undefined : Math.max(0, Math.trunc(options.messages.total))
  all.forEach((plan, i) => {
    const base =
      spread === undefined
        ? Math.max(0, Math.trunc((options.messages as { perChat: number }).perChat))
        : Math.floor(spread / all.length) + (i < spread % all.length ? 1 : 0)
    plan.messageCount = Math.max(plan.kind === "X" ? 1 : 0, base)
  })
  silent.messageCount = 0
  if (newcomerDialog !== undefined) newcomerDialog.messageCount = 1
  const busy = plans.find((p) => p.kind === "C" && p.members.includes(1))
  if (busy !== undefined) busy.messageCount = Math.max(busy.messageCount, BUSY_MESSAGES)

  interface Draft {
    readonly plan: ChatPlan
    readonly at: number
    readonly authorId: number
    readonly fields: Omit<PortalMessage, "id" | "chatId" | "authorId" | "date" | "notifyRead">
  }
  const drafts: Array<Draft> = []
  const fill = (template: string, plan: ChatPlan, authorId: number): string => {
    const others = plan.members.filter((m) => m !== authorId)
    const mention = others.length > 0 ? rng.pick(others) : authorId
    const other = rng.pick(others.length > 0 ? others : [authorId])
    return template
      .replaceAll("{u}", String(mention))
      .replaceAll("{v}", String(other))
      .replaceAll("{name}", userName(mention))
      .replaceAll("{chat}", String(rng.pick(plans).chat.id))
      .replaceAll("{n}", String(rng.int(1, 900)))
  }
  for (const plan of all) {
    const count = plan.messageCount
    if (count === 0) continue
    const first = Math.max(plan.chat.dateCreate.epochMillis, plan.lastAt - rng.int(1, 12) * DAY)
    const times: Array<number> = []
    for (let k = 0; k < count; k++)
      times.push(k === count - 1 ? plan.lastAt : first + rng.next() * (plan.lastAt - first))
    times.sort((a, b) => a - b)
    times.forEach((time, k) => {
      let authorId = rng.pick(plan.posters)
      let body = ""
      let file: PortalMessage["file"] = null
      let attach: PortalMessage["attach"] = null
      let sticker: PortalMessage["sticker"] = null
      const params: { code?: string } = {}
      if (plan === newcomerDialog) {
        authorId = newcomerId
        body = text.joined
        params.code = "USER_JOIN"
      } else if (plan.kind === "X" && k === 0) {
        authorId = 0
        body = text.taskCreated.replace("{u}", String(plan.chat.ownerId))
        attach = true
      } else if (plan.kind === "L") {
        const fromGuest = k % 2 === 0
        authorId = fromGuest ? plan.guest! : plan.members[0]
        body = rng.pick(fromGuest ? text.lineGuest : text.lineOperator)
        if (fromGuest && k === 0 && rng.chance(0.5)) attach = rng.pick(text.attachDescriptions)
      } else if (plan.kind === "A") {
        const fromUser = k % 2 === 0
        authorId = fromUser ? 1 : copilotId
        body = rng.pick(fromUser ? text.copilotQuestions : text.copilotAnswers)
      } else if (plan.kind === "N" || plan.kind === "J") {
        body = fill(rng.pick(text.channelPosts), plan, authorId)
      } else {
        const roll = rng.next()
        if (plan.kind !== "P" && roll < 0.08) {
          authorId = 0
          body = fill(rng.pick(text.system), plan, rng.pick(plan.members))
        } else if (roll < 0.16) {
          const [type, name] = rng.pick(text.files)
          file = { id: rng.int(10_000, 99_999), type, name }
          body = rng.chance(0.5) ? "" : fill(rng.pick(text.messages), plan, authorId)
        } else if (roll < 0.2) {
          sticker = { id: rng.int(1, 60), packId: rng.int(1, 4), packType: "vendor" }
        } else {
          body = fill(rng.pick(text.messages), plan, authorId)
          if (body.includes("[ATTACH=")) attach = String(rng.int(1, 900))
        }
      }
      drafts.push({
        plan,
        at: Math.min(Zone.truncateToSecond(time), nowMs),
        authorId,
        fields: { text: body, file, attach, sticker, uuid: rng.chance(0.7) ? uuid(rng) : null, params }
      })
    })
  }
  drafts.sort((a, b) => a.at - b.at || a.plan.chat.id - b.plan.chat.id)
  const byChat = new Map<number, Array<PortalMessage>>()
  const messages: Array<PortalMessage> = drafts.map((draft, i) => {
    const message: PortalMessage = {
      id: i + 1,
      chatId: draft.plan.chat.id,
      authorId: draft.authorId,
      date: at(draft.at),
      notifyRead: false,
      ...draft.fields,
      attach: draft.fields.attach === null ? null : draft.fields.attach
    }
    const bucket = byChat.get(message.chatId)
    if (bucket === undefined) byChat.set(message.chatId, [message])
    else bucket.push(message)
    return message
  })

  // ----------------------------------------------------------------------------------------------- relations
  const relations: Array<Relation> = []
  const relationOf = new Map<string, Relation>()
  const mutedByAdmin = new Set(
    rng
      .sample(
        plans.filter((p) => p.members.includes(1) && p.kind !== "general"),
        2
      )
      .map((p) => p.chat.id)
  )
  for (const plan of all) {
    const chatMessages = byChat.get(plan.chat.id) ?? []
    for (const member of plan.members) {
      let lastRead = 0
      if (chatMessages.length > 0) {
        const last = chatMessages[chatMessages.length - 1]
        const roll = rng.next()
        if (plan === busy && member === 1) lastRead = chatMessages[rng.int(0, 3)].id
        else if (plan.kind === "P" && member === 1 && plan.members.includes(firedUnread ?? -1)) lastRead = 0
        else if (plan.kind === "P" && member === 1 && plan.members.includes(firedRead ?? -1)) lastRead = last.id
        else if (last.authorId === member || roll < 0.6) lastRead = last.id
        else {
          const back = rng.int(1, Math.min(6, chatMessages.length))
          lastRead = back >= chatMessages.length ? 0 : chatMessages[chatMessages.length - 1 - back].id
        }
      }
      const relation: Relation = {
        id: relations.length + 1,
        chatId: plan.chat.id,
        userId: member,
        manager: plan.managers.has(member),
        muted:
          (member === 1 && mutedByAdmin.has(plan.chat.id)) || (member !== 1 && plan.kind !== "P" && rng.chance(0.05)),
        lastReadMessageId: lastRead
      }
      relations.push(relation)
      relationOf.set(`${plan.chat.id}:${member}`, relation)
    }
  }
  // delivered: someone other than the author has read it
  for (const message of messages) {
    const plan = all.find((p) => p.chat.id === message.chatId)!
    if (
      plan.members.some(
        (m) =>
          m !== message.authorId && (relationOf.get(`${message.chatId}:${m}`)?.lastReadMessageId ?? 0) >= message.id
      )
    ) {
      ;(message as { notifyRead: boolean }).notifyRead = true
    }
  }

  // ----------------------------------------------------------------------------------------------- recent rows
  const recent: Array<RecentRow> = []
  const pinnedByAdmin = new Set(
    rng
      .sample(
        all.filter((p) => p.members.includes(1) && (byChat.get(p.chat.id)?.length ?? 0) > 0),
        3
      )
      .map((p) => p.chat.id)
  )
  const unreadByAdmin = new Set(
    rng
      .sample(
        all.filter((p) => p.members.includes(1) && !pinnedByAdmin.has(p.chat.id)),
        2
      )
      .map((p) => p.chat.id)
  )
  const hiddenByAdmin = rng.pick(dialogPlans.filter((p) => colleagues.some((c) => p.members.includes(c))))?.chat.id
  for (const plan of all) {
    const chatMessages = byChat.get(plan.chat.id) ?? []
    const last = chatMessages[chatMessages.length - 1]
    for (const member of plan.members) {
      const user = users.find((u) => u.id === member)!
      if (user.bot || user.connector) continue
      if (member === 1 ? plan.chat.id === hiddenByAdmin : rng.chance(0.05)) continue
      const itemId = plan.kind === "P" ? (plan.members.find((m) => m !== member) ?? member) : plan.chat.id
      const pinned = member === 1 ? pinnedByAdmin.has(plan.chat.id) : rng.chance(0.04)
      const unread = member === 1 ? unreadByAdmin.has(plan.chat.id) : rng.chance(0.03)
      const messageAt = last?.date.epochMillis ?? plan.lastAt
      const touched = pinned || unread ? Math.min(nowMs, messageAt + rng.int(1, 72) * HOUR) : messageAt
      recent.push({
        userId: member,
        itemType: plan.chat.type,
        itemId,
        chatId: plan.chat.id,
        messageId: last?.id ?? 0,
        relationId: relationOf.get(`${plan.chat.id}:${member}`)!.id,
        sessionId: plan.sessionId ?? 0,
        pinned,
        unread,
        dateUpdate: at(touched),
        dateLastActivity: at(messageAt),
        dateMessage: last === undefined ? null : last.date
      })
    }
  }
  // the shared "new employee" row every intranet user sees in im.recent.list
  if (newcomerDialog !== undefined) {
    const joinedAt = byChat.get(newcomerDialog.chat.id)![0].date
    recent.push({
      userId: 0,
      itemType: "P",
      itemId: newcomerId,
      chatId: 0,
      messageId: 0,
      relationId: 0,
      sessionId: 0,
      pinned: false,
      unread: false,
      dateUpdate: joinedAt,
      dateLastActivity: joinedAt,
      dateMessage: null
    })
  }
  // rows the server drops for user 1: a chat whose last message was deleted, a chat user 1 left
  const adminChats = plans.filter(
    (p) => p.members.includes(1) && p.kind !== "general" && p !== busy && (byChat.get(p.chat.id)?.length ?? 0) > 1
  )
  // (not the first chat of a kind, while there are others: the viewer keeps every kind)
  const spare = adminChats.filter((p) => plans.indexOf(p) >= SPECIAL_KINDS.length)
  const [deletedIn, leftChat] = rng.sample(spare.length >= 2 ? spare : adminChats, 2)
  let finalMessages = messages
  if (deletedIn !== undefined) {
    const bucket = byChat.get(deletedIn.chat.id)!
    const gone = bucket[bucket.length - 1].id
    finalMessages = messages.filter((m) => m.id !== gone)
  }
  let finalRelations = relations
  if (leftChat !== undefined) {
    const left = relationOf.get(`${leftChat.chat.id}:1`)!
    finalRelations = relations.filter((r) => r !== left)
  }
  // a dialog with a colleague whose account was deleted
  const deletedUserId = nextUserId + 100
  recent.push({
    userId: 1,
    itemType: "P",
    itemId: deletedUserId,
    chatId: 0,
    messageId: 0,
    relationId: 0,
    sessionId: 0,
    pinned: false,
    unread: false,
    dateUpdate: at(nowMs - rng.int(2, 20) * DAY),
    dateLastActivity: at(nowMs - rng.int(21, 40) * DAY),
    dateMessage: null
  })

  // ----------------------------------------------------------------------------------------------- access
  const webhooks: Array<Webhook> = []
  for (const id of employees) {
    if (id === invitedId) continue
    webhooks.push({
      userId: id,
      code: rng.string(16),
      scopes: id === 1 ? ["im", "imbot", "user"] : ["im"],
      expiresAt: null
    })
  }
  webhooks.push({ userId: 1, code: rng.string(16), scopes: ["crm", "task"], expiresAt: null })
  const app: OAuthApp = {
    clientId: `local.${rng.string(13, "0123456789abcdef")}.${rng.string(8, "0123456789")}`,
    clientSecret: rng.string(50, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    scopes: ["im", "user"]
  }
  const nowSeconds = Math.floor(nowMs / 1000)
  const token: OAuthTokenPair = {
    clientId: app.clientId,
    userId: 1,
    accessToken: rng.string(70, "0123456789abcdef"),
    refreshToken: rng.string(70, "0123456789abcdef"),
    scopes: app.scopes,
    accessExpiresAt: nowSeconds + 3600,
    refreshExpiresAt: nowSeconds + 180 * 86_400
  }

  return {
    version: 1,
    portal: {
      domain: text.domain,
      publicUrl,
      timeZone: options.timeZone,
      language: options.locale,
      colorsEnabled: true,
      copilotHistoryAvailable: true,
      generalChatId: plans[0].kind === "general" ? plans[0].chat.id : null,
      viewCommonUsers: true,
      collabAvailable: true,
      copilot: null
    },
    users,
    chats: all.map((plan) => plan.chat),
    relations: finalRelations,
    messages: finalMessages,
    recent,
    openLinesSessions: sessions,
    webhooks,
    oauthApps: [app],
    oauthTokens: [token]
  }
}

const pad = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/** The n-th title of a list (1-based), numbered once the list is used up. */
const numbered = (list: ReadonlyArray<string>, n: number): string =>
  n > list.length ? `${list[(n - 1) % list.length]} ${Math.ceil(n / list.length)}` : list[n - 1]

const uuid = (rng: Prng): string => {
  const hex = rng.string(32, "0123456789abcdef")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[rng.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const TRANSLIT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya"
}

const transliterate = (s: string): string =>
  Array.from(s.toLowerCase(), (c) => TRANSLIT[c] ?? (/[a-z0-9]/.test(c) ? c : "")).join("")
