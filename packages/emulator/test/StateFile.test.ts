/**
 * StateFile: atomic writes on the real file system, reading with bounded errors that show no secret, and autosave
 * under the TestClock over an in-memory file system (every save is synchronous there, so each step is exact).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import { Generator, PortalState, StateFile } from "@im-recent/emulator"
import { DateTime, Effect, Layer, Logger, Ref, TestClock } from "effect"

const generated = (seed: number) =>
  Generator.generate({ ...Generator.defaults(DateTime.unsafeMake("2026-02-26T06:00:00Z")), users: 4, chats: 2, seed })

/** A fresh directory, removed with the scope. */
const directory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "im-recent-state-file-"))),
  (path) => Effect.sync(() => rmSync(path, { recursive: true, force: true }))
)

const decoded = (text: string) => Effect.runSync(PortalState.fromJson(text))

describe("StateFile.write and read (real files)", () => {
  it.scoped("writes atomically: the file reads back, is the owner's only, and no temporary file is left", () =>
    Effect.gen(function* () {
      const dir = yield* directory
      const path = join(dir, "portal.json")
      writeFileSync(path, "old")
      const state = generated(3)
      yield* StateFile.write(path, state)
      assert.deepStrictEqual(yield* StateFile.read(path), decoded(yield* PortalState.toJson(state)))
      assert.strictEqual(statSync(path).mode & 0o777, 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["portal.json"])
    }).pipe(Effect.provide(NodeContext.layer))
  )

  it.scoped("concurrent writes never mix: the file is one of the states whole", () =>
    Effect.gen(function* () {
      const dir = yield* directory
      const path = join(dir, "portal.json")
      const states = Array.from({ length: 12 }, (_, i) => generated(i + 1))
      yield* Effect.forEach(states, (state) => StateFile.write(path, state), { concurrency: "unbounded" })
      const text = readFileSync(path, "utf8")
      const candidates = yield* Effect.forEach(states, PortalState.toJson)
      assert.include(candidates, text)
      assert.deepStrictEqual(readdirSync(dir), ["portal.json"])
    }).pipe(Effect.provide(NodeContext.layer))
  )

  it.scoped("a file that cannot be written, read or decoded: StateFileError naming it, on one bounded line", () =>
    Effect.gen(function* () {
      const dir = yield* directory
      const missingDir = join(dir, "no-such-dir", "portal.json")
      const unwritable = yield* Effect.flip(StateFile.write(missingDir, generated(1)))
      assert.strictEqual(unwritable._tag, "StateFileError")
      assert.include(unwritable.message, `${missingDir} cannot be written`)
      const unreadable = yield* Effect.flip(StateFile.read(join(dir, "none.json")))
      assert.strictEqual(unreadable.message, `${join(dir, "none.json")} cannot be read`)

      // a webhook's code where a message belongs (the error shows the value), then 400 broken messages: the reason
      // names the first wrong fields, masks the file's secrets wherever they sit, and stays short
      const encoded = JSON.parse(yield* PortalState.toJson(generated(2)))
      const secret = encoded.webhooks[0].code as string
      encoded.messages = [secret, ...Array.from({ length: 400 }, (_, i) => ({ id: -i, text: secret }))]
      const broken = join(dir, "broken.json")
      writeFileSync(broken, JSON.stringify(encoded))
      const error = yield* Effect.flip(StateFile.read(broken))
      assert.include(error.message, `${broken} is not a portal state: `)
      assert.notInclude(error.message, "\n")
      assert.notInclude(error.message, secret)
      assert.isAtMost(error.reason.length, 400)
    }).pipe(Effect.provide(NodeContext.layer))
  )
})

