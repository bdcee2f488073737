import { assert, describe, it } from "@effect/vitest"
import { CliError, Connection, DemoPortal, WatchCommand } from "@im-recent/cli"
import { Bitrix24Error, RecentSync, type SnapshotStore } from "@im-recent/client"
import { AtomDateTime, type RecentItem } from "@im-recent/domain"
import { Chunk, DateTime, Duration, Effect, Exit, Fiber, Layer, Option, Queue, Ref, TestClock } from "effect"
import { demoAtFixedTime, documented, portalNow, untilAsleep, viewerItems } from "./support.js"

const utc = DateTime.zoneMakeOffset(0)
const atom = (value: string) => Option.getOrThrow(AtomDateTime.parse(value))
const [first, second] = documented.result as ReadonlyArray<RecentItem.ChatItem>

const edited = (
  item: RecentItem.ChatItem,
  changes: Partial<Pick<RecentItem.ChatItem, "pinned" | "counter" | "unread" | "title">> & {
    readonly messageId?: number
    readonly text?: string
    readonly updated?: string
  }
): RecentItem.ChatItem => ({
  ...item,
  ...changes,
  message: { ...item.message, id: changes.messageId ?? item.message.id, text: changes.text ?? item.message.text },
  date_update: changes.updated === undefined ? item.date_update : atom(changes.updated)
})

const change = (
  kind: RecentSync.Change["kind"],
  reason: RecentSync.Reason,
  items: ReadonlyArray<RecentItem.RecentItem>,
  ids: Partial<Pick<RecentSync.Change, "added" | "updated" | "removed">>
): RecentSync.Change => ({
  kind,
  reason,
  snapshot: { items, syncDate: documented.time.date_start, fullAt: DateTime.unsafeMake(0) },
  added: ids.added ?? [],
  updated: ids.updated ?? [],
  removed: ids.removed ?? []
})

const options: WatchCommand.LineOptions = {
  width: 120,
  timeZone: utc,
  now: DateTime.unsafeMake("2026-02-26T07:00:00Z")
}

describe("WatchCommand.changeLines", () => {
  it("the first load prints nothing: the summary line says it all", () => {
    assert.deepStrictEqual(
      WatchCommand.changeLines([], change("full", "initial", [first], { added: [first.id] }), options),
      []
    )
  })

  it("a new message: time of the change in local time, title, type, the message with its author, the counter", () => {
    const after = edited(first, {
      messageId: 99,
      text: "Done, see the report",
      counter: 2,
      updated: "2026-02-26T09:30:05+03:00"
    })
    const lines = WatchCommand.changeLines(
      [first, second],
      change("delta", "delta", [after, second], { updated: [first.id] }),
      options
    )
    assert.deepStrictEqual(lines, [
      "06:30:05  Maximally Complete Task Template (task)  Done, see the report  [2 unread]"
    ])
  })

  it("changes without a new message are named; lines come oldest first", () => {
    const read = edited(first, { counter: 0, updated: "2026-02-26T09:40:00+03:00" })
    const pinned = edited(second, { pinned: true, updated: "2026-02-26T09:35:00+03:00" })
    const lines = WatchCommand.changeLines(
      [edited(first, { counter: 4 }), second],
      change("delta", "delta", [read, pinned], { updated: [first.id, second.id] }),
      options
    )
    assert.deepStrictEqual(lines, [
      "06:35:00  Maximally Complete Task Template (task)  [pinned]",
      "06:40:00  Maximally Complete Task Template (task)  [read]"
    ])
  })

  it("new and removed items (a full reload)", () => {
    const added = edited(second, { counter: 1, updated: "2026-02-26T09:00:00+03:00" })
    const lines = WatchCommand.changeLines(
      [first],
      change("full", "periodic", [added], { added: [second.id], removed: [first.id] }),
      options
    )
    assert.deepStrictEqual(lines, [
      "06:00:00  Maximally Complete Task Template (task)  John Doe created a task [Attachment]  [new] [1 unread]",
      "07:00:00  Maximally Complete Task Template (task)  [removed from the list]"
    ])
  })

  it("a long message is trimmed to the width, the tags stay", () => {
    const after = edited(first, { messageId: 100, text: "word ".repeat(60), counter: 1 })
    const [line] = WatchCommand.changeLines([first], change("delta", "delta", [after], { updated: [first.id] }), {
      ...options,
      width: 80
    })
    assert.strictEqual(line.length, 80)
    assert.match(line, / {2}word word .*… {2}\[1 unread\]$/)
  })
})

/** Where the loop's lines go, to be taken one by one. */
const outputs = Effect.all({ lines: Queue.unbounded<string>(), reports: Queue.unbounded<string>() })

const quietDemo = Layer.effect(
  Connection.Connection,
  Effect.succeed({
    kind: "demo" as const,
    portal: DemoPortal.publicUrl,
    credentials: "the demo portal's webhook",
    // the test posts itself
    activity: () => Effect.void
  })
)

