import { assert, describe, it } from "@effect/vitest"
import { FastDecode, RecentGet, RecentItem, RecentList } from "@im-recent/domain"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
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
    const a = fast(input)
    const b = regular(input)
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

  it.each(fixtureNames().filter((name) => /^im\.recent\.(get|list)\.(ru|en)\.json$/.test(name)))("%s", (name) => {
    const schema = name.includes(".get.") ? RecentGet.Response : RecentList.Response
    for (const options of optionsCases)
      sameAsRegular(schema as Schema.Schema<unknown, unknown>, options)(readFixture(name))
  })
})
