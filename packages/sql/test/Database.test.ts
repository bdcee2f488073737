import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { inject } from "vitest"
import { Database } from "../src/index.js"
import { pg, skipNote } from "./support/Databases.js"

const failure = (url: string) =>
  Effect.scoped(Layer.build(Database.layer(url))).pipe(
    Effect.flip,
    Effect.filterOrDieMessage(
      (error): error is Database.DatabaseError => error._tag === "DatabaseError",
      "expected a DatabaseError"
    )
  )

const temporary = () => Fs.mkdtempSync(Path.join(Os.tmpdir(), "im-recent-db-"))

describe("Database.parse", () => {
  it("reads sqlite: paths and Postgres URLs", () => {
    expect(Database.parse("sqlite:./im-recent.db")).toEqual(
      Either.right({ _tag: "Sqlite", filename: "./im-recent.db" })
    )
    expect(Database.parse("sqlite:/var/lib/x.db")).toEqual(Either.right({ _tag: "Sqlite", filename: "/var/lib/x.db" }))
    expect(Database.parse("sqlite:///var/lib/x.db")).toEqual(
      Either.right({ _tag: "Sqlite", filename: "/var/lib/x.db" })
    )
    const postgres = Database.parse("postgresql://app:s3cret@db.example:5433/mirror")
    expect(Either.isRight(postgres) && postgres.right._tag === "Postgres" && postgres.right.display).toBe(
      "postgresql://app:***@db.example:5433/mirror"
    )
  })

  it("refuses an unknown scheme, naming it and the accepted forms", () => {
    const refusal = (url: string) => Either.getLeft(Database.parse(url)).pipe(Option.getOrThrow)
    const mysql = refusal("mysql://root:pw@localhost/db")
    expect(mysql.reason).toBe("unknown-scheme")
    expect(mysql.message).toBe(
      'mysql://root:***@localhost/db: unsupported scheme "mysql:": use sqlite:<file> (e.g. sqlite:./im-recent.db) or postgres://user:password@host:port/database'
    )
    expect(refusal("im-recent.db").reason).toBe("unknown-scheme")
    expect(refusal("sqlite:").reason).toBe("bad-url")
    expect(refusal("postgres://").reason).toBe("bad-url")
  })

  it.prop(
    "never shows a Postgres password",
    [
      Schema.String.pipe(
        Schema.minLength(3),
        Schema.filter((s) => !/\*\*\*/.test(s))
      )
    ],
    ([password]) => {
      const url = `postgres://app:${encodeURIComponent(password)}@db.example:5432/mirror`
      const masked = Database.mask(url)
      expect(masked).not.toContain(encodeURIComponent(password))
      expect(masked).toContain("app:***@db.example:5432/mirror")
    }
  )
})

describe("Database.layer on SQLite", () => {
  it.effect("creates the file with the schema, and opens it again", () => {
    const file = Path.join(temporary(), "mirror.db")
    return Effect.gen(function* () {
      for (let round = 0; round < 2; round++) {
        const tables = yield* Effect.scoped(
          Effect.flatMap(Layer.build(Database.layer(`sqlite:${file}`)), (context) =>
            Effect.provide(
              Effect.flatMap(
                SqlClient.SqlClient,
                (sql) =>
                  sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'im_recent_item'`
              ),
              context
            )
          )
        )
        expect(tables).toEqual([{ name: "im_recent_item" }])
      }
    })
  })

  it.effect("a corrupt file: reason corrupt", () => {
    const file = Path.join(temporary(), "corrupt.db")
    Fs.writeFileSync(
      file,
      "this is not a database, just some text that is long enough to be read as a header".repeat(20)
    )
    return Effect.map(failure(`sqlite:${file}`), (error) => {
      expect(error.reason).toBe("corrupt")
      expect(error.message).toContain(`sqlite:${file}: not a SQLite database`)
    })
  })

  it.effect("a file in a directory that does not exist: reason unreachable", () =>
    Effect.map(failure(`sqlite:${Path.join(temporary(), "missing", "x.db")}`), (error) => {
      expect(error.reason).toBe("unreachable")
      expect(error.message).toContain("directory does not exist")
    })
  )

  it("a read-only file: reason read-only (run as nobody when the tests run as root, who may write anything)", () => {
    const directory = temporary()
    const file = Path.join(directory, "ro.db")
    Fs.writeFileSync(file, "")
    execFileSync(process.execPath, [
      "--import",
      "tsx",
      Path.join(import.meta.dirname, "support/openDatabase.ts"),
      `sqlite:${file}`
    ])
    Fs.chmodSync(file, 0o444)
    Fs.chmodSync(directory, 0o755)
    const asRoot = process.getuid?.() === 0
    const command = asRoot ? "runuser" : process.execPath
    const args = [
      ...(asRoot ? ["-u", "nobody", "--", process.execPath] : []),
      "--import",
      "tsx",
      Path.join(import.meta.dirname, "support/openDatabase.ts"),
      `sqlite:${file}`
    ]
    const answer = JSON.parse(execFileSync(command, args, { env: { ...process.env, HOME: directory } }).toString())
    expect(answer).toMatchObject({ ok: false, error: { error: { reason: "read-only" } } })
  })
})

describe.skipIf(pg.skip !== undefined)(`Database.layer on Postgres${skipNote(pg)}`, () => {
  const base = () => new URL(inject("postgresUrl")!)

  it.effect("connects, and brings the schema up to date", () => {
    const { location } = pg.fresh()
    return Effect.scoped(
      Effect.flatMap(Layer.build(Database.layer(location)), (context) =>
        Effect.provide(
          Effect.map(
            Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ n: string }>`SELECT count(*) AS n FROM im_recent_item`),
            (rows) => expect(Number(rows[0]!.n)).toBe(0)
          ),
          context
        )
      )
    )
  })

  it.effect("a wrong password: reason authentication, the password in no message", () => {
    const url = base()
    url.password = "wrong-password-1234"
    return Effect.map(failure(url.toString()), (error) => {
      expect(error.reason).toBe("authentication")
      expect(error.message).toContain("password authentication failed")
      expect(error.message).toContain("postgres:***@")
      expect(JSON.stringify(error)).not.toContain("wrong-password-1234")
    })
  })

  it.effect("a database that does not exist: reason not-found", () => {
    const url = base()
    url.pathname = "/no_such_database"
    return Effect.map(failure(url.toString()), (error) => {
      expect(error.reason).toBe("not-found")
      expect(error.message).toContain('"no_such_database" does not exist')
    })
  })

  it.effect("no server on the port: reason unreachable", () => {
    const url = base()
    url.port = "1"
    return Effect.map(failure(url.toString()), (error) => {
      expect(error.reason).toBe("unreachable")
      expect(error.message).toContain("ECONNREFUSED")
      expect(JSON.stringify(error)).not.toContain(base().password)
    })
  })
})
