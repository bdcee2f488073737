/**
 * REST calls as values: an `ImCommand<A>` names a method, carries its parameters already encoded for the wire (or
 * the reasons they cannot be), and knows how to decode the method's `result` into an `A`. The same command runs alone
 * ({@link run}, or the `ImMessenger` service) or with up to 49 others in one HTTP request (`ImBatch`), so a call is
 * written once whichever way it travels — as an `HttpClientRequest` is built once and executed by any `HttpClient`.
 *
 * ```ts
 * import { ImCommand } from "@im-recent/client"
 *
 * const leave = ImCommand.chat.leave(1451) // nothing is sent yet
 * const program = ImCommand.run(leave) // Effect<boolean, Bitrix24Error, Bitrix24>
 * ```
 *
 * Parameters are typed as the domain schemas decode them (`true` for `"Y"`, `DateTime` for ATOM dates, parsed
 * dialog ids) and encoded with them; a value the schema refuses makes the command fail with `InvalidParams` when it
 * runs, before anything is sent.
 *
 * @since 0.1.0
 */
import {
  ChatAdd,
  ChatLeave,
  ChatMute,
  CountersGet,
  DialogGet,
  DialogId,
  DialogReadAll,
  DialogUnread,
  MessageAdd,
  MessageDelete,
  MessageUpdate,
  RecentHide,
  RecentPin,
  RecentUnread,
  type ResponseTime,
  RestResponse
} from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Bitrix24 } from "./Bitrix24.js"
import { type Bitrix24Error, InvalidParams, type Issue } from "./Bitrix24Error.js"
import { issuesOf, makeRequestId } from "./internal/http.js"
import { maskPatterns } from "./internal/secrets.js"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@im-recent/client/ImCommand")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The `{ result, time }` body of a method whose `result` decodes to `A`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response<A> {
  readonly result: A
  readonly time: ResponseTime.ResponseTime
}

/**
 * One REST call, not yet sent.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImCommand<A> {
  readonly [TypeId]: TypeId
  /** The REST method, e.g. `im.chat.add`. */
  readonly method: string
  /** The parameters in their wire encoding, or what is wrong with them (the command then never goes out). */
  readonly params: Either.Either<Readonly<Record<string, unknown>>, ReadonlyArray<Issue>>
  /** Decodes the method's `result`. */
  readonly result: Schema.Schema<A, unknown>
  /** Decodes the whole body of a call of this method alone. */
  readonly response: Schema.Schema<Response<A>, unknown>
  /**
   * Whether sending it twice is harmless: a command that is not may only be retried when the portal refused it
   * before running it (posting a message or creating a chat twice would duplicate it).
   */
  readonly idempotent: boolean
}

/**
 * Any command, whatever its result: what collections of commands (a batch) hold.
 *
 * @since 0.1.0
 * @category models
 */
export interface Any {
  readonly [TypeId]: TypeId
  readonly method: string
  readonly params: Either.Either<Readonly<Record<string, unknown>>, ReadonlyArray<Issue>>
  readonly result: Schema.Schema.AnyNoContext
  readonly idempotent: boolean
}

/**
 * What a command's `result` decodes to.
 *
 * @since 0.1.0
 * @category models
 */
export type Success<C extends Any> = Schema.Schema.Type<C["result"]>

/**
 * A dialog id: parsed (`DialogId.chat(12)`) or raw (`"chat12"`, `"sg3"`, `42`, `"42"`).
 *
 * @since 0.1.0
 * @category models
 */
export type DialogIdInput = DialogId.DialogId | string | number

/**
 * Whether a value is a command.
 *
 * @since 0.1.0
 * @category guards
 */
export const isImCommand = (u: unknown): u is ImCommand<unknown> => typeof u === "object" && u !== null && TypeId in u

const responses = new WeakMap<Schema.Schema.Any, Schema.Schema<Response<unknown>, unknown>>()

/** A schema with its wire type forgotten: commands only ever decode. */
const erase = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<A, unknown> =>
  schema as unknown as Schema.Schema<A, unknown>

/** One response schema per result schema: decoders are compiled once per schema. */
const responseOf = <A>(result: Schema.Schema<A, unknown>): Schema.Schema<Response<A>, unknown> => {
  let response = responses.get(result)
  if (response === undefined) {
    response = RestResponse.make(result) as unknown as Schema.Schema<Response<unknown>, unknown>
    responses.set(result, response)
  }
  return response as Schema.Schema<Response<A>, unknown>
}

