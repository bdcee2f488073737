/**
 * One runner process for the multi-runner tests: `tsx runner.ts <db-url> <listen host:port> <http host:port>`, the
 * OAuth application from BITRIX24_CLIENT_ID / BITRIX24_CLIENT_SECRET, rounds every second. What `im-recent mirror
 * --db --listen --http` runs, without the CLI around it.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import { Mirror, Runner } from "../../src/index.js"

const [db, listen, http] = process.argv.slice(2)
const listenAddress = Either.getOrThrow(Runner.parseAddress(listen!))
const httpAddress = Either.getOrThrow(Runner.parseAddress(http!))

Layer.launch(
  Mirror.layer({
    db: db!,
    listen: listenAddress,
    http: { host: httpAddress.host, port: httpAddress.port },
    interval: "1 second",
    application: {
      clientId: process.env.BITRIX24_CLIENT_ID!,
      clientSecret: Redacted.make(process.env.BITRIX24_CLIENT_SECRET!)
    }
  }).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Info)))
).pipe(NodeRuntime.runMain)
