/**
 * PHP 8 value semantics the server's rules depend on, for values as they come off the wire (`json_decode` or a query
 * string): `isset`, truthiness, string conversion, `intval`, numeric strings, `trim`, `==` against a string, the `<=>`
 * comparison (`zend_compare`) and `array_change_key_case(CASE_UPPER)`.
 *
 * A JS number stands for a PHP int when it is an integer inside the 64-bit range (what `json_decode` makes of such a
 * literal) and for a float otherwise. Strings convert floats with the default `precision=14` (`echo 0.1 + 0.2` prints
 * `0.3`); only `var_dump`, `var_export` and `json_encode` use the shortest round-trip form (`serialize_precision=-1`).
 * The test suite replays what PHP 8.2 itself answers for each function (`test/fixtures/php-oracle.php`).
 *
 * @since 0.1.0
 */

const TWO_POW_63 = 2n ** 63n
const TWO_POW_64 = 2n ** 64n

/**
 * A PHP number: an int (`Long`) or a float (`Double`). A float made from an integer string outside the 64-bit range
 * remembers the side it overflowed to (`zend_compare` needs it).
 *
 * @since 0.1.0
 * @category models
 */
export type PhpNumber =
  | { readonly _tag: "Long"; readonly value: bigint }
  | { readonly _tag: "Double"; readonly value: number; readonly overflow: -1 | 0 | 1 }

/**
 * `isset($value)`: present and not `null`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null

/**
 * Truthiness (`if ($value)`): `""`, `"0"`, `0`, `0.0`, `false`, `null` and empty arrays are false; `"00"`, `"0.0"`,
 * `" "` and `NAN` are true.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTruthy = (value: unknown): boolean => {
  if (value === null || value === undefined || value === false) return false
  if (typeof value === "string") return value !== "" && value !== "0"
  if (typeof value === "number") return value !== 0
  if (typeof value === "bigint") return value !== 0n
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === "object") return Object.keys(value).length > 0
  return true
}

/**
 * What a JS number is in PHP: an int when it is an integer inside the 64-bit range, a float otherwise. An int takes
 * the digits JSON carries (`String(value)`), not the exact binary value, as PHP reads the JSON text.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromNumber = (value: number): PhpNumber =>
  Number.isInteger(value) && value < 2 ** 63 && value >= -(2 ** 63)
    ? { _tag: "Long", value: BigInt(String(value)) }
    : { _tag: "Double", value, overflow: 0 }

/**
 * A scalar converted the way PHP's coercive typing mode passes it to a `string` parameter (`(string) $value`):
 * strings as they are, ints in decimal, floats by {@link floatToString}, `true` as `"1"`, `false` as `""`. Arrays,
 * objects and `null` have no string form (PHP would throw a `TypeError` or pass `null`): `undefined`.
 *
 * @since 0.1.0
 * @category conversions
 */
export function toPhpString(value: string | number | bigint | boolean): string
export function toPhpString(value: unknown): string | undefined
export function toPhpString(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value
    case "boolean":
      return value ? "1" : ""
    case "bigint":
      return value.toString()
    case "number": {
      const n = fromNumber(value)
      return n._tag === "Long" ? n.value.toString() : floatToString(n.value)
    }
    default:
      return undefined
  }
}

/**
 * `(string) $float` with the default `precision=14` (`zend_gcvt` over `zend_dtoa` mode 2): 14 significant digits, ties
 * to even, the exponent form below `1.0E-4` and from `1.0E+15` on, `INF`, `-INF`, `NAN`, `-0`. An integral float
 * always converts as a float (`1.0E+15`, not `1000000000000000`); see {@link toPhpString} for JSON numbers.
 *
 * @since 0.1.0
 * @category conversions
 */
