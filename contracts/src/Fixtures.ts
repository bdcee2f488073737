/**
 * The documented responses and errors, verbatim from the official Bitrix24 REST docs. Where each
 * one comes from (repository, path, commit) is in `contracts/fixtures/PROVENANCE.md`.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"

/**
 * The documentation language: the Russian original or the English translation.
 *
 * @since 0.1.0
 * @category models
 */
export type Language = "ru" | "en"

/**
 * Where the fixture files are.
 *
 * @since 0.1.0
 * @category constants
 */
export const directory: URL = new URL("../fixtures/", import.meta.url)

const cache = new Map<string, unknown>()

/**
 * One fixture file, parsed (cached; treat the value as read-only).
 *
 * @since 0.1.0
 * @category fixtures
 */
export const read = (name: string): unknown => {
  let value = cache.get(name)
  if (value === undefined) {
    value = JSON.parse(readFileSync(new URL(name, directory), "utf8"))
    cache.set(name, value)
  }
  return value
}

/**
 * A fresh copy of a fixture, safe to change.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const copy = <A = unknown>(name: string): A => structuredClone(read(name)) as A

/**
 * The documented `im.recent.get` response body.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const recentGet = (language: Language): unknown => read(`im.recent.get.${language}.json`)

/**
 * The documented `im.recent.get` request body (`api-reference/chats/im-recent-get.md`).
 *
 * @since 0.1.0
 * @category fixtures
 */
export const recentGetRequest: Readonly<Record<string, unknown>> = {
  SKIP_OPENLINES: "Y",
  LAST_UPDATE: "2026-02-25T18:30:00+01:00"
}

/**
 * The documented `im.recent.list` response body.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const recentList = (language: Language): unknown => read(`im.recent.list.${language}.json`)

/**
 * The documented answer of `im.recent.pin`, `im.recent.unread` or `im.recent.hide`.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const recentAction = (action: "pin" | "unread" | "hide", language: Language): unknown =>
  read(`im.recent.${action}.${language}.json`)

/**
 * The documented 401 `INVALID_CREDENTIALS` body of the chat methods.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const invalidCredentials = (language: Language): unknown => read(`im.recent.get.error-401.${language}.json`)

/**
 * A row of the documented system-errors table (transcribed).
 *
 * @since 0.1.0
 * @category models
 */
export interface SystemError {
  readonly http_status: number
  readonly error: string
  readonly error_description_text: string
}

/**
 * The documented system errors.
 *
 * @since 0.1.0
 * @category fixtures
 */
export const systemErrors = (): ReadonlyArray<SystemError> =>
  (read("system-errors.table.json") as { readonly errors: ReadonlyArray<SystemError> }).errors
