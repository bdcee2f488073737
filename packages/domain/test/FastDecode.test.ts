import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { AtomDateTime, Chat, FastDecode, RecentGet, RecentItem, RecentList, User } from "@im-recent/domain"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import { emptyArrayAsNull, emptyStringAsNull, falseAsNull, LenientInt, phpObject } from "../src/internal/wire.js"
import { fixtureNames, readFixture } from "./fixtures.js"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** Replaces, removes or adds one value somewhere inside a JSON document. */
const mutate = (document: Json, path: ReadonlyArray<number>, replacement: Json, action: number): Json => {
  if (path.length === 0 || document === null || typeof document !== "object") return replacement
  const [step, ...rest] = path
  if (Array.isArray(document)) {
    if (document.length === 0) return action % 2 === 0 ? [replacement] : document
    const index = step! % document.length
    return document.map((value, i) => (i === index ? mutate(value, rest, replacement, action) : value))
  }
  const record = document as { readonly [key: string]: Json }
  const keys = Object.keys(record)
  if (keys.length === 0) return { extra: replacement }
  const key = keys[step! % keys.length]!
  if (rest.length === 0 && action % 3 === 1) {
    const { [key]: _, ...without } = record
    return without
  }
  if (rest.length === 0 && action % 3 === 2) return { ...record, [`x${step}`]: replacement }
  return { ...record, [key]: mutate(record[key]!, rest, replacement, action) }
}

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, "", "x", "chat1", "2026-02-25T18:30:00+03:00", [], {}),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>
)

const sameAsRegular = <A, I>(
  schema: Schema.Schema<A, I>,
  options?: Parameters<typeof FastDecode.decodeUnknownEither>[1]
) => {
  const fast = FastDecode.decodeUnknownEither(schema, options)
  const regular = Schema.decodeUnknownEither(schema, options)
  return (input: unknown) => {
    // The regular decoder throws on some inputs (its union dispatch calls `String` on the value of a literal key, a
    // TypeError for `{ "toString": null }`): then the fast path must throw the same.
    let b: ReturnType<typeof regular>
    try {
      b = regular(input)
    } catch (error) {
      assert.throws(() => fast(input), (error as Error).message)
      return
    }
    const a = fast(input)
    assert.strictEqual(a._tag, b._tag)
    if (Either.isRight(a) && Either.isRight(b)) assert.deepStrictEqual(a.right, b.right)
    if (Either.isLeft(a) && Either.isLeft(b)) assert.strictEqual(a.left.message, b.left.message)
  }
}

const optionsCases = [undefined, { onExcessProperty: "error" as const }, { exact: true }, { errors: "all" as const }]

describe("FastDecode gives the regular decoder's result", () => {
  for (const options of optionsCases) {
    const label = JSON.stringify(options ?? {})
    for (const [name, schema] of [
      ["RecentItem", RecentItem.RecentItem],
      ["RecentGet.Response", RecentGet.Response],
      ["RecentList.Response", RecentList.Response]
    ] as const) {
      const check = sameAsRegular(schema as Schema.Schema<unknown, unknown>, options)
      const wire = Arbitrary.make(schema as Schema.Schema<unknown, unknown>).map(
        (value) =>
          JSON.parse(JSON.stringify(Schema.encodeSync(schema as Schema.Schema<unknown, unknown>)(value))) as Json
      )
      it.prop(`${name} ${label}: valid documents`, [wire], ([document]) => check(document), {
        fastCheck: { numRuns: 40 }
      })
      it.prop(
        `${name} ${label}: documents with one value replaced, removed or added`,
        [wire, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), jsonValue, fc.nat()],
        ([document, path, replacement, action]) => check(mutate(document, path, replacement, action)),
        { fastCheck: { numRuns: 150 } }
      )
    }
  }

  it("throws where the regular decoder throws", () => {
    const check = sameAsRegular(RecentItem.RecentItem as Schema.Schema<unknown, unknown>, { errors: "all" })
    const fixture = readFixture("im.recent.get.en.json") as { result: ReadonlyArray<Record<string, unknown>> }
    const chat = fixture.result.find((item) => item.type === "chat")!
    check({ ...chat, user: { id: { toString: null } } })
    check({ ...chat, type: { toString: null } })
  })

  it.each(fixtureNames().filter((name) => /^im\.recent\.(get|list)\.(ru|en)\.json$/.test(name)))("%s", (name) => {
    const schema = name.includes(".get.") ? RecentGet.Response : RecentList.Response
    for (const options of optionsCases)
      sameAsRegular(schema as Schema.Schema<unknown, unknown>, options)(readFixture(name))
  })
})

