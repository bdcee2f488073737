/**
 * The portal language's texts of the service messages and errors the write methods produce. Sources:
 * `im/lang/{ru,en}/classes/general/im_chat.php` (`IM_CHAT_JOIN_*`, `IM_ERROR_LEAVE_OWNER_FORBIDDEN`) and
 * `im/lang/{ru,en}/lib/V2/Chat.php` (`IM_CHAT_LEAVE_*_MSGVER_1`, `IM_CHAT_KICK_*_MSGVER_1`), as public copies of a
 * 2025 build show them. The greeting of a new chat (`IM_CHAT_CREATE_*`) was not found in any copy: its wording here
 * is an approximation.
 *
 * @internal
 */

/**
 * The phrases of one language; `gender` is the acting user's (`F`, else the masculine form).
 *
 * @internal
 */
export interface Phrases {
  /** `[USER=id][/USER]` left the chat. */
  readonly left: (gender: string, userId: number) => string
  /** `[USER=a][/USER]` removed `[USER=b][/USER]` from the chat. */
  readonly removed: (gender: string, byId: number, userId: number) => string
  /** `names` invited to the chat by `by`. */
  readonly invited: (gender: string, by: string, names: string) => string
  /** The greeting of a new chat (approximated wording). */
  readonly created: (gender: string, userId: number) => string
  /** `Chat with <names>`: the title of a chat created without one (approximated wording). */
  readonly chatWith: (names: string) => string
  /** The error when the owner may not leave. */
  readonly ownerCannotLeave: string
}

const female = (gender: string): boolean => gender === "F"

/**
 * @internal
 */
export const phrases: { readonly ru: Phrases; readonly en: Phrases } = {
  ru: {
    left: (gender, userId) => `[USER=${userId}][/USER] ${female(gender) ? "вышла" : "вышел"} из чата`,
    removed: (gender, byId, userId) =>
      `[USER=${byId}][/USER] ${female(gender) ? "исключила" : "исключил"} [USER=${userId}][/USER] из чата`,
    invited: (gender, by, names) => `${by} ${female(gender) ? "пригласила" : "пригласил"} в чат ${names}`,
    created: (gender, userId) => `[USER=${userId}][/USER] ${female(gender) ? "создала" : "создал"} чат`,
    chatWith: (names) => `Чат с ${names}`,
    ownerCannotLeave: "Невозможно исключить владельца этого чата"
  },
  en: {
    left: (_, userId) => `[USER=${userId}][/USER] left the chat.`,
    removed: (_, byId, userId) => `[USER=${byId}][/USER] removed [USER=${userId}][/USER] from the chat.`,
    invited: (_, by, names) => `${by} invited ${names} to chat.`,
    created: (_, userId) => `[USER=${userId}][/USER] created the chat.`,
    chatWith: (names) => `Chat with ${names}`,
    ownerCannotLeave: "Cannot dismiss chat owner."
  }
}
