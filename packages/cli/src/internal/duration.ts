/**
 * Durations as people type them on a command line: `500ms`, `10s`, `2m`, `1.5h`, `7d`, a bare number of seconds,
 * or Effect's own form (`10 seconds`, `2 minutes`).
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

const SHORT = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?$/i

const unitMillis: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000
}

/**
 * The duration `text` denotes, or `None`; negative and non-finite values are `None`. A bare number is seconds only
 * with `bareSeconds` (the default).
 */
export const parse = (text: string, options?: { readonly bareSeconds?: boolean }): Option.Option<Duration.Duration> => {
  const trimmed = text.trim()
  const short = SHORT.exec(trimmed)
  if (short !== null) {
    if (short[2] === undefined && options?.bareSeconds === false) return Option.none()
    const millis = Number(short[1]) * unitMillis[(short[2] ?? "s").toLowerCase()]
    return Number.isFinite(millis) ? Option.some(Duration.millis(millis)) : Option.none()
  }
  return Option.filter(Duration.decodeUnknown(trimmed), (d) => Duration.isFinite(d) && Duration.toMillis(d) >= 0)
}

/** `2m 30s`, `500ms`, `1h`: a duration as a short human string. */
export const format = (duration: Duration.Duration): string => {
  const millis = Math.round(Duration.toMillis(duration))
  if (millis < 1000) return `${millis}ms`
  const parts: Array<string> = []
  let rest = Math.floor(millis / 1000)
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60]
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`)
  const fraction = millis % 1000
  if (fraction > 0 && parts.length === 1 && millis < 60_000) return `${(millis / 1000).toString()}s`
  return parts.join(" ")
}
