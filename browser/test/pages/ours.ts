/**
 * The test app on our frame transport: `ImRecent` over `Frame.layer`, its log lines (debug included) kept for the
 * test. Bundled for the browser by the test.
 */
import { FetchHttpClient } from "@effect/platform"
import { ImRecent } from "@im-recent/client"
import * as Frame from "@im-recent/client/Frame"
import { Effect, HashMap, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import type { AppApi, LogLine } from "./api.js"

const logs: Array<LogLine> = []
const logger = Logger.make(({ annotations, logLevel, message }) => {
  logs.push({
    level: logLevel.label,
    message: Array.isArray(message) ? message.join(" ") : String(message),
    context: Object.fromEntries(HashMap.toEntries(annotations))
  })
})

const Live = ImRecent.layer.pipe(
  Layer.provideMerge(Frame.layer()),
  Layer.provide(FetchHttpClient.layer),
  Layer.provide(Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Debug)))
)
const runtime = ManagedRuntime.make(Live)
const held: Record<string, unknown> = {}

const app: AppApi = {
  ready: runtime.runPromise(
    Effect.map(Frame.Frame, (frame) => ({ placement: frame.placement, options: frame.placementOptions }))
  ),
  list: () =>
    runtime.runPromise(
      Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(
        Effect.map(({ items }) => items.map((item) => String(item.id)))
      )
    ),
  hold: (command) => {
    held[command] = "pending"
    runtime
      .runPromise(Effect.flatMap(Frame.Frame, (frame) => frame.send(command, undefined, { timeout: "60 seconds" })))
      .then(
        (answer) => {
          held[command] = answer
        },
        (error: unknown) => {
          held[command] = { error: String(error) }
        }
      )
  },
  held,
  logs,
  command: (name, params) => runtime.runPromise(Effect.flatMap(Frame.Frame, (frame) => frame.send(name, params))),
  options: () =>
    runtime.runPromise(
      Effect.map(Frame.Frame, (frame) => ({ app: frame.init.APP_OPTIONS, user: frame.init.USER_OPTIONS }))
    )
}
window.app = app
app.ready.then(
  ({ placement }) => {
    document.body.textContent = `ours: connected in ${placement}`
  },
  (error: unknown) => {
    document.body.textContent = `ours: ${String(error)}`
  }
)
