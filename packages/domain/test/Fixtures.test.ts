import { assert, describe, it } from "@effect/vitest"
import {
  Batch,
  CountersGet,
  DialogGet,
  ErrorEnvelope,
  OAuthToken,
  RecentGet,
  RecentList,
  ResponseTime,
  RestResponse
} from "@im-recent/domain"
import { Either, Schema } from "effect"
import { fixtureNames, readFixture } from "./fixtures.js"

const TimeOnly = Schema.Struct({ time: ResponseTime.ResponseTime })

/** Which schema describes each documented fixture. */
const schemaFor = (name: string): Schema.Schema<unknown, unknown> | undefined => {
  const table: ReadonlyArray<readonly [RegExp, Schema.Schema<never, never>]> = [
    [/^im\.recent\.get\.(ru|en)\.json$/, RecentGet.Response as never],
    [/^im\.recent\.get\.legacy-.*\.json$/, RecentGet.LegacyResponse as never],
    [/^im\.recent\.list\.(ru|en)\.json$/, RecentList.Response as never],
    [/^im\.recent\.list\.legacy-.*\.jsonc\.txt$/, RecentList.Result as never],
    [/^im\.dialog\.get\.(ru|en)\.json$/, DialogGet.Response as never],
    [/^im\.dialog\.get\.legacy-.*\.json$/, DialogGet.LegacyResponse as never],
    [/^im\.counters\.get\.(ru|en)\.json$/, CountersGet.Response as never],
    [/^im\.counters\.get\.legacy-.*\.json$/, CountersGet.LegacyResponse as never],
    [/^im\.recent\.(pin|unread|hide)\.(ru|en)\.json$/, RestResponse.BooleanResponse as never],
    [/^batch\..*\.json$/, Batch.Response as never],
    [/^oauth\.token\..*\.json$/, OAuthToken.TokenResponse as never],
    [/^time-object\..*$/, TimeOnly as never],
    [/(^error\.|\.error-|^oauth\.error\.)/, ErrorEnvelope.ErrorEnvelope as never]
  ]
  return table.find(([pattern]) => pattern.test(name))?.[1] as Schema.Schema<unknown, unknown> | undefined
}

const documented = fixtureNames().filter((name) => name !== "system-errors.table.json")

describe("documented fixtures", () => {
  it("every fixture has a schema", () => {
    assert.deepStrictEqual(
      documented.filter((name) => schemaFor(name) === undefined),
      []
    )
  })

  it.each(documented)("%s decodes with every documented field known, and encodes back to itself", (name) => {
    const schema = schemaFor(name)!
    const wire = readFixture(name)
    const decoded = Schema.decodeUnknownEither(schema, { onExcessProperty: "error" })(wire)
    if (Either.isLeft(decoded)) assert.fail(`${name}: ${decoded.left.message}`)
    const encoded = Schema.encodeEither(schema)(decoded.right)
    if (Either.isLeft(encoded)) assert.fail(`${name}: ${encoded.left.message}`)
    assert.deepStrictEqual(encoded.right, wire)
  })
})

describe("the error catalog", () => {
  const table = readFixture("system-errors.table.json") as {
    errors: ReadonlyArray<{ http_status: number; error: string; error_description_text: string }>
  }

  it.each(table.errors)("knows $error", (row) => {
    const known = ErrorEnvelope.lookup(row.error)
    assert.isDefined(known)
    assert.strictEqual(known!.description, row.error_description_text)
    // The chat pages show INVALID_CREDENTIALS with 401, the system table with 403; the catalog follows the method pages.
    assert.strictEqual(known!.status, row.error === "INVALID_CREDENTIALS" ? 401 : row.http_status)
  })

  it("looks codes up ignoring case", () => {
    assert.strictEqual(ErrorEnvelope.lookup("EXPIRED_TOKEN")?.code, "expired_token")
    assert.strictEqual(ErrorEnvelope.lookup("query_limit_exceeded")?.retry, "safe")
  })
})
