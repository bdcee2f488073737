/**
 * The few PHP value semantics the REST handlers apply to raw parameters: `array_change_key_case(CASE_UPPER)`,
 * `isset`, truthiness, `intval`, `trim` and `==` against a string.
 *
 * @internal
 */

/**
 * The parameters with ASCII-upper-cased names (`array_change_key_case($params, CASE_UPPER)`); when two names differ
 * only in case the later one wins.
 *
 * @internal
 */
export const upperKeys = (params: Readonly<Record<string, unknown>>): ReadonlyMap<string, unknown> => {
  const upper = new Map<string, unknown>()
  for (const key of Object.keys(params)) upper.set(asciiUpper(key), params[key])
  return upper
}

/**
 * A name upper-cased as `array_change_key_case` does it: ASCII letters only.
 *
 * @internal
 */
export const asciiUpper = (key: string): string => key.replace(/[a-z]+/g, (m) => m.toUpperCase())

/**
 * PHP's `isset($value)`: present and not `null`.
 *
 * @internal
 */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null

/**
 * PHP truthiness: `""`, `"0"`, `0`, `false`, `null` and empty arrays are false.
 *
 * @internal
 */
export const isTruthy = (value: unknown): boolean => {
  if (value === null || value === undefined || value === false) return false
  if (typeof value === "string") return value !== "" && value !== "0"
  if (typeof value === "number") return value !== 0
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === "object") return Object.keys(value).length > 0
  return true
}

/**
 * A scalar as PHP passes it to a `string` parameter; arrays, objects and `null` have none.
 *
 * @internal
 */
export const toPhpString = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number"
      ? Number.isInteger(value)
        ? value.toFixed(0)
        : String(value)
      : typeof value === "boolean"
        ? value
          ? "1"
          : ""
        : undefined

const LEADING_NUMBER = /^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/

/**
 * PHP 8's `intval()`: the leading number of a string (`"12abc"` is 12, `"abc"` is 0), booleans as 0/1, arrays as 0/1.
 *
 * @internal
 */
export const intval = (value: unknown): number => {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0
  if (typeof value === "boolean") return value ? 1 : 0
  if (typeof value === "string") {
    const match = LEADING_NUMBER.exec(value)
    if (match === null) return 0
    const n = Math.trunc(Number(match[1]))
    return Number.isFinite(n) ? n : 0
  }
  if (Array.isArray(value)) return value.length > 0 ? 1 : 0
  if (value !== null && typeof value === "object") return 1
  return 0
}

/**
 * PHP's `trim()` with its default characters (space, `\t`, `\n`, `\r`, `\0`, `\x0B`).
 *
 * @internal
 */
export const trim = (s: string): string => {
  let start = 0
  let end = s.length
  while (start < end && TRIMMED.has(s.charCodeAt(start))) start++
  while (end > start && TRIMMED.has(s.charCodeAt(end - 1))) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/** The characters (and bytes) `trim()` removes: space, `\t`, `\n`, `\r`, NUL and vertical tab. @internal */
export const TRIMMED: ReadonlySet<number> = new Set([0x20, 0x09, 0x0a, 0x0d, 0x00, 0x0b])

/**
 * PHP 8's `$value == $string` for a non-numeric string such as `"N"`: strings compare exactly, `true` equals any
 * non-empty string, numbers compare as their decimal text, anything else is unequal.
 *
 * @internal
 */
export const looseEqualsString = (value: unknown, s: string): boolean => {
  if (typeof value === "string") return value === s
  if (typeof value === "boolean") return value === (s !== "" && s !== "0")
  if (typeof value === "number") return toPhpString(value) === s
  if (value === null || value === undefined) return s === ""
  return false
}

/**
 * A number as PHP converts it to a string: integers in full, floats with `precision` = 14 (`%.14G`): `0.1`,
 * `1772086038.0775`, `1.0E-5`, `1.0E+25`.
 *
 * @internal
 */
export const floatToString = (value: number): string => {
  if (Number.isSafeInteger(value)) return String(value)
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NAN" : value > 0 ? "INF" : "-INF"
  const [mantissa, exponentText] = value.toExponential(13).split("e")
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 14) {
    const digits = mantissa.replace(/\.?0+$/, "")
    return `${digits.includes(".") ? digits : `${digits}.0`}E${exponent < 0 ? "-" : "+"}${Math.abs(exponent)}`
  }
  return value.toFixed(13 - exponent).replace(/\.?0+$/, "")
}
