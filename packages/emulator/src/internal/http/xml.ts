/**
 * The XML transport (`…/method.xml`), as `CRestServer::outputXml` writes it: the answer wrapped in `<response>`, each
 * key an element, integer keys (list items, and numeric record keys, which PHP stores as integers) as `<item>`, scalars
 * as PHP prints them (`true` → `1`, `false` and `null` → empty, floats with 14 significant digits) and escaped by
 * `CDataXML::xmlspecialchars`; no XML declaration.
 *
 * @internal
 */

import { PhpValue as Php } from "@im-recent/domain"

const escapes: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;"
}

/** `CDataXML::xmlspecialchars`. */
const xmlSpecialChars = (text: string): string => text.replace(/[&<>"']/g, (char) => escapes[char])

/** Whether PHP stores an array key as an integer: a canonical decimal integer within 64 bits. */
const integerKey = (key: string): boolean => /^(?:0|-?[1-9][0-9]*)$/.test(key) && Number.isSafeInteger(Number(key))

/** A scalar as PHP prints it. */
const scalar = (value: unknown): string => {
  if (value === null || value === undefined || value === false) return ""
  if (value === true) return "1"
  if (typeof value === "number") return Php.toPhpString(value)
  return String(value)
}

const elements = (value: object): string => {
  let out = ""
  for (const [key, child] of Object.entries(value)) {
    const tag = Array.isArray(value) || integerKey(key) ? "item" : key
    out += `<${tag}>${child !== null && typeof child === "object" ? elements(child) : xmlSpecialChars(scalar(child))}</${tag}>`
  }
  return out
}

/**
 * The body of an XML answer: `<response>…</response>`.
 *
 * @internal
 */
export const encode = (body: unknown): string => elements({ response: body })
