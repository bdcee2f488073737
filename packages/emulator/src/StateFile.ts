/**
 * A portal state in a file: read it, write it atomically, and keep a running emulator's portal saved to it, so a
 * restart continues where the last run stopped (the posted messages are there, and new ids continue after theirs).
 *
 * The file is {@link PortalState.toJson}'s JSON. A write goes to a new temporary file next to the target (same
 * directory, so the same file system), is flushed to disk, then renamed over the target: a reader, or a crash, sees
 * the old file or the new one, never a mix, and two writers never share a temporary file. The file holds the portal's
 * secrets (webhook codes, tokens, client secrets), so it is written readable by its owner only (mode `0600`).
 *
 * ```ts
 * import { Emulator, StateFile } from "@im-recent/emulator"
 *
 * // in a scope, with FileSystem and Path (NodeContext.layer): the portal is saved now, every 5 s when it changed,
 * // and when the scope closes; the next run starts from StateFile.read("portal.json")
 * const emulator = yield* Emulator.Emulator
 * yield* StateFile.autosave(emulator.portal.state, { path: "portal.json", interval: "5 seconds" })
 * ```
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Redact from "./internal/http/redact.js"
import * as PortalState from "./PortalState.js"

/**
 * A state file that cannot be read, decoded or written; `reason` says which and why, without the file's secrets.
 *
 * @since 0.1.0
 * @category errors
 */
export class StateFileError extends Schema.TaggedError<StateFileError>("@im-recent/emulator/StateFileError")(
  "StateFileError",
  { path: Schema.String, reason: Schema.String }
) {
  override get message(): string {
    return `${this.path} ${this.reason}`
  }
}

/** The keys whose values a decoding error must not show. */
const secretKeys = new Set(["code", "clientSecret", "applicationToken", "accessToken", "refreshToken"])

/** The secrets a state file holds, found by key at any depth (the file need not decode for this). */
const secretsIn = (text: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  try {
    JSON.parse(text, (key, value) => {
      if (secretKeys.has(key) && typeof value === "string") found.push(value)
      return value
    })
  } catch {
    // not JSON: the decoding error says so, and shows none of it
  }
  return found
}

/**
 * Reads a state file; a file that is not a portal state fails with the path of the first wrong fields (on one line,
 * the file's secrets masked).
 *
 * @since 0.1.0
 * @category files
 */
export const read = (path: string): Effect.Effect<PortalState.PortalState, StateFileError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs
      .readFileString(path)
      .pipe(Effect.mapError(() => new StateFileError({ path, reason: "cannot be read" })))
    return yield* PortalState.fromJson(text).pipe(
      Effect.mapError((error) => {
        const detail = Redact.excerpt(error.message.replace(/\s+/g, " "), Redact.maxNote, secretsIn(text))
        return new StateFileError({ path, reason: `is not a portal state: ${detail}` })
      })
    )
  })

const encoder = new TextEncoder()

/**
 * Writes `state` to `path` atomically: a temporary file in the same directory, flushed, then renamed over `path`
 * (see the module's description). Not interruptible: once started, a write completes or fails as a whole.
 *
 * @since 0.1.0
 * @category files
 */
export const write = (
  path: string,
  state: PortalState.PortalState
): Effect.Effect<void, StateFileError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const text = yield* PortalState.toJson(state)
    const temporary = paths.join(paths.dirname(path), `.${paths.basename(path)}.${randomBytes(6).toString("hex")}.tmp`)
    yield* Effect.scoped(
      Effect.gen(function* () {
        const file = yield* fs.open(temporary, { flag: "wx", mode: 0o600 })
        yield* file.writeAll(encoder.encode(text))
        yield* file.sync
      })
    ).pipe(
      Effect.zipRight(fs.rename(temporary, path)),
      Effect.tapError(() => Effect.ignore(fs.remove(temporary))),
      Effect.mapError((error) => new StateFileError({ path, reason: `cannot be written: ${error.message}` }))
    )
  }).pipe(Effect.uninterruptible)

/**
 * How {@link autosave} keeps a portal saved.
 *
 * @since 0.1.0
 * @category models
 */
export interface AutosaveOptions {
  /** The file to write. */
  readonly path: string
  /** How often to save the portal when it changed (default 5 seconds). */
  readonly interval?: Duration.DurationInput | undefined
}

/**
 * The default time between two saves: 5 seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultInterval: Duration.Duration = Duration.seconds(5)

/**
 * Keeps the portal in `state` saved to a file while the scope is open: saved now (a failure here fails the effect),
 * then every `interval` when it changed (a failure is logged as a warning and tried again at the next interval), and
 * once more, when it changed, as the scope closes (a failure is logged as an error). Saves never overlap, and the
 * state is read whole at each (it changes atomically).
 *
 * @since 0.1.0
 * @category files
 */
export const autosave = (
  state: Ref.Ref<PortalState.PortalState>,
  options: AutosaveOptions
): Effect.Effect<void, StateFileError, FileSystem.FileSystem | Path.Path | Scope.Scope> =>
  Effect.gen(function* () {
    const lock = yield* Effect.makeSemaphore(1)
    const saved = yield* Ref.make<PortalState.PortalState | undefined>(undefined)
    const save = lock.withPermits(1)(
      Effect.gen(function* () {
        const current = yield* Ref.get(state)
        if (current === (yield* Ref.get(saved))) return
        yield* write(options.path, current)
        yield* Ref.set(saved, current)
      })
    )
    yield* save
    // Added before the loop is forked, so it runs after the loop is interrupted (a save in progress completes first).
    yield* Effect.addFinalizer(() =>
      save.pipe(Effect.catchAll((error) => Effect.logError(`The portal could not be saved: ${error.message}`)))
    )
    yield* Effect.sleep(options.interval ?? defaultInterval).pipe(
      Effect.zipRight(
        save.pipe(Effect.catchAll((error) => Effect.logWarning(`The portal could not be saved: ${error.message}`)))
      ),
      Effect.forever,
      Effect.forkScoped
    )
  })