const build = <A, I>(
  method: string,
  params: Either.Either<Readonly<Record<string, unknown>>, ReadonlyArray<Issue>>,
  result: Schema.Schema<A, I>,
  idempotent: boolean
): ImCommand<A> => ({
  [TypeId]: TypeId,
  method,
  params,
  result: erase(result),
  response: responseOf(erase(result)),
  idempotent
})

/**
 * A command for any REST method: `params` are encoded with `paramsSchema` (to their wire form) and the method's
 * `result` is decoded with `result`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <P, PI extends Readonly<Record<string, unknown>>, A, AI>(options: {
  readonly method: string
  readonly paramsSchema: Schema.Schema<P, PI>
  readonly params: P
  readonly result: Schema.Schema<A, AI>
  /** Default `true`. */
  readonly idempotent?: boolean | undefined
}): ImCommand<A> =>
  build(
    options.method,
    Either.mapLeft(Schema.encodeEither(options.paramsSchema)(options.params, { errors: "all" }), (error) =>
      issuesOf(error, options.params, maskPatterns)
    ),
    options.result,
    options.idempotent ?? true
  )

/**
 * Reads a dialog id; a value that is none makes the command refuse to go out.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseDialogId = (input: DialogIdInput): Either.Either<DialogId.DialogId, ReadonlyArray<Issue>> => {
  const parsed = typeof input === "object" ? input : DialogId.parse(input)
  return parsed === undefined
    ? Either.left([
        {
          path: "DIALOG_ID",
          message: "Expected a dialog id: a user id, chatN or sgN",
          actual: JSON.stringify(input).slice(0, 60)
        }
      ])
    : Either.right(parsed)
}

/** What {@link make} takes besides the parameters. */
interface Spec<P, PI, A, AI> {
  readonly method: string
  readonly paramsSchema: Schema.Schema<P, PI>
  readonly result: Schema.Schema<A, AI>
  readonly idempotent?: boolean | undefined
}

/** A command on a dialog: the parameters once its id is read, or the refusal when it is none. */
const onDialog = <P, PI extends Readonly<Record<string, unknown>>, A, AI>(
  dialogId: DialogIdInput,
  spec: Spec<P, PI, A, AI>,
  params: (id: DialogId.DialogId) => P
): ImCommand<A> =>
  Either.match(parseDialogId(dialogId), {
    onLeft: (issues) => build(spec.method, Either.left(issues), spec.result, spec.idempotent ?? true),
    onRight: (id) => make({ ...spec, params: params(id) })
  })

const flag = { result: Schema.Boolean } as const

/**
 * `im.message.*`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const message = {
  /**
   * `im.message.add`: sends `text` to a dialog (a user id, `chatN`, `sgN`); the new message's id. Not idempotent.
   */
  add: (
    dialogId: DialogIdInput,
    text: string,
    options?: Omit<MessageAdd.Params, "DIALOG_ID" | "MESSAGE">
  ): ImCommand<number> =>
    onDialog(
      dialogId,
      { method: MessageAdd.method, paramsSchema: MessageAdd.Params, result: Schema.Int, idempotent: false },
      (DIALOG_ID) => ({ ...options, DIALOG_ID, MESSAGE: text })
    ),
  /**
   * `im.message.update`: changes a message the caller sent within the last 3 days (`MESSAGE: ""` deletes it);
   * fails with `MethodError` `CANT_EDIT_MESSAGE` otherwise.
   */
  update: (messageId: number, changes: Omit<MessageUpdate.Params, "MESSAGE_ID">): ImCommand<boolean> =>
    make({
      method: MessageUpdate.method,
      paramsSchema: MessageUpdate.Params,
      params: { ...changes, MESSAGE_ID: messageId },
      ...flag
    }),
  /**
   * `im.message.delete`: deletes a message the caller sent (its text becomes the portal's "deleted" label). Not
   * idempotent: deleting it again fails with `CANT_EDIT_MESSAGE`.
   */
  delete: (messageId: number): ImCommand<boolean> =>
    make({
      method: MessageDelete.method,
      paramsSchema: MessageDelete.Params,
      params: { MESSAGE_ID: messageId },
      ...flag,
      idempotent: false
    })
}

