/**
 * Dialog identifiers: a user id for a one-to-one dialog, `chatN` for a chat, `sgN` for a workgroup
 * or project chat.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * A parsed dialog id.
 *
 * @since 0.1.0
 * @category models
 */
export type DialogId = Data.TaggedEnum<{
  User: { readonly userId: number }
  Chat: { readonly chatId: number }
  Group: { readonly groupId: number }
}>

const { Chat, Group, User, $is, $match } = Data.taggedEnum<DialogId>()

/**
 * @since 0.1.0
 * @category constructors
 */
export const user = (userId: number): DialogId => User({ userId })

/**
 * @since 0.1.0
 * @category constructors
 */
export const chat = (chatId: number): DialogId => Chat({ chatId })

/**
 * @since 0.1.0
 * @category constructors
 */
export const group = (groupId: number): DialogId => Group({ groupId })

/**
 * @since 0.1.0
 * @category guards
 */
export const is = $is

/**
 * @since 0.1.0
 * @category pattern matching
 */
export const match = $match

/**
 * The wire form: `"42"`, `"chat1451"` or `"sg17"`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const format = (self: DialogId): string =>
  self._tag === "User" ? `${self.userId}` : self._tag === "Chat" ? `chat${self.chatId}` : `sg${self.groupId}`

const PATTERN = /^(chat|sg)?([1-9]\d*)$/

/**
 * Reads a dialog id from its wire form (a positive user id as number or string, `chatN`, `sgN`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string | number): DialogId | undefined => {
  const match = PATTERN.exec(typeof input === "number" ? `${input}` : input)
  if (match === null) return undefined
  const id = Number(match[2])
  if (!Number.isSafeInteger(id)) return undefined
  return match[1] === "chat" ? chat(id) : match[1] === "sg" ? group(id) : user(id)
}

const DialogIdFromSelf = Schema.declare(
  (u: unknown): u is DialogId => $is("User")(u) || $is("Chat")(u) || $is("Group")(u),
  {
    identifier: "DialogIdFromSelf",
    arbitrary: () => (fc) =>
      fc
        .tuple(
          fc.constantFrom("User" as const, "Chat" as const, "Group" as const),
          fc.integer({ min: 1, max: 2 ** 31 })
        )
        .map(([tag, id]) => (tag === "User" ? user(id) : tag === "Chat" ? chat(id) : group(id)))
  }
)

/**
 * `"42"` / `42` / `"chat1451"` / `"sg17"` <-> {@link DialogId}. Encodes to the string form.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DialogId: Schema.Schema<DialogId, string | number> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number),
  DialogIdFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const parsed = parse(input)
      return parsed === undefined
        ? ParseResult.fail(
            new ParseResult.Type(
              ast,
              input,
              `Expected a dialog id (a user id, chatN or sgN), got ${JSON.stringify(input)}`
            )
          )
        : ParseResult.succeed(parsed)
    },
    encode: (id) => ParseResult.succeed(format(id))
  }
).annotations({ identifier: "DialogId" })
