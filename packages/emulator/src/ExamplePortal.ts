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
import * as Zone from "./internal/state/zone.js"
import {
  makeChat,
  makeUser,
  type PortalChat,
  type PortalMessage,
  type PortalState,
  type PortalUser,
  type RecentRow,
  type Relation
} from "./PortalState.js"

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

const texts = {
  ru: {
    caller: ["Мария", "Смирнова", "Руководитель проектов", "maria.smirnova@mysite.ru"],
    tester: ["Иван", "Иванов", "Тестировщик", "ivan.ivanov@mysite.ru"],
    developer: ["Пётр", "Петров", "Разработчик", "petr.petrov@mysite.ru"],
    analyst: ["Анна", "Кузнецова", "Аналитик", "anna.kuznetsova@mysite.ru"],
    guest: ["Фиолетовый гость №3", "", "", ""],
    task: "Максимально полный шаблон задачи",
    created: "[USER=547][/USER] создал задачу",
    green: "Хочу зеленый чат",
    line: "Фиолетовый гость №3 - Открытая линия 2",
    hello: "Привет! Посмотришь [b]новую сборку[/b]?",
    lineQuestion: "Здравствуйте, подскажите по доставке",
    lineAnswer: "Добрый день! Доставка занимает 2–3 дня.",
    greenHistory: "Сделал чат зелёным [ATTACH=1]",
    design: "Обсуждение дизайна",
    designMessage: "Новые макеты в папке",
    notifications: ["Вас упомянули в задаче", "Новый комментарий к задаче", "Вам назначена встреча", "Отчёт готов"],
    cdn: "https://cdn-ru.bitrix24.ru",
    domain: "mysite.bitrix24.ru",
    copilotDesc: "Готов отвечать на все вопросы в общем формате",
    prompts: [
      ["Как правильно составить деловое письмо?", "Как правильно составить деловое письмо?"],
      ["Как бороться с прокрастинацией?", "Расскажи про эффективные методы борьбы с прокрастинацией на рабочем месте"],
      ["Идеи для совещаний", "Есть идеи, как сделать совещания более компактными и содержательными?"],
      ["Идеи для коротких перерывов", "Предложи идеи для коротких перерывов на физические упражнения в офисе"]
    ]
  },
  en: {
    caller: ["Mary", "Smith", "Project manager", "mary.smith@mysite.com"],
    tester: ["John", "Doe", "Tester", "john.doe@mysite.com"],
    developer: ["Peter", "Parker", "Developer", "peter.parker@mysite.com"],
    analyst: ["Anna", "Cooper", "Analyst", "anna.cooper@mysite.com"],
    guest: ["Purple guest #3", "", "", ""],
    task: "Maximally Complete Task Template",
    created: "[USER=547][/USER] created a task",
    green: "I want a green chat",
    line: "Purple guest #3 - Open Channel 2",
    hello: "Hi! Could you check [b]the new build[/b]?",
    lineQuestion: "Hello, a question about delivery",
    lineAnswer: "Good afternoon! Delivery takes 2–3 days.",
    greenHistory: "Made the chat green [ATTACH=1]",
    design: "Design discussion",
    designMessage: "New mockups are in the folder",
    notifications: [
      "You were mentioned in a task",
      "New comment on a task",
      "A meeting was scheduled for you",
      "The report is ready"
    ],
    cdn: "https://cdn.com.bitrix24.com",
    domain: "mysite.bitrix24.com",
    copilotDesc: "Ready to answer all questions in a general format",
    prompts: [
      ["How to properly write a business letter?", "How to properly write a business letter?"],
      ["How to combat procrastination?", "Tell me about effective methods to combat procrastination in the workplace"],
      ["Ideas for meetings", "Do you have ideas on how to make meetings more concise and substantive?"],
      ["Ideas for short breaks", "Suggest ideas for short breaks for physical exercises in the office"]
    ]
  }
} as const

const promptCodes = [
  "universal_how_to_properly_write_a_business_letter",
  "universal_effective_methods_to_combat_procrastination_in_the_workplace",
  "universal_ideas_on_how_to_make_meetings_more_concise_and_substantive",
  "universal_ideas_for_short_breaks_for_physical_exercises"
]

