/**
 * The `ONAPPINSTALL` event a portal POSTs to an application's handler right after it is installed: form-encoded
 * `event=ONAPPINSTALL`, `data[...]`, `ts` and `auth[...]` (`access_token`, `refresh_token`, `expires` or `expires_in`,
 * `domain`, `member_id`, `application_token`, `user_id`, `client_endpoint`, `server_endpoint`, `status`, `scope`), as
 * the Bitrix24 REST docs describe it ("OnAppInstall", "Security in handlers"). {@link parse} reads and checks it; a
 * missing or malformed field is refused with an {@link InvalidEvent} that names the field, never its value.
 *
 * @since 0.1.0
 */
import { TokenStore } from "@im-recent/client"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * A checked installation event.
 *
 * @since 0.1.0
 * @category models
 */
export interface InstallEvent {
  /** `auth[domain]` with the port of `auth[client_endpoint]` when it has one: the `Portal` entity's id. */
  readonly portal: string
  /** Where the portal's REST API is: the origin of `auth[client_endpoint]` (default `https://<domain>`). */
  readonly baseUrl: string
  readonly memberId: string
  readonly userId: number
  readonly applicationToken: Redacted.Redacted<string>
  readonly tokens: TokenStore.Tokens
  /** The origin of `auth[server_endpoint]`, where the pair is renewed. */
  readonly oauthServer: string | undefined
  /** The application's client id, when the event names it (`auth[client_id]`, an extension some proxies add). */
  readonly clientId: string | undefined
}

/**
 * The request is not an installation event this handler can use: `field` says which field is missing or wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEvent extends Schema.TaggedError<InvalidEvent>("@im-recent/cluster/InstallEvent/InvalidEvent")(
  "InvalidEvent",
  { field: Schema.String, description: Schema.String }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.field}: ${this.description}`
  }
}

const invalid = (field: string, description: string) => Either.left(new InvalidEvent({ field, description }))

const isLoopback = (host: string) => host === "localhost" || host === "[::1]" || /^127\./.test(host)

const origin = (field: string, value: string | null): Either.Either<URL | undefined, InvalidEvent> => {
  if (value === null || value === "") return Either.right(undefined)
  if (!URL.canParse(value)) return invalid(field, "not a URL")
  const url = new URL(value)
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    return invalid(field, "must be an https URL (plain http only on a loopback host)")
  }
  return Either.right(url)
}

/**
 * Reads an installation event from its form body.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (form: URLSearchParams, now: DateTime.Utc): Either.Either<InstallEvent, InvalidEvent> => {
  const event = form.get("event")
  if (event === null) return invalid("event", "missing: expected ONAPPINSTALL")
  if (event.toUpperCase() !== "ONAPPINSTALL") return invalid("event", "not an installation event (ONAPPINSTALL)")
  const field = (name: string) => {
    const value = form.get(`auth[${name}]`)
    return value === null || value.trim() === "" ? undefined : value.trim()
  }
  for (const name of ["access_token", "refresh_token", "domain", "member_id", "application_token", "user_id"]) {
    if (field(name) === undefined) return invalid(`auth[${name}]`, "missing")
  }
  const domain = field("domain")!
  if (!/^[a-z0-9.-]+(?::\d{1,5})?$/i.test(domain)) return invalid("auth[domain]", "not a host name")
  const userId = Number(field("user_id"))
  if (!Number.isSafeInteger(userId) || userId <= 0) return invalid("auth[user_id]", "not a positive integer")
  const memberId = field("member_id")!
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(memberId)) return invalid("auth[member_id]", "not a member id")
  const expires = field("expires")
  const expiresIn = field("expires_in")
  let expiresAt: DateTime.Utc | undefined
  if (expires !== undefined) {
    if (!/^\d+$/.test(expires)) return invalid("auth[expires]", "not Unix seconds")
    expiresAt = DateTime.unsafeMake(Number(expires) * 1000)
  } else if (expiresIn !== undefined) {
    if (!/^\d+$/.test(expiresIn)) return invalid("auth[expires_in]", "not a number of seconds")
    expiresAt = DateTime.add(now, { seconds: Number(expiresIn) })
  }
  return Either.gen(function* () {
    const client = yield* origin("auth[client_endpoint]", form.get("auth[client_endpoint]"))
    const server = yield* origin("auth[server_endpoint]", form.get("auth[server_endpoint]"))
    const host = domain.toLowerCase()
    if (client !== undefined && client.hostname.toLowerCase() !== host.replace(/:\d+$/, "")) {
      return yield* invalid("auth[client_endpoint]", "is not on auth[domain]")
    }
    const portal = client === undefined ? host : client.host.toLowerCase()
    return {
      portal,
      baseUrl: client === undefined ? `https://${host}` : client.origin,
      memberId,
      userId,
      applicationToken: Redacted.make(field("application_token")!),
      tokens: TokenStore.tokens({
        accessToken: Redacted.make(field("access_token")!),
        refreshToken: Redacted.make(field("refresh_token")!),
        expiresAt
      }),
      oauthServer: server?.origin,
      clientId: field("client_id")
    }
  })
}
