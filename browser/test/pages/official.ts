/**
 * The test app on the official SDK's `B24Frame` (`@bitrix24/b24jssdk`): the reference the emulator's portal page
 * must satisfy. Its log lines (debug included) are kept for the test. Bundled for the browser by the test.
 */
import { type B24Frame, initializeB24Frame, type LoggerInterface, type LogLevel } from "@bitrix24/b24jssdk"
import type { AppApi, LogLine } from "./api.js"

const logs: Array<LogLine> = []
const record = (level: string) => async (message: string, context?: Record<string, unknown>) => {
  logs.push({ level, message, context: context ?? {} })
}
const logger: LoggerInterface = {
  log: async (level: LogLevel, message: string, context?: Record<string, unknown>) =>
    record(String(level))(message, context),
  debug: record("debug"),
  info: record("info"),
  notice: record("notice"),
  warning: record("warning"),
  error: record("error"),
  critical: record("critical"),
  alert: record("alert"),
  emergency: record("emergency")
}

const frame: Promise<B24Frame> = initializeB24Frame().then((b24) => {
  b24.setLogger(logger)
  return b24
})
const held: Record<string, unknown> = {}

const app: AppApi = {
  ready: frame.then((b24) => ({ placement: b24.placement.placement, options: b24.placement.options })),
  list: async () => {
    const b24 = await frame
    const answer = await b24.actions.v2.call.make<ReadonlyArray<{ readonly id: unknown }>>({
      method: "im.recent.get",
      params: {}
    })
    if (!answer.isSuccess) throw new Error(answer.getErrorMessages().join("; "))
    return (answer.getData()?.result ?? []).map((item) => String(item.id))
  },
  hold: (command) => {
    held[command] = "pending"
    frame
      .then((b24) => b24.parent.message.send(command, {}))
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
  logs
}
window.app = app
app.ready.then(
  ({ placement }) => {
    document.body.textContent = `official: connected in ${placement}`
  },
  (error: unknown) => {
    document.body.textContent = `official: ${String(error)}`
  }
)
