import { assert, describe, it } from "@effect/vitest"
import { RecentTable } from "@im-recent/cli"
import { AtomDateTime, type RecentItem } from "@im-recent/domain"
import { DateTime, Effect, FastCheck, Option } from "effect"
import { width } from "../src/internal/text.js"
import { documented, portalItems } from "./support.js"

const tokyo = DateTime.zoneUnsafeMakeNamed("Asia/Tokyo")
const utc = DateTime.zoneMakeOffset(0)
const atom = (value: string) => Option.getOrThrow(AtomDateTime.parse(value))

const [task] = documented.result as ReadonlyArray<RecentItem.ChatItem>

/** The documented task chat with some fields changed. */
const chatItem = (changes: {
  readonly text?: string
  readonly date?: string
  readonly pinned?: boolean
  readonly counter?: number
  readonly title?: string
  readonly unread?: boolean
}): RecentItem.RecentItem => ({
  ...task,
  title: changes.title ?? task.title,
  pinned: changes.pinned ?? task.pinned,
  unread: changes.unread ?? task.unread,
  ...(changes.counter === undefined ? {} : { counter: changes.counter }),
  message: {
    ...task.message,
    text: changes.text ?? task.message.text,
    date: changes.date === undefined ? task.message.date : atom(changes.date)
  }
})

describe("RecentTable.render", () => {
  it("the documented response: header, one row per item, dates in the given zone", () => {
    const lines = RecentTable.render(documented.result, { width: 120, timeZone: utc })
    assert.strictEqual(lines.length, 3)
    assert.match(lines[0], /^ {3}TITLE +TYPE +LAST MESSAGE +DATE +UNREAD$/)
    assert.strictEqual(
      lines[1],
      `   Maximally Complete Task Template  task  John Doe created a task [Attachment]  ${RecentTable.formatDate(task.message.date, utc)}`
    )
    assert.strictEqual(RecentTable.formatDate(atom("2025-12-24T11:56:54+03:00"), utc), "2025-12-24 08:56")
    assert.strictEqual(RecentTable.formatDate(atom("2025-12-24T11:56:54+03:00"), tokyo), "2025-12-24 17:56")
  })

  it("shows local time: the wire offset is not the reader's", () => {
    const item = chatItem({ date: "2026-02-25T18:30:00+03:00" })
    const [, row] = RecentTable.render([item], { width: 120, timeZone: tokyo })
    assert.include(row, "2026-02-26 00:30")
    assert.notInclude(row, "18:30")
    assert.strictEqual(RecentTable.formatTime(item.message.date, tokyo), "00:30:00")
  })

  it("marks pinned items, shows counters right-aligned and a dot for a manual unread mark", () => {
    const lines = RecentTable.render(
      [
        chatItem({ pinned: true, counter: 7, title: "Pinned" }),
        chatItem({ title: "Plain" }),
        chatItem({ title: "Marked", unread: true })
      ],
      { width: 120, timeZone: utc }
    )
    assert.match(lines[1], /^\* {2}Pinned /)
    assert.match(lines[1], / {5}7$/)
    assert.match(lines[2], /^ {3}Plain /)
    assert.isTrue(lines[2].endsWith(RecentTable.formatDate(task.message.date, utc)), "no counter")
    assert.match(lines[3], / {5}•$/)
    assert.strictEqual(width(lines[1]), width(lines[0]), "the unread column ends under UNREAD")
  })

  it("trims the last message (and long titles) to the width, with an ellipsis; nothing is wider", () => {
    const long = "Please review the quarterly report before the board meeting tomorrow morning, thanks a lot ".repeat(3)
    const items = [
      chatItem({ text: long }),
      chatItem({ title: "An extraordinarily long chat title that goes on and on" }),
      chatItem({
        text: "emoji 👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍👍 and 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字"
      })
    ]
    for (const columns of [60, 80, 100, 140]) {
      const lines = RecentTable.render(items, { width: columns, timeZone: utc })
      for (const line of lines) assert.isAtMost(width(line), columns, `${columns}: ${line}`)
      assert.include(lines[1], "…")
      assert.include(lines[1], "Please review")
      assert.include(lines[2], "An ext")
      assert.include(lines[3], "…")
    }
    const wide = RecentTable.render(items, { width: 400, timeZone: utc })
    assert.include(wide[1], long.trim())
    assert.include(wide[2], "An extraordinarily long chat title")
  })

  it("keeps messages on one line", () => {
    const [, row] = RecentTable.render([chatItem({ text: "first line\nsecond\tline\r\n  third" })], {
      width: 120,
      timeZone: utc
    })
    assert.include(row, "  first line second line third  ")
  })

  it.effect("a generated portal: every kind of item, types by chat type, the deleted user, the summary", () =>
    Effect.gen(function* () {
      const items = yield* portalItems
      const kinds = new Set(items.map(RecentTable.kind))
      for (const kind of ["dialog", "general", "task", "open line"]) assert.isTrue(kinds.has(kind), kind)
      const lines = RecentTable.render(items, { width: 100, timeZone: utc })
      assert.strictEqual(lines.length, items.length + 1)
      for (const line of lines) assert.isAtMost(width(line), 100, line)
      const pinned = items.filter((item) => item.pinned).length
      assert.strictEqual(lines.filter((line) => line.startsWith("*")).length, pinned)
      assert.isTrue(items.some((item) => RecentTable.title(item) === "(deleted user)"))
      // in chats the last message is shown with its author's first name
      const authored = items.find(
        (item) => item.type === "chat" && item.user !== null && "first_name" in item.user && item.user.first_name !== ""
      ) as RecentItem.ChatItem & { readonly user: { readonly first_name: string } }
      assert.isTrue(RecentTable.lastMessage(authored).startsWith(`${authored.user.first_name}: `))
      const unread = items.filter((item) => (item.counter ?? 0) > 0 || item.unread).length
      assert.strictEqual(
        RecentTable.summary(items, utc),
        `${items.length} chats, ${unread} with unread messages · * pinned, • marked unread · times in +00:00`
      )
    })
  )
})

