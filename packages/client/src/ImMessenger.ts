/**
 * The messenger around the recent list: sending, editing and deleting messages, creating, leaving and muting chats,
 * reading and un-reading dialogs, the counters and a dialog's details — each method one `ImCommand` run on the
 * `Bitrix24` transport — and `batch` for up to 50 commands in one request.
 *
 * ```ts
 * import { ImCommand, ImMessenger } from "@im-recent/client"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function* () {
 *   const im = yield* ImMessenger.ImMessenger
 *   const chatId = yield* im.chat.add({ TITLE: "Release", USERS: [2, 3] })
 *   const id = yield* im.message.add(`chat${chatId}`, "Shipping on Friday")
 *   yield* im.message.update(id, { MESSAGE: "Shipping on Monday" })
 *   const { counters, dialog } = yield* im.batch(
 *     { counters: ImCommand.counters.get(), dialog: ImCommand.dialog.get(`chat${chatId}`) },
 *     { halt: true }
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 */
import type { ChatAdd, CountersGet, DialogGet, MessageAdd, MessageUpdate } from "@im-recent/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Bitrix24 } from "./Bitrix24.js"
import type { Bitrix24Error } from "./Bitrix24Error.js"
import * as ImBatch from "./ImBatch.js"
import * as ImCommand from "./ImCommand.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Runs one command. */
  readonly run: <A>(command: ImCommand.ImCommand<A>) => Effect.Effect<A, Bitrix24Error>
  /** Runs up to 50 commands in one request (see `ImBatch.run`). */
  readonly batch: {
    <const C extends ImBatch.Commands>(
      commands: C,
      options: ImBatch.Options & { readonly halt: true }
    ): Effect.Effect<ImBatch.Results<C>, Bitrix24Error>
    <const C extends ImBatch.Commands>(
      commands: C,
      options?: ImBatch.Options & { readonly halt?: false | undefined }
    ): Effect.Effect<ImBatch.Outcomes<C>, Bitrix24Error>
  }
  readonly message: {
    /** `im.message.add`: sends `text`; the new message's id. */
    readonly add: (
      dialogId: ImCommand.DialogIdInput,
      text: string,
      options?: Omit<MessageAdd.Params, "DIALOG_ID" | "MESSAGE">
    ) => Effect.Effect<number, Bitrix24Error>
    /** `im.message.update`: the author changes a message within 3 days (`MESSAGE: ""` deletes it). */
    readonly update: (
      messageId: number,
      changes: Omit<MessageUpdate.Params, "MESSAGE_ID">
    ) => Effect.Effect<boolean, Bitrix24Error>
    /** `im.message.delete`: the author deletes a message. */
    readonly delete: (messageId: number) => Effect.Effect<boolean, Bitrix24Error>
  }
  readonly chat: {
    /** `im.chat.add`: a new chat owned by the caller; its id. */
    readonly add: (params: ChatAdd.Params) => Effect.Effect<number, Bitrix24Error>
    /** `im.chat.leave`: the caller leaves the chat. */
    readonly leave: (chatId: number) => Effect.Effect<boolean, Bitrix24Error>
    /** `im.chat.mute`: mutes (default) or unmutes a dialog or chat. */
    readonly mute: (dialogId: ImCommand.DialogIdInput, muted?: boolean) => Effect.Effect<boolean, Bitrix24Error>
  }
  readonly dialog: {
    /** `im.dialog.get`: the chat behind a dialog. */
    readonly get: (dialogId: ImCommand.DialogIdInput) => Effect.Effect<DialogGet.Dialog, Bitrix24Error>
    /** `im.dialog.unread`: `messageId` and every later message count as unread again. */
    readonly unread: (dialogId: ImCommand.DialogIdInput, messageId: number) => Effect.Effect<boolean, Bitrix24Error>
    /** `im.dialog.read.all`: reads everything but the notifications. */
    readonly readAll: () => Effect.Effect<boolean, Bitrix24Error>
  }
  readonly counters: {
    /** `im.counters.get`: the unread counters. */
    readonly get: () => Effect.Effect<CountersGet.Counters, Bitrix24Error>
  }
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ImMessenger extends Context.Tag("@im-recent/client/ImMessenger")<ImMessenger, Service>() {}

/**
 * Builds the service on the `Bitrix24` transport in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Bitrix24> = Effect.gen(function* () {
  const bitrix = yield* Bitrix24
  const run = <A>(command: ImCommand.ImCommand<A>): Effect.Effect<A, Bitrix24Error> =>
    Effect.provideService(ImCommand.run(command), Bitrix24, bitrix)
  const batch = ((commands: ImBatch.Commands, options?: ImBatch.Options) =>
    Effect.provideService(
      ImBatch.run(commands, options as ImBatch.Options & { readonly halt?: false }),
      Bitrix24,
      bitrix
    )) as Service["batch"]
  return ImMessenger.of({
    run,
    batch,
    message: {
      add: Effect.fn("ImMessenger.message.add")((dialogId, text, options) =>
        run(ImCommand.message.add(dialogId, text, options))
      ),
      update: Effect.fn("ImMessenger.message.update")((messageId, changes) =>
        run(ImCommand.message.update(messageId, changes))
      ),
      delete: Effect.fn("ImMessenger.message.delete")((messageId) => run(ImCommand.message.delete(messageId)))
    },
    chat: {
      add: Effect.fn("ImMessenger.chat.add")((params) => run(ImCommand.chat.add(params))),
      leave: Effect.fn("ImMessenger.chat.leave")((chatId) => run(ImCommand.chat.leave(chatId))),
      mute: Effect.fn("ImMessenger.chat.mute")((dialogId, muted) => run(ImCommand.chat.mute(dialogId, muted)))
    },
    dialog: {
      get: Effect.fn("ImMessenger.dialog.get")((dialogId) => run(ImCommand.dialog.get(dialogId))),
      unread: Effect.fn("ImMessenger.dialog.unread")((dialogId, messageId) =>
        run(ImCommand.dialog.unread(dialogId, messageId))
      ),
      readAll: Effect.fn("ImMessenger.dialog.readAll")(() => run(ImCommand.dialog.readAll()))
    },
    counters: {
      get: Effect.fn("ImMessenger.counters.get")(() => run(ImCommand.counters.get()))
    }
  })
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ImMessenger, never, Bitrix24> = Layer.effect(ImMessenger, make)