describe("the hand-compiled fast paths give their schema's own result", () => {
  const atomText = Arbitrary.make(AtomDateTime.AtomDateTimeFromSelf).map(AtomDateTime.format)
  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    jsonValue,
    atomText,
    fc
      .tuple(atomText, fc.nat({ max: 25 }), fc.constantFrom(..."0123456789+-:TZ x"))
      .map(([text, i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.constantFrom(
      "0042-03-01T00:00:00+00:00",
      "2024-02-29T23:59:59-12:30",
      "2023-02-29T00:00:00+03:00",
      "2026-13-01T00:00:00+03:00",
      "2026-02-25T24:00:00+03:00",
      "2026-02-25T18:30:00+24:00",
      "2026-02-25T18:30:00Z",
      "2026-02-25 18:30:00+03:00"
    ),
    fc.integer().map(String),
    fc.dictionary(
      fc.oneof(fc.nat().map(String), fc.constantFrom("", "-0", "01", "-1", "1.5", "x", "__proto__")),
      fc.oneof(fc.boolean(), jsonValue)
    ),
    fc.constantFrom({ default_user_record: true }, { a: 1 }, { "1": true, "01": true }, "01-12", "1-12", "01-12 "),
    fc.bigInt().map(String),
    fc.constantFrom("-0", "007", "1e3", " 1", "1.0", "9007199254740991", "9007199254740993", "-", "", "+1"),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      2 ** 53,
      2 ** 53 - 1,
      false,
      true,
      null,
      undefined,
      [],
      {}
    )
  )
  for (const [name, schema] of [
    ["LenientInt", LenientInt],
    ["AtomDateTime", AtomDateTime.AtomDateTime],
    ["AtomDateTimeOrFalse", AtomDateTime.AtomDateTimeOrFalse],
    ["emptyArrayAsNull", emptyArrayAsNull(Schema.String)],
    ["emptyStringAsNull", emptyStringAsNull(Schema.Struct({ a: Schema.Number }))],
    ["falseAsNull", falseAsNull(LenientInt)],
    ["MuteList", Chat.MuteList],
    ["Birthday", User.Birthday],
    ["Options", RecentItem.Options],
    ["phpObject with a required key", phpObject(Schema.Struct({ a: Schema.Number }))]
  ] as const) {
    const check = sameAsRegular(schema as Schema.Schema<unknown, unknown>)
    it.prop(name, [leaf], ([input]) => check(input), { fastCheck: { numRuns: 1000 } })
  }
})

describe("without code generation from strings (CSP, --disallow-code-generation-from-strings)", () => {
  it("every decoder is the regular one: same results, same errors, nothing thrown", () => {
    const run = (flags: ReadonlyArray<string>) =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, "--import", "tsx", "test/support/decodeWithoutCodegen.ts"], {
          cwd: new URL("..", import.meta.url),
          encoding: "utf8"
        })
      )
    assert.deepStrictEqual(run(["--disallow-code-generation-from-strings"]), {
      newFunction: "EvalError: Code generation from strings disallowed for this context",
      compiles: false,
      decoded: 2,
      sameAsRegular: true,
      badIsLeft: true
    })
    assert.deepStrictEqual(run([]), {
      newFunction: "allowed",
      compiles: true,
      decoded: 2,
      sameAsRegular: true,
      badIsLeft: true
    })
    assert.isTrue(FastDecode.compiles())
  })
})

describe("decoded structs are plain objects, built by generated constructors", () => {
  // 8 optional properties: 256 shapes, past the 64 generated builders, so the property-by-property fallback runs too
  const names = ["a", "b", "c", "d", "e", "f", "g", "h"] as const
  const Wide = Schema.Struct({
    id: Schema.Number,
    ...Object.fromEntries(names.map((name) => [name, Schema.optional(Schema.String)]))
  }) as unknown as Schema.Schema<Record<string, unknown>, Record<string, unknown>>
  const check = sameAsRegular(Wide)
  const fast = FastDecode.decodeUnknownEither(Wide)
  it.prop(
    "every shape of a struct with 8 optional properties, in the regular decoder's key order, on Object.prototype",
    [fc.array(fc.subarray([...names]), { minLength: 100, maxLength: 300 })],
    ([shapes]) => {
      for (const [i, shape] of shapes.entries()) {
        const input = Object.fromEntries([...shape.map((name) => [name, name]), ["id", i]])
        check(input)
        const decoded = Either.getOrThrow(fast(input))
        assert.strictEqual(Object.getPrototypeOf(decoded), Object.prototype)
        assert.strictEqual(decoded.constructor, Object)
        assert.deepStrictEqual(Object.keys(decoded), ["id", ...names.filter((name) => shape.includes(name))])
      }
    },
    { fastCheck: { numRuns: 20 } }
  )
})
