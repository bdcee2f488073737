/**
 * PHP's `parse_str`: how a Bitrix24 portal turns a query string or an
 * `application/x-www-form-urlencoded` body into request parameters.
 *
 * Keys carry PHP's bracket syntax (`a[b]=c`, `a[]=x`, `cmd[get_user]=user.get?ID=1`) and decode into nested
 * records and arrays exactly as `php_register_variable_ex` does: `+` and `%XX` are decoded first, then the
 * brackets; spaces and dots in the top-level name become `_`; `[]` appends at the next integer index;
 * canonical integer keys (`"5"`, `"-1"`) become integer keys; an unterminated `[` is kept as `_`; text after a
 * closing `]` that is not another `[` is ignored; a scalar met where an array is needed is replaced by one.
 *
 * Where PHP silently drops input (keys nested deeper than `max_input_nesting_level`, more pairs than
 * `max_input_vars`) or keeps bytes that are not UTF-8, this module fails with a {@link ParamsError} instead, so
 * the emulator can answer with an error envelope rather than run a call on half its parameters.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * Why a parameter set was refused.
 *
 * - `NotUtf8`: a name or value is not valid UTF-8 after percent-decoding;
 * - `TooDeep`: a key nests more bracket levels than `maxDepth` (PHP's `max_input_nesting_level`);
 * - `TooMany`: more pairs than `maxParams` (PHP's `max_input_vars`);
 * - `KeyTooLong`: a decoded key is longer than `maxKeyLength` characters.
 *
 * @since 0.1.0
 * @category errors
 */
export class ParamsError extends Schema.TaggedError<ParamsError>("@im-recent/emulator/ParamsError")("ParamsError", {
  reason: Schema.Literal("NotUtf8", "TooDeep", "TooMany", "KeyTooLong"),
  message: Schema.String
}) {}

/**
 * Bounds on what one request may carry.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limits {
  /** Bracket levels per key; PHP's default `max_input_nesting_level` is 64. */
  readonly maxDepth: number
  /** Pairs per query string or body. */
  readonly maxParams: number
  /** Characters per decoded key. */
  readonly maxKeyLength: number
}

/**
 * `maxDepth` 64 (PHP's default), `maxParams` 10 000, `maxKeyLength` 1 024.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLimits: Limits = { maxDepth: 64, maxParams: 10_000, maxKeyLength: 1_024 }

/**
 * A decoded parameter set: strings, arrays (PHP lists `0..n-1`) and records.
 *
 * @since 0.1.0
 * @category models
 */
export type Params = { readonly [name: string]: unknown }

type Key = string | number

/** A PHP array: ordered keys plus the next free integer index. */
class PhpArray {
  readonly entries = new Map<Key, PhpArray | string>()
  next = 0
  set(key: Key, value: PhpArray | string): void {
    this.entries.set(key, value)
    if (typeof key === "number" && key >= this.next) this.next = key + 1
  }
  append(value: PhpArray | string): void {
    this.set(this.next, value)
  }
}

const INTEGER_KEY = /^(0|-?[1-9][0-9]*)$/

/** `zend_symtable`'s key normalisation: canonical decimal integers become integer keys. */
const normalizeKey = (key: string): Key => {
  if (!INTEGER_KEY.test(key)) return key
  const n = Number(key)
  return Number.isSafeInteger(n) ? n : key
}

const fail = (reason: ParamsError["reason"], message: string) => Either.left(new ParamsError({ reason, message }))

/** `php_register_variable_ex`, raising instead of dropping over-nested keys. */
const register = (root: PhpArray, rawKey: string, value: string, limits: Limits): Either.Either<void, ParamsError> => {
  let start = 0
  while (rawKey.charCodeAt(start) === 32) start++
  const key = rawKey.slice(start)
  const open = key.indexOf("[")
  const base = (open === -1 ? key : key.slice(0, open)).replace(/[ .]/g, "_")
  if (base.length === 0) return Either.void
  if (open === -1) {
    root.set(normalizeKey(base), value)
    return Either.void
  }
  let table = root
  let index: string | undefined = base
  let position = open
  let depth = 0
  for (;;) {
    if (++depth > limits.maxDepth) {
      return fail("TooDeep", `Parameter ${JSON.stringify(base)} is nested deeper than ${limits.maxDepth} levels`)
    }
    const indexStart = position + 1
    let nextIndex: string | undefined
    if (key.charCodeAt(indexStart) === 93) {
      nextIndex = undefined
      position = indexStart
    } else {
      const close = key.indexOf("]", indexStart)
      if (close === -1) {
        if (depth === 1) {
          // Not an index: the `[` and what follows stay part of the name, with ` `, `.`, `[` as `_`.
          index = `${base}_${key.slice(indexStart).replace(/[ .[]/g, "_")}`
        }
        break
      }
      nextIndex = key.slice(indexStart, close)
      position = close
    }
    let child: PhpArray
    if (index === undefined) {
      child = new PhpArray()
      table.append(child)
    } else {
      const normalized = normalizeKey(index)
      const existing = table.entries.get(normalized)
      if (existing instanceof PhpArray) {
        child = existing
      } else {
        child = new PhpArray()
        table.set(normalized, child)
      }
    }
    table = child
    index = nextIndex
    if (key.charCodeAt(position + 1) !== 91) break
    position = position + 1
  }
  if (index === undefined) table.append(value)
  else table.set(normalizeKey(index), value)
  return Either.void
}

