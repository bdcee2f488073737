/**
 * A time zone's UTC offset at an instant without an `Intl` call per value. A named zone's offset only changes at its
 * transitions, so the offset of each UTC hour is looked up once (at both ends of the hour) and cached; an hour with a
 * transition inside it is looked up per value. The answers are always `effect/DateTime`'s own.
 *
 * The server writes every date in its zone (PHP's `date('c')`: the instant shifted by the zone's offset at that
 * instant) and counts days in it (`add('-7 days')`), so both the emulator's output and the domain's date windows ask
 * for offsets thousands of times per response.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"

const HOUR = 3_600_000
/** Per zone, the cache starts over once it holds this many hours (about 23 years). */
const MAX_CACHED_HOURS = 200_000

/** Per zone id and UTC hour: the offset when it holds for the whole hour, `NaN` when it changes inside it. */
const hourOffsets = new Map<string, Map<number, number>>()

const exactOffset = (zone: DateTime.TimeZone.Named, epochMillis: number): number =>
  DateTime.zonedOffset(DateTime.unsafeMakeZoned(epochMillis, { timeZone: zone }))

const offsetOfHour = (zone: DateTime.TimeZone.Named, hour: number): number => {
  let hours = hourOffsets.get(zone.id)
  if (hours === undefined || hours.size >= MAX_CACHED_HOURS) {
    hours = new Map()
    hourOffsets.set(zone.id, hours)
  }
  let offset = hours.get(hour)
  if (offset === undefined) {
    const start = exactOffset(zone, hour * HOUR)
    offset = start === exactOffset(zone, hour * HOUR + HOUR - 1) ? start : Number.NaN
    hours.set(hour, offset)
  }
  return offset
}

/**
 * The zone's UTC offset (milliseconds) at an instant: exactly
 * `DateTime.zonedOffset(DateTime.unsafeMakeZoned(epochMillis, { timeZone: zone }))`.
 *
 * @since 0.1.0
 * @category getters
 */
export const offsetAt = (zone: DateTime.TimeZone, epochMillis: number): number => {
  if (zone._tag === "Offset") return zone.offset
  const offset = offsetOfHour(zone, Math.floor(epochMillis / HOUR))
  return Number.isNaN(offset) ? exactOffset(zone, epochMillis) : offset
}

/**
 * The zone's offset when it is the same throughout `[from, to]` (epoch milliseconds), `undefined` when it changes
 * within (or may: only whole hours are known to be free of transitions).
 *
 * @since 0.1.0
 * @category getters
 */
export const uniformOffset = (zone: DateTime.TimeZone, from: number, to: number): number | undefined => {
  if (zone._tag === "Offset") return zone.offset
  const first = Math.floor(from / HOUR)
  const offset = offsetOfHour(zone, first)
  if (Number.isNaN(offset)) return undefined
  for (let hour = first + 1; hour <= Math.floor(to / HOUR); hour++) {
    if (offsetOfHour(zone, hour) !== offset) return undefined
  }
  return offset
}

/** Offset zones are interned: a response repeats the same one thousands of times. */
const offsetZones = new Map<number, DateTime.TimeZone.Offset>()

/**
 * The fixed-offset zone for an offset (milliseconds), one shared value per offset (`DateTime.zoneMakeOffset`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const offsetZone = (offsetMillis: number): DateTime.TimeZone.Offset => {
  let zone = offsetZones.get(offsetMillis)
  if (zone === undefined) {
    zone = DateTime.zoneMakeOffset(offsetMillis)
    offsetZones.set(offsetMillis, zone)
  }
  return zone
}

/**
 * The instant with the zone's fixed offset at that instant: what decoding the server's `date('c')` text of it yields.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fixedAt = (zone: DateTime.TimeZone, epochMillis: number): DateTime.Zoned =>
  DateTime.unsafeMakeZoned(epochMillis, { timeZone: offsetZone(offsetAt(zone, epochMillis)) })
