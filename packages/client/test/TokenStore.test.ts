/**
 * Where OAuth token pairs go: the file store (atomic, 0600, written before the renewed token is used), and the type
 * of the OAuth layers, which require a `TokenStore` provided to them.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FetchHttpClient } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Bitrix24, Bitrix24Error, ImRecent, RetrySchedule, TokenStore } from "@im-recent/client"
import { DateTime, Effect, Layer, Option, Redacted } from "effect"
import { http } from "msw"
import * as Msw from "./support/Msw.js"

const ACCESS = "Zq8fileAccessToken"
const REFRESH = "Zq8fileRefreshToken"
const NEW_ACCESS = "Zq8fileNewAccessToken"
const NEW_REFRESH = "Zq8fileNewRefreshToken"

/** A fresh directory, removed with the scope. */
const directory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "im-recent-tokens-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const pair = (access: string, refresh: string, expiresAt?: DateTime.Utc) =>
  TokenStore.tokens({ accessToken: Redacted.make(access), refreshToken: Redacted.make(refresh), expiresAt })

const fileStore = (path: string) => Effect.provide(TokenStore.makeFile(path), NodeFileSystem.layer)

describe("TokenStore.layerFile", () => {
  it.scoped("no file yet: None; save writes the encoded pair with mode 0600 and no temporary file left", () =>
    Effect.gen(function* () {
      const dir = yield* directory
      const path = join(dir, "tokens.json")
      const store = yield* fileStore(path)
      assert.deepStrictEqual(yield* store.load, Option.none())
      yield* store.save(pair(ACCESS, REFRESH, DateTime.unsafeMake("2026-03-01T10:00:00Z")))
      assert.deepStrictEqual(JSON.parse(readFileSync(path, "utf8")), {
        accessToken: ACCESS,
        refreshToken: REFRESH,
        expiresAt: "2026-03-01T10:00:00.000Z"
      })
      assert.strictEqual(statSync(path).mode & 0o777, 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["tokens.json"])
      const loaded = Option.getOrThrow(yield* store.load)
      assert.strictEqual(Redacted.value(loaded.accessToken), ACCESS)
      assert.strictEqual(loaded.expiresAt?.epochMillis, Date.parse("2026-03-01T10:00:00Z"))

      // a second save replaces the file whole, and a file made readable by others becomes the owner's again
      chmodSync(path, 0o644)
      yield* store.save(pair(NEW_ACCESS, NEW_REFRESH))
      assert.deepStrictEqual(JSON.parse(readFileSync(path, "utf8")), {
        accessToken: NEW_ACCESS,
        refreshToken: NEW_REFRESH
      })
      assert.strictEqual(statSync(path).mode & 0o777, 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["tokens.json"])
    })
  )

  it.scoped(
    "a file that holds no pair fails to load, without showing what it holds; an unwritable place fails to save",
    () =>
      Effect.gen(function* () {
        const dir = yield* directory
        const path = join(dir, "tokens.json")
        writeFileSync(path, JSON.stringify({ accessToken: ACCESS }))
        const error = yield* Effect.flip((yield* fileStore(path)).load)
        assert.instanceOf(error, Bitrix24Error.TokenStoreError)
        assert.strictEqual(error.operation, "load")
        assert.include(error.message, `${path} does not hold a token pair`)
        assert.notInclude(error.message, ACCESS)
        writeFileSync(path, `{"accessToken": "${ACCESS}", `)
        assert.notInclude((yield* Effect.flip((yield* fileStore(path)).load)).message, ACCESS)

        const nowhere = join(dir, "missing", "tokens.json")
        const failed = yield* Effect.flip((yield* fileStore(nowhere)).save(pair(ACCESS, REFRESH)))
        assert.strictEqual(failed.operation, "save")
        assert.notInclude(failed.message, ACCESS)
        assert.deepStrictEqual(readdirSync(dir), ["tokens.json"])
      })
  )

  it.scoped(
    "with OAuth: the pair in the file wins over the given one, and a renewed pair is in the file before its access token is sent",
    () =>
      Effect.gen(function* () {
        const dir = yield* directory
        const path = join(dir, "tokens.json")
        yield* (yield* fileStore(path)).save(pair(ACCESS, REFRESH))
        const msw = yield* Msw.Msw
        const oauthBase = `https://${Msw.uniqueHost("oauth")}`
        const refreshed: Array<string> = []
        yield* msw.use(
          http.post(`${oauthBase}/oauth/token/`, async ({ request }) => {
            refreshed.push(new URLSearchParams(await request.text()).get("refresh_token") ?? "")
            return Msw.json({
              ...Msw.fixture<Record<string, unknown>>("oauth.token.refresh_token.en.json"),
              access_token: NEW_ACCESS,
              refresh_token: NEW_REFRESH,
              expires_in: 3600
            })
          })
        )
        /** What the file held when each access token reached the portal. */
        const fileAtArrival: Array<string> = []
        const portal = yield* Msw.fakePortal((request) => {
          fileAtArrival.push(JSON.parse(readFileSync(path, "utf8")).accessToken)
          return request.json.auth === NEW_ACCESS
            ? Msw.ok([])
            : Msw.envelope(401, "expired_token", "The access token provided has expired")
        })
        const layer = ImRecent.layer.pipe(
          Layer.provide(
            Bitrix24.layerOAuth(
              {
                portalUrl: portal.origin,
                oauthServerUrl: oauthBase,
                clientId: "local.app",
                clientSecret: Redacted.make("client-secret"),
                // the environment's pair: the file's wins
                tokens: pair("stale-env-access", "stale-env-refresh")
              },
              { retry: RetrySchedule.none }
            )
          ),
          Layer.provide(TokenStore.layerFile(path)),
          Layer.provide(Layer.merge(FetchHttpClient.layer, NodeFileSystem.layer))
        )
        yield* Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get()).pipe(Effect.provide(layer))
        assert.deepStrictEqual(
          portal.requests.map((request) => request.json.auth),
          [ACCESS, NEW_ACCESS]
        )
        assert.deepStrictEqual(refreshed, [REFRESH])
        assert.deepStrictEqual(fileAtArrival, [ACCESS, NEW_ACCESS])
        assert.strictEqual(JSON.parse(readFileSync(path, "utf8")).refreshToken, NEW_REFRESH)
      }).pipe(Effect.provide(Msw.layer))
  )
})