describe("RecentTable.render at 40, 80, 120 and 200 columns", () => {
  /** The start of each column in the header line. */
  const columnsOf = (header: string) =>
    Object.fromEntries(
      ["TITLE", "TYPE", "LAST MESSAGE", "DATE", "UNREAD"].map((name) => [name, header.indexOf(name)] as const)
    )

  it.effect("no line is wider; the title gets the spare width before the type; narrow tables drop columns", () =>
    Effect.gen(function* () {
      const items = yield* portalItems
      const kindWidth = Math.max(...items.map((item) => width(RecentTable.kind(item))))
      const titleWidth = Math.max(...items.map((item) => width(RecentTable.title(item))))
      assert.isAbove(kindWidth, 7, "the portal has long types (open line, …)")
      assert.isAbove(titleWidth, 24, "and long titles")
      const at = (columns: number) => RecentTable.render(items, { width: columns, timeZone: utc })
      for (const columns of [40, 80, 120, 200]) {
        for (const line of at(columns)) assert.isAtMost(width(line), columns, `${columns}: ${line}`)
      }

      const eighty = columnsOf(at(80)[0])
      const title80 = eighty.TYPE - eighty.TITLE - 2
      const type80 = eighty["LAST MESSAGE"] - eighty.TYPE - 2
      assert.isAtLeast(title80, 18, "the title's share at 80 columns")
      assert.isAbove(title80, type80, "the title is wider than the type")
      assert.isAtLeast(eighty.DATE - eighty["LAST MESSAGE"] - 2, 18, "and the message keeps a readable share")

      const wide = at(120)[0]
      assert.strictEqual(columnsOf(wide).TYPE - columnsOf(wide).TITLE - 2, Math.min(titleWidth, 32))

      // 200 columns: no title is cut
      for (const [i, item] of items.entries()) assert.include(at(200)[i + 1], RecentTable.title(item))

      // 40 columns: title, last message and counter; no type, no date
      const narrow = at(40)
      assert.match(narrow[0], /^ {3}TITLE +LAST MESSAGE +UNREAD$/)
      assert.notMatch(narrow.join("\n"), /\d\d:\d\d/)
      assert.isAtLeast(columnsOf(narrow[0])["LAST MESSAGE"] - 3 - 2, 10, "the title still has room")
    })
  )

  it.effect("from 30 columns up no line is wider than the terminal (property)", () =>
    Effect.map(portalItems, (items) =>
      FastCheck.assert(
        FastCheck.property(FastCheck.integer({ min: 30, max: 260 }), (columns) => {
          for (const line of RecentTable.render(items, { width: columns, timeZone: utc })) {
            assert.isAtMost(width(line), columns, `${columns}: ${line}`)
          }
        }),
        { numRuns: 80 }
      )
    )
  )
})

describe("RecentTable.kind", () => {
  it("chat types by extended type, then by type letter", () => {
    const withType = (type: string, letter: string): RecentItem.RecentItem => ({
      ...task,
      chat: { ...task.chat, type, message_type: letter }
    })
    assert.strictEqual(RecentTable.kind(withType("tasksTask", "X")), "task")
    assert.strictEqual(RecentTable.kind(withType("lines", "L")), "open line")
    assert.strictEqual(RecentTable.kind(withType("openChannel", "J")), "open channel")
    assert.strictEqual(RecentTable.kind(withType("somethingNew", "N")), "channel")
    assert.strictEqual(RecentTable.kind(withType("somethingNew", "?")), "somethingNew")
  })
})

describe("RecentTable.terminalWidth", () => {
  it("the terminal's columns, else COLUMNS, else 100", () => {
    assert.strictEqual(RecentTable.terminalWidth(132, "80"), 132)
    assert.strictEqual(RecentTable.terminalWidth(undefined, "80"), 80)
    assert.strictEqual(RecentTable.terminalWidth(undefined, "wide"), 100)
    assert.strictEqual(RecentTable.terminalWidth(undefined, undefined), 100)
  })
})
