/**
 * Example 5: any REST method, called with your own schemas — here `im.counters.get` as a plain call, and
 * `im.dialog.read` (which the library has no function for: it marks a dialog read, up to a message or to its last
 * one) as a command in a batch.
 *
 * Two ways, both on the same `Bitrix24` transport (rate limit, retries, token renewal, typed errors):
 *
 * - `Bitrix24.call(method, params, schema)`: `params` go out as the JSON body exactly as given, and `schema` decodes
 *   the whole response body (`{ result, time }`);
 * - `ImCommand.make({ method, paramsSchema, params, result })`: the parameters are typed and encoded by your schema
 *   (a value it refuses fails with `InvalidParams` before anything is sent), `result` decodes the method's `result`,
 *   and the command runs alone (`ImCommand.run`, `ImMessenger.run`) or inside a batch, its result typed there too.
 *
 * Configuration from the environment: the portal as in `list-recent.ts`, and `DIALOG_ID` (a user id, `chatN`).
 *
 *   BITRIX24_WEBHOOK_URL=<webhook url> DIALOG_ID=chat12 pnpm tsx examples/src/any-method.ts
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Bitrix24, ImCommand, ImMessenger } from "@im-recent/client"
import { Config, Console, Effect, Layer, Schema } from "effect"

/** `im.dialog.read`'s `result`: `false` when there was nothing to read, else where the dialog now stands. */
const DialogRead = Schema.Union(
  Schema.Literal(false),
  Schema.Struct({
    dialogId: Schema.Union(Schema.Number, Schema.String),
    chatId: Schema.Number,
    lastId: Schema.Number,
    counter: Schema.Number
  })
)

/** Its parameters as your code writes them; the schema encodes them for the wire. */
const DialogReadParams = Schema.Struct({
  DIALOG_ID: Schema.String,
  MESSAGE_ID: Schema.optional(Schema.Int.pipe(Schema.positive()))
})

/** A command: a value, nothing sent yet. */
const markRead = (dialogId: string, messageId?: number) =>
  ImCommand.make({
    method: "im.dialog.read",
    paramsSchema: DialogReadParams,
    params: messageId === undefined ? { DIALOG_ID: dialogId } : { DIALOG_ID: dialogId, MESSAGE_ID: messageId },
    result: DialogRead,
    idempotent: true // reading twice changes nothing: safe to retry
  })

const describe = (read: typeof DialogRead.Type): string =>
  read === false ? "nothing to read" : `read up to message ${read.lastId}, ${read.counter} unread`

const program = Effect.gen(function* () {
  const dialogId = yield* Config.string("DIALOG_ID")

  // 1. Bitrix24.call: any method, the parameters as sent, a schema for the whole body (unknown keys are dropped).
  const bitrix = yield* Bitrix24.Bitrix24
  const before = yield* bitrix.call(
    "im.counters.get",
    {},
    Schema.Struct({ result: Schema.Struct({ TYPE: Schema.Struct({ ALL: Schema.Number }) }) })
  )
  yield* Console.log(`Bitrix24.call im.counters.get: ${before.result.TYPE.ALL} unread in all`)

  // 2. ImCommand.make: alone, or in a batch next to the library's own commands, each result typed.
  const im = yield* ImMessenger.ImMessenger
  const { counters, read } = yield* im.batch(
    { read: markRead(dialogId), counters: ImCommand.counters.get() },
    { halt: true }
  )
  yield* Console.log(`ImCommand.make im.dialog.read ${dialogId}: ${describe(read)}; ${counters.TYPE.ALL} unread in all`)
})

const MainLive = ImMessenger.layer.pipe(
  Layer.provideMerge(Bitrix24.layerConfig()),
  Layer.provide(FetchHttpClient.layer)
)

program.pipe(
  Effect.provide(MainLive),
  Effect.tapError((error) => Console.error(error.message)),
  NodeRuntime.runMain({ disableErrorReporting: true })
)