const GREEN_AVATAR =
  "/b17053/resize_cache/54309/ff58db95aecdfa09ae61b51b5fd8f63f/im/553/5539ce72ef842ca40efd35b54322d828/7qd8lz4rsqwubjru086fst8tx6uhkxa9"

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
  const zone = Zone.get(timeZone)
  const at = (wall: string): DateTime.Zoned => {
    const naive = Date.parse(`${wall}Z`)
    return zone.zoned(naive - zone.offsetAt(naive))
  }
  const user = (
    id: number,
    [firstName, lastName, workPosition, email]: readonly [string, string, string, string],
    extra: Partial<PortalUser> = {}
  ): PortalUser =>
    makeUser({
      id,
      firstName,
      lastName,
      workPosition,
      email,
      color: "#1eb4aa",
      lastActivityDate: at("2026-02-25T17:42:27"),
      ...extra
    })
  const users: Array<PortalUser> = [
    user(503, t.caller, {
      gender: "F",
      color: "#3e99ce",
      departments: [1],
      lastActivityDate: at("2026-02-26T09:05:00")
    }),
    user(547, t.tester, { departments: [1, 667] }),
    user(12, t.developer, { color: "#df532d", lastActivityDate: at("2026-02-25T19:12:40") }),
    user(88, t.analyst, { gender: "F", color: "#f76187", lastActivityDate: at("2026-02-24T16:00:00") }),
    user(9001, t.guest, {
      gender: "",
      color: "#8474c8",
      email: "",
      departments: [],
      connector: true,
      externalAuthId: "imconnector",
      type: "user",
      status: "offline",
      lastActivityDate: at("2026-02-24T10:15:02")
    })
  ]
  const chat = (fields: Pick<PortalChat, "id" | "type" | "extendedType" | "title"> & Partial<PortalChat>): PortalChat =>
    makeChat({ ownerId: 503, dateCreate: at("2026-02-26T00:00:00"), ...fields })
  const task = (id: number, taskId: string, created: string, colorCode: string | null): PortalChat =>
    chat({
      id,
      type: "X",
      extendedType: "tasksTask",
      title: t.task,
      colorCode,
      entityType: "TASKS_TASK",
      entityId: taskId,
      dateCreate: at(created),
      entityLink: {
        type: "TASKS",
        url: `/company/personal/user/503/tasks/task/view/${taskId}/?ta_sec=chat_tasks&ta_el=view_button`,
        id: taskId
      }
    })
  const chats: Array<PortalChat> = [
    chat({ id: 1231, type: "P", extendedType: "private", title: "", dateCreate: at("2025-06-02T10:00:00") }),
    chat({
      id: 1299,
      type: "L",
      extendedType: "lines",
      title: t.line,
      ownerId: 0,
      colorCode: "PURPLE",
      entityType: "LINES",
      entityId: "livechat|2|70|9001",
      entityData1: "N|NONE|0|N|N|7|1771928100|0|0|0",
      dateCreate: at("2026-02-24T10:15:00")
    }),
    chat({
      id: 1317,
      type: "C",
      extendedType: "chat",
      title: t.green,
      ownerId: 547,
      colorCode: "MINT",
      avatar: `${t.cdn}${GREEN_AVATAR}`,
      dateCreate: at("2025-08-12T16:14:00")
    }),
    chat({
      id: 1319,
      type: "C",
      extendedType: "chat",
      title: t.design,
      ownerId: 547,
      dateCreate: at("2025-09-01T11:00:00")
    }),
    chat({
      id: 1001,
      type: "S",
      extendedType: "system",
      title: "",
      ownerId: 503,
      dateCreate: at("2025-06-01T09:00:00")
    }),
    task(1449, "8291", "2026-02-26T00:01:25", "BROWN"),
    task(1451, "8293", "2026-02-26T00:01:26", null)
  ]
  let relationId = 0
  const relation = (chatId: number, userId: number, lastReadMessageId: number, flags: Partial<Relation> = {}) => ({
    id: ++relationId,
    chatId,
    userId,
    manager: false,
    muted: false,
    lastReadMessageId,
    ...flags
  })
  const relations: Array<Relation> = [
    relation(1231, 503, 82363),
    relation(1231, 547, 84415),
    relation(1299, 503, 80022, { manager: true }),
    relation(1299, 9001, 80022),
    relation(1317, 547, 84413, { manager: true }),
    relation(1317, 503, 82447, { muted: true }),
    relation(1319, 547, 84380, { manager: true }),
    relation(1319, 503, 84001, { muted: true }),
    relation(1001, 503, 0),
    relation(1449, 503, 84499, { manager: true }),
    relation(1449, 547, 84499),
    relation(1449, 12, 0),
    relation(1449, 88, 0),
    relation(1451, 503, 84501, { manager: true }),
    relation(1451, 547, 84501),
    relation(1451, 12, 0),
    relation(1451, 88, 0)
  ]
  const message = (
    id: number,
    chatId: number,
    authorId: number,
    text: string,
    date: string,
    extra: Partial<PortalMessage> = {}
  ): PortalMessage => ({
    id,
    chatId,
    authorId,
    text,
    date: at(date),
    file: null,
    attach: null,
    sticker: null,
    notifyRead: false,
    uuid: null,
    params: {},
    ...extra
  })
  const messages: Array<PortalMessage> = [
    message(80021, 1299, 9001, t.lineQuestion, "2026-02-24T10:15:02", { notifyRead: true }),
    message(80022, 1299, 503, t.lineAnswer, "2026-02-24T10:17:40", { notifyRead: true }),
    message(82363, 1231, 503, t.hello, "2026-02-24T18:40:11", { notifyRead: true }),
    message(82447, 1317, 547, t.greenHistory, "2026-02-24T19:02:31", {
      attach: true,
      notifyRead: true,
      uuid: "5d1f0c55-4a7e-4c5f-9f0e-1b3b0f3c0a11"
    }),
    message(84001, 1319, 503, t.design, "2026-02-24T20:00:00", { notifyRead: true }),
    ...t.notifications.map((text, i) =>
      message(84100 + i * 50, 1001, 0, text, `2026-02-25T${String(8 + i).padStart(2, "0")}:00:00`)
    ),
    message(84380, 1319, 547, t.designMessage, "2026-02-25T11:50:00"),
    message(84413, 1317, 547, "ntcn", "2026-02-25T12:07:05", { uuid: "f4721d3d-68c6-473e-a899-3b96b0ee18db" }),
    message(84415, 1231, 547, "ntcn", "2026-02-25T12:07:10", { uuid: "0c3c5ad6-a1b8-4d4d-9234-f137ef862a77" }),
    message(84499, 1449, 0, t.created, "2026-02-26T00:01:25", { attach: true }),
    message(84501, 1451, 0, t.created, "2026-02-26T00:01:26", { attach: true })
  ]
  const relationOf = (chatId: number, userId: number): number =>
    relations.find((r) => r.chatId === chatId && r.userId === userId)!.id
  const row = (
    userId: number,
    itemType: RecentRow["itemType"],
    itemId: number,
    chatId: number,
    messageId: number,
    date: string,
    extra: Partial<RecentRow> = {}
  ): RecentRow => ({
    userId,
    itemType,
    itemId,
    chatId,
    messageId,
    relationId: relationOf(chatId, userId),
    sessionId: 0,
    pinned: false,
    unread: false,
    dateUpdate: at(date),
    dateLastActivity: at(date),
    dateMessage: at(date),
    ...extra
  })
  const recent: Array<RecentRow> = [
    row(503, "P", 547, 1231, 84415, "2026-02-25T12:07:10"),
    row(503, "L", 1299, 1299, 80022, "2026-02-24T10:17:40", { sessionId: 7 }),
    row(503, "C", 1317, 1317, 84413, "2026-02-25T12:07:05"),
    row(503, "X", 1449, 1449, 84499, "2026-02-26T00:01:25"),
    row(503, "X", 1451, 1451, 84501, "2026-02-26T00:01:26"),
    row(547, "P", 503, 1231, 84415, "2026-02-25T12:07:10"),
    row(547, "C", 1317, 1317, 84413, "2026-02-25T12:07:05"),
    row(547, "X", 1449, 1449, 84499, "2026-02-26T00:01:25"),
    row(547, "X", 1451, 1451, 84501, "2026-02-26T00:01:26"),
    row(12, "X", 1449, 1449, 84499, "2026-02-26T00:01:25"),
    row(12, "X", 1451, 1451, 84501, "2026-02-26T00:01:26"),
    row(88, "X", 1449, 1449, 84499, "2026-02-26T00:01:25"),
    row(88, "X", 1451, 1451, 84501, "2026-02-26T00:01:26")
  ]
  return {
    version: 1,
    portal: {
      domain: t.domain,
      publicUrl: `https://${t.domain}`,
      timeZone,
      language,
      colorsEnabled: true,
      copilotHistoryAvailable: true,
      generalChatId: null,
      viewCommonUsers: true,
      collabAvailable: true,
      copilot: {
        roles: {
          copilot_assistant: {
            code: "copilot_assistant",
            name: "BitrixGPT",
            desc: t.copilotDesc,
            avatar: {
              small: "https://preview.bitrix24.site/upload/ai/avatars/5f72dd53304450356e0eaf09c0fcda7b_64x64.png",
              medium: "https://preview.bitrix24.site/upload/ai/avatars/f62609ab98ede5b3d4bff7675cc9f1f5_128x128.png",
              large: "https://preview.bitrix24.site/upload/ai/avatars/0a89c642ed5f1c2a292f7c3a1eab99d3_256x256.png"
            },
            default: true,
            prompts: t.prompts.map(([title, text], i) => ({
              code: promptCodes[i],
              promptType: "default",
              title,
              text,
              isNew: false
            }))
          }
        },
        recommendedRoles: [
          "copilot_assistant",
          "smm_manager",
          "seo_copywriter",
          "prompt_generator",
          "marketing_specialist"
        ]
      }
    },
    users,
    chats,
    relations,
    messages,
    recent,
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

const dealTexts = {
  ru: {
    users: [
      [503, "Мария", "Смирнова"],
      [103, "Иван", "Иванов"],
      [547, "Петр", "Петров"]
    ],
    name: "Чат по сделке",
    description: "Здесь обсуждаем сделку",
    messages: ["[USER=503][/USER] создала чат", "Коллеги, по сделке нужна скидка", "Жду ваших предложений"]
  },
  en: {
    users: [
      [503, "Mary", "Smith"],
      [103, "John", "Smith"],
      [547, "Peter", "Johnson"]
    ],
    name: "Deal Chat",
    description: "Discussion about the deal",
    messages: [
      "[USER=503][/USER] created the chat",
      "Colleagues, the deal needs a discount",
      "Waiting for your proposals"
    ]
  }
} as const

/**
 * The documented `im.dialog.get` exchange: `{"DIALOG_ID":"chat1439"}` from user 503, the owner of CRM deal chat 1439
 * whose other two members have read nothing, at `2026-02-25T17:34:51` (`+03:00` RU, `+01:00` EN).
 *
 * @since 0.1.0
 * @category examples
 */
export const dialogGet = (language: Language): Example => {
  const offset = language === "ru" ? "+03:00" : "+01:00"
  const base = make(language, language === "ru" ? "Europe/Moscow" : "Africa/Lagos")
  const zone = Zone.get(base.portal.timeZone)
  const at = (wall: string): DateTime.Zoned => {
    const naive = Date.parse(`${wall}Z`)
    return zone.zoned(naive - zone.offsetAt(naive))
  }
  const t = dealTexts[language]
  const template = base.users.find((user) => user.id === 547)!
  const users: Array<PortalUser> = t.users.map(([id, firstName, lastName]) => ({
    ...template,
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}@example.${language === "ru" ? "ru" : "com"}`
  }))
  const deal: PortalChat = {
    ...base.chats.find((chat) => chat.id === 1317)!,
    id: 1439,
    type: "C",
    extendedType: "crm",
    title: t.name,
    description: t.description,
    ownerId: 503,
    colorCode: "PINK",
    avatar: "",
    entityType: "CRM",
    entityId: "DEAL|1663",
    dateCreate: at("2026-02-25T16:50:58"),
    entityLink: { type: "DEAL", url: "/crm/deal/details/1663/", id: "DEAL|1663" }
  }
  const relations: Array<Relation> = [
    { id: 1, chatId: 1439, userId: 503, manager: true, muted: false, lastReadMessageId: 84477 },
    { id: 2, chatId: 1439, userId: 103, manager: false, muted: false, lastReadMessageId: 0 },
    { id: 3, chatId: 1439, userId: 547, manager: false, muted: false, lastReadMessageId: 0 }
  ]
  const messages: Array<PortalMessage> = t.messages.map((text, i) => ({
    id: 84473 + i * 2,
    chatId: 1439,
    authorId: i === 0 ? 0 : 503,
    text,
    date: at(`2026-02-25T16:5${i}:58`),
    file: null,
    attach: null,
    sticker: null,
    notifyRead: false,
    uuid: null,
    params: {}
  }))
  const recent: Array<RecentRow> = [503, 103, 547].map((userId, i) => ({
    userId,
    itemType: "C",
    itemId: 1439,
    chatId: 1439,
    messageId: 84477,
    relationId: i + 1,
    sessionId: 0,
    pinned: false,
    unread: false,
    dateUpdate: messages[2].date,
    dateLastActivity: messages[2].date,
    dateMessage: messages[2].date
  }))
  return {
    state: { ...base, users, chats: [deal], relations, messages, recent, openLinesSessions: [] },
    userId: 503,
    now: parseAtom(`2026-02-25T17:34:51${offset}`),
    params: { DIALOG_ID: "chat1439" }
  }
}
