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
import type * as DateTime from "effect/DateTime"
import * as Access from "./internal/fixtures/access.js"
import * as Dialogs from "./internal/fixtures/dialogs.js"
import * as Generation from "./internal/fixtures/generation.js"
import * as GroupChats from "./internal/fixtures/groupChats.js"
import * as Messages from "./internal/fixtures/messages.js"
import * as People from "./internal/fixtures/people.js"
import * as RecentRows from "./internal/fixtures/recentRows.js"
import * as Relations from "./internal/fixtures/relations.js"
import type { PortalState } from "./PortalState.js"

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

/**
 * Generates a portal. The steps draw from one seeded PRNG, in this order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (options: Options): PortalState => {
  const g = Generation.make(options)
  const people = People.hire(g, options.users)
  const groups = GroupChats.plan(g, people, options.chats)
  const users = [...people.users, ...groups.guests]
  const dialogs = Dialogs.plan(g, people, groups.plans.length + 1)
  const conversations = [...groups.plans, ...dialogs.plans]
  const busy = groups.plans.find((p) => p.kind === "C" && p.members.includes(1))
  const counts = Messages.count(options.messages, conversations, { ...dialogs, busy })
  const { messages, byChat } = Messages.write(g, conversations, counts, {
    groupChats: groups.plans,
    newcomer: dialogs.newcomer,
    newcomerId: people.newcomerId,
    copilotId: people.copilotId,
    nameOf: People.nameOf(users)
  })
  const memberships = Relations.join(g, groups.plans, conversations, byChat, { ...dialogs, busy })
  const sources = { conversations, dialogs: dialogs.plans, colleagues: dialogs.colleagues, users, byChat, memberships }
  const recent = RecentRows.rows(g, sources)
  const joinedAt = dialogs.newcomer === undefined ? undefined : byChat.get(dialogs.newcomer.chat.id)?.[0]?.date
  if (joinedAt !== undefined) recent.push(RecentRows.newcomerRow(people.newcomerId, joinedAt))
  const dropped = RecentRows.dropForAdmin(
    g,
    groups.plans.filter((p) => p.members.includes(1) && p.kind !== "general" && p !== busy),
    (plan) => !GroupChats.isFirstOfKind(groups, plan),
    sources
  )
  // a user id nobody has: the colleague's account was deleted
  recent.push(RecentRows.deletedColleagueRow(g, users.length + 101))
  const access = Access.grant(g, people.employees, people.invitedId)
  return {
    version: 1,
    portal: portalSettings(g, options, groups),
    users,
    chats: conversations.map((plan) => plan.chat),
    relations: memberships.relations.filter((relation) => relation !== dropped.leftRelation),
    messages: Relations.markDelivered(messages, conversations, memberships).filter(
      (message) => message.id !== dropped.deletedMessageId
    ),
    recent,
    openLinesSessions: groups.sessions,
    webhooks: access.webhooks,
    oauthApps: [access.app],
    oauthTokens: [access.token]
  }
}

/** The portal's own settings: its domain, zone and language; the general chat is the first one. */
const portalSettings = (
  g: Generation.Generation,
  options: Options,
  groups: GroupChats.GroupChats
): PortalState["portal"] => ({
  domain: g.text.domain,
  publicUrl: g.publicUrl,
  timeZone: options.timeZone,
  language: options.locale,
  colorsEnabled: true,
  copilotHistoryAvailable: true,
  generalChatId: groups.plans[0].kind === "general" ? groups.plans[0].chat.id : null,
  viewCommonUsers: true,
  collabAvailable: true,
  copilot: null
})
