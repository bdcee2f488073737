/**
 * PHP 8.2's `date_parse_from_format` (timelib's `timelib_parse_from_format`) for the format characters Bitrix uses
 * with REST dates: `Y m d H i s` numbers, `P`/`O`/`p`/`T`/`e` zones, `\` escapes, the separators `;:/.,-()` and
 * literals. Works on the UTF-8 bytes, like PHP.
 *
 * Reproduced quirks, all observed with PHP 8.2:
 * - a number field first records "Unexpected data found." when the next byte is not a digit, then skips any
 *   non-digits and reads the digits anyway (`x2026-…` parses, with one error);
 * - minutes and seconds need exactly two digits, the other fields read "up to" their width;
 * - after an error the parser does not stop; a mismatched separator or escape does not consume its byte;
 * - `errors` is keyed by byte position, so a later error at the same position replaces the earlier message while
 *   `error_count` still counts both;
 * - zones: spaces, tabs and `(` are skipped, `GMT+…` loses its `GMT`, `+`/`-` offsets are `H`, `HH`, `H:M`, `HHMM`,
 *   `HH:MM`, `HHMMSS` or `HH:MM:SS` (any other shape is "not found" but still a numeric zone of offset 0); names are
 *   abbreviations (shorter than 6 bytes, from timelib's table) or tz identifiers (any case); `)` is skipped.
 *
 * @internal
 */

/**
 * The parts of `date_parse_from_format`'s result that Bitrix reads.
 *
 * @internal
 */
export interface ParsedDate {
  readonly year: number | undefined
  readonly month: number | undefined
  readonly day: number | undefined
  readonly hour: number | undefined
  readonly minute: number | undefined
  readonly second: number | undefined
  readonly errorCount: number
  /** PHP's `errors`: byte position -> message, in first-insertion order. */
  readonly errors: ReadonlyMap<number, string>
  /** 0 none, 1 numeric offset, 2 abbreviation, 3 identifier. */
  readonly zoneType: 0 | 1 | 2 | 3
  /** Seconds east of UTC; meaningful for `zoneType` 1. */
  readonly zone: number
}

/** Keys of `DateTimeZone::listAbbreviations()` in PHP 8.2 (timelib's `timezonemap.h` plus military letters). */
const ABBREVIATIONS = new Set(
  (
    "acdt acst addt adt aedt aest ahdt ahst akdt akst amt apt ast awdt awst awt bdst bdt bmt bst cast cat cddt cdt " +
    "cemt cest cet cmt cpt cst cwt chst dmt eat eddt edt eest eet emt ept est ewt ffmt fmt gdt gmt gst hdt hkst hkt " +
    "hmt hpt hst hwt iddt idt imt ist jdt jmt jst kdt kmt kst lst mddt mdst mdt mest met mmt mpt msd msk mst mwt nddt " +
    "ndt npt nst nwt nzdt nzmt nzst pddt pdt pkst pkt plmt pmt ppmt ppt pst pwt qmt rmt sast sdmt sjmt smt sst tbmt " +
    "tmt uct utc wast wat wemt west wet wib wita wit wmt yddt ydt ypt yst ywt a b c d e f g h i k l m n o p q r s t u " +
    "v w x y z"
  ).split(" ")
)

/** `_POSIX_TZNAME_MAX` on glibc: longer words are never looked up as abbreviations. */
const MAX_ABBR_LEN = 6

const knownIdentifiers = new Map<string, boolean>()

/** A tz identifier PHP's database knows; approximated by the runtime's ICU data (case-insensitive, like timelib). */
const isIdentifier = (word: string): boolean => {
  if (!/^[A-Za-z][A-Za-z0-9/_+-]*$/.test(word)) return false
  let known = knownIdentifiers.get(word)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: word })
      known = true
    } catch {
      known = false
    }
    knownIdentifiers.set(word, known)
  }
  return known
}

const UNSET = undefined
const encoder = new TextEncoder()

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/** Messages exactly as PHP 8.2 reports them. */
const E = {
  unexpected: "Unexpected data found.",
  year: "A four digit year could not be found",
  month: "A two digit month could not be found",
  day: "A two digit day could not be found",
  hour: "A two digit hour could not be found",
  minute: "A two digit minute could not be found",
  second: "A two digit second could not be found",
  separator: "The separation symbol could not be found",
  escaped: "The escaped character could not be found",
  escape: "Escaped character expected",
  literal: "The format separator does not match",
  zone: "The timezone could not be found in the database",
  trailing: "Trailing data",
  missing: "Not enough data available to satisfy format"
} as const

/**
 * Runs `date_parse_from_format(format, input)`. The input must not contain NUL bytes (PHP 8 throws a `ValueError`).
 *
 * @internal
 */
