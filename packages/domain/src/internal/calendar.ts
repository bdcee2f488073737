/**
 * Calendar arithmetic in a time zone without an `Intl` call per value, on the hourly offsets of `ZoneOffset`. Where
 * they cannot vouch for the answer (a transition nearby, an offset that is not a whole number of minutes, a date
 * outside 1900–2199) the computation is left to `effect/DateTime`, whose result this always equals.
 */
import * as DateTime from "effect/DateTime"
import * as ZoneOffset from "../ZoneOffset.js"

const MINUTE = 60_000
const DAY = 86_400_000
const MIN_MILLIS = Date.UTC(1900, 0, 1)
const MAX_MILLIS = Date.UTC(2200, 0, 1)

/**
 * The zone's offset over `[from, to]` (UTC epoch milliseconds) when it is the same whole number of minutes throughout;
 * `undefined` otherwise (or when the cache cannot tell).
 */
const uniformOffset = (zone: DateTime.TimeZone.Named, from: number, to: number): number | undefined => {
  if (!(from >= MIN_MILLIS && to <= MAX_MILLIS)) return undefined
  const offset = ZoneOffset.uniformOffset(zone, from, to)
  return offset !== undefined && offset % MINUTE === 0 ? offset : undefined
}

/**
 * `now` moved back by `days` calendar days in its zone, as PHP's `add('-N days')`: exactly
 * `DateTime.mutate(now, (date) => date.setUTCDate(date.getUTCDate() - days), { disambiguation: "later" })`.
 *
 * That computation asks `Intl` for the offset three times (and more near a transition); here an offset zone needs no
 * lookup, and a named zone's offsets come from the hourly cache when no transition is within a day of the result.
 */
export const daysBefore = (now: DateTime.Zoned, days: number): DateTime.Zoned => {
  const zone = now.zone
  if (zone._tag === "Offset") return DateTime.unsafeMakeZoned(now.epochMillis - days * DAY, { timeZone: zone })
  const nowOffset = uniformOffset(zone, now.epochMillis, now.epochMillis)
  if (nowOffset !== undefined) {
    const wallClock = now.epochMillis + nowOffset - days * DAY
    // `makeZonedFromAdjusted` reads the offsets a day before and a day after the wall clock
    const offset = uniformOffset(zone, wallClock - DAY, wallClock + DAY)
    if (offset !== undefined) return DateTime.unsafeMakeZoned(wallClock - offset, { timeZone: zone })
  }
  return DateTime.mutate(now, (date) => date.setUTCDate(date.getUTCDate() - days), { disambiguation: "later" })
}