export const floatToString = (value: number): string => {
  if (Number.isNaN(value)) return "NAN"
  if (!Number.isFinite(value)) return value > 0 ? "INF" : "-INF"
  const sign = value < 0 || Object.is(value, -0) ? "-" : ""
  if (value === 0) return `${sign}0`
  const [digits, decpt] = significantDigits(Math.abs(value))
  if (decpt < -3 || decpt > 14) {
    const e = decpt - 1
    return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${e < 0 ? "-" : "+"}${Math.abs(e)}`
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`
  if (digits.length <= decpt) return `${sign}${digits}${"0".repeat(decpt - digits.length)}`
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
}

/**
 * The digits of `value` rounded to 14 significant digits and the position of the decimal point, as `zend_dtoa` mode 2
 * gives them. `toExponential` breaks exact ties upwards; `zend_dtoa` breaks them to even, and when it rounds an exact
 * tie of an integer below `1e15` down it keeps the trailing zeros (its "small integer" path does not strip them:
 * `100000000000005.0` prints as `1.0000000000000E+14`).
 */
const significantDigits = (value: number): readonly [digits: string, decpt: number] => {
  const [exact, exactExponent] = value.toExponential(99).split("e")
  const exactDigits = exact.replace(".", "")
  if (/^50*$/.test(exactDigits.slice(14)) && Number(exactDigits[13]) % 2 === 0) {
    const kept = exactDigits.slice(0, 14)
    const integral = Number.isInteger(value) && value < 1e15
    return [integral ? kept : kept.replace(/0+$/, ""), Number(exactExponent) + 1]
  }
  const [mantissa, exponent] = value.toExponential(13).split("e")
  return [mantissa.replace(".", "").replace(/0+$/, ""), Number(exponent) + 1]
}

const WHITESPACE = " \t\n\r\v\f"
const LEADING_WHITESPACE = /^[ \t\n\r\v\f]+/
const NUMERIC_PREFIX = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/
const INTEGER = /^[+-]?[0-9]+$/

/** The number at the start of `s` after white space (`_is_numeric_string_ex`), and whether only white space follows. */
const numericPrefix = (s: string): { readonly number: PhpNumber; readonly whole: boolean } | undefined => {
  const start = s.replace(LEADING_WHITESPACE, "")
  const match = NUMERIC_PREFIX.exec(start)
  if (match === null) return undefined
  const text = match[0]
  let rest = match[0].length
  while (rest < start.length && WHITESPACE.includes(start[rest])) rest++
  const whole = rest === start.length
  if (INTEGER.test(text)) {
    const value = BigInt(text)
    return value >= -TWO_POW_63 && value < TWO_POW_63
      ? { number: { _tag: "Long", value }, whole }
      : { number: { _tag: "Double", value: Number(text), overflow: value < 0n ? -1 : 1 }, whole }
  }
  return { number: { _tag: "Double", value: Number(text), overflow: 0 }, whole }
}

/**
 * PHP 8's numeric strings (`is_numeric`): optional leading and trailing white space (` \t\n\r\v\f`), a sign, digits
 * with an optional fraction and exponent. No hex, no trailing garbage. Integers outside the 64-bit range become floats
 * that remember the side they overflowed to.
 *
 * @since 0.1.0
 * @category conversions
 */
export const numericString = (s: string): PhpNumber | undefined => {
  const prefix = numericPrefix(s)
  return prefix?.whole ? prefix.number : undefined
}

/**
 * `(int) $float` (`zend_dval_to_lval`): truncated; `INF`, `-INF` and `NAN` are 0; outside the 64-bit range the value
 * wraps around modulo 2^64.
 */
const floatToInt = (value: number): bigint => {
  if (!Number.isFinite(value)) return 0n
  const truncated = BigInt(Math.trunc(value))
  if (truncated >= -TWO_POW_63 && truncated < TWO_POW_63) return truncated
  const wrapped = ((truncated % TWO_POW_64) + TWO_POW_64) % TWO_POW_64
  return wrapped >= TWO_POW_63 ? wrapped - TWO_POW_64 : wrapped
}

/** `zend_dval_to_lval_cap`: like {@link floatToInt} but saturating at the 64-bit bounds. */
const floatToIntCapped = (value: number): bigint =>
  !Number.isFinite(value)
    ? 0n
    : value >= 2 ** 63
      ? TWO_POW_63 - 1n
      : value < -(2 ** 63)
        ? -TWO_POW_63
        : BigInt(Math.trunc(value))

/**
 * `intval($value)` as an exact 64-bit int: a string's leading number after white space (`"12abc"` is 12, `"1e3"` is
 * 1000, `"abc"` is 0; out of range it saturates), a float truncated (out of range it wraps modulo 2^64), booleans as
 * 0/1, `null` as 0, arrays as 0 when empty and 1 otherwise, objects as 1.
 *
 * @since 0.1.0
 * @category conversions
 */
export const intvalExact = (value: unknown): bigint => {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? BigInt(value) : floatToInt(value)
    case "bigint":
      return value
    case "boolean":
      return value ? 1n : 0n
    case "string": {
      const prefix = numericPrefix(value)
      if (prefix === undefined) return 0n
      const n = prefix.number
      return n._tag === "Long" ? n.value : floatToIntCapped(n.value)
    }
    default:
      if (Array.isArray(value)) return value.length > 0 ? 1n : 0n
      return value !== null && typeof value === "object" ? 1n : 0n
  }
}

/**
 * `intval($value)` ({@link intvalExact}) as a JS number: exact within ±2^53, the nearest number beyond (ids, limits
 * and offsets never get there).
 *
 * @since 0.1.0
 * @category conversions
 */
export const intval = (value: unknown): number => {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value
  return Number(intvalExact(value))
}

/**
 * The characters `trim()` removes by default: space, `\t`, `\n`, `\r`, NUL and vertical tab (not `\f`).
 *
 * @since 0.1.0
 * @category constants
 */
export const TRIMMED: ReadonlySet<number> = new Set([0x20, 0x09, 0x0a, 0x0d, 0x00, 0x0b])

/**
 * `trim($s)` with its default characters ({@link TRIMMED}).
 *
 * @since 0.1.0
 * @category conversions
 */
