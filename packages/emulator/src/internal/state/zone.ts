/**
 * Dates in the portal's time zone without an `Intl` call per value: PHP's `date('c')` is the UTC instant shifted by
 * the zone's offset at that instant; the offsets come from the domain's `ZoneOffset` (cached per hour), and the
 * formatted text of each second is cached here, as a portal repeats the same few thousand timestamps in every answer.
 *
 * @internal
 */
import { AtomDateTime, ZoneOffset } from "@im-recent/domain"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"

const FORMAT_CACHE_SIZE = 100_000

/**
 * A time zone with cached offsets.
 *
 * @internal
 */
export interface Zone {
  readonly name: string
  readonly timeZone: DateTime.TimeZone
  /** The zone's UTC offset (ms) at an instant. */
  readonly offsetAt: (epochMillis: number) => number
  /** `date('c')`: ATOM, whole seconds, the zone's numeric offset at that instant. */
  readonly format: (epochMillis: number) => string
  /** The instant as a `DateTime.Zoned` carrying the zone's fixed offset at that instant (what ATOM decoding yields). */
  readonly zoned: (epochMillis: number) => DateTime.Zoned
}

const makeZone = (name: string): Zone => {
  const timeZone = Option.getOrElse(DateTime.zoneFromString(name), () => {
    throw new Error(`The portal's time zone ${JSON.stringify(name)} is neither an IANA zone nor an offset`)
  })
  const offsetAt = (epochMillis: number): number => ZoneOffset.offsetAt(timeZone, epochMillis)
  let formatted = new Map<number, string>()
  const format = (epochMillis: number): string => {
    const second = Math.floor(epochMillis / 1000)
    let text = formatted.get(second)
    if (text === undefined) {
      if (formatted.size >= FORMAT_CACHE_SIZE) formatted = new Map()
      text = AtomDateTime.formatEpoch(second * 1000, offsetAt(second * 1000))
      formatted.set(second, text)
    }
    return text
  }
  return { name, timeZone, offsetAt, format, zoned: (epochMillis) => ZoneOffset.fixedAt(timeZone, epochMillis) }
}

const zones = new Map<string, Zone>()

/**
 * The cached zone for a name (`Europe/Moscow`, `+03:00`, `UTC`); throws for an unknown zone.
 *
 * @internal
 */
export const get = (name: string): Zone => {
  let zone = zones.get(name)
  if (zone === undefined) {
    zone = makeZone(name)
    zones.set(name, zone)
  }
  return zone
}

/**
 * Whole seconds, as the database stores `DATETIME` columns.
 *
 * @internal
 */
export const truncateToSecond = (epochMillis: number): number => Math.floor(epochMillis / 1000) * 1000