describe("WatchCommand.loop (TestClock)", () => {
  it.effect("syncs, then prints a message posted meanwhile once the interval has passed, and not before", () =>
    demoAtFixedTime(
      Effect.gen(function* () {
        const { lines, reports } = yield* outputs
        const fiber = yield* Effect.fork(
          WatchCommand.loop({
            interval: Duration.seconds(5),
            width: 160,
            timeZone: utc,
            print: (line) => Queue.offer(lines, line),
            report: (line) => Queue.offer(reports, line)
          })
        )
        const summary = yield* Queue.take(lines)
        assert.match(
          summary,
          /^Watching \d+ recent chats on https:\/\/demo\.bitrix24\.test \(\d+ with unread messages\), checking every 5s\. Press Ctrl-C to stop\.$/
        )
        const demo = yield* DemoPortal.DemoPortal
        const colleague = demo.targets.find((target) => target.dialogId === "1")!
        yield* demo.post(colleague.userId, "1", "Are you there? 🙂")

        yield* untilAsleep
        yield* TestClock.adjust("4 seconds")
        assert.strictEqual(yield* Queue.size(lines), 0, "no step before the interval")
        yield* TestClock.adjust("1 second")
        const line = yield* Queue.take(lines)
        assert.match(line, /^\d\d:\d\d:\d\d {2}.+ \((dialog|bot)\) {2}Are you there\? 🙂 {2}\[\d+ unread\]$/)

        // nothing changed since: the next step prints nothing, and the loop goes on
        yield* demo.post(colleague.userId, "1", "Hello?")
        yield* untilAsleep
        yield* TestClock.adjust("5 seconds")
        assert.match(yield* Queue.take(lines), /Hello\? {2}\[\d+ unread\]$/)
        assert.strictEqual(yield* Queue.size(reports), 0)
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(RecentSync.layerMemory()), Effect.provide(quietDemo))
    )
  )

  it.effect("a failed step that can be retried is reported and the loop goes on; credentials refused end it", () =>
    Effect.gen(function* () {
      const { lines, reports } = yield* outputs
      const context = { method: "im.recent.get", requestId: "r-1" }
      // a portal on a loopback port restarting: hopeless for one call, not for the loop
      const restarting = new Bitrix24Error.NetworkError({
        ...context,
        description: "connect ECONNREFUSED 127.0.0.1:41777",
        code: "ECONNREFUSED",
        loopback: true
      })
      const steps: ReadonlyArray<Effect.Effect<RecentSync.Change, Bitrix24Error.Bitrix24Error>> = [
        Effect.succeed(change("full", "initial", [first], { added: [first.id] })),
        Effect.fail(new Bitrix24Error.NetworkError({ ...context, description: "connect ECONNREFUSED" })),
        Effect.succeed(
          change("delta", "delta", [edited(first, { messageId: 7, text: "Back online" })], { updated: [first.id] })
        ),
        Effect.fail(restarting),
        Effect.fail(restarting),
        Effect.succeed(
          change("delta", "delta", [edited(first, { messageId: 8, text: "Restarted" })], { updated: [first.id] })
        ),
        Effect.fail(
          new Bitrix24Error.AuthError({
            ...context,
            status: 401,
            code: "INVALID_CREDENTIALS",
            description: "Invalid request credentials",
            reason: "INVALID_CREDENTIALS"
          })
        )
      ]
      const index = yield* Ref.make(0)
      const scripted = Layer.succeed(RecentSync.RecentSync, {
        sync: Effect.flatMap(
          Ref.getAndUpdate(index, (i) => i + 1),
          (i) => steps[i]
        ),
        refresh: Effect.die("not used"),
        changes: Effect.die("not used") as never,
        changesRetrying: () => Effect.die("not used") as never,
        current: Effect.succeed(Option.none<SnapshotStore.Snapshot>())
      })
      const fiber = yield* Effect.fork(
        WatchCommand.loop({
          interval: Duration.seconds(2),
          width: 120,
          timeZone: utc,
          print: (line) => Queue.offer(lines, line),
          report: (line) => Queue.offer(reports, line)
        }).pipe(Effect.provide(scripted), Effect.provide(quietDemo))
      )
      assert.match(yield* Queue.take(lines), /^Watching 1 recent chats/)
      yield* untilAsleep
      yield* TestClock.adjust("2 seconds")
      assert.match(
        yield* Queue.take(reports),
        /^sync failed, trying again in 2s: cannot reach the portal at https:\/\/demo\.bitrix24\.test: Network error: connect ECONNREFUSED/
      )
      yield* untilAsleep
      yield* TestClock.adjust("2 seconds")
      assert.include(yield* Queue.take(lines), "Back online")
      // the restart: tried again after the interval, then after twice as long, without an end
      yield* untilAsleep
      yield* TestClock.adjust("2 seconds")
      assert.match(
        yield* Queue.take(reports),
        /^sync failed, trying again in 2s: cannot reach the portal at .*nothing listens on that port/
      )
      yield* untilAsleep
      yield* TestClock.adjust("2 seconds")
      assert.match(yield* Queue.take(reports), /^sync failed, trying again in 4s: /)
      yield* untilAsleep
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(yield* Queue.size(lines), 0, "not before the back-off has passed")
      yield* TestClock.adjust("1 second")
      assert.include(yield* Queue.take(lines), "Restarted")
      yield* untilAsleep
      yield* TestClock.adjust("2 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.deepStrictEqual(
        exit,
        Exit.fail(
          new CliError.PortalError({
            message:
              "the portal at https://demo.bitrix24.test refused the credentials: INVALID_CREDENTIALS (Invalid request credentials): " +
              "the webhook code or token was refused (wrong, revoked or expired), or its user lacks the rights for this call " +
              "[method im.recent.get, HTTP 401, request r-1]; " +
              "check the demo portal's webhook"
          })
        )
      )
    })
  )
})

describe("WatchCommand.loop's summary", () => {
  it.effect("is wrapped to the width at spaces, never inside a word (40, 80, 120 and 200 columns)", () =>
    Effect.gen(function* () {
      const once = Layer.succeed(RecentSync.RecentSync, {
        sync: Effect.succeed(change("full", "initial", [first, second], { added: [first.id, second.id] })),
        refresh: Effect.die("not used"),
        changes: Effect.die("not used") as never,
        changesRetrying: () => Effect.die("not used") as never,
        current: Effect.succeed(Option.none<SnapshotStore.Snapshot>())
      })
      const summaryAt = (width: number) =>
        Effect.gen(function* () {
          const printed = yield* Queue.unbounded<string>()
          const fiber = yield* Effect.fork(
            WatchCommand.loop({
              interval: Duration.seconds(5),
              width,
              timeZone: utc,
              print: (line) => Queue.offer(printed, line),
              report: () => Effect.void
            }).pipe(Effect.provide(once), Effect.provide(quietDemo))
          )
          const lines: Array<string> = []
          while (!lines.at(-1)?.endsWith("stop.")) lines.push(yield* Queue.take(printed))
          yield* Fiber.interrupt(fiber)
          return lines
        })
      const [whole] = yield* summaryAt(200)
      assert.match(
        whole,
        /^Watching 2 recent chats on https:\/\/demo\.bitrix24\.test \(\d+ with unread messages\), checking every 5s\. Press Ctrl-C to stop\.$/
      )
      for (const width of [40, 80, 120]) {
        const lines = yield* summaryAt(width)
        assert.strictEqual(lines.join(" "), whole, `${width}: the same words, in order, none cut`)
        for (const line of lines) assert.isAtMost(line.length, width, `${width}: ${line}`)
      }
      assert.strictEqual((yield* summaryAt(80)).length, 2)
    })
  )
})

describe("DemoPortal", () => {
  it.effect("colleagues who can post: dialogs with the viewer and chats where members post", () =>
    demoAtFixedTime(
      Effect.gen(function* () {
        const demo = yield* DemoPortal.DemoPortal
        assert.isAbove(demo.targets.filter((target) => target.dialogId === "1").length, 3)
        assert.isAbove(demo.targets.filter((target) => target.dialogId.startsWith("chat")).length, 1)
        assert.isFalse(demo.targets.some((target) => target.userId === DemoPortal.viewer))
        // every target really can post
        for (const target of demo.targets) {
          assert.isNumber(yield* demo.post(target.userId, target.dialogId, "ping").pipe(Effect.orDie))
        }
      })
    )
  )

  it.effect("activity posts the given number of messages to the viewer, spaced on the clock", () =>
    demoAtFixedTime(
      Effect.gen(function* () {
        const demo = yield* DemoPortal.DemoPortal
        const lastId = Math.max(...demo.state.messages.map((message) => message.id))
        const fiber = yield* Effect.fork(
          demo.activity({ messages: 3, firstAfter: "1 second", spacing: ["2 seconds", "2 seconds"] })
        )
        yield* untilAsleep
        assert.deepStrictEqual(Chunk.toReadonlyArray(yield* TestClock.sleeps()), [portalNow + 1000])
        for (let i = 0; i < 3; i++) {
          yield* untilAsleep
          yield* TestClock.adjust("2 seconds")
        }
        yield* Fiber.join(fiber)
        const items = yield* viewerItems
        // message ids are portal-wide and sequential: the three posts are the newest messages, in the viewer's list
        assert.strictEqual(Math.max(...items.map((item) => item.message.id)), lastId + 3)
      })
    )
  )
})