describe("the OAuth layers' types", () => {
  const oauth = Bitrix24.layerOAuth({
    portalUrl: "https://portal.example.test",
    clientId: "local.app",
    clientSecret: Redacted.make("client-secret"),
    tokens: pair(ACCESS, REFRESH)
  })
  const program = Effect.flatMap(ImRecent.ImRecent, (recent) => recent.get())

  it("require a TokenStore provided to them: merged beside, the requirement stays open (checked by pnpm check)", () => {
    const provided = ImRecent.layer.pipe(
      Layer.provide(Layer.provide(oauth, TokenStore.layerInMemoryOnly())),
      Layer.provide(FetchHttpClient.layer)
    )
    const merged = ImRecent.layer.pipe(
      Layer.provide(Layer.merge(oauth, TokenStore.layerInMemoryOnly())),
      Layer.provide(FetchHttpClient.layer)
    )
    const run = (effect: Effect.Effect<unknown, unknown>) => effect
    run(Effect.provide(program, provided))
    // @ts-expect-error the store merged beside the transport does not reach it: TokenStore is still required
    run(Effect.provide(program, merged))
    const noStore = Effect.provide(
      program,
      ImRecent.layer.pipe(Layer.provide(oauth), Layer.provide(FetchHttpClient.layer))
    )
    // @ts-expect-error no store at all
    run(noStore)
    const fromEnvironment = Bitrix24.layerConfig({ tokenStore: TokenStore.layerFile("tokens.json") })
    const noFileSystem = Effect.provide(
      program,
      ImRecent.layer.pipe(Layer.provide(fromEnvironment), Layer.provide(FetchHttpClient.layer))
    )
    // @ts-expect-error the file store needs a FileSystem
    run(noFileSystem)
    const withFileSystem = ImRecent.layer.pipe(
      Layer.provide(fromEnvironment),
      Layer.provide(Layer.merge(FetchHttpClient.layer, NodeFileSystem.layer))
    )
    run(Effect.provide(program, withFileSystem))
    // a webhook from the environment needs nothing more
    const webhook = ImRecent.layer.pipe(Layer.provide(Bitrix24.layerConfig()), Layer.provide(FetchHttpClient.layer))
    run(Effect.provide(program, webhook))
    assert.isTrue(Layer.isLayer(merged))
  })
})