export const dateParseFromFormat = (format: string, input: string): ParsedDate => {
  const s = encoder.encode(input)
  const end = s.length
  let ptr = 0
  let fptr = 0
  let year: number | undefined = UNSET
  let month: number | undefined = UNSET
  let day: number | undefined = UNSET
  let hour: number | undefined = UNSET
  let minute: number | undefined = UNSET
  let second: number | undefined = UNSET
  let zoneType: 0 | 1 | 2 | 3 = 0
  let zone = 0
  let errorCount = 0
  const errors = new Map<number, string>()
  const error = (position: number, message: string) => {
    errorCount++
    errors.set(position, message)
  }

  /** `timelib_get_nr_ex`: skips non-digits, then reads up to `max` digits. */
  const getNumber = (max: number): { readonly value: number; readonly length: number } | undefined => {
    while (ptr < end && !isDigit(s[ptr])) ptr++
    if (ptr >= end) return undefined
    const begin = ptr
    let value = 0
    while (ptr < end && isDigit(s[ptr]) && ptr - begin < max) value = value * 10 + (s[ptr++] - 48)
    return { value, length: ptr - begin }
  }

  /** `TIMELIB_CHECK_NUMBER` followed by a number of up to `max` digits (exactly `max` when `exact`). */
  const number = (begin: number, max: number, exact: boolean, message: string): number | undefined => {
    if (!isDigit(s[ptr])) error(begin, E.unexpected)
    const n = getNumber(max)
    if (n === undefined || (exact && n.length !== max)) {
      error(begin, message)
      return UNSET
    }
    return n.value
  }

  /**
   * C's `strtol(s + from, NULL, 10)`: skips white space, takes a sign and digits. Like timelib, it may read past the
   * run of digits and colons it was given (`-00:-30` is `+00:30`).
   */
  const strtol = (from: number): number => {
    let i = from
    while (i < end && (s[i] === 32 || (s[i] >= 9 && s[i] <= 13))) i++
    const negative = s[i] === 45
    if (s[i] === 43 || s[i] === 45) i++
    let value = 0
    while (i < end && isDigit(s[i])) value = value * 10 + (s[i++] - 48)
    return negative ? -value : value
  }

  /** `timelib_parse_tz_cor`: seconds, or undefined when the shape is not an offset. */
  const tzCorrection = (): number | undefined => {
    const begin = ptr
    while (ptr < end && (isDigit(s[ptr]) || s[ptr] === 58)) ptr++
    const length = ptr - begin
    const colonAt = (i: number) => s[begin + i] === 58
    switch (length) {
      case 1:
      case 2:
        return strtol(begin) * 3600
      case 3:
      case 4: {
        if (colonAt(1)) return strtol(begin) * 3600 + strtol(begin + 2) * 60
        if (colonAt(2)) return strtol(begin) * 3600 + strtol(begin + 3) * 60
        const hhmm = strtol(begin)
        return Math.trunc(hhmm / 100) * 3600 + (hhmm % 100) * 60
      }
      case 5:
        return colonAt(2) ? strtol(begin) * 3600 + strtol(begin + 3) * 60 : undefined
      case 6: {
        const hhmmss = strtol(begin)
        return Math.trunc(hhmmss / 10000) * 3600 + (Math.trunc(hhmmss / 100) % 100) * 60 + (hhmmss % 100)
      }
      case 8:
        return colonAt(2) && colonAt(5) ? strtol(begin) * 3600 + strtol(begin + 3) * 60 + strtol(begin + 6) : undefined
      default:
        return undefined
    }
  }

  /** `timelib_parse_zone`; returns whether the zone was found. */
  const parseZone = (): boolean => {
    while (ptr < end && (s[ptr] === 32 || s[ptr] === 9 || s[ptr] === 40)) ptr++
    if (s[ptr] === 71 && s[ptr + 1] === 77 && s[ptr + 2] === 84 && (s[ptr + 3] === 43 || s[ptr + 3] === 45)) {
      ptr += 3
    }
    let found: boolean
    if (s[ptr] === 43 || s[ptr] === 45) {
      const negative = s[ptr] === 45
      ptr++
      zoneType = 1
      const seconds = tzCorrection()
      found = seconds !== undefined
      zone = seconds === undefined ? 0 : negative ? -seconds : seconds
    } else {
      const begin = ptr
      while (ptr < end && isWordByte(s[ptr])) ptr++
      let word = ""
      for (let i = begin; i < ptr; i++) word += String.fromCharCode(s[i])
      found = false
      if (word.length < MAX_ABBR_LEN && ABBREVIATIONS.has(word.toLowerCase())) {
        zoneType = 2
        found = true
      }
      if ((!found || word === "UTC") && isIdentifier(word)) {
        zoneType = 3
        found = true
      }
    }
    while (ptr < end && s[ptr] === 41) ptr++
    return found
  }

  while (fptr < format.length && ptr < end) {
    const begin = ptr
    const f = format[fptr]
    switch (f) {
      case "Y":
        year = number(begin, 4, false, E.year)
        break
      case "m":
        month = number(begin, 2, false, E.month)
        break
      case "d":
        day = number(begin, 2, false, E.day)
        break
      case "H":
        hour = number(begin, 2, false, E.hour)
        break
      case "i": {
        const n = number(begin, 2, true, E.minute)
        if (n !== undefined) minute = n
        break
      }
      case "s": {
        const n = number(begin, 2, true, E.second)
        if (n !== undefined) second = n
        break
      }
      case "P":
      case "O":
      case "p":
      case "T":
      case "e":
        if (!parseZone()) error(begin, E.zone)
        break
      case "\\":
        if (fptr + 1 >= format.length) {
          error(begin, E.escape)
          break
        }
        fptr++
        if (s[ptr] !== format.charCodeAt(fptr)) error(begin, E.escaped)
        else ptr++
        break
      case ";":
      case ":":
      case "/":
      case ".":
      case ",":
      case "-":
      case "(":
      case ")":
        if (s[ptr] !== f.charCodeAt(0)) error(begin, E.separator)
        else ptr++
        break
      default:
        if (s[ptr] !== f.charCodeAt(0)) error(begin, E.literal)
        ptr++
    }
    fptr++
  }
  if (ptr < end) error(ptr, E.trailing)
  if (fptr < format.length) error(ptr, E.missing)

  if (hour !== UNSET || minute !== UNSET || second !== UNSET) {
    hour ??= 0
    minute ??= 0
    second ??= 0
  }
  return { year, month, day, hour, minute, second, errorCount, errors, zoneType, zone }
}

/** Bytes timelib accepts in zone abbreviations and identifiers: `A-Z a-z 0-9 / _ - +`. */
const isWordByte = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 47 || c === 95 || c === 45 || c === 43
