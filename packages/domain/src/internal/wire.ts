/**
 * Building blocks for Bitrix24's PHP-flavoured JSON: empty PHP arrays serialise as `[]` whatever they
 * would hold, `false` stands for "none", and old payloads carry numbers as strings.
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { FAIL, FastPathId } from "./fastPath.js"

/** `[]` on the wire (an empty PHP array). */
export const EmptyArray = Schema.Tuple().annotations({ identifier: "EmptyPhpArray" })

/**
 * A sentinel on the wire that stands for "none" and decodes to `null`. Built as a union of the
 * sentinel's own transformation and `schema`, so a real value is decoded once and not validated a
 * second time on the way out of a transformation.
 */
const sentinelAsNull = <S, A, I, R>(
  sentinel: Schema.Schema<S>,
  value: S,
  isSentinel: (input: unknown) => boolean,
  schema: Schema.Schema<A, I, R>
): Schema.Schema<A | null, I | S, R> =>
  Schema.Union(
    Schema.transform(sentinel, Schema.Null, { strict: true, decode: () => null, encode: () => value }).annotations({
      [FastPathId]: (input: unknown) => (isSentinel(input) ? null : FAIL)
    }),
    schema
  )

const isEmptyArray = (input: unknown): boolean => Array.isArray(input) && input.length === 0

/**
 * `[]` stands for "missing" (PHP writes an absent record as an empty array): decodes it to `null`.
 */
export const emptyArrayAsNull = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): Schema.Schema<A | null, I | readonly [], R> => sentinelAsNull(EmptyArray, [] as const, isEmptyArray, schema)

/**
 * A PHP associative array with optional keys: `[]` when it has none. Decodes `[]` to `{}`, encodes an
 * object without own keys back to `[]`.
 */
export const phpObject = <A extends object, I>(struct: Schema.Schema<A, I>): Schema.Schema<A, I | readonly []> => {
  const empty = Schema.transformOrFail(EmptyArray, Schema.typeSchema(struct), {
    strict: false,
    decode: () => ParseResult.succeed({}),
    encode: (value, _, ast) =>
      Object.keys(value).length === 0
        ? ParseResult.succeed([] as const)
        : ParseResult.fail(new ParseResult.Type(ast, value, "Expected an object without keys"))
  })
  // `[]` decodes to `{}` when the struct has no required key (then `{}` passes its type side as it is)
  const ast = struct.ast
  const emptyIsValid =
    AST.isTypeLiteral(ast) && ast.indexSignatures.length === 0 && ast.propertySignatures.every((ps) => ps.isOptional)
  return Schema.Union(
    emptyIsValid ? empty.annotations({ [FastPathId]: (input: unknown) => (isEmptyArray(input) ? {} : FAIL) }) : empty,
    struct
  )
}

/** `""` stands for "none": decodes it to `null`. */
export const emptyStringAsNull = <A, I extends object, R>(
  schema: Schema.Schema<A, I, R>
): Schema.Schema<A | null, I | "", R> =>
  sentinelAsNull(Schema.Literal(""), "" as const, (input) => input === "", schema)

const NUMERIC = /^-?\d+$/

/**
 * An integer that may arrive as a decimal string (older builds and some on-premise portals). Decodes
 * to a number; encodes as a number.
 */
export const LenientInt: Schema.Schema<number, number | string> = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String),
  Schema.Int,
  {
    strict: true,
    decode: (value, _, ast) =>
      typeof value === "number"
        ? ParseResult.succeed(value)
        : NUMERIC.test(value)
          ? ParseResult.succeed(Number(value))
          : ParseResult.fail(new ParseResult.Type(ast, value, `Expected an integer, got ${JSON.stringify(value)}`)),
    encode: ParseResult.succeed
  }
).annotations({
  identifier: "Int",
  [FastPathId]: (input: unknown): unknown => {
    if (typeof input === "number") return Number.isSafeInteger(input) ? input : FAIL
    if (typeof input !== "string" || !NUMERIC.test(input)) return FAIL
    const value = Number(input)
    return Number.isSafeInteger(value) ? value : FAIL
  }
})

/** An integer carried as a decimal string (2017-era payloads): decodes to a number, encodes as a string. */
export const IntString: Schema.Schema<number, string> = Schema.compose(Schema.NumberFromString, Schema.Int, {
  strict: true
}).annotations({ identifier: "IntString" })

/** `false` stands for "none": decodes it to `null`. */
export const falseAsNull = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A | null, I | false, R> =>
  sentinelAsNull(Schema.Literal(false), false as const, (input) => input === false, schema)
