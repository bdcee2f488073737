/**
 * What a method's handler silently ignores or silently changes in a call, as notes for the emulator's warning line
 * (the server answers as if nothing were wrong; the emulator answers the same and says why on stderr).
 *
 * Per method, from its `CIMRestService` handler in `im/classes/general/im_rest.php`: the parameter names it reads
 * (after `array_change_key_case(CASE_UPPER)`, except `counterGet`, which reads `ONLY_COUNTER` and `JSON` as sent),
 * its Y/N flags (on only when exactly `"Y"`), and its date parameters (ignored when `Bitrix\Main\Type\DateTime`
 * cannot parse them). Methods without an entry get no notes. Notes name parameters and show the values of flags and
 * dates only, never other values (a misplaced secret stays out of the log).
 *
 * @internal
 */
import { AtomDateTime, BitrixDate, PhpValue as Php, RecentList } from "@im-recent/domain"
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import type { PortalState } from "../../PortalState.js"
import * as RecentRead from "../../RecentRead.js"
import * as Indexes from "../state/indexes.js"

interface Reads {
  /** The names the handler reads, upper-case unless `caseSensitive`. */
  readonly names: ReadonlyArray<string>
  readonly caseSensitive?: boolean
  /** Y/N flags among them. */
  readonly flags?: ReadonlyArray<string>
  /** Whether the REST `start` parameter (its second argument) is read. */
  readonly start?: boolean
  readonly check?: (params: ReadonlyMap<string, unknown>, context: Context) => ReadonlyArray<string>
}

interface Context {
  readonly raw: Readonly<Record<string, unknown>>
  readonly state: PortalState
  readonly now: DateTime.DateTime
}

/** A value as a note shows it: JSON, cut at 40 characters. */
const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/**
 * A date `Bitrix\Main\Type\DateTime` accepted but read differently from its strict ATOM meaning (a `Z`, fractional
 * seconds or a named zone dropped, the time read in the portal's zone; out-of-range fields rolled over).
 */
const lenientRead = (parameter: string, text: string, read: DateTime.Zoned): string | undefined => {
  const strict = AtomDateTime.parse(text)
  if (Option.isSome(strict) && strict.value.epochMillis === read.epochMillis) return undefined
  return `${parameter}=${shown(text)} was read as ${AtomDateTime.format(read)}: the server reads Y-m-d\\TH:i:sP and drops a Z, fractional seconds or a zone name (the time is then read in the portal's zone)`
}

/** `recentGet`: the sync date, `LAST_UPDATE` over `LAST_SYNC_DATE`, the 7-day clamp, `ONLY_OPENLINES` over the rest. */
const recentGetChecks = (upper: ReadonlyMap<string, unknown>, context: Context): ReadonlyArray<string> => {
  const notes: Array<string> = []
  const query = RecentRead.query(context.state, context.now, context.raw)
  if (Php.isSet(upper.get("LAST_UPDATE")) && Php.isSet(upper.get("LAST_SYNC_DATE"))) {
    notes.push("LAST_SYNC_DATE was ignored: LAST_UPDATE (its deprecated alias) replaces it")
  }
  const syncDate = query.syncDate
  if (syncDate._tag === "Ignored") {
    notes.push(
      syncDate.reason === "falsy"
        ? `${syncDate.parameter}=${shown(syncDate.value)} was ignored (empty in PHP); the default 30-day window applies`
        : `${syncDate.parameter}=${shown(syncDate.value)} was ignored: not a date the server parses (ATOM with a numeric offset, e.g. 2026-02-25T18:30:00+01:00); the default 30-day window applies`
    )
  }
  if (syncDate._tag === "Parsed") {
    const lenient = lenientRead(syncDate.parameter, syncDate.value, syncDate.date)
    if (lenient !== undefined) notes.push(lenient)
  }
  if (query.onlyOpenLines) {
    const overridden = ["SKIP_OPENLINES", "SKIP_CHAT", "SKIP_DIALOG"].filter((name) => upper.get(name) === "Y")
    if (syncDate._tag === "Parsed") overridden.push(syncDate.parameter)
    if (overridden.length > 0) notes.push(`${overridden.join(", ")} ignored: ONLY_OPENLINES=Y overrides them`)
  } else if (query.window._tag === "Sync" && query.window.clamped) {
    const since = AtomDateTime.format(query.window.since)
    notes.push(
      `${syncDate._tag === "Parsed" ? syncDate.parameter : "LAST_SYNC_DATE"} is older than 7 days: read as ${since}`
    )
  }
  return notes
}

