/**
 * The application's installation handler, `POST /install`: the portal POSTs its `ONAPPINSTALL` event there
 * (form-encoded, see `InstallEvent`). The event is verified as the Bitrix24 docs say ("Security in handlers"): a portal
 * seen for the first time is registered with the event's `application_token`; an event of a known portal must carry
 * the stored `application_token`, and is refused otherwise (nothing is written). Every refusal is an
 * {@link InstallRefused} whose `reason` says why, answered with its HTTP status and a JSON body that names the field,
 * never a secret.
 *
 * @since 0.1.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as InstallEvent from "./InstallEvent.js"
import { type Installed, PortalRegistry } from "./PortalRegistry.js"

/**
 * Why an installation request was refused.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal(
  "not-form",
  "too-large",
  "invalid-event",
  "no-application-token",
  "application-token-mismatch",
  "member-id-mismatch",
  "storage"
)

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

const statuses: Record<Reason, number> = {
  "not-form": 400,
  "invalid-event": 400,
  "too-large": 413,
  "no-application-token": 401,
  "application-token-mismatch": 403,
  "member-id-mismatch": 403,
  storage: 503
}

/**
 * An installation request refused: `reason`, the `field` at fault when there is one, a description without secrets.
 *
 * @since 0.1.0
 * @category errors
 */
export class InstallRefused extends Schema.TaggedError<InstallRefused>(
  "@im-recent/cluster/InstallHandler/InstallRefused"
)("InstallRefused", { reason: Reason, field: Schema.optional(Schema.String), description: Schema.String }) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `installation refused (${this.reason}): ${this.description}`
  }

  /**
   * The HTTP status of the answer: 400 for a malformed request, 401 without an `application_token`, 403 when it does
   * not match, 413 for a body over the limit, 503 when the registry cannot be written.
   *
   * @since 0.1.0
   */
  get status(): number {
    return statuses[this.reason]
  }
}

/** An installation event is a few hundred bytes. */
const maxBody = 64 * 1024

/**
 * Checks and registers an installation event given as its form body.
 *
 * @since 0.1.0
 * @category handlers
 */
export const install = (body: string, now: DateTime.Utc): Effect.Effect<Installed, InstallRefused, PortalRegistry> =>
  Effect.gen(function* () {
    if (body.length > maxBody) {
      return yield* new InstallRefused({ reason: "too-large", description: `the body is over ${maxBody} bytes` })
    }
    const event = yield* Either.mapLeft(
      InstallEvent.parse(new URLSearchParams(body), now),
      (error) =>
        new InstallRefused({
          reason: error.field === "auth[application_token]" ? "no-application-token" : "invalid-event",
          field: error.field,
          description: error.message
        })
    )
    const registry = yield* PortalRegistry
    return yield* registry
      .install(event)
      .pipe(
        Effect.mapError((error) =>
          error.reason === "application-token-mismatch" || error.reason === "member-id-mismatch"
            ? new InstallRefused({ reason: error.reason, field: "auth[application_token]", description: error.message })
            : new InstallRefused({ reason: "storage", description: error.message })
        )
      )
  }).pipe(Effect.withSpan("InstallHandler.install"))

/**
 * The `POST /install` handler: 200 with `{ portal, userId, firstInstall }`, or the refusal's status with
 * `{ error: reason, field, description }`.
 *
 * @since 0.1.0
 * @category handlers
 */
export const handler: Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  HttpServerRequest.HttpServerRequest | PortalRegistry
> = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
  const result = yield* Effect.gen(function* () {
    if (type !== "application/x-www-form-urlencoded") {
      return yield* new InstallRefused({
        reason: "not-form",
        description: "expected a form body (application/x-www-form-urlencoded), as a portal sends its events"
      })
    }
    const body = yield* request.text.pipe(
      Effect.mapError(() => new InstallRefused({ reason: "not-form", description: "the body could not be read" }))
    )
    return yield* install(body, yield* DateTime.now)
  }).pipe(Effect.either)
  if (Either.isRight(result)) {
    yield* Effect.logInfo(`installed on ${result.right.portal}`).pipe(
      Effect.annotateLogs({ user: result.right.userId, first: result.right.firstInstall })
    )
    return yield* HttpServerResponse.json(result.right).pipe(Effect.orDie)
  }
  const refused = result.left
  yield* Effect.logWarning(refused.message)
  return yield* HttpServerResponse.json(
    { error: refused.reason, field: refused.field, description: refused.description },
    { status: refused.status }
  ).pipe(Effect.orDie)
})