/** An in-memory file system with the operations StateFile uses; every write and rename is recorded. */
const memory = () => {
  const files = new Map<string, string>()
  const renames: Array<string> = []
  let failRenames = 0
  const fail = (method: string, path: string) =>
    new SystemError({ reason: "PermissionDenied", module: "FileSystem", method, pathOrDescriptor: path })
  const layer = FileSystem.layerNoop({
    open: (path, options) =>
      Effect.suspend(() => {
        if (options?.flag === "wx" && files.has(path)) return Effect.fail(fail("open", path))
        files.set(path, "")
        const file = {
          writeAll: (bytes: Uint8Array) =>
            Effect.sync(() => {
              files.set(path, (files.get(path) ?? "") + new TextDecoder().decode(bytes))
            }),
          sync: Effect.void
        }
        return Effect.succeed(file as unknown as FileSystem.File)
      }),
    rename: (from, to) =>
      Effect.suspend(() => {
        if (failRenames > 0) {
          failRenames--
          return Effect.fail(fail("rename", to))
        }
        files.set(to, files.get(from) ?? "")
        files.delete(from)
        renames.push(to)
        return Effect.void
      }),
    remove: (path) => Effect.sync(() => void files.delete(path)),
    readFileString: (path) =>
      Effect.suspend(() => {
        const text = files.get(path)
        return text === undefined ? Effect.fail(fail("readFileString", path)) : Effect.succeed(text)
      })
  })
  return {
    files,
    renames,
    failNextRenames: (count: number) => {
      failRenames = count
    },
    layer: Layer.merge(layer, Path.layer)
  }
}

describe("StateFile.autosave (TestClock, in-memory files)", () => {
  it.effect("saves at start, then on the interval only when the state changed, and once more at close", () =>
    Effect.gen(function* () {
      const disk = memory()
      const state = yield* Ref.make(generated(1))
      const changed = Ref.update(state, (current) => ({ ...current, messages: current.messages.slice(1) }))
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* StateFile.autosave(state, { path: "/data/portal.json", interval: "5 seconds" })
          assert.strictEqual(disk.renames.length, 1, "saved at start")
          yield* TestClock.adjust("5 seconds")
          assert.strictEqual(disk.renames.length, 1, "unchanged: not saved again")
          yield* changed
          yield* TestClock.adjust("4 seconds")
          assert.strictEqual(disk.renames.length, 1, "not before the interval")
          yield* TestClock.adjust("1 second")
          assert.strictEqual(disk.renames.length, 2, "changed: saved at the interval")
          yield* changed
        })
      ).pipe(Effect.provide(disk.layer))
      assert.strictEqual(disk.renames.length, 3, "saved at close")
      const text = disk.files.get("/data/portal.json")!
      assert.strictEqual(text, yield* PortalState.toJson(yield* Ref.get(state)))
      assert.deepStrictEqual([...disk.files.keys()], ["/data/portal.json"], "no temporary file left")
    })
  )

  it.effect("a failed save on the interval is a warning and is tried again; a failed first save fails", () =>
    Effect.gen(function* () {
      const disk = memory()
      const warnings: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(String(message))
      })
      const state = yield* Ref.make(generated(1))
      yield* Effect.scoped(
        Effect.gen(function* () {
          yield* StateFile.autosave(state, { path: "/data/portal.json" })
          yield* Ref.update(state, (current) => ({ ...current, chats: current.chats.slice(1) }))
          disk.failNextRenames(1)
          yield* TestClock.adjust(StateFile.defaultInterval)
          assert.strictEqual(disk.renames.length, 1)
          assert.strictEqual(warnings.length, 1)
          assert.include(warnings[0], "/data/portal.json cannot be written")
          yield* TestClock.adjust(StateFile.defaultInterval)
          assert.strictEqual(disk.renames.length, 2, "tried again")
        })
      ).pipe(Effect.provide(Layer.merge(disk.layer, Logger.replace(Logger.defaultLogger, logger))))

      const failing = memory()
      failing.failNextRenames(1)
      const error = yield* Effect.flip(
        Effect.scoped(StateFile.autosave(state, { path: "/data/portal.json" })).pipe(Effect.provide(failing.layer))
      )
      assert.strictEqual(error._tag, "StateFileError")
    })
  )
})