/** `recentList`: the cursor dates, and what `getLimit` / `getOffset` make of `LIMIT`, `OFFSET` and `start`. */
const recentListChecks = (upper: ReadonlyMap<string, unknown>, context: Context): ReadonlyArray<string> => {
  const notes: Array<string> = []
  const zone = Indexes.of(context.state).zone.timeZone
  let cursor = false
  for (const name of ["DATE_LAST_ACTIVITY", "LAST_MESSAGE_DATE"]) {
    const value = upper.get(name)
    if (!Php.isSet(value)) continue
    const text = Php.isTruthy(value) ? Php.toPhpString(value) : undefined
    const parsed = text === undefined ? Option.none() : BitrixDate.parse(text, zone)
    if (Option.isNone(parsed)) {
      notes.push(`${name}=${shown(value)} was ignored: not a date the server parses (ATOM with a numeric offset)`)
    } else {
      cursor = true
      const lenient = lenientRead(name, text ?? "", parsed.value)
      if (lenient !== undefined) notes.push(lenient)
    }
  }
  const start = Php.intval(context.raw.start)
  const offset = Php.intval(upper.get("OFFSET"))
  if (cursor && (start > 0 || offset > 0))
    notes.push("OFFSET and start were ignored: a LAST_MESSAGE_DATE cursor pages by date")
  else if (start > 0 && offset > 0) notes.push("OFFSET was ignored: start wins")
  if (Php.isSet(upper.get("LIMIT"))) {
    const limit = RecentList.pageLimit(upper.get("LIMIT"))
    if (String(limit) !== Php.toPhpString(upper.get("LIMIT"))) {
      notes.push(`LIMIT=${shown(upper.get("LIMIT"))} was read as ${limit}`)
    }
  }
  return notes
}

/** `counterGet`: `JSON` switches only on exactly `"Y"`. */
const countersChecks = (params: ReadonlyMap<string, unknown>): ReadonlyArray<string> => {
  const json = params.get("JSON")
  return Php.isSet(json) && json !== "Y" && json !== "N" && json !== ""
    ? [`JSON=${shown(json)} is off: only exactly "Y" switches it on`]
    : []
}

const recentGetFlags = ["SKIP_OPENLINES", "SKIP_CHAT", "SKIP_DIALOG", "ONLY_OPENLINES"]

const recentListFlags = [
  "SKIP_OPENLINES",
  "SKIP_UNDISTRIBUTED_OPENLINES",
  "ONLY_COPILOT",
  "ONLY_CHANNEL",
  "CAN_MANAGE_MESSAGES",
  "SKIP_CHAT",
  "SKIP_DIALOG",
  "UNREAD_ONLY",
  "GET_ORIGINAL_TEXT",
  "PARSE_TEXT"
]

const table: ReadonlyMap<string, Reads> = new Map<string, Reads>([
  [
    "im.recent.get",
    {
      names: [...recentGetFlags, "LAST_SYNC_DATE", "LAST_UPDATE", "WITH_COUNTERS"],
      flags: recentGetFlags,
      check: recentGetChecks
    }
  ],
  [
    "im.recent.list",
    {
      names: [...recentListFlags, "WITH_COUNTERS", "DATE_LAST_ACTIVITY", "LAST_MESSAGE_DATE", "OFFSET", "LIMIT"],
      flags: recentListFlags,
      start: true,
      check: recentListChecks
    }
  ],
  ["im.recent.pin", { names: ["DIALOG_ID", "ACTION", "PIN"] }],
  ["im.recent.unread", { names: ["DIALOG_ID", "ACTION", "UNREAD"] }],
  ["im.recent.hide", { names: ["DIALOG_ID"] }],
  ["im.dialog.get", { names: ["DIALOG_ID"] }],
  ["im.dialog.read", { names: ["DIALOG_ID", "MESSAGE_ID", "LAST_ID"] }],
  ["im.counters.get", { names: ["ONLY_COUNTER", "JSON"], caseSensitive: true, check: countersChecks }]
])

/** Parameter names the REST layer consumes for every method (`CRestServer::init`'s `state`), and SDK telemetry. */
const transportNames: ReadonlySet<string> = new Set(["state", "bx24_request_id", "bx24_sdk_ver", "bx24_sdk_type"])

/**
 * The notes for one call of `method` (lower-case) with `params` (as the handler receives them).
 *
 * @internal
 */
export const notes = (
  method: string,
  params: Readonly<Record<string, unknown>>,
  state: PortalState,
  now: DateTime.DateTime
): ReadonlyArray<string> => {
  const reads = table.get(method)
  const keys = Object.keys(params)
  if (reads === undefined || keys.length === 0) return []
  const out: Array<string> = []
  const named = new Map<string, unknown>()
  const sentAs = new Map<string, string>()
  const ignored: Array<string> = []
  const known = new Set(reads.names)
  for (const key of keys) {
    if (transportNames.has(key)) continue
    if (key === "start") {
      if (!reads.start) ignored.push(key)
      continue
    }
    const name = reads.caseSensitive ? key : Php.asciiUpper(key)
    if (!known.has(name)) {
      ignored.push(key)
      continue
    }
    const earlier = sentAs.get(name)
    if (earlier !== undefined) out.push(`${earlier} was ignored: ${key} names the same parameter and comes later`)
    sentAs.set(name, key)
    named.set(name, params[key])
  }
  if (ignored.length > 0) {
    const upperOnly =
      reads.caseSensitive && ignored.some((key) => known.has(Php.asciiUpper(key)))
        ? `; it reads ${reads.names.join(" and ")}, in upper case only`
        : ""
    out.push(`ignored ${ignored.join(", ")} (not read by this method${upperOnly})`)
  }
  for (const flag of reads.flags ?? []) {
    const value = named.get(flag)
    if (Php.isSet(value) && value !== "Y" && value !== "N" && value !== "") {
      out.push(`${flag}=${shown(value)} is off: a flag counts only when it is exactly "Y"`)
    }
  }
  if (reads.check !== undefined) out.push(...reads.check(named, { raw: params, state, now }))
  return out
}
