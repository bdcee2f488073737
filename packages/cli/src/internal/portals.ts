/**
 * What `im-recent portals add|list` run, loaded with a dynamic import (`@im-recent/cluster`, `@im-recent/sql` and the
 * driver are read only by these commands).
 */
import * as PortalRegistry from "@im-recent/cluster/PortalRegistry"
import { Database } from "@im-recent/sql"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as CliError from "../CliError.js"

const databaseError = (error: Database.DatabaseError): CliError.UsageError | CliError.DatabaseError =>
  error.reason === "unknown-scheme" || error.reason === "bad-url"
    ? CliError.usage(`--db ${error.message}`)
    : new CliError.DatabaseError({ message: `the database ${error.message}` })

const registryError = (error: PortalRegistry.RegistryError): CliError.UsageError | CliError.DatabaseError =>
  error.reason === "bad-webhook"
    ? CliError.usage(`webhook-url: ${error.message}`)
    : new CliError.DatabaseError({ message: error.message })

const withRegistry = <A, E>(url: string, effect: Effect.Effect<A, E, PortalRegistry.PortalRegistry>) =>
  Effect.provide(
    effect,
    PortalRegistry.layer.pipe(Layer.provide(Database.layer(url).pipe(Layer.mapError(databaseError))))
  )

export const add = (url: string, webhook: string) =>
  withRegistry(
    url,
    Effect.gen(function* () {
      const registry = yield* PortalRegistry.PortalRegistry
      const user = yield* registry.addWebhook(Redacted.make(webhook.trim())).pipe(Effect.mapError(registryError))
      yield* Console.log(`registered ${PortalRegistry.describeUser(user)} of ${user.portal} in ${Database.mask(url)}`)
    })
  )

export const list = (url: string) =>
  withRegistry(
    url,
    Effect.gen(function* () {
      const registry = yield* PortalRegistry.PortalRegistry
      const portals = yield* registry.list.pipe(Effect.mapError(registryError))
      if (portals.length === 0) {
        yield* Console.log(
          `no portals registered in ${Database.mask(url)} (im-recent portals add --db URL WEBHOOK-URL)`
        )
        return
      }
      for (const portal of portals) {
        for (const line of PortalRegistry.describePortal(portal)) yield* Console.log(line)
      }
    })
  )

/** Whether any portal is registered in the database (the database opened, its schema brought up to date). */
export const hasPortals = (url: string) =>
  withRegistry(
    url,
    Effect.flatMap(PortalRegistry.PortalRegistry, (registry) => registry.list).pipe(
      Effect.mapError(registryError),
      Effect.map((portals) => portals.length > 0)
    )
  )