const isList = (array: PhpArray): boolean => {
  let expected = 0
  for (const key of array.entries.keys()) {
    if (key !== expected) return false
    expected++
  }
  return true
}

/** Own enumerable property, also for names like `__proto__`. */
const define = (record: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

const toJs = (array: PhpArray): unknown => {
  if (isList(array)) {
    return Array.from(array.entries.values(), (value) => (typeof value === "string" ? value : toJs(value)))
  }
  const record: Record<string, unknown> = {}
  for (const [key, value] of array.entries) {
    define(record, String(key), typeof value === "string" ? value : toJs(value))
  }
  return record
}

const rootToJs = (array: PhpArray): Params => {
  const record: Record<string, unknown> = {}
  for (const [key, value] of array.entries) {
    define(record, String(key), typeof value === "string" ? value : toJs(value))
  }
  return record
}

const utf8 = new TextDecoder("utf-8", { fatal: true })
const hexValue = (code: number): number =>
  code >= 48 && code <= 57
    ? code - 48
    : code >= 65 && code <= 70
      ? code - 55
      : code >= 97 && code <= 102
        ? code - 87
        : -1

/**
 * PHP's `urldecode` over bytes: `+` is a space, `%XX` a byte, a malformed `%` stays as it is; the bytes must
 * then be UTF-8.
 */
const urlDecode = (bytes: Uint8Array, from: number, to: number): string | undefined => {
  let plain = true
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b === 37 || b === 43 || b > 127) {
      plain = false
      break
    }
  }
  if (plain) return utf8.decode(bytes.subarray(from, to))
  const out = new Uint8Array(to - from)
  let n = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b === 43) {
      out[n++] = 32
      continue
    }
    if (b === 37 && i + 2 < to) {
      const hi = hexValue(bytes[i + 1])
      const lo = hexValue(bytes[i + 2])
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo
        i += 2
        continue
      }
    }
    out[n++] = b
  }
  try {
    return utf8.decode(out.subarray(0, n))
  } catch {
    return undefined
  }
}

const encoder = new TextEncoder()

/**
 * The bytes of a query string. Node hands the request line over as latin-1, so characters up to U+00FF are
 * taken as the bytes they stand for; anything above is UTF-8-encoded.
 */
const toBytes = (input: string): Uint8Array => {
  let wide = false
  for (let i = 0; i < input.length; i++) {
    if (input.charCodeAt(i) > 255) {
      wide = true
      break
    }
  }
  if (wide) return encoder.encode(input)
  const bytes = new Uint8Array(input.length)
  for (let i = 0; i < input.length; i++) bytes[i] = input.charCodeAt(i)
  return bytes
}

/**
 * Decodes `a=1&b[]=2&c[d]=3` (a query string without its `?`, or a form body) the way PHP's `parse_str` does.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  input: string | Uint8Array,
  limits: Limits = defaultLimits
): Either.Either<Params, ParamsError> => {
  const bytes = typeof input === "string" ? toBytes(input) : input
  const pairs: Array<readonly [string, string]> = []
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(38, start)
    if (end === -1) end = bytes.length
    if (end > start) {
      if (pairs.length >= limits.maxParams) {
        return fail("TooMany", `More than ${limits.maxParams} parameters`)
      }
      let eq = bytes.indexOf(61, start)
      if (eq === -1 || eq > end) eq = end
      const key = urlDecode(bytes, start, eq)
      const value = eq < end ? urlDecode(bytes, eq + 1, end) : ""
      if (key === undefined || value === undefined) {
        return fail("NotUtf8", "A parameter is not valid UTF-8")
      }
      pairs.push([key, value])
    }
    start = end + 1
  }
  return fromEntries(pairs, limits)
}

/**
 * Builds parameters from already-decoded `name -> value` pairs (the fields of a `multipart/form-data` body),
 * applying PHP's bracket rules to each name.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromEntries = (
  entries: Iterable<readonly [string, string]>,
  limits: Limits = defaultLimits
): Either.Either<Params, ParamsError> => {
  const root = new PhpArray()
  let count = 0
  for (const [key, value] of entries) {
    if (++count > limits.maxParams) return fail("TooMany", `More than ${limits.maxParams} parameters`)
    if (key.length > limits.maxKeyLength) {
      return fail("KeyTooLong", `A parameter name is longer than ${limits.maxKeyLength} characters`)
    }
    const registered = register(root, key, value, limits)
    if (Either.isLeft(registered)) return Either.left(registered.left)
  }
  return Either.right(rootToJs(root))
}