export const trim = (s: string): string => {
  let start = 0
  let end = s.length
  while (start < end && TRIMMED.has(s.charCodeAt(start))) start++
  while (end > start && TRIMMED.has(s.charCodeAt(end - 1))) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/**
 * `$value == $s` for a non-numeric string `$s` such as `"N"`: strings compare exactly, booleans by truthiness, numbers
 * as their decimal text, `null` equals only `""`; arrays and objects are never equal.
 *
 * @since 0.1.0
 * @category predicates
 */
export const looseEqualsString = (value: unknown, s: string): boolean => {
  if (typeof value === "string") return value === s
  if (typeof value === "boolean") return value === isTruthy(s)
  if (typeof value === "number" || typeof value === "bigint") return toPhpString(value) === s
  if (value === null || value === undefined) return s === ""
  return false
}

/**
 * ASCII-only upper-casing, like `array_change_key_case($array, CASE_UPPER)` (locale-insensitive).
 *
 * @since 0.1.0
 * @category conversions
 */
export const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase())

/**
 * The parameters with ASCII-upper-cased names (`array_change_key_case($params, CASE_UPPER)`); when two names differ
 * only in case the later one wins.
 *
 * @since 0.1.0
 * @category conversions
 */
export const upperKeys = (params: Readonly<Record<string, unknown>>): ReadonlyMap<string, unknown> => {
  const upper = new Map<string, unknown>()
  for (const key of Object.keys(params)) upper.set(asciiUpper(key), params[key])
  return upper
}

const sign = (n: number): -1 | 0 | 1 => (n > 0 ? 1 : n < 0 ? -1 : 0)

const compareNumbers = (a: PhpNumber, b: PhpNumber): -1 | 0 | 1 =>
  a._tag === "Long" && b._tag === "Long"
    ? a.value > b.value
      ? 1
      : a.value < b.value
        ? -1
        : 0
    : sign(Number(a.value) - Number(b.value))

/**
 * Byte-wise comparison of the UTF-8 encodings (`zend_binary_strcmp`: `memcmp`, then the shorter string first).
 * UTF-8 byte order is code point order, so this compares code points without encoding.
 *
 * @since 0.1.0
 * @category comparison
 */
export const binaryCompare = (a: string, b: string): -1 | 0 | 1 => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      // Surrogates (U+D800-DFFF) encode code points above U+FFFF: move them above U+E000-FFFF.
      const fx = x >= 0xe000 ? x - 0x800 : x >= 0xd800 ? x + 0x2000 : x
      const fy = y >= 0xe000 ? y - 0x800 : y >= 0xd800 ? y + 0x2000 : y
      return fx < fy ? -1 : 1
    }
  }
  return sign(a.length - b.length)
}

/** `zendi_smart_strcmp`: numerically when both strings are numeric, otherwise byte-wise. */
const compareStrings = (a: string, b: string): -1 | 0 | 1 => {
  const x = numericString(a)
  const y = x === undefined ? undefined : numericString(b)
  if (x === undefined || y === undefined) return binaryCompare(a, b)
  const ox = x._tag === "Double" ? x.overflow : 0
  const oy = y._tag === "Double" ? y.overflow : 0
  // Both overflowed to the same side and the floats cannot tell them apart: compare the digits.
  if (ox !== 0 && ox === oy && Number(x.value) - Number(y.value) === 0) return binaryCompare(a, b)
  if (x._tag === "Long" && y._tag === "Double" && oy !== 0) return oy === 1 ? -1 : 1
  if (x._tag === "Double" && y._tag === "Long" && ox !== 0) return ox === 1 ? 1 : -1
  if (
    x._tag === "Double" &&
    y._tag === "Double" &&
    x.value === y.value &&
    !Number.isFinite(x.value) &&
    !Number.isNaN(x.value)
  ) {
    return binaryCompare(a, b)
  }
  return compareNumbers(x, y)
}

/** `compare_longs_to_string` / `compare_double_to_string`. */
const compareNumberToString = (n: PhpNumber, s: string): -1 | 0 | 1 => {
  const parsed = numericString(s)
  if (parsed !== undefined) return compareNumbers(n, parsed)
  return binaryCompare(n._tag === "Long" ? n.value.toString() : floatToString(n.value), s)
}

/**
 * PHP 8's `$a <=> $b` (`zend_compare`) for ints, floats and strings:
 *
 * - numbers compare numerically;
 * - a number and a numeric string compare numerically;
 * - a number and a non-numeric string compare as strings (the number's decimal form, byte-wise);
 * - two numeric strings compare numerically, any other two strings byte-wise.
 *
 * This is not a total order in general (`10 < "10a"`, `"10a" < "1e1"`, yet `"1e1" == 10`; PHP's sorts live with
 * it), but it is one over ints and strings that start with an ASCII letter, such as Bitrix's user ids and `"chatN"`
 * ids.
 *
 * @since 0.1.0
 * @category comparison
 */
export const compare = (a: number | string, b: number | string): -1 | 0 | 1 => {
  if (typeof a === "number") {
    return typeof b === "number"
      ? compareNumbers(fromNumber(a), fromNumber(b))
      : compareNumberToString(fromNumber(a), b)
  }
  return typeof b === "number" ? (-compareNumberToString(fromNumber(b), a) as -1 | 0 | 1) : compareStrings(a, b)
}
