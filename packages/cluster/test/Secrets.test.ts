/**
 * No secret in what the cluster prints or refuses with: webhook codes, tokens and application_token never appear in a
 * description of a user or portal, nor in an installation event's refusal, whatever their values.
 */
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { InstallEvent, PortalRegistry } from "../src/index.js"

const secret = FastCheck.stringMatching(/^[A-Za-z0-9]{8,64}$/)
const now = DateTime.unsafeMake("2026-01-01T00:00:00Z")

describe("secrets", () => {
  it.prop(
    "a webhook user's and its portal's descriptions never show the code",
    [secret, FastCheck.integer({ min: 1, max: 1e6 })],
    ([code, userId]) => {
      const url = `https://company.bitrix24.com/rest/${userId}/${code}/`
      const user: PortalRegistry.User = {
        portal: "company.bitrix24.com",
        userId,
        auth: { _tag: "Webhook", url: Redacted.make(url) }
      }
      const portal: PortalRegistry.Portal = {
        portal: "company.bitrix24.com",
        baseUrl: "https://company.bitrix24.com",
        memberId: Option.some("a223c6b3710f85df22e9377d6c4f7553"),
        applicationToken: Option.some(Redacted.make(`${code}-app`)),
        clientId: Option.none(),
        oauthServer: Option.none(),
        users: [user]
      }
      const text = [PortalRegistry.describeUser(user), ...PortalRegistry.describePortal(portal)].join("\n")
      expect(text).not.toContain(code)
      expect(text).toContain(`/rest/${userId}/***/`)
    }
  )

  it.prop(
    "an installation event refused for any field never quotes a token",
    [
      secret,
      secret,
      secret,
      FastCheck.constantFrom("event", "auth[domain]", "auth[user_id]", "auth[member_id]", "auth[client_endpoint]")
    ],
    ([access, refresh, application, broken]) => {
      const form = new URLSearchParams({
        event: "ONAPPINSTALL",
        "auth[access_token]": access,
        "auth[refresh_token]": refresh,
        "auth[application_token]": application,
        "auth[domain]": "company.bitrix24.com",
        "auth[member_id]": "m1",
        "auth[user_id]": "1",
        "auth[client_endpoint]": "https://company.bitrix24.com/rest/"
      })
      form.set(broken, broken === "auth[client_endpoint]" ? `http://elsewhere/${access}` : `bad value ${refresh}!`)
      const parsed = InstallEvent.parse(form, now)
      expect(Either.isLeft(parsed)).toBe(true)
      const error = Either.getLeft(parsed).pipe(Option.getOrThrow)
      expect(error.field).toBe(broken)
      for (const value of [access, refresh, application])
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(value)
    }
  )
})