/**
 * `im.chat.*`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const chat = {
  /** `im.chat.add`: creates a chat owned by the caller; its id. Not idempotent. */
  add: (params: ChatAdd.Params): ImCommand<number> =>
    make({ method: ChatAdd.method, paramsSchema: ChatAdd.Params, params, result: Schema.Int, idempotent: false }),
  /** `im.chat.leave`: the caller leaves the chat. Not idempotent: leaving again fails with `WRONG_REQUEST`. */
  leave: (chatId: number): ImCommand<boolean> =>
    make({
      method: ChatLeave.method,
      paramsSchema: ChatLeave.Params,
      params: { CHAT_ID: chatId },
      ...flag,
      idempotent: false
    }),
  /** `im.chat.mute`: mutes (default) or unmutes a dialog or chat for the caller. */
  mute: (dialogId: DialogIdInput, muted = true): ImCommand<boolean> =>
    onDialog(dialogId, { method: ChatMute.method, paramsSchema: ChatMute.Params, ...flag }, (DIALOG_ID) => ({
      DIALOG_ID,
      ACTION: muted
    }))
}

/**
 * `im.dialog.*`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const dialog = {
  /** `im.dialog.get`: the chat behind a dialog. */
  get: (dialogId: DialogIdInput): ImCommand<DialogGet.Dialog> =>
    onDialog(
      dialogId,
      { method: DialogGet.method, paramsSchema: DialogGet.Params, result: DialogGet.Dialog },
      (DIALOG_ID) => ({ DIALOG_ID })
    ),
  /** `im.dialog.unread`: `messageId` and every later message of the dialog count as unread again. */
  unread: (dialogId: DialogIdInput, messageId: number): ImCommand<boolean> =>
    onDialog(dialogId, { method: DialogUnread.method, paramsSchema: DialogUnread.Params, ...flag }, (DIALOG_ID) => ({
      DIALOG_ID,
      MESSAGE_ID: messageId
    })),
  /** `im.dialog.read.all`: reads every dialog and chat (not the notifications) and clears every "unread" mark. */
  readAll: (): ImCommand<boolean> =>
    make({ method: DialogReadAll.method, paramsSchema: DialogReadAll.Params, params: {}, ...flag })
}

/**
 * `im.counters.get`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const counters = {
  /** `im.counters.get`: the caller's unread counters (muted chats under `CHAT_MUTED`). */
  get: (): ImCommand<CountersGet.Counters> => build(CountersGet.method, Either.right({}), CountersGet.Counters, true)
}

/**
 * `im.recent.pin`, `im.recent.unread`, `im.recent.hide` (the list itself is `ImRecent`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const recent = {
  /** `im.recent.pin`: pins (default) or unpins a dialog. */
  pin: (dialogId: DialogIdInput, pinned = true): ImCommand<boolean> =>
    onDialog(dialogId, { method: RecentPin.method, paramsSchema: RecentPin.Params, ...flag }, (DIALOG_ID) => ({
      DIALOG_ID,
      PIN: pinned
    })),
  /** `im.recent.unread`: sets (default) or clears the manual "unread" mark; clearing also reads the dialog. */
  unread: (dialogId: DialogIdInput, unread = true): ImCommand<boolean> =>
    onDialog(dialogId, { method: RecentUnread.method, paramsSchema: RecentUnread.Params, ...flag }, (DIALOG_ID) => ({
      DIALOG_ID,
      ACTION: unread
    })),
  /** `im.recent.hide`: removes a dialog from the recent list. */
  hide: (dialogId: DialogIdInput): ImCommand<boolean> =>
    onDialog(dialogId, { method: RecentHide.method, paramsSchema: RecentHide.Params, ...flag }, (DIALOG_ID) => ({
      DIALOG_ID
    }))
}

/**
 * The parameters of a command, or `InvalidParams` naming what is wrong with them.
 *
 * @since 0.1.0
 * @category utils
 */
export const paramsOf = <A>(
  command: ImCommand<A>,
  requestId: string = makeRequestId()
): Effect.Effect<Readonly<Record<string, unknown>>, InvalidParams> =>
  Either.match(command.params, {
    onLeft: (issues) => Effect.fail(new InvalidParams({ method: command.method, requestId, issues })),
    onRight: Effect.succeed
  })

/**
 * Sends one command on the `Bitrix24` transport in context (with its rate limit, retries and token renewal) and
 * decodes its `result`.
 *
 * @since 0.1.0
 * @category running
 */
export const run: <A>(command: ImCommand<A>) => Effect.Effect<A, Bitrix24Error, Bitrix24> = Effect.fn("ImCommand.run")(
  function* <A>(command: ImCommand<A>) {
    const bitrix = yield* Bitrix24
    const params = yield* paramsOf(command)
    const response = yield* bitrix.call(command.method, params, command.response, { idempotent: command.idempotent })
    return response.result
  }
)
