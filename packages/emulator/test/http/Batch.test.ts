import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Batch } from "@im-recent/domain"
import { Emulator } from "@im-recent/emulator"
import { Effect, Schema } from "effect"
import {
  type Answer,
  base,
  call,
  get,
  hook1,
  httpBuildQuery,
  type Json,
  options,
  postForm,
  postJson,
  secrets
} from "./support.js"

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../contracts/fixtures/${name}`, import.meta.url), "utf8"))

const decode = Schema.decodeUnknownSync(Batch.Response, { onExcessProperty: "error" })

const batchResult = (answer: Answer) => {
  assert.strictEqual(answer.status, 200, answer.text)
  decode(answer.body)
  return answer.body.result as Record<string, Json>
}

/** The shape of a section: `[]`, a list, or the record's keys. */
const shape = (section: unknown) =>
  Array.isArray(section) ? (section.length === 0 ? "[]" : `list(${section.length})`) : Object.keys(section as object)

const hook2 = `${base}/rest/2/${secrets.hook2}`

describe("batch", () => {
  it.effect("named commands, $result references and list totals: the shape of batch.ru.json", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(
          emulator,
          postJson(`${hook1}/batch`, {
            halt: 0,
            cmd: {
              get_user: "user.get?ID=1",
              get_department: "department.get?ID=$result[get_user][UF_DEPARTMENT][0]"
            }
          })
        )
      )
      const documented = fixture("batch.ru.json").result
      for (const name of ["result", "result_error", "result_total", "result_next", "result_time"]) {
        assert.deepStrictEqual(shape(result[name]), shape(documented[name]), name)
      }
      assert.deepStrictEqual(result.result.get_department, [{ ID: "1", NAME: "DEMO", SORT: 500 }])
      assert.deepStrictEqual(result.result_total, { get_department: 1 })
      for (const name of ["get_user", "get_department"]) {
        for (const key of Object.keys(documented.result_time[name])) assert.property(result.result_time[name], key)
      }
    })
  )

  it.effect("commands without the scope, halt=0: exactly batch.error-halt0.ru.json's result", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(
          emulator,
          postJson(`${hook2}/batch`, {
            halt: 0,
            cmd: { get_user: "user.get?ID=1", get_department: "department.get?ID=1" }
          })
        )
      )
      assert.deepStrictEqual(result, fixture("batch.error-halt0.ru.json").result)
    })
  )

  it.effect("halt=1 stops at the first failure: exactly batch.error-halt1.ru.json's result", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(
          emulator,
          postJson(`${hook2}/batch`, {
            halt: 1,
            cmd: { get_user: "user.get?ID=1", get_department: "department.get?ID=1" }
          })
        )
      )
      assert.deepStrictEqual(result, fixture("batch.error-halt1.ru.json").result)
      for (const halt of [true, "1", "true", "Y"]) {
        const again = batchResult(
          yield* call(emulator, postJson(`${hook1}/batch`, { halt, cmd: { a: "test.fail", b: "test.echo" } }))
        )
        assert.deepStrictEqual(shape(again.result), "[]", String(halt))
      }
      const runsAll = batchResult(
        yield* call(emulator, postJson(`${hook1}/batch`, { halt: false, cmd: { a: "test.fail", b: "test.echo" } }))
      )
      assert.deepStrictEqual(shape(runsAll.result), ["b"])
      assert.deepStrictEqual(runsAll.result_error, {
        a: { error: "DIALOG_ID_EMPTY", error_description: "Dialog ID can't be empty" }
      })
    })
  )

  it.effect("form-encoded with PHP keys, values encoded inside each command (CRest's callBatch)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const body = httpBuildQuery({
        cmd: {
          first: `test.echo?${httpBuildQuery({ text: "a&b=c d", FILTER: { ">ID": 5 } })}`,
          second: `test.echo?${httpBuildQuery({ name: "$result[first][params][text]!" })}`
        },
        halt: 0
      })
      const result = batchResult(yield* call(emulator, postForm(`${hook1}/batch.json`, body)))
      assert.deepStrictEqual(result.result.first.params, { text: "a&b=c d", FILTER: { ">ID": "5" } })
      // `\$(result|…)([^\s]*)` runs to the next whitespace: the "!" is part of the reference, which is then whole
      assert.deepStrictEqual(result.result.second.params, { name: "a&b=c d" })
    })
  )

  it.effect("a GET batch with double-encoded commands in the query string", () =>
    Effect.gen(function* () {
      const command = `test.echo?${new URLSearchParams({ q: "x&y" })}`
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(emulator, get(`${hook1}/batch?cmd[a]=${encodeURIComponent(command)}&halt=0`))
      )
      assert.deepStrictEqual(result.result.a.params, { q: "x&y" })
    })
  )

  it.effect("numbered commands give list sections; next and total go to result_next / result_total", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(emulator, postJson(`${hook1}/batch`, { cmd: ["test.list", "test.echo?x=1", "test.list"] }))
      )
      assert.deepStrictEqual(result.result, [{ items: ["a", "b"] }, result.result[1], { items: ["a", "b"] }])
      assert.deepStrictEqual(result.result_total, { 0: 5, 2: 5 })
      assert.deepStrictEqual(result.result_next, { 0: 2, 2: 2 })
      assert.strictEqual(shape(result.result_time), "list(3)")
      assert.deepStrictEqual(result.result_error, [])
    })
  )

  it.effect("more than 50 commands: the first 50 run, the rest fail with ERROR_BATCH_LENGTH_EXCEEDED", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const cmd = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`c${i}`, `test.echo?i=${i}`]))
      const result = batchResult(yield* call(emulator, postJson(`${hook1}/batch`, { cmd })))
      assert.strictEqual(Object.keys(result.result).length, 50)
      assert.deepStrictEqual(result.result_error, {
        c50: { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: "Max batch length exceeded" },
        c51: { error: "ERROR_BATCH_LENGTH_EXCEEDED", error_description: "Max batch length exceeded" }
      })
    })
  )

  it.effect(
    "batch as a command: ERROR_BATCH_METHOD_NOT_ALLOWED; unknown methods (a .json suffix included): ERROR_METHOD_NOT_FOUND (CRestProvider::methodsBatch)",
    () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.make(options())
        const result = batchResult(
          yield* call(
            emulator,
            postJson(`${hook1}/batch`, {
              cmd: {
                inner: "batch?cmd[x]=test.echo",
                inner2: "BATCH.json",
                missing: "no.such.method",
                fine: "test.echo"
              }
            })
          )
        )
        assert.deepStrictEqual(result.result_error, {
          inner: {
            error: "ERROR_BATCH_METHOD_NOT_ALLOWED",
            error_description: "Method is not allowed for batch usage"
          },
          inner2: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" },
          missing: { error: "ERROR_METHOD_NOT_FOUND", error_description: "Method not found!" }
        })
        assert.deepStrictEqual(Object.keys(result.result), ["fine"])
      })
  )

  it.effect("runs the real methods as the batch's caller", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(
        yield* call(
          emulator,
          postJson(`${base}/rest/batch`, {
            auth: secrets.access2,
            cmd: { recent: "im.recent.get", list: "im.recent.list?LIMIT=10", who: "test.echo" }
          })
        )
      )
      assert.strictEqual(result.result.recent[0].id, 1)
      assert.strictEqual(result.result_total.list, -1)
      assert.strictEqual(result.result.who.userId, 2)
    })
  )

  it.effect("no commands: every section empty", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make(options())
      const result = batchResult(yield* call(emulator, postJson(`${hook1}/batch`, {})))
      assert.deepStrictEqual(result, {
        result: [],
        result_error: [],
        result_total: [],
        result_next: [],
        result_time: []
      })
    })
  )
})
