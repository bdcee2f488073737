/**
 * The HTTP side of a runner (`im-recent mirror --http host:port`):
 *
 * - `GET /health`: `200 {"status":"ok"}` while the runner runs;
 * - `POST /install`: the application's installation handler (`InstallHandler`);
 * - `POST /sync`: one round of every registered portal now, through the cluster (each on the runner that owns it);
 *   answers the rounds' reports when all are done;
 * - `GET /portals`: where each registered portal's entity runs and how its bucket stands (`PortalEntity.Status`);
 *   `runner: null` for a portal whose entity did not answer within a second (its shard is moving).
 *
 * @since 0.1.0
 */
import type * as Sharding from "@effect/cluster/Sharding"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as InstallHandler from "./InstallHandler.js"
import * as PortalEntity from "./PortalEntity.js"
import { PortalRegistry } from "./PortalRegistry.js"
import * as Scheduler from "./Scheduler.js"

const json = (body: unknown, status = 200) => Effect.orDie(HttpServerResponse.json(body, { status }))

const statuses = Effect.gen(function* () {
  const registry = yield* PortalRegistry
  const client = yield* PortalEntity.Portal.client
  const portals = yield* registry.list.pipe(Effect.orDie)
  return yield* Effect.forEach(
    portals,
    (portal) =>
      client(portal.portal)
        .Status()
        .pipe(
          Effect.timeout("1 second"),
          Effect.option,
          Effect.map(Option.getOrElse(() => ({ portal: portal.portal, runner: null })))
        ),
    { concurrency: "unbounded" }
  )
})

/**
 * The routes.
 *
 * @since 0.1.0
 * @category routers
 */
export const router: HttpRouter.HttpRouter<never, PortalRegistry | Sharding.Sharding> = HttpRouter.empty.pipe(
  HttpRouter.get("/health", json({ status: "ok" })),
  HttpRouter.post("/install", InstallHandler.handler),
  HttpRouter.post(
    "/sync",
    Effect.flatMap(Scheduler.syncAll(), (reports) => json({ reports }))
  ),
  HttpRouter.get(
    "/portals",
    Effect.flatMap(statuses, (portals) => json({ portals }))
  )
)

/**
 * Serves {@link router} on the `HttpServer` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, never, HttpServer.HttpServer | PortalRegistry | Sharding.Sharding> =
  HttpServer.serve(router)
