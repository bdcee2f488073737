import { assert, describe, layer } from "@effect/vitest"
import { ImRecent, TokenStore } from "@im-recent/client"
import * as Target from "@im-recent/contracts/Target"
import { Effect, Option, Redacted } from "effect"

describe("an expired OAuth token against the emulator", () => {
  layer(Target.emulatorWithExpiredToken(), { excludeTestServices: true })((it) => {
    it.effect("is renewed through /oauth/token/, stored, and the call succeeds", () =>
      Effect.gen(function* () {
        const store = yield* TokenStore.TokenStore
        const before = yield* store.load
        const recent = yield* ImRecent.ImRecent
        const { items } = yield* recent.get()
        assert.isTrue(items.length > 0)
        const after = yield* store.load
        assert.isTrue(Option.isSome(before) && Option.isSome(after))
        if (Option.isNone(before) || Option.isNone(after)) return
        assert.notStrictEqual(Redacted.value(after.value.accessToken), Redacted.value(before.value.accessToken))
        assert.notStrictEqual(Redacted.value(after.value.refreshToken), Redacted.value(before.value.refreshToken))
      })
    )
  })
})
