/**
 * PHP 8 value semantics the server's rules depend on: truthiness, string conversion, numeric strings and the
 * `<=>` comparison (`zend_compare`).
 *
 * @internal
 */

const TWO_POW_63 = 2n ** 63n

/** A PHP scalar as it comes out of `json_decode` or a query string. */
type PhpNumber =
  | { readonly _tag: "Long"; readonly value: bigint }
  | { readonly _tag: "Double"; readonly value: number; readonly overflow: -1 | 0 | 1 }

/**
 * PHP truthiness (`if ($value)`): `""`, `"0"`, `0`, `0.0`, `false`, `null` and empty arrays are false.
 *
 * @internal
 */
export const isTruthy = (value: unknown): boolean => {
  if (value === null || value === undefined || value === false) return false
  if (typeof value === "string") return value !== "" && value !== "0"
  if (typeof value === "number") return value !== 0 // NaN is truthy in PHP too
  if (typeof value === "bigint") return value !== 0n
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === "object") return Object.keys(value).length > 0
  return true
}

/**
 * Converts a scalar the way PHP's coercive typing mode passes it to a `string` parameter: integers in decimal, floats
 * with `precision=14` (`1.0E+25`), `true` as `"1"`, `false` as `""`. Arrays, objects and `null` have no string form
 * (PHP would throw a `TypeError` or pass `null`): `undefined`.
 *
 * @internal
 */
export const toPhpString = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return value
    case "boolean":
      return value ? "1" : ""
    case "bigint":
      return value.toString()
    case "number": {
      const n = classifyNumber(value)
      return n._tag === "Long" ? n.value.toString() : doubleToString(n.value)
    }
    default:
      return undefined
  }
}

/**
 * JS numbers that are integers inside the 64-bit range are PHP ints; everything else is a PHP float. An int takes the
 * digits JSON would carry (`String(value)`), not the exact binary value, as PHP reads the JSON text.
 */
const classifyNumber = (value: number): PhpNumber =>
  Number.isInteger(value) && value < 2 ** 63 && value >= -(2 ** 63)
    ? { _tag: "Long", value: BigInt(String(value)) }
    : { _tag: "Double", value, overflow: 0 }

/**
 * PHP's `(string)$float` with the default `precision=14` (`zend_gcvt`): 14 significant digits, exponent form below
 * 1e-4 and from 1e15 on (`1.0E+15`), `INF`, `-INF`, `NAN`.
 *
 * @internal
 */
export const doubleToString = (value: number): string => {
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
 * The shortest digits of `value` rounded to 14 significant digits (`zend_dtoa` mode 2) and the position of the
 * decimal point. `toExponential` breaks exact ties upwards; `zend_dtoa` breaks them to even.
 */
const significantDigits = (value: number): readonly [digits: string, decpt: number] => {
  const [exact, exactExponent] = value.toExponential(99).split("e")
  const exactDigits = exact.replace(".", "")
  const tieToEven = /^50*$/.test(exactDigits.slice(14)) && Number(exactDigits[13]) % 2 === 0
  const [mantissa, exponent] = tieToEven
    ? [exactDigits.slice(0, 14), exactExponent]
    : value.toExponential(13).split("e")
  return [mantissa.replace(".", "").replace(/0+$/, ""), Number(exponent) + 1]
}

const NUMERIC = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/
const WHITESPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g

/**
 * PHP 8's `is_numeric_string` without errors allowed: optional leading and trailing whitespace (` \t\n\r\v\f`), a sign,
 * digits with an optional fraction and exponent. No hex, no trailing garbage. Integers outside the 64-bit range become
 * floats that remember the side they overflowed to.
 *
 * @internal
 */
export const numericString = (s: string): PhpNumber | undefined => {
  const trimmed = s.replace(WHITESPACE, "")
  if (!NUMERIC.test(trimmed)) return undefined
  if (/^[+-]?[0-9]+$/.test(trimmed)) {
    const value = BigInt(trimmed)
    if (value >= -TWO_POW_63 && value < TWO_POW_63) return { _tag: "Long", value }
    return { _tag: "Double", value: Number(trimmed), overflow: value < 0n ? -1 : 1 }
  }
  return { _tag: "Double", value: Number(trimmed), overflow: 0 }
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
 * @internal
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
  return binaryCompare(n._tag === "Long" ? n.value.toString() : doubleToString(n.value), s)
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
 * it), but it is one over ints and strings that start with an ASCII letter, such as Bitrix's user
 * ids and `"chatN"` ids.
 *
 * @internal
 */
export const compare = (a: number | string, b: number | string): -1 | 0 | 1 => {
  if (typeof a === "number") {
    return typeof b === "number"
      ? compareNumbers(classifyNumber(a), classifyNumber(b))
      : compareNumberToString(classifyNumber(a), b)
  }
  return typeof b === "number" ? (-compareNumberToString(classifyNumber(b), a) as -1 | 0 | 1) : compareStrings(a, b)
}

/**
 * ASCII-only upper-casing, like PHP 8.2's `array_change_key_case(..., CASE_UPPER)` (locale-insensitive).
 *
 * @internal
 */
export const asciiUpperCase = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase())
