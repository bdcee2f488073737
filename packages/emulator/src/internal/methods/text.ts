/**
 * The plain-text preview of a message (`Bitrix\Im\Text::removeBbCodes`, im 25.x–26.x), which `im.recent.get` and, by
 * default, `im.recent.list` put in `message.text`.
 *
 * PCRE details are kept where they change the output: `.` without the `s` flag stops only at `\n`, replacements run
 * once, left to right, in the server's order, and `trim` strips only PHP's six characters. Not emulated:
 * `[TIMESTAMP=… FORMAT=…]` (needs Bitrix's date formats; left as it is) and the recursive bracket matching of
 * `[url=…]` beyond one level of nested brackets.
 *
 * @internal
 */
import { PhpValue } from "@im-recent/domain"

/**
 * The portal language's labels (`im/lang/{ru,en}/lib/text.php`).
 *
 * @internal
 */
export interface Labels {
  readonly attach: string
  readonly file: string
  readonly quote: string
  readonly rating: string
  readonly deleted: string
  readonly icon: string
}

/**
 * @internal
 */
export const labels: { readonly ru: Labels; readonly en: Labels } = {
  ru: {
    attach: "Вложение",
    file: "Файл",
    quote: "Цитата",
    rating: "Рейтинг",
    deleted: "Это сообщение было удалено.",
    icon: "иконка"
  },
  en: {
    attach: "Attachment",
    file: "File",
    quote: "Quote",
    rating: "Rating",
    deleted: "This message has been deleted.",
    icon: "icon"
  }
}

const S = /\[s\]([^\n]*?)\[\/s\]/gi
const BUIS = /\[[buis]\]([^\n]*?)\[\/[buis]\]/gi
const URL = /\[url\]([^\n]*?)\[\/url\]/gi
const URL_WITH_TARGET = /\[url\s*=\s*((?:[^[\]]|\[[^[\]]*\])+)\s*\]([\s\S]*?)\[\/url\]/gi
const RATING = /\[RATING=([1-5])\]/gi
const ATTACH = /\[ATTACH=([0-9]+)\]/gi
const SHORT_USER = /\[USER=([0-9]+)\]\[\/USER\]/gi
const USER = /\[USER=([0-9]+)( REPLACE)?\]([^\n]*?)\[\/USER\]/gi
const DIALOG = /\[dialog=(chat\d+|\d+:\d)(?: message=(\d+))?\]([^\n]*?)\[\/dialog\]/gi
const CONTEXT = /\[context=(chat\d+|\d+:\d+)\/(\d+)\]([^\n]*?)\[\/context\]/gi
const CHAT = /\[CHAT=([0-9]+)\]([^\n]*?)\[\/CHAT\]/gi
const SEND = /\[SEND(?:=([^\n]+?))?\]([^\n]+?)?\[\/SEND\]/gi
const PUT = /\[PUT(?:=([^\n]+?))?\]([^\n]+?)?\[\/PUT\]/gi
const CALL = /\[CALL(?:=([^\n]+?))?\]([^\n]+?)?\[\/CALL\]/gi
const PCH = /\[PCH=([0-9]+)\]([^\n]*?)\[\/PCH\]/gi
const SIZE = /\[size=(\d+)\]([^\n]*?)\[\/size\]/gi
const COLOR = /\[color=#([0-9a-f]{3}|[0-9a-f]{6})\]([^\n]*?)\[\/color\]/gi
const ICON = /\[ICON=([^\]]*)\]/gi
const ICON_TITLE = /title=([^\n]*[^\s\]])/i
const QUOTE = /-{54}[\s\S]+?-{54}/g
const NUMERIC = /^\d+$/

const group = (_: string, __: string | undefined, second: string | undefined): string => second ?? ""
const third = (_: string, __: string, ___: string | undefined, value: string | undefined): string => value ?? ""

/** `Text::modifyIcon`: `[ICON=… title=Name …]` becomes `(Name)`. */
const icon =
  (label: string) =>
  (_: string, inner: string): string => {
    const match = ICON_TITLE.exec(inner)
    let title = label
    if (match !== null) {
      title = match[1]
      for (const cut of ["width=", "height=", "size="]) {
        const at = title.indexOf(cut)
        if (at !== -1) title = title.slice(0, at)
      }
      title = PhpValue.trim(title)
    }
    return `(${title})`
  }

/**
 * What the message's `ATTACH` parameter contributes: `true` (an attach id or a rich link) adds ` [Attachment]`, a
 * string (the description of a "first message" attach) adds itself.
 *
 * @internal
 */
export type AttachValue = boolean | string

/**
 * `Text::removeBbCodes($text, $withFile, $attach)` after the caller's `str_replace("\n", " ", $text)`.
 * `userName` resolves `[USER=n][/USER]` (empty tags get the user's full name, `""` for an unknown user).
 *
 * @internal
 */
export const removeBbCodes = (
  raw: string,
  withFile: boolean,
  attach: AttachValue,
  language: Labels,
  userName: (userId: number) => string
): string => {
  let text = raw.replaceAll("\n", " ")
  if (attach !== false && attach !== "" && attach !== "0") {
    text += attach === true || NUMERIC.test(attach) ? ` [${language.attach}]` : ` ${attach}`
  }
  text = text
    .replace(S, "")
    .replace(BUIS, "$1")
    .replace(URL, "$1")
    .replace(URL_WITH_TARGET, "$2")
    .replace(RATING, ` [${language.rating}] `)
    .replace(ATTACH, ` [${language.attach}] `)
    .replace(SHORT_USER, (_, id: string) => `[USER=${id} REPLACE]${userName(Number(id))}[/USER]`)
    .replace(USER, third)
    .replace(DIALOG, third)
    .replace(CONTEXT, third)
    .replace(CHAT, group)
    .replace(SEND, group)
    .replace(PUT, group)
    .replace(CALL, group)
    .replace(PCH, group)
    .replace(SIZE, group)
    .replace(COLOR, group)
    .replace(ICON, icon(language.icon))
    .replaceAll("#BR#", " ")
    .replace(QUOTE, ` [${language.quote}] `)
  text = PhpValue.trim(text)
  if (withFile) text += ` [${language.file}]`
  text = PhpValue.trim(text)
  return text === "" ? language.deleted : text
}

/**
 * `GET_ORIGINAL_TEXT=Y` of `im.recent.list`: the raw text, only empty `[USER=n][/USER]` (or `[USER=all]`) tags get a
 * name.
 *
 * @internal
 */
export const originalText = (raw: string, userName: (userId: number) => string): string =>
  raw.replace(
    /\[USER=([0-9]+|all)\]\[\/USER\]/gi,
    (_, id: string) => `[USER=${id} REPLACE]${/^\d+$/.test(id) ? userName(Number(id)) : ""}[/USER]`
  )
